"""The validation rules' thread pool: numpy and GEOS release the GIL, so chunks of one array
expression run on both cores."""

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
