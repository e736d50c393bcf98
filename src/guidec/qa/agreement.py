"""Chance-corrected agreement (placeholder until the tested implementation lands)."""

from __future__ import annotations

from collections import Counter


def cohen_kappa(a, b) -> float:
    pairs = [(x, y) for x, y in zip(a, b, strict=True) if x is not None and y is not None]
    n = len(pairs)
    if not n:
        return float("nan")
    po = sum(x == y for x, y in pairs) / n
    ca, cb = Counter(x for x, _ in pairs), Counter(y for _, y in pairs)
    pe = sum(ca[k] * cb.get(k, 0) for k in ca) / n / n
    return float("nan") if pe == 1 else (po - pe) / (1 - pe)
