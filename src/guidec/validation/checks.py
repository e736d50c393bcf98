"""The machine ``check`` of the spec's rules: every key of :class:`guidec.spec.model.Check`.

A finding names the spec rule (``rule 'min-size': ...`` and ``"rule"`` in JSON) and takes the
rule's ``severity``. Each key of a check is tested on its own over the rule's classes
(descendants included); ``attribute`` goes with ``in``/``not_in`` and ``tolerance_px`` with
``inside``. Pairwise checks (``inside``, ``max_iou_same_class``) use a shapely STRtree over all
images at once: each image is moved to its own stripe of the x axis, so the index never
pairs shapes of two images.
"""

from __future__ import annotations

import re

import numpy as np

from guidec.columns import _factor, is_none
from guidec.diagnostics import Severity
from guidec.polygons import build_rings
from guidec.table import Shape
from guidec.validation import rule, vcode
from guidec.validation.frame import Frame, _py
from guidec.validation.keypoints import class_schemas, outside_box
from guidec.validation.rings import _native

G = "checks"

V400 = vcode("V400", group=G)
V401 = vcode("V401", group=G)
V402 = vcode("V402", group=G)
V403 = vcode("V403", group=G)
V404 = vcode("V404", group=G)
V405 = vcode("V405", group=G)
V406 = vcode("V406", group=G)
V407 = vcode("V407", group=G)
V408 = vcode("V408", group=G)
V409 = vcode("V409", group=G)
V410 = vcode("V410", group=G)


def _rules_with(f: Frame, *keys):
    for r in f.project.rules:
        ck = r.model.check
        if ck is None:
            continue
        if any(getattr(ck, k) is not None for k in keys):
            yield r, ck, f.class_mask(r.classes), Severity.parse(r.severity)


def _g(x: float) -> str:
    return f"{x:.4g}"


@rule(V400, V402, group=G)
def box_shape(f: Frame):
    rules = list(_rules_with(f, "min_box_side", "max_box_side", "min_aspect_ratio",
                             "max_aspect_ratio"))
    if not rules:  # the extents are derived for the rules that test them only
        return
    w, h = f.extent_wh
    with np.errstate(invalid="ignore", divide="ignore"):
        sized = np.isfinite(w) & np.isfinite(h) & (w > 0) & (h > 0)
        ratio = w / h
    for r, ck, sel, sev in rules:
        rows = sel & sized
        if ck.min_box_side is not None:
            for i in np.flatnonzero(rows & (np.minimum(w, h) < ck.min_box_side)):
                yield f.ann(V400, i, f"rule {r.id!r}: {f.ann_label(i)} is {_g(w[i])}x{_g(h[i])}"
                                     f", a side below {_g(ck.min_box_side)} px",
                            severity=sev, rule=r.id)
        if ck.max_box_side is not None:
            for i in np.flatnonzero(rows & (np.maximum(w, h) > ck.max_box_side)):
                yield f.ann(V400, i, f"rule {r.id!r}: {f.ann_label(i)} is {_g(w[i])}x{_g(h[i])}"
                                     f", a side above {_g(ck.max_box_side)} px",
                            severity=sev, rule=r.id)
        lo, hi = ck.min_aspect_ratio, ck.max_aspect_ratio
        if lo is not None or hi is not None:
            bad = rows & (((ratio < lo) if lo is not None else False)
                          | ((ratio > hi) if hi is not None else False))
            for i in np.flatnonzero(bad):
                yield f.ann(V402, i, f"rule {r.id!r}: {f.ann_label(i)} has aspect ratio "
                                     f"{_g(ratio[i])} (width/height), allowed "
                                     f"{_g(lo) if lo else '0'}..{_g(hi) if hi else 'any'}",
                            severity=sev, rule=r.id)


@rule(V401, group=G)
def area(f: Frame):
    rules = list(_rules_with(f, "min_area", "max_area"))
    if not rules:  # the areas (every ring's) are derived for the rules that test them only
        return
    a = f.shape_area
    for r, ck, sel, sev in rules:
        rows = sel & np.isfinite(a) & (a > 0)  # empty shapes are V201/V203
        if ck.min_area is not None:
            for i in np.flatnonzero(rows & (a < ck.min_area)):
                yield f.ann(V401, i, f"rule {r.id!r}: {f.ann_label(i)} has area {_g(a[i])}, "
                                     f"below {_g(ck.min_area)} px²", severity=sev, rule=r.id)
        if ck.max_area is not None:
            for i in np.flatnonzero(rows & (a > ck.max_area)):
                yield f.ann(V401, i, f"rule {r.id!r}: {f.ann_label(i)} has area {_g(a[i])}, "
                                     f"above {_g(ck.max_area)} px²", severity=sev, rule=r.id)


@rule(V403, group=G)
def vertices(f: Frame):
    shaped = np.isin(f.t.shape, (Shape.POLYGON, Shape.POLYLINE)) & (f.nverts > 0)
    for r, ck, sel, sev in _rules_with(f, "min_vertices", "max_vertices"):
        rows = sel & shaped
        if ck.min_vertices is not None:
            for i in np.flatnonzero(rows & (f.nverts < ck.min_vertices)):
                yield f.ann(V403, i, f"rule {r.id!r}: {f.ann_label(i)} has {int(f.nverts[i])} "
                                     f"points, fewer than {ck.min_vertices}",
                            severity=sev, rule=r.id)
        if ck.max_vertices is not None:
            for i in np.flatnonzero(rows & (f.nverts > ck.max_vertices)):
                yield f.ann(V403, i, f"rule {r.id!r}: {f.ann_label(i)} has {int(f.nverts[i])} "
                                     f"points, more than {ck.max_vertices}",
                            severity=sev, rule=r.id)


def _boxes(f: Frame) -> np.ndarray:
    """(N, 4) x0, y0, x1, y1: each annotation's box (the bounds of a turned box), else its
    vertices' bounds."""
    b = f.t.bbox
    vb = f.vert_bounds
    box = np.stack([b[:, 0], b[:, 1], b[:, 0] + b[:, 2], b[:, 1] + b[:, 3]], axis=1)
    out = np.where(f.box_ok[:, None], box, vb)
    turned = f.turned
    if turned.any():
        c = f.rotated_corners[turned]
        out[turned] = np.concatenate([c.min(axis=1), c.max(axis=1)], axis=1)
    return out


def _outlines(f: Frame, rows: np.ndarray, boxes: np.ndarray, shift=None) -> np.ndarray:
    """Shapely polygons of ``rows``: the turned rectangle of a rotated box, else the box
    ``boxes`` gives; moved right by ``shift`` (per row of the table) when given."""
    import shapely

    dx = shift[rows] if shift is not None else np.zeros(len(rows))
    bx = boxes[rows]
    out = shapely.box(bx[:, 0] + dx, bx[:, 1], bx[:, 2] + dx, bx[:, 3])
    turned = f.turned[rows]
    if turned.any():
        c = f.rotated_corners[rows[turned]].copy()
        c[:, :, 0] += dx[turned][:, None]
        out[turned] = shapely.polygons(c)
    return out


def _stripe(f: Frame, boxes: np.ndarray, pad: float) -> np.ndarray:
    """x offset per annotation that puts each image in its own stripe."""
    finite = boxes[np.isfinite(boxes).all(axis=1)]
    span = float(np.abs(finite).max()) if len(finite) else 1.0
    W, _ = f.img_wh
    if np.isfinite(W).any():
        span = max(span, float(np.nanmax(W)))
    stride = 2 * span + 2 * pad + 16.0
    return f.t.image_index.astype(np.float64) * stride


_MIX = np.uint64(0x9E3779B97F4A7C15)  # an odd 64-bit multiplier (the golden ratio's bits)
FIRST_EQUAL = True  # tests turn it off to hold the hash table to the sort


def _copies(img: np.ndarray, cls: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    """Per row, the first row (lowest index) with the same image, class and box: exact copies
    share one representative, every other row is its own.

    Rows with equal 64-bit hashes of the six values (``-0.0`` hashed as ``0.0``) are grouped,
    each with the lowest row of its hash: in one pass of a hash table
    (``guidec._columns.first_equal``), or without the compiled part by one stable sort that
    puts equal hashes next to each other in row order. Every row is then checked against its
    group's first row, and only if two different rows share a hash (never seen; possible) is
    the exact six-key sort used. ``np.unique(axis=0)`` gave the same grouping at 2x the
    time of the sort and several copies of a six-column key (a quarter of the rules' peak
    memory on a 3.4-million-box file)."""
    n = len(img)
    if n == 0:
        return np.zeros(0, dtype=np.intp)
    cols = [img.astype(np.int64, copy=False), cls.astype(np.int64, copy=False)] + [
        boxes[:, k] + 0.0 for k in range(4)]  # + 0.0: -0.0 becomes 0.0, equal as it compares
    h = np.zeros(n, dtype=np.uint64)
    for c in cols:
        h ^= c.view(np.uint64)
        h *= _MIX
        h ^= h >> np.uint64(29)
    if _factor is not None and FIRST_EQUAL:
        rep = np.frombuffer(_factor.first_equal(h), dtype=np.int64).astype(np.intp, copy=False)
        del h
        same = np.ones(n, dtype=bool)
        for c in cols:
            same &= c == c[rep]
        if same.all():
            return rep
        return _copies_exact(cols, n)
    order = np.argsort(h, kind="stable")
    hs = h[order]
    del h
    new = np.ones(n, dtype=bool)  # sorted position starts a run of equal hashes
    new[1:] = hs[1:] != hs[:-1]
    del hs
    run = np.cumsum(new) - 1
    first = order[np.flatnonzero(new)]  # stable: a run's first member is its lowest row
    rep = first[run]
    del run
    mine = order  # rows in sorted order, each against its run's first row
    same = np.ones(n, dtype=bool)
    for c in cols:
        same &= c[mine] == c[rep]
    if not same.all():  # a hash shared by different rows: group by the six values themselves
        return _copies_exact(cols, n)
    out = np.empty(n, dtype=np.intp)
    out[order] = rep
    return out


def _copies_exact(cols: list[np.ndarray], n: int) -> np.ndarray:
    """:func:`_copies` by one sort of the six values themselves."""
    order = np.lexsort(tuple(reversed(cols)))
    new = np.ones(n, dtype=bool)
    eq = np.ones(n - 1, dtype=bool)
    for c in cols:
        sc = c[order]
        eq &= sc[1:] == sc[:-1]
    new[1:] = ~eq
    first = order[np.flatnonzero(new)]
    out = np.empty(n, dtype=np.intp)
    out[order] = first[np.cumsum(new) - 1]
    return out


@rule(V404, group=G)
def inside(f: Frame):
    import shapely

    p = f.project
    boxes = usable = None
    for r, ck, sel, sev in _rules_with(f, "inside"):
        if boxes is None:
            boxes = _boxes(f)
            usable = np.isfinite(boxes).all(axis=1) & f.has_image
        tol = ck.tolerance_px or 0.0
        names = [ck.inside] + [c.name for c in p.descendants(ck.inside)]
        cont = f.class_mask(names) & usable
        subj = np.flatnonzero(sel & usable & ~cont)
        if len(subj) == 0:
            continue
        shift = _stripe(f, boxes, tol)
        # containers: each polygon part, or the box when there is no polygon
        crow = np.flatnonzero(cont)
        has_poly = f.is_poly[crow] & (f.nverts[crow] >= 3)
        prow = crow[has_poly]
        ring_sel = np.flatnonzero(np.isin(f.ring_ann, prow) & (f.ring_len >= 3))
        polys = build_rings(f.t.vertices, f.t.ring_offsets, ring_sel,
                            xshift=shift[f.ring_ann[ring_sel]])
        cboxes = _outlines(f, crow[~has_poly], boxes, shift)
        containers = np.concatenate([polys, cboxes])
        if tol:
            containers = shapely.buffer(containers, tol, join_style="mitre")
        subjects = _outlines(f, subj, boxes, shift)
        inside_any = np.zeros(len(subj), dtype=bool)
        if len(containers):
            tree = shapely.STRtree(containers)
            pairs = tree.query(subjects, predicate="within")
            inside_any[pairs[0]] = True
        for j in np.flatnonzero(~inside_any):
            i = subj[j]
            yield f.ann(V404, i, f"rule {r.id!r}: {f.ann_label(i)} ({f.class_name(i)}) is not "
                                 f"inside any {ck.inside!r}"
                                 + (f" (tolerance {_g(tol)} px)" if tol else ""),
                        severity=sev, rule=r.id)


#: How many next boxes (in x order, same image and class) a box is compared with. Real
#: duplicates start within a few boxes of each other; a pile of thousands of overlapping boxes
#: would otherwise cost n^2/2 comparisons. Boxes cut short are reported (V405, a summary).
MAX_STEP = 64


def same_class_pairs(img: np.ndarray, cls: np.ndarray, boxes: np.ndarray,
                     max_step: int = MAX_STEP):
    """(i, j, IoU, cut) of the pairs of boxes of one class in one image that overlap, and the
    rows whose comparisons stopped at ``max_step`` while boxes still overlapped.

    A sorted sweep, vectorized over all rows: sort by (image, class, x0), then compare each
    box with the k-th next one for k = 1, 2, ... while the next box still starts before this
    one ends, up to ``max_step``. Boxes of other images or classes are never compared.
    """
    n = len(img)
    gkey = img.astype(np.int64) * (int(cls.max()) + 2 if n else 1) + cls + 1
    if _native is not None:  # the same sweep in C (validation/_native.c), which also orders
        # each group by x0 (sorting 860k boxes by two keys in numpy costs 0.35 s)
        grouped = np.argsort(gkey, kind="stable")
        pi, pj, piou, pos, step, cut = (np.frombuffer(x, dtype=dt) for x, dt in zip(
            _native.box_pairs(np.ascontiguousarray(gkey[grouped], dtype=np.int64),
                              np.ascontiguousarray(boxes, dtype=np.float64),
                              grouped.astype(np.int64, copy=False), max_step),
            (np.int64, np.int64, np.float64, np.int64, np.int64, np.int64), strict=True))
        by_step = np.lexsort((pos, step))  # the numpy sweep's order: by distance, then i
        return pi[by_step], pj[by_step], piou[by_step], np.unique(cut)
    order = np.lexsort((boxes[:, 0], gkey))
    g = gkey[order]
    b = boxes[order]
    area = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    out_i, out_j, out_iou = [], [], []
    active = np.arange(n - 1) if n > 1 else np.zeros(0, np.intp)
    cut = np.zeros(0, np.intp)
    k = 1
    while active.size:
        j = active + k
        keep = j < n
        active, j = active[keep], j[keep]
        keep = (g[active] == g[j]) & (b[j, 0] < b[active, 2])
        active, j = active[keep], j[keep]
        if k > max_step:
            cut = order[active]
            break
        iw = np.minimum(b[active, 2], b[j, 2]) - b[j, 0]
        ih = np.minimum(b[active, 3], b[j, 3]) - np.maximum(b[active, 1], b[j, 1])
        inter = np.clip(iw, 0, None) * np.clip(ih, 0, None)
        hit = inter > 0
        if hit.any():
            with np.errstate(invalid="ignore", divide="ignore"):
                iou = inter[hit] / (area[active[hit]] + area[j[hit]] - inter[hit])
            out_i.append(order[active[hit]])
            out_j.append(order[j[hit]])
            out_iou.append(iou)
        k += 1
    if not out_i:
        return np.zeros(0, np.intp), np.zeros(0, np.intp), np.zeros(0), np.unique(cut)
    return (np.concatenate(out_i), np.concatenate(out_j), np.concatenate(out_iou),
            np.unique(cut))


def _clusters(n: int, a: np.ndarray, b: np.ndarray) -> list[np.ndarray]:
    """Connected groups of rows (0..n-1) linked by the pairs (a, b), each ascending, ordered by
    their first row; rows in no pair are left out. Union-find over the pairs."""
    parent = list(range(n))

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for x, y in zip(a.tolist(), b.tolist(), strict=True):
        rx, ry = root(x), root(y)
        if rx != ry:
            parent[max(rx, ry)] = min(rx, ry)
    linked = np.unique(np.concatenate([a, b])) if len(a) else np.zeros(0, np.int64)
    roots = np.array([root(int(x)) for x in linked], dtype=np.int64)
    order = np.lexsort((linked, roots))
    linked, roots = linked[order], roots[order]
    bounds = np.flatnonzero(np.diff(roots)) + 1
    return [g for g in np.split(linked, bounds) if len(g)]


def _exact_turned_iou(f: Frame, a: np.ndarray, b: np.ndarray, boxes: np.ndarray,
                      iou: np.ndarray) -> np.ndarray:
    """``iou`` with the pairs that involve a rotated box measured on the turned rectangles
    (the sweep found them by their bounds, which overlap more than the boxes do)."""
    turned = f.turned
    pick = np.flatnonzero(turned[a] | turned[b])
    if len(pick) == 0:
        return iou
    import shapely

    pa, pb = _outlines(f, a[pick], boxes), _outlines(f, b[pick], boxes)
    inter = shapely.area(shapely.intersection(pa, pb))
    with np.errstate(invalid="ignore", divide="ignore"):
        exact = inter / (shapely.area(pa) + shapely.area(pb) - inter)
    out = iou.copy()
    out[pick] = np.nan_to_num(exact)
    return out


#: Findings of duplicate clusters per image and rule before one summary says the rest.
MAX_CLUSTERS_PER_IMAGE = 50
SHOW_MEMBERS = 10


@rule(V405, group=G)
def overlap(f: Frame):
    """One finding per cluster of same-class boxes linked by IoU above the rule's limit, on
    its last annotation, naming the others. Exact copies are grouped before the sweep, so a
    pile of identical boxes costs one sort, not n^2/2 comparisons."""
    boxes = usable = None
    for r, ck, sel, sev in _rules_with(f, "max_iou_same_class"):
        if boxes is None:
            boxes = _boxes(f)
            usable = np.isfinite(boxes).all(axis=1) & f.has_image
        rows = np.flatnonzero(sel & usable)
        if len(rows) < 2:
            continue
        img, cls, rboxes = f.t.image_index[rows], f.cls[rows], boxes[rows]
        rep_of_row = _copies(img, cls, rboxes)
        reps = np.flatnonzero(rep_of_row == np.arange(len(rows)))
        i, j, iou, cut = same_class_pairs(img[reps], cls[reps], rboxes[reps])
        del rboxes
        iou = _exact_turned_iou(f, rows[reps[i]], rows[reps[j]], boxes, iou)
        over = iou > ck.max_iou_same_class
        # pairs: the kept overlaps, plus every copy linked to its representative
        dup = np.flatnonzero(rep_of_row != np.arange(len(rows)))
        a = np.concatenate([reps[i[over]], rep_of_row[dup]])
        b = np.concatenate([reps[j[over]], dup])
        best = np.zeros(len(rows))
        np.maximum.at(best, reps[i[over]], iou[over])
        np.maximum.at(best, reps[j[over]], iou[over])
        best[dup] = 1.0
        if ck.max_iou_same_class >= 1.0:  # identical boxes (IoU 1) do not exceed a limit of 1
            a, b = reps[i[over]], reps[j[over]]
        per_image: dict[int, int] = {}
        for members in _clusters(len(rows), a, b):
            last = int(rows[members[-1]])
            image = int(img[members[-1]])
            per_image[image] = per_image.get(image, 0) + 1
            if per_image[image] > MAX_CLUSTERS_PER_IMAGE:
                continue
            others = [_py(f.t.ann_id[rows[m]]) for m in members[:-1]]
            shown = ", ".join(f.ann_label(int(rows[m])) for m in members[:-1][:SHOW_MEMBERS])
            more = len(members) - 1 - SHOW_MEMBERS
            yield f.ann(V405, last, f"rule {r.id!r}: {f.ann_label(last)} overlaps {shown}"
                                    + (f" and {more} more" if more > 0 else "")
                                    + f" of the same class {f.class_name(last)!r} with IoU up "
                                    f"to {float(best[members].max()):.3f} > "
                                    f"{_g(ck.max_iou_same_class)}"
                                    + (f" ({len(members)} duplicates)" if len(members) > 2
                                       else ""),
                        severity=sev, rule=r.id, other=others[0] if len(others) == 1 else None,
                        members=others[:100], count=len(members))
        for image, count in sorted(per_image.items()):
            if count > MAX_CLUSTERS_PER_IMAGE:
                yield f.img(V405, image, f"rule {r.id!r}: {count} clusters of duplicate "
                                         f"boxes on this image; the first "
                                         f"{MAX_CLUSTERS_PER_IMAGE} are listed",
                            severity=sev, rule=r.id, count=count)
        for image in sorted({int(img[reps[c]]) for c in cut.tolist()}):
            yield f.img(V405, image, f"rule {r.id!r}: more than {MAX_STEP} boxes of one class "
                                     "overlap each other along the image; each box was "
                                     f"compared with its next {MAX_STEP} only",
                        severity=Severity.INFO, rule=r.id)


@rule(V406, group=G)
def per_image(f: Frame):
    m = len(f.t.images)
    if m == 0:
        return
    for r, ck, sel, sev in _rules_with(f, "max_per_image", "min_per_image"):
        counts = np.bincount(f.t.image_index[sel & f.has_image], minlength=m)
        what = ", ".join(r.classes[:3]) + (", ..." if len(r.classes) > 3 else "")
        if ck.max_per_image is not None:
            for i in np.flatnonzero(counts > ck.max_per_image):
                yield f.img(V406, i, f"rule {r.id!r}: image {f.image_name(i)!r} has "
                                     f"{int(counts[i])} annotations of {what}, more than "
                                     f"{ck.max_per_image}", severity=sev, rule=r.id)
        if ck.min_per_image is not None:
            for i in np.flatnonzero(counts < ck.min_per_image):
                yield f.img(V406, i, f"rule {r.id!r}: image {f.image_name(i)!r} has "
                                     f"{int(counts[i])} annotations of {what}, fewer than "
                                     f"{ck.min_per_image}", severity=sev, rule=r.id)


@rule(V407, V408, group=G)
def keypoint_checks(f: Frame):
    t = f.t
    if len(t.kp) == 0:
        return
    k, vis, _ = class_schemas(f)
    for r, ck, sel, sev in _rules_with(f, "keypoints_inside_box", "min_visible_keypoints"):
        if ck.keypoints_inside_box:
            bad = outside_box(f) & sel[f.kp_ann]
            counts = np.bincount(f.kp_ann[bad], minlength=f.n)
            for i in np.flatnonzero(counts):
                yield f.ann(V407, i, f"rule {r.id!r}: {int(counts[i])} labeled keypoint(s) of "
                                     f"{f.ann_label(i)} lie outside its box",
                            severity=sev, rule=r.id)
        if ck.min_visible_keypoints is not None:
            conv = vis[f.cls[f.kp_ann]]
            flags = t.kp[:, 2]
            visible = np.where(conv == "coco", flags == 2,
                               np.where(conv == "binary", flags == 1, True))
            nvis = np.bincount(f.kp_ann[visible], minlength=f.n)
            carries = (f.kp_n > 0) | (t.shape == Shape.KEYPOINTS)
            for i in np.flatnonzero(sel & carries & (k[f.cls] >= 0)
                                    & (nvis < ck.min_visible_keypoints)):
                yield f.ann(V408, i, f"rule {r.id!r}: {f.ann_label(i)} has {int(nvis[i])} "
                                     f"visible keypoints, fewer than "
                                     f"{ck.min_visible_keypoints}", severity=sev, rule=r.id)


def _items(v) -> list[str]:
    items = v if isinstance(v, list | tuple) else [v]
    return [str(x).lower() if isinstance(x, bool) else str(x) for x in items]


@rule(V409, group=G)
def attribute_value(f: Frame):
    for r, ck, sel, sev in _rules_with(f, "attribute"):
        col = f.t.attributes.get(ck.attribute)
        if col is None:
            continue
        rows = np.flatnonzero(sel & ~is_none(col))
        if len(rows) == 0:
            continue
        allowed = set(_items(ck.in_)) if ck.in_ is not None else None
        banned = set(_items(ck.not_in)) if ck.not_in is not None else set()
        vals, inv_all = f.factor(col)
        inv = inv_all[rows]
        verdict = []
        for v in vals:
            items = _items(v)
            if allowed is not None and any(x not in allowed for x in items):
                verdict.append(f"the rule does not allow (in: {', '.join(map(str, ck.in_))})")
            elif any(x in banned for x in items):
                verdict.append(f"the rule forbids (not_in: {', '.join(map(str, ck.not_in))})")
            else:
                verdict.append(None)
        bad = np.array([v is not None for v in verdict] + [False])[:-1]
        for j in np.flatnonzero(bad[inv]):
            i = rows[j]
            yield f.ann(V409, i, f"rule {r.id!r}: {f.ann_label(i)} has {ck.attribute}="
                                 f"{col[i]!r}, which {verdict[inv[j]]}", severity=sev,
                        rule=r.id, attribute=ck.attribute)


@rule(V410, group=G)
def text_pattern(f: Frame):
    text = f.t.text
    for r, ck, sel, sev in _rules_with(f, "text_pattern"):
        rows = np.flatnonzero(sel & ~is_none(text))
        if len(rows) == 0:
            continue
        pat = re.compile(ck.text_pattern)
        vals, inv_all = f.factor(text)
        inv = inv_all[rows]
        # blank transcriptions are V350's
        bad = np.array([v is not None and bool(str(v).strip()) and pat.search(str(v)) is None
                        for v in vals]
                       + [False])[:-1]
        for j in np.flatnonzero(bad[inv]):
            i = rows[j]
            yield f.ann(V410, i, f"rule {r.id!r}: transcription {text[i]!r} of "
                                 f"{f.ann_label(i)} does not match {ck.text_pattern!r}",
                        severity=sev, rule=r.id)
