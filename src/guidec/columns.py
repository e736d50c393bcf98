"""Factorisation of the table's object columns: the distinct values of a column and, per row,
which one it holds. Rules, the class resolver and the readers' attribute checks loop over
distinct values, never over rows.
"""

from __future__ import annotations

import numpy as np

try:  # without a C compiler at install time, the dictionary passes below do the same
    from guidec import _columns as _factor
except ImportError:  # pragma: no cover - a build without a C compiler
    _factor = None


def is_none(arr: np.ndarray) -> np.ndarray:
    """Elementwise ``x is None`` over an object array."""
    return np.equal(arr, None)


def distinct(col: np.ndarray) -> tuple[list, np.ndarray]:
    """Factorize an object column: (distinct values, inverse index per row).

    Values are keyed by (type, value), so ``1``, ``True`` and ``"1"`` stay apart; the list
    holds one original value per group. Hashable cells go through a dict with C-level
    iteration (``map``/``zip`` over builtins, no Python code per cell); a column holding
    lists (multi-valued attributes) is keyed by ``type name + str(value)`` in numpy.
    """
    if len(col) == 0:
        return [], np.zeros(0, dtype=np.intp)
    cells = col.tolist()
    # Only bool, int and float values compare equal across types (True == 1 == 1.0); a
    # column without such a mix is keyed by value alone, with no tuple per cell.
    mixed = len(set(map(type, cells)) & {bool, int, float}) > 1
    if not mixed and _factor is not None:  # the same two passes as below, as one in C
        got = _factor.factorize(cells)
        if got is None:  # unhashable cells
            return _distinct_by_text(col)
        values, inverse = got
        return values, np.frombuffer(inverse, dtype=np.int64).astype(np.intp, copy=False)
    try:
        keys = list(zip(map(type, cells), cells, strict=True)) if mixed else cells
        index = dict.fromkeys(keys)
    except TypeError:  # unhashable cells
        return _distinct_by_text(col)
    for i, k in enumerate(index):  # over distinct values only
        index[k] = i
    inv = np.fromiter(map(index.__getitem__, keys), dtype=np.intp, count=len(keys))
    return ([k[1] for k in index] if mixed else list(index)), inv


def _distinct_by_text(col: np.ndarray) -> tuple[list, np.ndarray]:
    try:
        keys = col.astype(str)
    except ValueError:  # lists (multi-valued attributes) do not cast; their str() does
        keys = np.frompyfunc(str, 1, 1)(col).astype(str)
    kinds = _type_tags(col)
    if kinds is not None:
        keys = np.char.add(kinds, keys)
    _, first, inv = np.unique(keys, return_index=True, return_inverse=True)
    return list(col[first]), inv.reshape(-1)


_TAGS = ((str, "s"), (bool, "b"), (int, "i"), (float, "f"), (list, "l"), (tuple, "l"),
         (dict, "d"), (type(None), "n"))


def _type_tags(col: np.ndarray) -> np.ndarray | None:
    """A one-character type tag per cell when the column mixes types, else None."""
    types = np.frompyfunc(type, 1, 1)(col)
    tags = np.full(len(col), "o", dtype="<U1")
    for typ, tag in _TAGS:
        hit = types == typ
        count = int(hit.sum())
        if count == len(col):
            return None
        if count:
            tags[hit] = tag
    return tags
