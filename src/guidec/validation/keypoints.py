"""Keypoints: the count the class's schema names, valid visibility flags, inside box and image."""

from __future__ import annotations

import numpy as np

from guidec.table import Shape
from guidec.validation import rule, vcode
from guidec.validation.frame import EDGE_TOL, Frame

G = "keypoints"

V250 = vcode("V250", group=G)
V251 = vcode("V251", group=G)
V252 = vcode("V252", group=G)
V253 = vcode("V253", group=G)
V254 = vcode("V254", group=G)

ALLOWED_FLAGS = {"coco": (0, 1, 2), "binary": (0, 1)}


def class_schemas(f: Frame):
    """(K per class or -1, visibility per class, points per class) with an unknown slot."""
    p = f.project
    ks = [p.keypoint_schemas.get(c.keypoints) if c.keypoints else None for c in p.classes]
    k = f.per_class([len(s.points) if s else -1 for s in ks], dtype=np.int64, fill=-2)
    vis = f.per_class([s.visibility if s else None for s in ks])
    pts = f.per_class([s.points if s else () for s in ks], fill=())
    return k, vis, pts


def labeled_mask(f: Frame) -> np.ndarray:
    """Keypoints that are labeled: flag > 0, or every point for visibility 'none'."""
    _, vis, _ = class_schemas(f)
    flag_none = np.array([v == "none" for v in vis], dtype=bool)[f.cls[f.kp_ann]]
    return (f.t.kp[:, 2] > 0) | flag_none


def _point_name(f: Frame, row: int, k: int) -> str:
    _, _, pts = class_schemas(f)
    names = pts[f.cls[row]]
    j = k - int(f.t.kp_offsets[row])
    return f"'{names[j]}'" if 0 <= j < len(names) else f"#{j + 1}"


@rule(V250, V254, group=G)
def keypoint_count(f: Frame):
    t = f.t
    k, _, _ = class_schemas(f)
    want = k[f.cls]
    carries = (f.kp_n > 0) | (t.shape == Shape.KEYPOINTS)
    for r in np.flatnonzero(carries & (want == -1)):
        yield f.ann(V254, r, f"{f.ann_label(r)} has {int(f.kp_n[r])} keypoints, but class "
                             f"{f.class_name(r)!r} has no keypoint schema")
    for r in np.flatnonzero(carries & (want >= 0) & (f.kp_n != want)):
        c = f.project.classes[f.cls[r]]
        yield f.ann(V250, r, f"{f.ann_label(r)} has {int(f.kp_n[r])} keypoints; schema "
                             f"{c.keypoints!r} of class {c.name!r} has {int(want[r])}")


@rule(V251, group=G)
def keypoint_visibility(f: Frame):
    t = f.t
    if len(t.kp) == 0:
        return
    _, vis, _ = class_schemas(f)
    flags = t.kp[:, 2]
    bad = np.zeros(len(flags), dtype=bool)
    conv = vis[f.cls[f.kp_ann]]
    for name, allowed in ALLOWED_FLAGS.items():
        sel = conv == name
        bad |= sel & ~np.isin(flags, allowed)
    for r, k in zip(*first_per_row(f, bad), strict=True):
        conv_r = vis[f.cls[r]]
        yield f.ann(V251, r, f"keypoint {_point_name(f, r, k)} of {f.ann_label(r)} has "
                             f"visibility {flags[k]:g}; the {conv_r} convention allows "
                             f"{', '.join(map(str, ALLOWED_FLAGS[conv_r]))}")


def outside_box(f: Frame) -> np.ndarray:
    """Per keypoint: labeled and outside its annotation's box (1 px slack)."""
    t = f.t
    b = t.bbox[f.kp_ann]
    x, y = t.kp[:, 0], t.kp[:, 1]
    with np.errstate(invalid="ignore"):
        out = ((x < b[:, 0] - 1) | (y < b[:, 1] - 1)
               | (x > b[:, 0] + b[:, 2] + 1) | (y > b[:, 1] + b[:, 3] + 1))
    return out & labeled_mask(f) & f.box_ok[f.kp_ann]


def first_per_row(f: Frame, bad: np.ndarray):
    """(rows, first offending keypoint index of each)."""
    ks = np.flatnonzero(bad)
    rows, first = np.unique(f.kp_ann[ks], return_index=True)
    return rows, ks[first]


@rule(V252, group=G)
def keypoint_outside_box(f: Frame):
    if len(f.t.kp) == 0:
        return
    bad = outside_box(f)
    counts = np.bincount(f.kp_ann[bad], minlength=f.n)
    for r, k in zip(*first_per_row(f, bad), strict=True):
        yield f.ann(V252, r, f"{int(counts[r])} labeled keypoint(s) of {f.ann_label(r)} lie "
                             f"outside its box, first {_point_name(f, r, k)} at "
                             f"({f.t.kp[k, 0]:g}, {f.t.kp[k, 1]:g})")


@rule(V253, group=G)
def keypoint_outside_image(f: Frame):
    t = f.t
    if len(t.kp) == 0:
        return
    W, H = f.img_wh
    w, h = W[f.kp_ann], H[f.kp_ann]
    x, y = t.kp[:, 0], t.kp[:, 1]
    with np.errstate(invalid="ignore"):
        bad = labeled_mask(f) & np.isfinite(w) & (
            (x < -EDGE_TOL) | (y < -EDGE_TOL) | (x > w + EDGE_TOL) | (y > h + EDGE_TOL))
    for r, k in zip(*first_per_row(f, bad), strict=True):
        yield f.ann(V253, r, f"keypoint {_point_name(f, r, k)} of {f.ann_label(r)} at "
                             f"({x[k]:g}, {y[k]:g}) is outside its image "
                             f"({W[r]:g}x{H[r]:g})")
