"""How alike two annotations of one image are: one similarity per pair, by geometry family.

``pair_similarity`` takes the rows of a reference and a candidate table paired up (same image,
same family) and returns, per pair, the similarity the matcher maximises and the intersection
the merged/split conflicts need:

* **regions** (box, rotated box, polygon, ellipse, mask): IoU. Two axis-aligned boxes in numpy;
  pairs whose extents do not overlap are 0 without further work; other pairs in shapely (rotated
  boxes, polygons, ellipses as 64-gons) or, when either side is a mask, on the RLE of the mask
  module (a polygon or box drawn into a mask of the image's size first).
* **keypoints**: COCO's object keypoint similarity (pycocotools ``computeOks``): over the points
  the reference marks (visibility > 0), ``mean exp(-d² / (2 s (2σ)²))`` with ``s`` the
  reference's area (declared, else its box) and the schema's per-point ``sigmas``; a schema of
  COCO's 17 points without sigmas takes COCO's, any other ``DEFAULT_SIGMA``. With flip pairs,
  the left/right-mirrored candidate is scored too and the better of the two counts (so a swapped
  skeleton is still matched, and then reported as swapped).
* **polylines**: both lines resampled to ``LINE_SAMPLES`` points equally spaced along their
  length; ``mean exp(-d² / (2 t²))`` over corresponding points with ``t`` = 1 % of the square root
  of the image area (CVAT's line thickness); both directions are scored, the better counts.
* **points**: the same Gaussian over points in order (0 when the counts differ).
* **tags** (image-level classes): 1.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from guidec.table import Shape

REGION, KEYPOINTS, LINE, POINTS, TAG = 0, 1, 2, 3, 4
FAMILY_NAMES = ("region", "keypoints", "polyline", "points", "tag")
_FAMILY = np.full(16, REGION, dtype=np.int8)
_FAMILY[Shape.KEYPOINTS] = KEYPOINTS
_FAMILY[Shape.POLYLINE] = LINE
_FAMILY[Shape.POINTS] = POINTS
_FAMILY[Shape.TAG] = TAG

DEFAULT_SIGMA = 0.09  # CVAT's oks_sigma, for schemas without sigmas
LINE_SAMPLES = 32
THREADS = 2  # GEOS releases the GIL: intersections run on two cores
COVER_BOUND = 0.5  # the matcher's share for merged / split / crowd (guidec.qa.match.COVER)
ELLIPSE_SIDES = 64
#: COCO-17 person keypoints and their sigmas (pycocotools ``COCOeval.Params``).
COCO17 = ("nose", "left_eye", "right_eye", "left_ear", "right_ear", "left_shoulder",
          "right_shoulder", "left_elbow", "right_elbow", "left_wrist", "right_wrist", "left_hip",
          "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle")
COCO17_SIGMAS = (.26, .25, .25, .35, .35, .79, .79, .72, .72, .62, .62, 1.07, 1.07, .87, .87,
                 .89, .89)


def family(shape: np.ndarray) -> np.ndarray:
    """The geometry family of each row's shape."""
    return _FAMILY[np.asarray(shape, dtype=np.int64)]


def sigmas_of(schema) -> np.ndarray:
    """Per-point OKS sigmas of a resolved keypoint schema (see the module docstring)."""
    if schema.sigmas:
        return np.asarray(schema.sigmas, dtype=np.float64)
    if tuple(schema.points) == COCO17:
        return np.asarray(COCO17_SIGMAS) / 10.0
    return np.full(len(schema.points), DEFAULT_SIGMA)


# --------------------------------------------------------------------------- extents
def extents(t) -> np.ndarray:
    """(N, 4) x0, y0, x1, y1 of every row of table ``t``: its box, its vertices, its visible
    keypoints and its mask, whichever it has; NaN for a row with no geometry."""
    from guidec import masks

    n = len(t)
    ext = np.full((n, 4), np.nan)
    b = np.asarray(t.bbox, dtype=np.float64)
    has_box = np.isfinite(b).all(axis=1)
    ext[has_box] = np.c_[b[has_box, :2], b[has_box, :2] + b[has_box, 2:]]
    rot = has_box & (np.asarray(t.rotation, dtype=np.float64) != 0)
    if rot.any():
        corners = rotated_corners(b[rot], t.rotation[rot])
        ext[rot] = np.c_[corners.min(axis=1), corners.max(axis=1)]
    _merge(ext, t.vertices, _vertex_rows(t))
    kp_rows = np.repeat(np.arange(n), np.diff(t.kp_offsets))
    vis = t.kp[:, 2] > 0 if len(t.kp) else np.zeros(0, bool)
    _merge(ext, t.kp[vis, :2], kp_rows[vis])
    cols = masks.rle_columns(t.rle)
    ok = cols.ok & np.isfinite(cols.bbox).all(axis=1) & (cols.area > 0)
    if ok.any():
        mb = cols.bbox[ok]
        _merge(ext, np.r_[mb[:, :2], mb[:, :2] + mb[:, 2:]],
               np.r_[cols.rows[ok], cols.rows[ok]])
    return ext


def _vertex_rows(t) -> np.ndarray:
    per_ring = np.diff(t.ring_offsets)
    ring_row = np.repeat(np.arange(len(t)), np.diff(t.ann_ring_offsets))
    return np.repeat(ring_row, per_ring)


def _merge(ext: np.ndarray, pts: np.ndarray, rows: np.ndarray) -> None:
    if len(rows) == 0:
        return
    pts = np.asarray(pts, dtype=np.float64)
    fin = np.isfinite(pts).all(axis=1)
    pts, rows = pts[fin], rows[fin]
    if len(rows) == 0:
        return
    lo = np.full((len(ext), 2), np.inf)
    hi = np.full((len(ext), 2), -np.inf)
    np.minimum.at(lo, rows, pts)
    np.maximum.at(hi, rows, pts)
    got = np.isfinite(lo).all(axis=1)
    old = ext[got]
    ext[got, :2] = np.fmin(old[:, :2], lo[got])
    ext[got, 2:] = np.fmax(old[:, 2:], hi[got])


def rotated_corners(b: np.ndarray, degrees: np.ndarray) -> np.ndarray:
    """(k, 4, 2) corners of boxes ``b`` (x, y, w, h) turned ``degrees`` clockwise about their
    centre (the table's rotation convention: y points down)."""
    b = np.asarray(b, dtype=np.float64).reshape(-1, 4)
    cx, cy = b[:, 0] + b[:, 2] / 2, b[:, 1] + b[:, 3] / 2
    dx = np.array([-0.5, 0.5, 0.5, -0.5])[None] * b[:, 2:3]
    dy = np.array([-0.5, -0.5, 0.5, 0.5])[None] * b[:, 3:4]
    a = np.radians(np.asarray(degrees, dtype=np.float64)).reshape(-1, 1)
    c, s = np.cos(a), np.sin(a)
    return np.stack([cx[:, None] + dx * c - dy * s, cy[:, None] + dx * s + dy * c], axis=-1)


# --------------------------------------------------------------------------- pairs
@dataclass
class Side:
    """One side of a comparison: its table, class per row, extents, family and image size."""

    table: object
    cls: np.ndarray  # int32 class index per row (-1 unknown)
    ext: np.ndarray  # (N, 4)
    fam: np.ndarray  # int8
    img_wh: np.ndarray  # (N, 2) width, height of the row's image (NaN unknown)
    _geoms: dict | None = None
    _vec: tuple | None = None
    _bitmaps: dict | None = None

    @property
    def is_mask(self) -> np.ndarray:
        t = self.table
        return (t.shape == Shape.MASK) & ~np.equal(t.rle, None)

    def vector(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(axis-aligned box, vectorisable, geometry, area) per row: boxes and polygons are
        vectorisable (shapely over arrays); their parts are built in one call, made valid
        where GEOS finds them invalid, united where a row has several, and cached."""
        if self._vec is None:
            import shapely

            from guidec.polygons import build_rings, parallel_map

            t = self.table
            n = len(t)
            b = np.asarray(t.bbox, dtype=np.float64)
            box = ((t.shape == Shape.BOX) & (t.rotation == 0) & np.isfinite(b).all(axis=1)
                   & (b[:, 2] > 0) & (b[:, 3] > 0))
            rings = np.diff(t.ann_ring_offsets)
            ring_len = np.diff(t.ring_offsets)
            ring_row = np.repeat(np.arange(n), rings)
            short = np.zeros(n, dtype=bool)
            short[ring_row[ring_len < 3]] = True  # a part that is not a polygon: slow path
            vert_ring = np.repeat(np.arange(len(ring_len)), ring_len)
            bad_vert = ~np.isfinite(t.vertices).all(axis=1) if len(t.vertices) else \
                np.zeros(0, dtype=bool)
            short[ring_row[vert_ring[bad_vert]]] = True  # NaN or inf: slow path (no geometry)
            poly = (t.shape == Shape.POLYGON) & (rings >= 1) & ~short
            geom = np.full(n, None, dtype=object)
            area = np.zeros(n)
            if box.any():
                bb = b[box]
                geom[box] = shapely.box(bb[:, 0], bb[:, 1], bb[:, 0] + bb[:, 2],
                                        bb[:, 1] + bb[:, 3])
                area[box] = bb[:, 2] * bb[:, 3]
            if poly.any():
                sel = poly[ring_row]  # the rings of those rows
                parts = build_rings(t.vertices, t.ring_offsets, np.flatnonzero(sel), threads=2)
                bad = ~parallel_map(shapely.is_valid, parts, 2)
                if bad.any():
                    parts[bad] = shapely.make_valid(parts[bad])
                owner = ring_row[sel]
                single = rings[owner] == 1
                geom[owner[single]] = parts[single]
                multi = np.flatnonzero(~single)
                if len(multi):  # several parts: their union (rare; a loop over those rows)
                    cut = np.flatnonzero(np.r_[True, owner[multi][1:] != owner[multi][:-1],
                                               True])
                    for a, z in zip(cut[:-1].tolist(), cut[1:].tolist(), strict=True):
                        geom[owner[multi[a]]] = shapely.union_all(parts[multi[a:z]])
                rows = np.flatnonzero(poly)
                area[rows] = shapely.area(geom[rows])
            self._vec = (box, box | poly, geom, area)
        return self._vec


def pair_similarity(ref: Side, cand: Side, r: np.ndarray, c: np.ndarray, fam: np.ndarray,
                    project, kp_sigmas: dict, keep_at: float = 0.0, cover: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray,
                                                         np.ndarray, np.ndarray]:
    """For pairs (``r[k]``, ``c[k]``) of one family ``fam[k]``: (similarity, intersection,
    reference area, candidate area, flipped, own) — intersection and areas for regions (NaN
    elsewhere), ``flipped`` True where the mirrored keypoints or the reversed line scored
    better, ``own`` the similarity of the keypoints as drawn (not mirrored). Region pairs that
    can reach neither ``keep_at`` nor a covered share of ``COVER_BOUND`` get NaN: their exact
    IoU is below both, and not computed."""
    n = len(r)
    sim = np.zeros(n)
    inter = np.full(n, np.nan)
    ra = np.full(n, np.nan)
    ca = np.full(n, np.nan)
    flipped = np.zeros(n, dtype=bool)
    own = sim  # replaced below where keypoints are scored mirrored
    reg = np.flatnonzero(fam == REGION)
    if len(reg):
        s, i, a1, a2 = _regions(ref, cand, r[reg], c[reg], keep_at, cover)
        sim[reg], inter[reg], ra[reg], ca[reg] = s, i, a1, a2
    for f in (KEYPOINTS, LINE, POINTS, TAG):
        sel = np.flatnonzero(fam == f)
        if not len(sel):
            continue
        if f == KEYPOINTS:
            s, fl, straight = _oks_pairs(ref, cand, r[sel], c[sel], project, kp_sigmas)
            if own is sim:
                own = sim.copy()
        elif f == TAG:
            s, fl = np.ones(len(sel)), np.zeros(len(sel), bool)
        else:
            s, fl = _line_pairs(ref, cand, r[sel], c[sel], f == LINE)
        sim[sel], flipped[sel] = s, fl
        if f == KEYPOINTS:
            own[sel] = straight
    return sim, inter, ra, ca, flipped, own


def _regions(ref: Side, cand: Side, r: np.ndarray, c: np.ndarray, keep_at: float,
             cover: bool = True):
    """IoU, intersection and both areas of region pairs; NaN similarity for pairs whose IoU
    and covered shares cannot reach ``keep_at`` / ``COVER_BOUND`` (not computed exactly)."""
    import shapely

    e1, e2 = ref.ext[r], cand.ext[c]
    iw = np.minimum(e1[:, 2], e2[:, 2]) - np.maximum(e1[:, 0], e2[:, 0])
    ih = np.minimum(e1[:, 3], e2[:, 3]) - np.maximum(e1[:, 1], e2[:, 1])
    overlap = (iw > 0) & (ih > 0)
    ext_inter = np.where(overlap, np.nan_to_num(iw) * np.nan_to_num(ih), 0.0)
    box1, vec1, geom1, area1 = ref.vector()
    box2, vec2, geom2, area2 = cand.vector()
    n = len(r)
    inter = np.zeros(n)
    a1, a2 = area1[r], area2[c]
    boxes = box1[r] & box2[c]
    inter[boxes] = ext_inter[boxes]  # two axis-aligned boxes: their extents are the boxes
    vec = vec1[r] & vec2[c] & ~boxes
    sim = np.zeros(n)
    if vec.any():
        # the intersection is at most the extents' overlap and the smaller area: skip pairs
        # that could reach neither the threshold nor a covered share
        # (covered shares matter only between objects of one class: merged, split, crowd)
        ub = np.minimum(ext_inter, np.minimum(a1, a2))
        same = (ref.cls[r] == cand.cls[c]) & cover
        with np.errstate(invalid="ignore", divide="ignore"):
            reach = (ub / (a1 + a2 - ub) >= keep_at) | (
                same & ((ub / a1 >= COVER_BOUND) | (ub / a2 >= COVER_BOUND)))
        sim[vec & ~reach] = np.nan
        todo = np.flatnonzero(vec & reach & overlap)
        if len(todo):
            from guidec.polygons import _parallel

            ga, gb = geom1[r[todo]], geom2[c[todo]]
            try:
                inter[todo] = _parallel(
                    lambda lo, hi: shapely.area(shapely.intersection(ga[lo:hi], gb[lo:hi])),
                    len(todo), THREADS)
            except shapely.errors.GEOSException:  # one odd pair: the others one by one
                inter[todo] = [_safe_area(x, y) for x, y in zip(ga, gb, strict=True)]
    slow = np.flatnonzero(~vec1[r] | ~vec2[c])
    for k in slow.tolist():
        inter[k], a1[k], a2[k] = _slow_pair(ref, int(r[k]), cand, int(c[k]), bool(overlap[k]))
    union = a1 + a2 - inter
    with np.errstate(invalid="ignore", divide="ignore"):
        exact = np.where(union > 0, inter / union, 0.0)
    sim = np.where(np.isnan(sim), np.nan, exact)
    return sim, inter, a1, a2


def _safe_area(a, b) -> float:
    """Intersection area of two geometries; 0 where GEOS gives up on them."""
    import shapely

    try:
        return float(shapely.area(shapely.intersection(a, b)))
    except shapely.errors.GEOSException:
        return 0.0


def _is_mask(side: Side, row: int) -> bool:
    return side.table.rle[row] is not None and int(side.table.shape[row]) == Shape.MASK


def _region_area(side: Side, row: int) -> float:
    from guidec import masks

    if _is_mask(side, row):
        try:
            return float(masks.area(side.table.rle[row]))
        except (masks.RleError, ValueError, TypeError, KeyError):
            return 0.0
    g = _geom(side, row)
    return float(g.area) if g is not None else 0.0


def _slow_pair(a: Side, ra: int, b: Side, rb: int, overlap: bool) -> tuple[float, float, float]:
    """(intersection, area a, area b) of a pair the vector path does not take: shapely for two
    geometries; pixels when either is a mask (a geometry drawn into the mask's frame, only
    within its own bounds)."""
    from guidec import masks

    ma, mb = _is_mask(a, ra), _is_mask(b, rb)
    if not (ma or mb):
        ga, gb = _geom(a, ra), _geom(b, rb)
        area_a = float(ga.area) if ga is not None else 0.0
        area_b = float(gb.area) if gb is not None else 0.0
        if not overlap or ga is None or gb is None:
            return 0.0, area_a, area_b
        return _safe_area(ga, gb), area_a, area_b
    if ma and mb:
        area_a, area_b = _region_area(a, ra), _region_area(b, rb)
        if not overlap:
            return 0.0, area_a, area_b
        try:
            return float(masks.intersection(a.table.rle[ra], b.table.rle[rb])), area_a, area_b
        except (masks.RleError, ValueError, TypeError, KeyError):
            return 0.0, area_a, area_b
    if mb:  # the mask first
        inter, area_b, area_a = _slow_pair(b, rb, a, ra, overlap)
        return inter, area_a, area_b
    bitmap = _bitmap(a, ra)
    area_a = float(bitmap.sum()) if bitmap is not None else 0.0
    g = _geom(b, rb)
    if bitmap is None or g is None:
        return 0.0, area_a, 0.0
    h, w = bitmap.shape
    x0, y0, x1, y1 = g.bounds
    x0, y0 = max(0, int(np.floor(x0))), max(0, int(np.floor(y0)))
    x1, y1 = min(w, int(np.ceil(x1)) + 1), min(h, int(np.ceil(y1)) + 1)
    if x1 <= x0 or y1 <= y0:
        return 0.0, area_a, 0.0
    drawn = masks.rasterize([ring - (x0, y0) for ring in _rings_of_geom(g)], y1 - y0, x1 - x0)
    return float((drawn & bitmap[y0:y1, x0:x1]).sum()), area_a, float(drawn.sum())


def _bitmap(side: Side, row: int) -> np.ndarray | None:
    """A mask row decoded (cached: a crowd region meets many candidates)."""
    from guidec import masks

    cache = side._bitmaps
    if cache is None:
        cache = side._bitmaps = {}
    if row not in cache:
        try:
            cache[row] = masks.decode(side.table.rle[row])
        except (masks.RleError, ValueError, TypeError, KeyError):
            cache[row] = None
    return cache[row]


def _mask_size(side: Side, row: int) -> tuple[int, int] | None:
    if _is_mask(side, row):
        size = side.table.rle[row].get("size") if isinstance(side.table.rle[row], dict) else None
        if isinstance(size, (list, tuple)) and len(size) == 2:
            return int(size[0]), int(size[1])
    return None


def _as_rle(side: Side, row: int, size: tuple[int, int] | None) -> dict | None:
    """The row as an RLE of ``size`` (h, w): its own mask, or its region drawn into one."""
    from guidec import masks

    if _is_mask(side, row):
        return side.table.rle[row]
    if size is None:
        return None
    g = _geom(side, row)
    if g is None:
        return None
    rings = _rings_of_geom(g)
    return masks.encode(masks.rasterize(rings, *size))


def _rings_of_geom(g) -> list[np.ndarray]:
    polys = getattr(g, "geoms", [g])
    out = []
    for p in polys:
        out.append(np.asarray(p.exterior.coords))
        out.extend(np.asarray(i.coords) for i in p.interiors)
    return out


def _geom(side: Side, row: int):
    """A shapely polygon (or multipolygon) for a region row, cached; None when it has none."""
    import shapely

    cache = side._geoms
    if cache is None:
        cache = side._geoms = {}
    if row in cache:
        return cache[row]
    t = side.table
    shape = int(t.shape[row])
    b = t.bbox[row]
    g = None
    rings = [ring for ring in t.rings_of(row) if len(ring) >= 3 and np.isfinite(ring).all()]
    if shape in (Shape.POLYGON, Shape.MASK) and rings:
        parts = [shapely.make_valid(shapely.Polygon(ring)) for ring in rings]
        g = shapely.union_all(parts) if len(parts) > 1 else parts[0]
    elif np.isfinite(b).all() and b[2] > 0 and b[3] > 0:
        if shape == Shape.ELLIPSE:
            a = np.linspace(0, 2 * np.pi, ELLIPSE_SIDES, endpoint=False)
            cx, cy, rx, ry = b[0] + b[2] / 2, b[1] + b[3] / 2, b[2] / 2, b[3] / 2
            x, y = rx * np.cos(a), ry * np.sin(a)
            th = np.radians(t.rotation[row])
            pts = np.c_[cx + x * np.cos(th) - y * np.sin(th), cy + x * np.sin(th) + y * np.cos(th)]
            g = shapely.Polygon(pts)
        elif t.rotation[row] != 0:
            g = shapely.Polygon(rotated_corners(b, [t.rotation[row]])[0])
        else:
            g = shapely.box(b[0], b[1], b[0] + b[2], b[1] + b[3])
    cache[row] = g
    return g


# --------------------------------------------------------------------------- keypoints
def _oks_pairs(ref: Side, cand: Side, r, c, project, kp_sigmas):
    """OKS per pair (pycocotools ``computeOks`` over the reference's marked points)."""
    n = len(r)
    sim = np.zeros(n)
    own = np.zeros(n)
    flipped = np.zeros(n, dtype=bool)
    tr, tc = ref.table, cand.table
    kr = np.diff(tr.kp_offsets)[r]
    kc = np.diff(tc.kp_offsets)[c]
    cls = ref.cls[r]
    for k in np.unique(kr).tolist():
        sel = np.flatnonzero((kr == k) & (kc == k) & (k > 0))
        if not len(sel):
            continue
        rows_r, rows_c = r[sel], c[sel]
        a = tr.kp[tr.kp_offsets[rows_r][:, None] + np.arange(k)]  # (m, k, 3)
        b = tc.kp[tc.kp_offsets[rows_c][:, None] + np.arange(k)]
        sig = np.empty((len(sel), k))
        flip = np.empty((len(sel), k), dtype=np.int64)
        for ci in np.unique(cls[sel]).tolist():
            m = cls[sel] == ci
            sg, fl = kp_sigmas.get((ci, k)) or (np.full(k, DEFAULT_SIGMA), np.arange(k))
            sig[m], flip[m] = sg, fl
        s = _object_scale(ref, rows_r, a)
        straight = oks(a, b, sig, s)
        mirrored = oks(a, np.take_along_axis(b, flip[:, :, None], axis=1), sig, s)
        better = mirrored > straight + 1e-12
        sim[sel] = np.where(better, mirrored, straight)
        own[sel] = straight
        flipped[sel] = better
    return sim, flipped, own


def _object_scale(side: Side, rows, pts) -> np.ndarray:
    t = side.table
    area = np.asarray(t.area, dtype=np.float64)[rows]
    box = t.bbox[rows]
    box_area = box[:, 2] * box[:, 3]
    vis = pts[:, :, 2] > 0
    x = np.where(vis, pts[:, :, 0], np.nan)
    y = np.where(vis, pts[:, :, 1], np.nan)
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN rows: no visible point
        spread = (np.nanmax(x, axis=1) - np.nanmin(x, axis=1)) * (
            np.nanmax(y, axis=1) - np.nanmin(y, axis=1))
    s = np.where(np.isfinite(area) & (area > 0), area,
                 np.where(np.isfinite(box_area) & (box_area > 0), box_area, spread))
    return np.where(np.isfinite(s) & (s > 0), s, 1.0)


def oks(a: np.ndarray, b: np.ndarray, sigmas: np.ndarray, area: np.ndarray) -> np.ndarray:
    """OKS of reference points ``a`` and candidate points ``b`` (m, k, 3), per-pair sigmas
    (m, k) or (k,), object areas (m,): pycocotools' formula over the reference's marked points
    (0 when the reference marks none)."""
    var = (2 * np.asarray(sigmas, dtype=np.float64)) ** 2
    d2 = ((a[:, :, :2] - b[:, :, :2]) ** 2).sum(axis=2)
    with np.errstate(over="ignore", invalid="ignore"):
        e = d2 / var / (np.asarray(area, dtype=np.float64)[:, None] + np.spacing(1)) / 2
        score = np.exp(-e)
    vis = a[:, :, 2] > 0
    cnt = vis.sum(axis=1)
    total = np.where(vis, np.nan_to_num(score), 0.0).sum(axis=1)
    return np.where(cnt > 0, total / np.maximum(cnt, 1), 0.0)


# --------------------------------------------------------------------------- lines, points
def line_thickness(img_wh: np.ndarray, ext: np.ndarray) -> np.ndarray:
    """CVAT's line thickness: 1 % of the square root of the image area (of the line's extent
    where the image size is unknown), at least one pixel."""
    area = img_wh[:, 0] * img_wh[:, 1]
    span = (ext[:, 2] - ext[:, 0]) * (ext[:, 3] - ext[:, 1])
    a = np.where(np.isfinite(area) & (area > 0), area, span)
    return np.maximum(0.01 * np.sqrt(np.nan_to_num(a)), 1.0)


def resample(pts: np.ndarray, n: int = LINE_SAMPLES) -> np.ndarray:
    """``n`` points equally spaced along the polyline ``pts`` (its ends included)."""
    pts = np.asarray(pts, dtype=np.float64)
    if len(pts) == 1:
        return np.repeat(pts, n, axis=0)
    seg = np.hypot(*np.diff(pts, axis=0).T)
    at = np.r_[0.0, np.cumsum(seg)]
    if at[-1] == 0:
        return np.repeat(pts[:1], n, axis=0)
    q = np.linspace(0, at[-1], n)
    return np.c_[np.interp(q, at, pts[:, 0]), np.interp(q, at, pts[:, 1])]


def _line_pairs(ref: Side, cand: Side, r, c, resample_lines: bool):
    n = len(r)
    sim = np.zeros(n)
    flipped = np.zeros(n, dtype=bool)
    t = line_thickness(ref.img_wh[r], ref.ext[r])
    for k in range(n):
        a = _line_points(ref.table, int(r[k]))
        b = _line_points(cand.table, int(c[k]))
        if len(a) == 0 or len(b) == 0:
            continue
        if resample_lines:
            a, b = resample(a), resample(b)
        elif len(a) != len(b):
            continue
        fwd = _gauss(a, b, t[k])
        back = _gauss(a, b[::-1], t[k])
        flipped[k] = back > fwd + 1e-12
        sim[k] = max(fwd, back)
    return sim, flipped


def _line_points(t, row: int) -> np.ndarray:
    rings = t.rings_of(row)
    if not rings:
        return np.zeros((0, 2))
    return np.concatenate(rings, axis=0)


def _gauss(a: np.ndarray, b: np.ndarray, t: float) -> float:
    d2 = ((a - b) ** 2).sum(axis=1)
    return float(np.exp(-d2 / (2 * t * t)).mean())
