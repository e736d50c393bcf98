"""Optimal linear assignment: the Hungarian method with potentials (Jonker-Volgenant form,
O(n² m)), each step's scan over the columns in numpy.

``assign(cost)`` has the contract of ``scipy.optimize.linear_sum_assignment``: for a rectangular
cost matrix it returns ``(rows, cols)``, rows ascending, of a minimum-cost assignment of
``min(n, m)`` pairs. ``inf`` marks a forbidden pair: it is priced above any finite total and
dropped from the result (so fewer pairs may come back); NaN is an error. The matcher calls it
only on the few images where the allowed pairs are not already one-to-one.
"""

from __future__ import annotations

import numpy as np


def assign(cost: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    c = np.asarray(cost, dtype=np.float64)
    if c.ndim != 2:
        raise ValueError("cost must be 2-D")
    if np.isnan(c).any():
        raise ValueError("cost holds NaN")
    t = c.shape[0] > c.shape[1]
    if t:
        c = c.T
    n, m = c.shape
    if n == 0:
        e = np.zeros(0, dtype=np.int64)
        return e, e
    big = np.where(np.isfinite(c), c, 0).max(initial=0) * 2 + 1e6
    a = np.where(np.isfinite(c), c, big)
    u = np.zeros(n + 1)
    v = np.zeros(m + 1)
    p = np.zeros(m + 1, dtype=np.int64)
    way = np.zeros(m + 1, dtype=np.int64)
    for i in range(1, n + 1):
        p[0] = i
        j0 = 0
        minv = np.full(m + 1, np.inf)
        used = np.zeros(m + 1, dtype=bool)
        while True:
            used[j0] = True
            i0 = p[j0]
            cur = a[i0 - 1] - u[i0] - v[1:]
            free = ~used[1:]
            upd = free & (cur < minv[1:])
            minv[1:][upd] = cur[upd]
            way[1:][upd] = j0
            cand = np.where(free, minv[1:], np.inf)
            j1 = int(np.argmin(cand)) + 1
            delta = cand[j1 - 1]
            u[p[used]] += delta
            v[used] -= delta
            minv[1:][free] -= delta
            j0 = j1
            if p[j0] == 0:
                break
        while j0:
            j1 = way[j0]
            p[j0] = p[j1]
            j0 = j1
    rows = p[1:] - 1
    cols = np.arange(m)
    keep = rows >= 0
    rows, cols = rows[keep], cols[keep]
    ok = np.isfinite(c[rows, cols])
    rows, cols = rows[ok], cols[ok]
    if t:
        rows, cols = cols, rows
    order = np.argsort(rows)
    return rows[order], cols[order]
