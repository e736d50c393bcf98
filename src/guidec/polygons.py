"""Shapely polygons from the table's ragged rings, built in bulk, and the thread pool that runs
GEOS over chunks of an array (GEOS and numpy release the GIL). Shared by the validation rules
and QA's matcher."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np


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
