"""Structure: identifiers and references between annotations and images."""

from __future__ import annotations

import numpy as np

from guidec.diagnostics import Severity
from guidec.rules import rule, vcode
from guidec.rules.frame import Frame, distinct, is_none

G = "structure"

V050 = vcode("V050", "duplicate-annotation-id", Severity.ERROR,
             "Two annotations in one file share an id.",
             why="pycocotools indexes annotations by id in a dict: the second one silently "
                 "replaces the first, so an object vanishes from training and evaluation.",
             example='"annotations": [{"id": 7, ...}, {"id": 7, ...}]', group=G)
V051 = vcode("V051", "annotation-image-missing", Severity.ERROR,
             "An annotation refers to an image the delivery does not list.",
             why="Loaders drop or crash on labels without their image; the object is lost.",
             example='"images": [{"id": 1, ...}], "annotations": [{"image_id": 2, ...}]',
             group=G)
V052 = vcode("V052", "duplicate-image-id", Severity.ERROR,
             "Two images in one file share an id.",
             why="Annotations of both images are attached to one of them.",
             example='"images": [{"id": 1, "file_name": "a.jpg"}, {"id": 1, "file_name": "b.jpg"}]',
             group=G)
V053 = vcode("V053", "duplicate-image-file", Severity.WARNING,
             "Two image entries name the same image file.",
             why="The same picture labeled twice is counted twice and may cross splits.",
             example='"images": [{"id": 1, "file_name": "a.jpg"}, {"id": 2, "file_name": "a.jpg"}]',
             group=G)
V054 = vcode("V054", "non-finite-coordinate", Severity.ERROR,
             "A coordinate is NaN or infinite.",
             why="NaN compares false with everything: range checks pass it and training "
                 "diverges on it.",
             example='"bbox": [10, NaN, 20, 20]', group=G)


def _id_codes(values: np.ndarray) -> np.ndarray:
    """Integer codes of an id column (ints directly, anything else factorized)."""
    try:
        if not is_none(values).any():
            as_int = values.astype(np.int64)
            if np.array_equal(as_int, values.astype(np.float64)):
                return as_int
    except (TypeError, ValueError, OverflowError):
        pass
    _, inv = distinct(values)
    return inv.astype(np.int64)


def _repeats(group: np.ndarray, key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(positions that repeat an earlier (group, key), position of that first occurrence)."""
    if len(key) == 0:
        return np.zeros(0, np.intp), np.zeros(0, np.intp)
    order = np.lexsort((np.arange(len(key)), key, group))
    g, k = group[order], key[order]
    same = np.concatenate(([False], (g[1:] == g[:-1]) & (k[1:] == k[:-1])))
    run_start = np.maximum.accumulate(np.where(~same, np.arange(len(order)), 0))
    dup = np.flatnonzero(same)
    return order[dup], order[run_start[dup]]


@rule(V050, group=G)
def duplicate_annotation_ids(f: Frame):
    t = f.t
    rows = np.flatnonzero(~is_none(t.ann_id))
    if len(rows) < 2:
        return
    dup, first = _repeats(t.src_file[rows].astype(np.int64), _id_codes(t.ann_id[rows]))
    for r, r0 in zip(rows[dup], rows[first], strict=True):
        path, line, pointer = t.location(int(r0))
        where = f"line {line}" if line is not None else (pointer or path)
        yield f.ann(V050, r, f"annotation id {t.ann_id[r]!r} is already used at {where}")


@rule(V051, group=G)
def annotation_image_missing(f: Frame):
    for r in np.flatnonzero(~f.has_image):
        yield f.ann(V051, r, f"{f.ann_label(r)} refers to an image the delivery does not list")


@rule(V052, V053, group=G)
def duplicate_images(f: Frame):
    im = f.t.images
    if len(im) < 2:
        return
    rows = np.flatnonzero(~is_none(im.key))
    dup, first = _repeats(im.src_file[rows].astype(np.int64), _id_codes(im.key[rows]))
    for i, i0 in zip(rows[dup], rows[first], strict=True):
        yield f.img(V052, i, f"image id {im.key[i]!r} is already used by image "
                             f"{im.file_name[i0]!r}")
    rows = np.flatnonzero(~is_none(im.file_name))
    same_id = set(rows[dup].tolist())
    dup, first = _repeats(np.zeros(len(rows), np.int64), _id_codes(im.file_name[rows]))
    for i, i0 in zip(rows[dup], rows[first], strict=True):
        if int(i) in same_id:
            continue
        yield f.img(V053, i, f"image file {im.file_name[i]!r} is also listed as image id "
                             f"{im.key[i0]!r}")


@rule(V054, group=G)
def non_finite(f: Frame):
    t = f.t
    bad = np.isinf(t.bbox).any(axis=1) | ~np.isfinite(t.rotation) | np.isinf(t.area)
    if len(t.vertices):
        vbad = ~np.isfinite(t.vertices).all(axis=1)
        if vbad.any():
            owner = np.repeat(np.arange(f.n), f.nverts)
            bad[owner[vbad]] = True
    if len(t.kp):
        kbad = ~np.isfinite(t.kp).all(axis=1)
        if kbad.any():
            bad[f.kp_ann[kbad]] = True
    for r in np.flatnonzero(bad):
        yield f.ann(V054, r, f"{f.ann_label(r)} has a NaN or infinite coordinate")
