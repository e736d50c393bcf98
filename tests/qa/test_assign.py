"""The assignment solver against brute force (every permutation) and against SciPy's
``linear_sum_assignment`` where SciPy is installed (it comes with the test extra)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from guidec.qa.assign import assign
from tests.budget import examples

small = st.tuples(st.integers(0, 6), st.integers(0, 6)).flatmap(
    lambda s: arrays(np.float64, s, elements=st.integers(0, 9).map(float)))


def _brute(c: np.ndarray) -> float:
    n, m = c.shape
    k = min(n, m)
    if k == 0:
        return 0.0
    best = np.inf
    for rows in itertools.combinations(range(n), k):
        for cols in itertools.permutations(range(m), k):
            best = min(best, c[list(rows), list(cols)].sum())
    return best


@settings(deadline=None, max_examples=examples(300))
@given(small)
def test_the_total_is_the_brute_force_minimum(c):
    r, k = assign(c)
    assert len(r) == len(k) == min(c.shape)
    assert list(r) == sorted(r) and len(set(r)) == len(r) and len(set(k)) == len(k)
    assert c[r, k].sum() == pytest.approx(_brute(c))


@settings(deadline=None, max_examples=examples(200))
@given(st.tuples(st.integers(1, 30), st.integers(1, 30)).flatmap(
    lambda s: arrays(np.float64, s, elements=st.floats(0, 1))))
def test_the_total_is_scipys(c):
    opt = pytest.importorskip("scipy.optimize")
    r, k = assign(c)
    r2, k2 = opt.linear_sum_assignment(c)
    assert c[r, k].sum() == pytest.approx(c[r2, k2].sum(), abs=1e-9)


def test_forbidden_pairs_are_dropped_and_nan_is_refused():
    c = np.array([[1.0, np.inf], [np.inf, np.inf]])
    r, k = assign(c)
    assert r.tolist() == [0] and k.tolist() == [0]
    with pytest.raises(ValueError):
        assign(np.array([[np.nan]]))


def test_a_large_matrix_is_solved_and_deterministic():
    c = np.random.default_rng(0).random((300, 280))
    a, b = assign(c), assign(c.copy())
    assert (a[0] == b[0]).all() and (a[1] == b[1]).all() and len(a[0]) == 280
