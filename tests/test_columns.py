"""columns.distinct: the one factorization of object columns (class resolver, rules). The
compiled one-pass loop (guidec._columns) must give what the dictionary passes give."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guidec import columns

NAN = math.nan  # one object: a dictionary finds it by identity, as a column repeats it

cells = st.one_of(st.none(), st.booleans(), st.integers(-3, 3),
                  st.sampled_from([0.0, 1.0, -0.0, 2.5, NAN]),
                  st.sampled_from(["a", "b", "", "é"]), st.tuples(st.integers(0, 2)),
                  st.lists(st.integers(0, 2), max_size=2))


def _column(values: list) -> np.ndarray:
    col = np.empty(len(values), dtype=object)
    for i, v in enumerate(values):
        col[i] = v
    return col


@settings(max_examples=400, deadline=None)
@given(st.lists(cells, max_size=30))
def test_compiled_factorization_is_the_dictionary_one(values):
    col = _column(values)
    saved = columns._factor
    columns._factor = None
    try:
        want_values, want_inv = columns.distinct(col)
    finally:
        columns._factor = saved
    got_values, got_inv = columns.distinct(col)
    assert got_inv.tolist() == want_inv.tolist()
    assert [(type(v), repr(v)) for v in got_values] == [(type(v), repr(v)) for v in want_values]
    if len(col):  # every row points at a value equal to its own cell
        assert all(got_values[k] is col[i] or got_values[k] == col[i] or col[i] != col[i]
                   for i, k in enumerate(got_inv.tolist()))


def test_values_of_other_types_that_compare_equal_stay_apart():
    values, inv = columns.distinct(_column([1, True, 1.0, "1", 1, None, None]))
    assert inv.tolist() == [0, 1, 2, 3, 0, 4, 4]
    assert [type(v) for v in values] == [int, bool, float, str, type(None)]


def test_the_compiled_loop_is_built_in_this_install():
    if columns._factor is None:
        pytest.skip("the C extensions are not built in this install")
    values, inv = columns._factor.factorize(["b", "a", "b", None])
    assert values == ["b", "a", None]
    assert np.frombuffer(inv, dtype=np.int64).tolist() == [0, 1, 0, 2]
    assert columns._factor.factorize([[1], [1]]) is None  # unhashable: keyed by text instead
