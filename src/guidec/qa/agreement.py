"""Chance-corrected agreement of categorical labels: Cohen's kappa for two raters,
Krippendorff's alpha (nominal) for any number of raters with missing values.

* **Cohen's kappa** of paired labels ``a``, ``b`` (pairs with a missing side are left out):
  ``(p_o - p_e) / (1 - p_e)`` with ``p_o`` the share of equal pairs and ``p_e`` the chance
  agreement from both raters' marginals. NaN when there is no pair, or when ``p_e`` is 1 (both
  raters used one and the same category: agreement by chance is certain) — as scikit-learn's
  ``cohen_kappa_score``.
* **Krippendorff's alpha** over reliability data (one list per rater, one value per unit,
  ``None`` missing): units with fewer than two values are not pairable and left out; from the
  coincidence matrix ``o_ck = Σ_u (pairs of c and k in u) / (m_u - 1)``, ``alpha = 1 - (n - 1)
  Σ_{c≠k} o_ck / Σ_{c≠k} n_c n_k``. NaN when no unit is pairable or only one value occurs (the
  ``krippendorff`` package refuses that case).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np


def _codes(values: Sequence) -> tuple[np.ndarray, int]:
    """Integer codes of hashable values (-1 for None), and how many distinct values."""
    index: dict = {}
    out = np.empty(len(values), dtype=np.int64)
    for i, v in enumerate(values):
        out[i] = -1 if v is None else index.setdefault(v, len(index))
    return out, len(index)


def cohen_kappa(a: Sequence[Hashable | None], b: Sequence[Hashable | None]) -> float:
    if len(a) != len(b):
        raise ValueError(f"two raters need the same number of items ({len(a)} and {len(b)})")
    codes, k = _codes(list(a) + list(b))
    ca, cb = codes[:len(a)], codes[len(a):]
    keep = (ca >= 0) & (cb >= 0)
    ca, cb = ca[keep], cb[keep]
    n = len(ca)
    if n == 0:
        return float("nan")
    p_o = float((ca == cb).mean())
    p_e = float((np.bincount(ca, minlength=k) * np.bincount(cb, minlength=k)).sum()) / (n * n)
    if p_e >= 1.0:
        return float("nan")
    return (p_o - p_e) / (1.0 - p_e)


def krippendorff_alpha(data: Sequence[Sequence[Hashable | None]]) -> float:
    """Nominal alpha of ``data``: one sequence per rater, all of the same length (units)."""
    raters = [list(r) for r in data]
    if not raters:
        return float("nan")
    units = len(raters[0])
    if any(len(r) != units for r in raters):
        raise ValueError("every rater needs one value (or None) per unit")
    codes, k = _codes([v for r in raters for v in r])
    codes = codes.reshape(len(raters), units)
    counts = np.zeros((units, max(k, 1)), dtype=np.float64)  # unit x value
    rr, uu = np.nonzero(codes >= 0)
    np.add.at(counts, (uu, codes[rr, uu]), 1.0)
    m = counts.sum(axis=1)
    pairable = m >= 2
    counts, m = counts[pairable], m[pairable]
    if not len(m):
        return float("nan")
    weighted = counts / (m - 1)[:, None]
    o = weighted.T @ counts
    o[np.diag_indices_from(o)] -= weighted.sum(axis=0)
    n_c = o.sum(axis=1)
    n = n_c.sum()
    expected = n * n - (n_c * n_c).sum()
    if expected <= 0:
        return float("nan")
    observed = n - np.trace(o)
    return float(1.0 - (n - 1) * observed / expected)
