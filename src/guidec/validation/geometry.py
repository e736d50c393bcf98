"""Geometry: boxes, polygons, masks and rotated boxes are well formed and inside the image.

Polygon validity runs in shapely 2 over every ring at once (``from_ragged_array`` and
``is_valid``, split over threads); areas, bounds and perimeters are segment sums in numpy.
"""

from __future__ import annotations

import numpy as np

from guidec.table import Shape
from guidec.validation import rule, vcode
from guidec.validation.frame import EDGE_TOL, Frame

G = "geometry"

V200 = vcode("V200", group=G)
V201 = vcode("V201", group=G)
V202 = vcode("V202", group=G)
V203 = vcode("V203", group=G)
V204 = vcode("V204", group=G)
V205 = vcode("V205", group=G)
V206 = vcode("V206", group=G)
V207 = vcode("V207", group=G)
V208 = vcode("V208", group=G)
V209 = vcode("V209", group=G)
V210 = vcode("V210", group=G)
V211 = vcode("V211", group=G)

def _fmt(x: float) -> str:
    return f"{x:.6g}"


def _box_text(b) -> str:
    return "[" + ", ".join(_fmt(v) for v in b) + "]"


@rule(V200, group=G)
def outside_image(f: Frame):
    t = f.t
    W, H = f.img_wh
    known = np.isfinite(W) & np.isfinite(H)
    b = t.bbox
    axis = t.shape != Shape.ROTATED_BOX
    with np.errstate(invalid="ignore"):
        box_out = known & axis & f.box_ok & (
            (b[:, 0] < -EDGE_TOL) | (b[:, 1] < -EDGE_TOL)
            | (b[:, 0] + b[:, 2] > W + EDGE_TOL) | (b[:, 1] + b[:, 3] > H + EDGE_TOL))
        vb = f.vert_bounds
        poly_out = known & (f.nverts > 0) & (
            (vb[:, 0] < -EDGE_TOL) | (vb[:, 1] < -EDGE_TOL)
            | (vb[:, 2] > W + EDGE_TOL) | (vb[:, 3] > H + EDGE_TOL))
    for r in np.flatnonzero(box_out | poly_out):
        size = f"{_fmt(W[r])}x{_fmt(H[r])}"
        if box_out[r]:
            msg = f"box {_box_text(b[r])} of {f.ann_label(r)} extends beyond its image ({size})"
        else:
            msg = (f"polygon of {f.ann_label(r)} reaches {_box_text(vb[r])} (x0, y0, x1, y1), "
                   f"beyond its image ({size})")
        yield f.ann(V200, r, msg)


@rule(V201, group=G)
def empty_box(f: Frame):
    b = f.t.bbox
    for r in np.flatnonzero(f.box_ok & ((b[:, 2] <= 0) | (b[:, 3] <= 0))):
        yield f.ann(V201, r, f"box {_box_text(b[r])} of {f.ann_label(r)} has "
                             f"{'a negative' if min(b[r, 2], b[r, 3]) < 0 else 'zero'} "
                             "width or height")


@rule(V202, V203, V204, group=G)
def polygon_validity(f: Frame):
    import shapely

    t = f.t
    v = t.vertices
    ro = t.ring_offsets
    poly_ring = f.is_poly[f.ring_ann]
    # A ring written closed (last point = first) counts its first point once.
    lens = f.ring_len
    closed = np.zeros(len(lens), dtype=bool)
    nz = np.flatnonzero(lens >= 2)
    closed[nz] = (v[ro[nz]] == v[ro[nz + 1] - 1]).all(axis=1)
    distinct_pts = lens - closed
    short = poly_ring & (distinct_pts < 3)
    no_rings = f.is_poly & (np.diff(t.ann_ring_offsets) == 0)
    for r in np.flatnonzero(no_rings):
        yield f.ann(V202, r, f"polygon of {f.ann_label(r)} has no points")
    ring_no = np.arange(len(lens)) - t.ann_ring_offsets[f.ring_ann]
    for k in np.flatnonzero(short):
        r = f.ring_ann[k]
        part = f" (part {ring_no[k] + 1})" if np.diff(t.ann_ring_offsets)[r] > 1 else ""
        yield f.ann(V202, r, f"polygon of {f.ann_label(r)}{part} has {int(distinct_pts[k])} "
                             "distinct point(s); a polygon needs at least 3")
    rings, valid, flat = f.ring_validity
    if len(rings) == 0:
        return
    for k in rings[flat & ~short[rings]]:
        r = f.ring_ann[k]
        yield f.ann(V203, r, f"polygon of {f.ann_label(r)} has zero area (its points are "
                             "collinear or repeated)")
    bad = np.flatnonzero(~valid)
    if len(bad) == 0:
        return
    reasons = shapely.is_valid_reason(f.ring_geoms[bad])
    for j, why in zip(bad, reasons, strict=True):
        r = f.ring_ann[rings[j]]
        yield f.ann(V204, r, f"polygon of {f.ann_label(r)} is invalid: {why}",
                    reason=str(why))


@rule(V205, group=G)
def box_polygon_mismatch(f: Frame):
    b = f.t.bbox
    vb = f.vert_bounds
    rows = np.flatnonzero(f.is_poly & f.box_ok & (f.nverts >= 3))  # (N, 4) temporaries of
    pb, pvb = b[rows], vb[rows]                                    # these rows only
    box = np.stack([pb[:, 0], pb[:, 1], pb[:, 0] + pb[:, 2], pb[:, 1] + pb[:, 3]], axis=1)
    with np.errstate(invalid="ignore"):
        off = np.nanmax(np.abs(box - pvb), axis=1, initial=0.0)
    for j in np.flatnonzero(off > 1.0):
        r = rows[j]
        yield f.ann(V205, r, f"box {_box_text(b[r])} of {f.ann_label(r)} is not the bounds of "
                             f"its polygon {_box_text(vb[r])} (x0, y0, x1, y1); off by "
                             f"{_fmt(off[j])} px")


@rule(V206, group=G)
def area_mismatch(f: Frame):
    t = f.t
    a = t.area
    declared = np.isfinite(a)
    if not declared.any():
        return
    W, H = f.img_wh
    b = t.bbox
    box_area = np.where(f.box_ok, b[:, 2] * b[:, 3], np.nan)
    poly = f.is_poly & (f.nverts >= 3)
    r = f.rle
    mask_area = np.full(f.n, np.nan)
    if len(r.rows):
        mask_area[r.rows[r.ok]] = r.area[r.ok]
    has_mask = np.isfinite(mask_area)
    with np.errstate(invalid="ignore"):
        # rasterized area differs from the geometric one by up to half the outline; the
        # outline is measured only for the few rows that are off by more than 5 %
        off = np.abs(a - f.poly_area)
        maybe = declared & poly & ~has_mask & (off > 0.05 * f.poly_area + 1.0)
        bad_poly = np.zeros(f.n, dtype=bool)
        rows = np.flatnonzero(maybe)
        if len(rows):
            ptol = 0.5 * f.perimeter_of(rows) + 0.05 * f.poly_area[rows] + 1.0
            bad_poly[rows] = off[rows] > ptol
        # an invalid polygon has no meaningful area (V203/V204 report it)
        bad_poly &= ~f.ann_poly_invalid
        bad_mask = declared & has_mask & (np.abs(a - mask_area) > 1.0 + 0.01 * mask_area)
        box_only = declared & ~poly & ~has_mask & np.isfinite(box_area)
        bad_box = box_only & ((a > box_area * 1.05 + 1.0) | ((a <= 0) & (box_area > 0)))
        too_big = declared & (a > W * H + 1.0)
    for row in np.flatnonzero(bad_poly | bad_mask | bad_box | too_big):
        lab = f.ann_label(row)
        if too_big[row] and not (bad_poly[row] or bad_mask[row] or bad_box[row]):
            msg = (f"declared area {_fmt(a[row])} of {lab} is larger than its image "
                   f"({_fmt(W[row])}x{_fmt(H[row])})")
        elif bad_poly[row]:
            msg = (f"declared area {_fmt(a[row])} of {lab} differs from its polygon's area "
                   f"{_fmt(f.poly_area[row])}")
        elif bad_mask[row]:
            msg = (f"declared area {_fmt(a[row])} of {lab} differs from its mask's "
                   f"{_fmt(mask_area[row])} pixels")
        else:
            msg = (f"declared area {_fmt(a[row])} of {lab} does not fit its box "
                   f"{_box_text(b[row])} (box area {_fmt(box_area[row])})")
        if too_big[row] and (bad_box[row] or bad_poly[row]):
            msg += f"; it exceeds the whole image ({_fmt(W[row])}x{_fmt(H[row])})"
        yield f.ann(V206, row, msg)


@rule(V207, V208, V210, V211, group=G)
def masks(f: Frame):
    """Every run-length mask of the table, judged once from :func:`guidec.masks.rle_columns`
    (the tools' own encodings that a reader could not convert at all are its V013)."""
    r = f.rle
    if len(r.rows) == 0:
        return
    W, H = f.img_wh
    rows = r.rows
    ok = r.ok
    for j in np.flatnonzero(~ok):
        yield f.ann(V210, rows[j], f"mask of {f.ann_label(rows[j])} is malformed: "
                                   f"{r.problem[j]}")
    b = f.t.bbox[rows]
    mb = r.bbox
    with np.errstate(invalid="ignore"):
        off = np.nanmax(np.abs(np.concatenate([b[:, :2] - mb[:, :2],
                                               b[:, :2] + b[:, 2:] - mb[:, :2] - mb[:, 2:]],
                                              axis=1)), axis=1, initial=0.0)
        loose = ok & f.box_ok[rows] & (r.area > 0) & (r.total == r.h * r.w) & (off > 1.0)
    for j in np.flatnonzero(loose):
        yield f.ann(V211, rows[j], f"box {_box_text(b[j])} of {f.ann_label(rows[j])} is not "
                                   f"the bounds of its mask {_box_text(mb[j])} (x, y, w, h); "
                                   f"off by {_fmt(off[j])} px")
    iw, ih = W[rows], H[rows]
    with np.errstate(invalid="ignore"):
        size_bad = ok & np.isfinite(iw) & ((r.h != ih) | (r.w != iw))
        sum_bad = ok & (r.total != r.h * r.w)
    for j in np.flatnonzero(size_bad):
        yield f.ann(V207, rows[j], f"mask of {f.ann_label(rows[j])} has size "
                                   f"[{_fmt(r.h[j])}, {_fmt(r.w[j])}] (height, width), but its "
                                   f"image is [{_fmt(ih[j])}, {_fmt(iw[j])}]")
    for j in np.flatnonzero(sum_bad):
        yield f.ann(V208, rows[j], f"mask counts of {f.ann_label(rows[j])} add up to "
                                   f"{int(r.total[j])}, not {_fmt(r.h[j] * r.w[j])} "
                                   f"({_fmt(r.h[j])} x {_fmt(r.w[j])})")


@rule(V209, group=G)
def rotated_outside(f: Frame):
    t = f.t
    rows = np.flatnonzero((t.shape == Shape.ROTATED_BOX) & f.box_ok)
    if len(rows) == 0:
        return
    W, H = f.img_wh
    c = f.rotated_corners[rows]
    w, h = W[rows, None], H[rows, None]
    with np.errstate(invalid="ignore"):
        out = ((c[..., 0] < -EDGE_TOL) | (c[..., 1] < -EDGE_TOL)
               | (c[..., 0] > w + EDGE_TOL) | (c[..., 1] > h + EDGE_TOL)).any(axis=1)
    out &= np.isfinite(W[rows]) & np.isfinite(H[rows])
    for j in np.flatnonzero(out):
        r = rows[j]
        yield f.ann(V209, r, f"rotated box of {f.ann_label(r)} ({_fmt(t.rotation[r])} degrees) "
                             f"has a corner outside its image ({_fmt(W[r])}x{_fmt(H[r])})")
