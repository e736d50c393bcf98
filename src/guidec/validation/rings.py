"""Polygon rings as columns: vertex counts, bounds, signed areas, perimeters and validity of
every ring of a table at once (the "winds once" C kernel where it is built, GEOS for the rest).

:class:`RingColumns` is the part of :class:`~guidec.validation.frame.Frame` that derives them,
lazily and once per table.
"""

from __future__ import annotations

from functools import cached_property

import numpy as np

from guidec.polygons import build_rings, parallel_map
from guidec.table import Shape

try:  # validation/_native.c, built with guidec; the numpy versions give the same answers
    from guidec.validation import _native
except ImportError:  # pragma: no cover - a build without a C compiler
    _native = None

#: Vertices per block of the per-vertex array expressions: their temporaries (0.5 MB each)
#: stay in cache and are given back block by block (ring areas of 3.8M vertices: 29 ms and
#: +2 MiB against 40 ms and +20 MiB with blocks of 256k).
CHUNK_VERTICES = 1 << 16


class RingColumns:
    """Derived ring columns; expects ``self.t`` (the table), ``self.n`` and ``self.threads``."""

    @property
    def ann_vstart(self) -> np.ndarray:
        """(N+1,) offsets of each annotation's vertices (made when asked: not kept, as the
        vertex counts and bounds that come from it are)."""
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
            starts = self.t.ring_offsets[self.t.ann_ring_offsets[rows]]
            out[rows, 0] = np.minimum.reduceat(v[:, 0], starts)
            out[rows, 1] = np.minimum.reduceat(v[:, 1], starts)
            out[rows, 2] = np.maximum.reduceat(v[:, 0], starts)
            out[rows, 3] = np.maximum.reduceat(v[:, 1], starts)
        return out

    def _next_of(self, idx: np.ndarray) -> np.ndarray:
        """Index of the vertex after each of the vertices ``idx`` around its ring (the last
        wraps to the first). Made for the vertices asked for only: a column over every vertex
        would be the largest array the rules derive."""
        ro = self.t.ring_offsets
        ring = np.searchsorted(ro, idx, side="right") - 1  # empty rings share a start
        start = ro[ring]
        return np.where(idx + 1 == ro[ring + 1], start, idx + 1)

    @cached_property
    def ring_area(self) -> np.ndarray:
        """Unsigned shoelace area of each ring (summed per ring: no cancellation)."""
        v = self.t.vertices
        out = np.zeros(len(self.ring_len))
        rings = np.flatnonzero(self.ring_len > 0)
        if len(rings) == 0:
            return out
        ro = self.t.ring_offsets
        cum = np.cumsum(self.ring_len[rings])
        cuts = np.searchsorted(cum, np.arange(CHUNK_VERTICES, cum[-1], CHUNK_VERTICES))
        for part in np.split(rings, cuts):  # blocks of ~CHUNK_VERTICES vertices
            if len(part) == 0:
                continue
            lo, hi = ro[part[0]], ro[part[-1] + 1]
            n = np.arange(lo + 1, hi + 1)  # the next vertex around the ring
            n[ro[part + 1] - 1 - lo] = ro[part]
            nx, ny = v[n, 0], v[n, 1]
            del n
            # x * next y - next x * y, with no temporary beyond the two gathered columns
            cross = np.multiply(v[lo:hi, 0], ny, out=ny)
            np.subtract(cross, np.multiply(nx, v[lo:hi, 1], out=nx), out=cross)
            out[part] = 0.5 * np.abs(np.add.reduceat(cross, ro[part] - lo))
            del nx, ny, cross  # before the next block's
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
        b = v[self._next_of(idx)] - first
        tri = np.abs(a[:, 0] * b[:, 1] - a[:, 1] * b[:, 0])
        owner = np.repeat(np.arange(len(rings)), lens)
        return 0.5 * np.bincount(owner, weights=tri, minlength=len(rings))

    def perimeter_of(self, rows: np.ndarray) -> np.ndarray:
        """Outline length (all parts) of the given annotation rows."""
        t = self.t
        v = t.vertices
        ro, aro = t.ring_offsets, t.ann_ring_offsets
        starts, ends = ro[aro[rows]], ro[aro[rows + 1]]
        lens = ends - starts
        if lens.sum() == 0:
            return np.zeros(len(rows))
        idx = np.repeat(starts, lens) + (np.arange(lens.sum())
                                         - np.repeat(np.cumsum(lens) - lens, lens))
        seg = np.hypot(*(v[self._next_of(idx)] - v[idx]).T)
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
        if not _all_finite(t.vertices):
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
        if _native is not None:  # the same test in C, one pass per ring (validation/_native.c)
            ok = _native.star_simple(np.ascontiguousarray(self.t.vertices, dtype=np.float64),
                                    np.ascontiguousarray(self.t.ring_offsets, dtype=np.int64),
                                    rings.astype(np.int64))
            out[rings[np.frombuffer(ok, dtype=bool)]] = True
            return out
        for center in ("centroid", "bounds"):
            if len(rings) == 0:
                break
            # blocks of ~CHUNK_VERTICES: the temporaries stay in cache instead of costing
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
        nxt = self._next_of(idx)
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
                                        rings[todo].astype(np.int64), self.threads)
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


def _all_finite(v: np.ndarray) -> bool:
    """No NaN or infinite value in ``v``, judged block by block (no temporary per vertex)."""
    return all(np.isfinite(v[i:i + CHUNK_VERTICES]).all()
               for i in range(0, len(v), CHUNK_VERTICES))
