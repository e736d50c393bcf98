"""Derived columns the rules share, computed once and lazily, and the finding constructors.

Everything here is an array expression over the whole table. The few Python loops run over
*distinct* values (classes, attribute values, spec rules) or over findings, never over
annotations.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from functools import cached_property

import numpy as np

from guidec.codes import Code
from guidec.columns import distinct
from guidec.diagnostics import Diagnostic, Severity, did_you_mean
from guidec.labels import resolve_labels
from guidec.table import AnnotationTable, Shape

try:  # rules/_native.c, built with guidec; the numpy versions give the same answers
    from guidec.rules import _native
except ImportError:  # pragma: no cover - a build without a C compiler
    _native = None

# Shapes of the table, by the name the spec language uses.
SHAPE_NAMES = {int(s): s.spec_name for s in Shape}
# A class whose spec shapes include the key accepts these table shapes.
ACCEPTS = {
    "box": {Shape.BOX},
    "rotated_box": {Shape.ROTATED_BOX},
    "polygon": {Shape.POLYGON},
    "mask": {Shape.MASK},
    "polyline": {Shape.POLYLINE},
    "points": {Shape.POINTS},
    "keypoints": {Shape.KEYPOINTS},
    "text_region": {Shape.BOX, Shape.ROTATED_BOX, Shape.POLYGON},
}
EDGE_TOL = 0.5  # px: sub-pixel slack at the image border (rounding in exporters)
CHUNK_VERTICES = 1 << 18


def pointer_path(pointer: str | None) -> tuple:
    if not pointer:
        return ()
    out: list[str | int] = []
    for part in pointer.lstrip("/").split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        out.append(int(part) if part.isdigit() else part)
    return tuple(out)


class Frame:
    def __init__(self, table: AnnotationTable, project, threads: int | None = None):
        self.t = table
        self.project = project
        self.n = len(table)
        self.threads = max(1, threads or min(2, os.cpu_count() or 1))

    # ----------------------------------------------------------------- classes
    @cached_property
    def resolution(self):
        """The class of every row, from the one class resolver (:mod:`guidec.labels`)."""
        return resolve_labels(self.t, self.project)

    @property
    def cls(self) -> np.ndarray:
        return self.resolution.cls

    @property
    def shown_label(self) -> np.ndarray:
        return self.resolution.shown

    def class_name(self, row: int) -> str | None:
        c = int(self.cls[row])
        if c >= 0:
            return self.project.classes[c].name
        s = self.shown_label[row]
        return None if s is None else str(s)

    def class_mask(self, names) -> np.ndarray:
        """Rows whose class is one of ``names`` (a rule's resolved classes)."""
        wanted = np.zeros(len(self.project.classes) + 1, dtype=bool)
        idx = {c.name: c.index for c in self.project.classes}
        for nm in names:
            if nm in idx:
                wanted[idx[nm]] = True
        return wanted[self.cls]  # -1 hits the extra False slot

    def per_class(self, values, dtype=object, fill=None) -> np.ndarray:
        """An array indexed by class index (+ a last slot for unknown, value ``fill``)."""
        values = list(values)
        arr = np.empty(len(values) + 1, dtype=dtype)
        for i, v in enumerate(values):  # per class; tuples stay cells of an object array
            arr[i] = v
        arr[-1] = fill
        return arr

    def factor(self, col: np.ndarray) -> tuple[list, np.ndarray]:
        """:func:`distinct` of a whole table column, computed once per column."""
        cache = self.__dict__.setdefault("_factors", {})
        key = id(col)
        if key not in cache:
            cache[key] = (col, distinct(col))  # keep col alive so its id stays unique
        return cache[key][1]

    # ----------------------------------------------------------------- images
    @cached_property
    def has_image(self) -> np.ndarray:
        return self.t.image_index >= 0

    @cached_property
    def img_wh(self) -> tuple[np.ndarray, np.ndarray]:
        im = self.t.images
        if len(im) == 0:
            nan = np.full(self.n, np.nan)
            return nan, nan.copy()
        idx = np.clip(self.t.image_index, 0, None)
        w = np.where(self.has_image, im.width[idx], np.nan)
        h = np.where(self.has_image, im.height[idx], np.nan)
        return w, h

    # ----------------------------------------------------------------- polygons
    @cached_property
    def ann_vstart(self) -> np.ndarray:
        """(N+1,) offsets of each annotation's vertices."""
        return self.t.ring_offsets[self.t.ann_ring_offsets]

    @cached_property
    def nverts(self) -> np.ndarray:
        return np.diff(self.ann_vstart)

    @cached_property
    def ring_len(self) -> np.ndarray:
        return np.diff(self.t.ring_offsets)

    @cached_property
    def ring_ann(self) -> np.ndarray:
        return np.repeat(np.arange(self.n), np.diff(self.t.ann_ring_offsets))

    @cached_property
    def vert_bounds(self) -> np.ndarray:
        """(N, 4) x0, y0, x1, y1 of each annotation's vertices; nan without vertices."""
        out = np.full((self.n, 4), np.nan)
        rows = np.flatnonzero(self.nverts > 0)
        if len(rows):
            v = self.t.vertices
            starts = self.ann_vstart[rows]
            out[rows, 0] = np.minimum.reduceat(v[:, 0], starts)
            out[rows, 1] = np.minimum.reduceat(v[:, 1], starts)
            out[rows, 2] = np.maximum.reduceat(v[:, 0], starts)
            out[rows, 3] = np.maximum.reduceat(v[:, 1], starts)
        return out

    @cached_property
    def _ring_next(self) -> np.ndarray:
        """Index of the next vertex around its ring (the last wraps to the first)."""
        v = len(self.t.vertices)
        nxt = np.arange(1, v + 1)
        ro = self.t.ring_offsets
        nonempty = self.ring_len > 0
        nxt[ro[1:][nonempty] - 1] = ro[:-1][nonempty]
        return nxt

    @cached_property
    def ring_area(self) -> np.ndarray:
        """Unsigned shoelace area of each ring (summed per ring: no cancellation)."""
        v = self.t.vertices
        out = np.zeros(len(self.ring_len))
        rings = np.flatnonzero(self.ring_len > 0)
        if len(rings) == 0:
            return out
        ro = self.t.ring_offsets
        nxt = self._ring_next
        cum = np.cumsum(self.ring_len[rings])
        cuts = np.searchsorted(cum, np.arange(CHUNK_VERTICES, cum[-1], CHUNK_VERTICES))
        for part in np.split(rings, cuts):  # blocks of ~256k vertices (cache-sized)
            if len(part) == 0:
                continue
            lo, hi = ro[part[0]], ro[part[-1] + 1]
            x, y = v[lo:hi, 0], v[lo:hi, 1]
            n = nxt[lo:hi]
            cross = x * v[n, 1] - v[n, 0] * y
            out[part] = 0.5 * np.abs(np.add.reduceat(cross, ro[part] - lo))
        return out

    def ring_spread(self, rings: np.ndarray) -> np.ndarray:
        """Sum of |fan triangle areas| of the given rings: 0 only when all points are
        collinear. (A symmetric bow-tie has zero signed area but a positive spread.)
        """
        v = self.t.vertices
        ro = self.t.ring_offsets
        lens = self.ring_len[rings]
        if len(rings) == 0 or lens.sum() == 0:
            return np.zeros(len(rings))
        idx = np.repeat(ro[rings], lens) + (np.arange(lens.sum())
                                           - np.repeat(np.cumsum(lens) - lens, lens))
        first = v[np.repeat(ro[rings], lens)]
        a = v[idx] - first
        b = v[self._ring_next[idx]] - first
        tri = np.abs(a[:, 0] * b[:, 1] - a[:, 1] * b[:, 0])
        owner = np.repeat(np.arange(len(rings)), lens)
        return 0.5 * np.bincount(owner, weights=tri, minlength=len(rings))

    def perimeter_of(self, rows: np.ndarray) -> np.ndarray:
        """Outline length (all parts) of the given annotation rows."""
        t = self.t
        v = t.vertices
        starts, ends = self.ann_vstart[rows], self.ann_vstart[rows + 1]
        lens = ends - starts
        if lens.sum() == 0:
            return np.zeros(len(rows))
        idx = np.repeat(starts, lens) + (np.arange(lens.sum())
                                         - np.repeat(np.cumsum(lens) - lens, lens))
        seg = np.hypot(*(v[self._ring_next[idx]] - v[idx]).T)
        return np.bincount(np.repeat(np.arange(len(rows)), lens), weights=seg,
                           minlength=len(rows))

    @cached_property
    def poly_area(self) -> np.ndarray:
        """Sum of ring areas per annotation (COCO parts of one object do not overlap)."""
        return np.bincount(self.ring_ann, weights=self.ring_area, minlength=self.n)

    @cached_property
    def is_poly(self) -> np.ndarray:
        return self.t.shape == Shape.POLYGON

    @cached_property
    def _candidate_rings(self) -> np.ndarray:
        """Polygon rings of >= 3 finite vertices: the ones whose validity is judged."""
        t = self.t
        ok = (self.ring_len >= 3) & self.is_poly[self.ring_ann]
        if not np.all(np.isfinite(t.vertices)):
            vbad = ~np.isfinite(t.vertices).all(axis=1)
            ring_of_v = np.repeat(np.arange(len(self.ring_len)), self.ring_len)
            bad_rings = np.zeros(len(self.ring_len), dtype=bool)
            bad_rings[ring_of_v[vbad]] = True
            ok &= ~bad_rings
        return np.flatnonzero(ok)

    @cached_property
    def ring_star_simple(self) -> np.ndarray:
        """Per ring: provably simple because it winds once around a point.

        When every step from one vertex to the next turns the same way about a point, by
        less than 180 degrees, and the turns add up to exactly one full turn, each edge lies
        in its own angular wedge, so no two edges can cross: the ring is simple (hence
        valid) without asking GEOS. The vertex centroid is tried first, then the centre of
        the ring's bounds. Convex and most blob-like outlines pass; the rest go to
        ``shapely.is_valid``. Repeated consecutive points are allowed, as GEOS allows them.
        """
        r = len(self.ring_len)
        out = np.zeros(r, dtype=bool)
        if len(self.t.vertices) == 0:
            return out
        rings = np.flatnonzero(self.ring_len >= 3)
        if _native is not None:  # the same test in C, one pass per ring (rules/_native.c)
            ok = _native.star_simple(np.ascontiguousarray(self.t.vertices, dtype=np.float64),
                                    np.ascontiguousarray(self.t.ring_offsets, dtype=np.int64),
                                    rings.astype(np.int64))
            out[rings[np.frombuffer(ok, dtype=bool)]] = True
            return out
        for center in ("centroid", "bounds"):
            if len(rings) == 0:
                break
            # blocks of ~256k vertices: the temporaries stay in cache instead of costing
            # page faults on every fresh 80 MB array (4x faster at COCO scale)
            cum = np.cumsum(self.ring_len[rings])
            cuts = np.searchsorted(cum, np.arange(CHUNK_VERTICES, cum[-1], CHUNK_VERTICES))
            ok = np.concatenate([self._winds_once(part, center)
                                 for part in np.split(rings, cuts) if len(part)])
            out[rings[ok]] = True
            rings = rings[~ok]
        return out

    def _winds_once(self, rings: np.ndarray, center: str) -> np.ndarray:
        """For rings of >= 3 points: all turns about the centre go one way (strictly, except
        repeated points) and the outline crosses the centre's +x ray exactly once, i.e. it
        winds exactly once. Comparisons and products only: no angles."""
        v = self.t.vertices
        lens = self.ring_len[rings]
        seg = np.cumsum(lens) - lens
        total = int(lens.sum())
        idx = np.arange(total) + np.repeat(self.t.ring_offsets[rings] - seg, lens)
        x, y = v[idx, 0], v[idx, 1]
        if center == "centroid":
            cx = np.add.reduceat(x, seg) / lens
            cy = np.add.reduceat(y, seg) / lens
        else:
            cx = (np.minimum.reduceat(x, seg) + np.maximum.reduceat(x, seg)) / 2
            cy = (np.minimum.reduceat(y, seg) + np.maximum.reduceat(y, seg)) / 2
        nxt = self._ring_next[idx]
        cxr, cyr = np.repeat(cx, lens), np.repeat(cy, lens)
        ax, ay = x - cxr, y - cyr
        bx, by = v[nxt, 0] - cxr, v[nxt, 1] - cyr
        cross = ax * by - ay * bx
        same = (ax == bx) & (ay == by)
        below_a, below_b = ay < 0, by < 0
        up = (below_a & ~below_b).view(np.int8)
        down = (~below_a & below_b).view(np.int8)
        not_ccw = ((cross <= 0) & ~same).view(np.int8)
        not_cw = ((cross >= 0) & ~same).view(np.int8)

        def per_ring(a):
            return np.add.reduceat(a, seg, dtype=np.int64)

        return (((per_ring(not_ccw) == 0) & (per_ring(up) == 1))
                | ((per_ring(not_cw) == 0) & (per_ring(down) == 1)))

    @cached_property
    def ring_validity(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(ring ids judged, valid per judged ring, flat per judged ring).

        Flat rings (all points collinear) are reported as such; rings that wind once around
        their centroid are simple, and so are rings ``_native.simple_rings`` certifies (no two
        edges meet, with exact orientation signs); every other ring is built with
        ``from_ragged_array`` and judged by ``shapely.is_valid`` over threads (GEOS releases
        the GIL).
        """
        rings = self._candidate_rings
        flat = self.ring_area[rings] <= 1e-9
        if flat.any():  # zero signed area: collinear, or a symmetric bow-tie
            flat[flat] = self.ring_spread(rings[flat]) <= 1e-9
        valid = np.ones(len(rings), dtype=bool)
        todo = np.flatnonzero(~flat & ~self.ring_star_simple[rings])
        if _native is not None and len(todo):  # certified simple in C: valid without GEOS
            sure = _native.simple_rings(np.ascontiguousarray(self.t.vertices, np.float64),
                                        np.ascontiguousarray(self.t.ring_offsets, np.int64),
                                        rings[todo].astype(np.int64))
            todo = todo[~np.frombuffer(sure, dtype=bool)]
        geoms = np.full(len(rings), None, dtype=object)
        if len(todo):
            import shapely

            # from_ragged_array holds the GIL: it runs in one thread
            built = build_rings(self.t.vertices, self.t.ring_offsets, rings[todo])
            geoms[todo] = built
            valid[todo] = parallel_map(shapely.is_valid, built, self.threads)
        self.ring_geoms = geoms  # aligned with ``rings``; None where GEOS was not needed
        return rings, valid, flat

    @cached_property
    def ann_poly_invalid(self) -> np.ndarray:
        """Annotations with a polygon part that GEOS finds invalid or that is flat."""
        rings, valid, flat = self.ring_validity
        out = np.zeros(self.n, dtype=bool)
        out[self.ring_ann[rings[~valid | flat]]] = True
        return out

    # ----------------------------------------------------------------- keypoints
    @cached_property
    def kp_n(self) -> np.ndarray:
        return np.diff(self.t.kp_offsets)

    @cached_property
    def kp_ann(self) -> np.ndarray:
        return np.repeat(np.arange(self.n), self.kp_n)

    # ----------------------------------------------------------------- masks
    @cached_property
    def rle(self):
        from guidec.masks import rle_columns

        return rle_columns(self.t.rle)

    # ----------------------------------------------------------------- boxes
    @cached_property
    def box_ok(self) -> np.ndarray:
        return np.isfinite(self.t.bbox).all(axis=1)

    @cached_property
    def extent_wh(self) -> tuple[np.ndarray, np.ndarray]:
        """Width and height of each annotation: its box, else its vertices' bounds."""
        b = self.t.bbox
        vb = self.vert_bounds
        w = np.where(self.box_ok, b[:, 2], vb[:, 2] - vb[:, 0])
        h = np.where(self.box_ok, b[:, 3], vb[:, 3] - vb[:, 1])
        return w, h

    @cached_property
    def shape_area(self) -> np.ndarray:
        """Area of each annotation's own geometry: mask pixels, polygon area or box area."""
        t = self.t
        area = np.where(self.box_ok, t.bbox[:, 2] * t.bbox[:, 3], np.nan)
        poly = self.nverts > 0
        area = np.where(poly & np.isin(t.shape, (Shape.POLYGON,)), self.poly_area, area)
        r = self.rle
        if len(r.rows):
            good = r.ok
            area[r.rows[good]] = r.area[good]
        return area

    @cached_property
    def turned(self) -> np.ndarray:
        """Rows whose box is rotated: their geometry is the turned rectangle, not its bounds."""
        return self.box_ok & (np.mod(self.t.rotation, 180) != 0)

    @cached_property
    def rotated_corners(self) -> np.ndarray:
        """(N, 4, 2) corners of every box turned by its rotation about the box centre."""
        b = self.t.bbox
        cx = b[:, 0] + b[:, 2] / 2
        cy = b[:, 1] + b[:, 3] / 2
        th = np.deg2rad(self.t.rotation)
        c, s = np.cos(th), np.sin(th)
        dx = np.array([-0.5, 0.5, 0.5, -0.5])[None, :] * b[:, 2:3]
        dy = np.array([-0.5, -0.5, 0.5, 0.5])[None, :] * b[:, 3:4]
        x = cx[:, None] + dx * c[:, None] - dy * s[:, None]
        y = cy[:, None] + dx * s[:, None] + dy * c[:, None]
        return np.stack([x, y], axis=-1)

    # ----------------------------------------------------------------- findings
    def where(self, row: int) -> dict:
        path, line, pointer = self.t.location(row)
        return {"file": path, "line": line, "path": pointer_path(pointer) if line is None else ()}

    def image_name(self, img: int):
        if img < 0:
            return None
        im = self.t.images
        name = im.file_name[img]
        return name if name is not None else im.key[img]

    def ann(self, code: Code, row: int, message: str, *, hint: str | None = None,
            severity: Severity | None = None, rule: str | None = None,
            **extra) -> Diagnostic:
        """A finding on annotation ``row``."""
        row = int(row)
        img = int(self.t.image_index[row])
        w = self.where(row)
        ident = {
            "image": _py(self.image_name(img)),
            "image_id": _py(self.t.images.key[img]) if img >= 0 else None,
            "annotation": _py(self.t.ann_id[row]),
            "class": self.class_name(row),
            "_row": row,
        }
        if rule is not None:
            ident["rule"] = rule
        ident.update(extra)
        d = Diagnostic(code.code, severity or code.severity, message, file=w["file"],
                       path=w["path"], line=w["line"], hint=hint, extra=ident)
        return d

    def img(self, code: Code, img: int, message: str, *, hint: str | None = None,
            severity: Severity | None = None, rule: str | None = None, **extra) -> Diagnostic:
        """A finding on image ``img`` (an index into the image table)."""
        img = int(img)
        path, line, pointer = self.t.image_location(img)
        ident = {
            "image": _py(self.image_name(img)),
            "image_id": _py(self.t.images.key[img]),
            "annotation": None,
            "class": None,
            "_image_row": img,
        }
        if rule is not None:
            ident["rule"] = rule
        ident.update(extra)
        return Diagnostic(code.code, severity or code.severity, message, file=path,
                          path=pointer_path(pointer) if line is None else (), line=line,
                          hint=hint, extra=ident)

    def ann_label(self, row: int) -> str:
        """How the delivery names the annotation, for messages: 'annotation 17'."""
        a = self.t.ann_id[row]
        if a is not None:
            return f"annotation {a}"
        return f"annotation #{int(row)}"

    def suggest(self, name: str) -> str | None:
        return did_you_mean(name, [c.name for c in self.project.active_classes])


def build_rings(vertices: np.ndarray, ring_offsets: np.ndarray, rings: np.ndarray,
                xshift: np.ndarray | None = None, threads: int = 1) -> np.ndarray:
    """One shapely polygon per ring in ``rings`` (each of >= 3 vertices), closed by hand.

    ``xshift`` (one value per ring) moves rings apart, e.g. one image per stripe, so a spatial
    index never pairs shapes of different images.
    """
    import shapely

    if len(rings) == 0:
        return np.empty(0, dtype=object)
    lens = np.diff(ring_offsets)[rings]
    starts = ring_offsets[rings]
    closed_len = lens + 1
    out_off = np.zeros(len(rings) + 1, dtype=np.int64)
    np.cumsum(closed_len, out=out_off[1:])
    total = int(out_off[-1])
    ring_of_slot = np.repeat(np.arange(len(rings)), closed_len)
    pos_in_ring = np.arange(total) - out_off[:-1][ring_of_slot]
    pos_in_ring[out_off[1:] - 1] = 0  # the closing slot repeats vertex 0
    coords = vertices[starts[ring_of_slot] + pos_in_ring]
    if xshift is not None:
        coords[:, 0] += xshift[ring_of_slot]
    return _parallel(lambda lo, hi: shapely.from_ragged_array(
        shapely.GeometryType.POLYGON,
        coords[out_off[lo]:out_off[hi]],
        offsets=(out_off[lo:hi + 1] - out_off[lo], np.arange(hi - lo + 1))),
        len(rings), threads)


def _py(v):
    """A JSON-friendly scalar."""
    if isinstance(v, np.generic):
        return v.item()
    return v


def _parallel(fn, n: int, threads: int):
    """Run ``fn(lo, hi)`` over ``threads`` chunks of ``range(n)`` (shapely releases the GIL)."""
    if threads <= 1 or n < 20_000:
        return fn(0, n)
    bounds = np.linspace(0, n, threads + 1).astype(int)
    with ThreadPoolExecutor(threads) as ex:
        parts = list(ex.map(lambda i: fn(bounds[i], bounds[i + 1]), range(threads)))
    return np.concatenate(parts)


def parallel_map(func, arr: np.ndarray, threads: int) -> np.ndarray:
    """``func(arr)`` over chunks in threads, for shapely predicates that release the GIL."""
    return _parallel(lambda lo, hi: func(arr[lo:hi]), len(arr), threads)
