"""Cohen's kappa and Krippendorff's alpha held against scikit-learn and the krippendorff
package on random data (missing values, 1-6 categories, 2-5 raters), and on the worked example
of Krippendorff's own text."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guidec.qa.agreement import cohen_kappa, krippendorff_alpha
from tests.budget import examples

sk = pytest.importorskip("sklearn.metrics")
kd = pytest.importorskip("krippendorff")

label = st.one_of(st.none(), st.sampled_from(["a", "b", "c", "d", "e", "f"]))


@settings(deadline=None, max_examples=examples(400))
@given(st.integers(1, 40).flatmap(lambda n: st.tuples(
    st.lists(label, min_size=n, max_size=n), st.lists(label, min_size=n, max_size=n))))
def test_kappa_is_scikit_learns(pair):
    a, b = pair
    ours = cohen_kappa(a, b)
    keep = [(x, y) for x, y in zip(a, b, strict=True) if x is not None and y is not None]
    if not keep:
        assert np.isnan(ours)
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = sk.cohen_kappa_score([x for x, _ in keep], [y for _, y in keep])
    if np.isnan(theirs):
        assert np.isnan(ours)
    else:
        assert ours == pytest.approx(theirs, abs=1e-9)


@settings(deadline=None, max_examples=examples(400))
@given(st.integers(2, 5), st.integers(1, 30), st.data())
def test_alpha_is_the_krippendorff_packages(raters, units, data):
    rows = [data.draw(st.lists(label, min_size=units, max_size=units)) for _ in range(raters)]
    ours = krippendorff_alpha(rows)
    cats = sorted({v for r in rows for v in r if v is not None})
    grid = np.array([[np.nan if v is None else cats.index(v) for v in r] for r in rows],
                    dtype=float)
    try:  # the package divides 0 by 0 where alpha is undefined (nan, compared below)
        with np.errstate(invalid="ignore", divide="ignore"):
            theirs = kd.alpha(reliability_data=grid, level_of_measurement="nominal")
    except ValueError:  # fewer than two values in the domain: undefined
        assert np.isnan(ours)
        return
    if np.isnan(theirs):
        assert np.isnan(ours)
    else:
        assert ours == pytest.approx(theirs, abs=1e-9)


def test_krippendorffs_worked_example():
    # Krippendorff, "Computing Krippendorff's Alpha-Reliability" (2011), section C: four
    # observers, twelve units, nominal data; alpha = 0.743
    data = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
        [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
    ]
    assert krippendorff_alpha(data) == pytest.approx(0.743, abs=5e-4)


def test_perfect_agreement_and_degenerate_cases():
    assert cohen_kappa(["a", "b", "a"], ["a", "b", "a"]) == 1.0
    assert np.isnan(cohen_kappa(["a", "a"], ["a", "a"]))  # chance agreement is certain
    assert np.isnan(cohen_kappa([None], ["a"]))
    assert krippendorff_alpha([["a", "b", "c"], ["a", "b", "c"]]) == 1.0
    assert np.isnan(krippendorff_alpha([["a", None], [None, "b"]]))  # nothing pairable
    assert np.isnan(krippendorff_alpha([["a", "a"], ["a", "a"]]))  # one value only
