"""Compare two annotation tables column by column (NaN equals NaN, objects compared by value)."""

from __future__ import annotations

import dataclasses

import numpy as np

from guidec.table import AnnotationTable


def _same_array(a: np.ndarray, b: np.ndarray) -> bool:
    if a.shape != b.shape:
        return False
    if a.dtype == object or b.dtype == object:
        return a.dtype == b.dtype and all(
            type(x) is type(y) and x == y for x, y in zip(a.tolist(), b.tolist(), strict=True))
    if a.dtype != b.dtype:
        return False
    if a.dtype.kind == "f":  # bit for bit, so -0.0 and 0.0 differ and NaN equals NaN
        return a.tobytes() == b.tobytes() or bool(np.array_equal(a, b, equal_nan=True)
                                                  and (np.signbit(a) == np.signbit(b)).all())
    return bool(np.array_equal(a, b))


def differences(a, b, prefix: str = "") -> list[str]:
    """Names of the fields in which two tables (or image tables) differ."""
    out = []
    for f in dataclasses.fields(a):
        x, y = getattr(a, f.name), getattr(b, f.name)
        name = prefix + f.name
        if isinstance(x, np.ndarray):
            if not _same_array(x, y):
                out.append(name)
        elif isinstance(x, dict) and f.name == "attributes":
            if list(x) != list(y):
                out.append(f"{name} (names {list(x)} vs {list(y)})")
            else:
                out += [f"{name}.{k}" for k in x if not _same_array(x[k], y[k])]
        elif dataclasses.is_dataclass(x) and not isinstance(x, type) and f.name == "images":
            out += differences(x, y, "images.")
        elif x != y:
            out.append(name)
    return out


def assert_same_table(a: AnnotationTable, b: AnnotationTable) -> None:
    diff = differences(a, b)
    assert not diff, f"tables differ in {diff}"
