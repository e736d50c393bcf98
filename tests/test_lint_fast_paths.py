"""Lint shortcuts for big specs give the answers of the plain paths they skip.

* L402's colour search, compiled (guidec/_colorpairs.c) and in plain Python (no numpy
  import), against the numpy grid search and against every pair;
* L110's ``repr`` pre-check against the walk over every key and text.
"""

from __future__ import annotations

import os
from contextlib import contextmanager

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guidec.lint import colors, tool_values
from tests.budget import examples


def _pairs(result):
    return [(a, b) for a, b, _ in result]


@settings(max_examples=examples(80), deadline=None)
@given(st.lists(st.integers(0, 0xFFFFFF), min_size=0, max_size=200),
       st.floats(1.0, 30.0), st.booleans())
def test_plain_grid_search_matches_numpy_and_every_pair(values, threshold, upper):
    names = [f"#{v:06x}" for v in values]
    if upper:  # the same colour written in another case is not a pair
        names = [n.upper() if i % 3 == 0 else n for i, n in enumerate(names)]
        names += [n.swapcase() for n in names[:5]]
    compiled = colors.similar_pairs(names, threshold, small=-1)
    with python_only():
        plain_grid = colors.similar_pairs(names, threshold, small=-1, plain_grid=10**6)
        numpy_grid = colors.similar_pairs(names, threshold, small=-1, plain_grid=-1)
        every_pair = colors.similar_pairs(names, threshold, small=10**6)
    assert _pairs(plain_grid) == _pairs(numpy_grid) == _pairs(every_pair) == _pairs(compiled)
    assert plain_grid == every_pair  # same arithmetic: the same differences, exactly
    assert np.allclose([d for *_, d in plain_grid], [d for *_, d in numpy_grid], atol=1e-9)
    # C's hypot may differ from math.hypot in the last bit
    assert np.allclose([d for *_, d in plain_grid], [d for *_, d in compiled], atol=1e-12)


@contextmanager
def python_only():
    saved = colors.USE_NATIVE
    colors.USE_NATIVE = False
    try:
        yield
    finally:
        colors.USE_NATIVE = saved


def test_compiled_search_is_built_in_ci():
    if os.environ.get("CI"):
        assert colors._colorpairs is not None, "CI installs with GUIDEC_REQUIRE_EXTENSION=1"
    elif colors._colorpairs is None:
        pytest.skip("the compiled colour search is not built in this install")


def test_searches_agree_on_a_crowded_palette():
    rng = np.random.default_rng(11)
    names = [f"#{v:06x}" for v in rng.integers(0, 0xFFFFFF, size=3000).tolist()]
    compiled = colors.similar_pairs(names)
    with python_only():
        plain_grid = colors.similar_pairs(names, plain_grid=10**6)
        numpy_grid = colors.similar_pairs(names)  # above PLAIN_GRID: numpy's search
    assert len(plain_grid) > 1000
    assert _pairs(compiled) == _pairs(plain_grid) == _pairs(numpy_grid)
    assert np.allclose([d for *_, d in plain_grid], [d for *_, d in compiled], atol=1e-12)


def _walk_says(value) -> bool:
    """L110's answer without the pre-check: any key or text holds a non-XML character."""
    return any(isinstance(v, str) and tool_values._NOT_XML.search(v)
               for _path, v, _is_key in tool_values._walk(value))


_text = st.text(alphabet=st.sampled_from(
    ["a", "é", " ", "\t", "\n", "\r", "\\", "x", "u", "\x00", "\x01", "\x0b", "\x1f", "\x7f",
     "\x85", "\u200b", "\ud800", "\udfff", "\ufffe", "\uffff", "\ufffd", "\U0001f600",
     "\U000e0001", "'", '"']), max_size=6)
_values = st.recursive(
    st.one_of(_text, st.integers(), st.floats(allow_nan=False), st.none(), st.booleans()),
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.one_of(_text, st.integers()), inner,
                                            max_size=4)),
    max_leaves=20)


@settings(max_examples=examples(300), deadline=None)
@given(_values)
def test_not_xml_precheck_agrees_with_the_walk(value):
    assert tool_values._any_not_xml(value) == _walk_says(value)
