"""The check keyword table: every keyword has every part, and every consumer reads the table."""

from __future__ import annotations

import pytest

from guidec.codes import code
from guidec.lint.checks import _PAIRS, CHECK_SHAPES
from guidec.spec.check_keywords import BY_NAME, KEYWORDS, compare, words
from guidec.spec.model import Check
from guidec.targets.site.words import check_code, check_in_words
from guidec.validation import RULES

SAMPLE = {float: 0.5, int: 4, bool: True, str: "shelf"}
#: keys phrased together with another key in the playbook, instead of on their own
PHRASED_BY = {"tolerance_px": "inside", "in": "attribute", "not_in": "attribute"}
#: keys with no order: a change of value is "other", never tighter or looser
UNORDERED = {"attribute", "text_pattern"}


def _value(kw):
    return [1, 2] if kw.name in ("in", "not_in") else SAMPLE[kw.type]


def _check(kw) -> dict:
    data = {kw.name: _value(kw)}
    if kw.goes_with:
        data[kw.goes_with] = _value(BY_NAME[kw.goes_with])
    if kw.name == "attribute":
        data["in"] = [1]
    return data


@pytest.mark.parametrize("kw", KEYWORDS, ids=lambda k: k.name)
def test_every_keyword_has_every_part(kw):
    # field: a field of the spec's Check, reachable by the spec's key
    assert kw.field_name in Check.model_fields
    assert getattr(Check.model_validate(_check(kw)), kw.field_name) == _value(kw)
    # rule: a validation code, and a registered rule function that reports it
    assert kw.code and code(kw.code).code == kw.code
    assert any(kw.code in [c.code for c in e.codes] for e in RULES.values()), kw.code
    assert check_code(kw.name).code == kw.code
    # playbook: a sentence of its own, or one made with the key it goes with
    said = dict(check_in_words(Check.model_validate(_check(kw))))
    assert (PHRASED_BY.get(kw.name, kw.name)) in said
    # lint: shapes it needs (or any), and a partner that exists
    assert kw.shapes is None or CHECK_SHAPES[kw.name] == kw.shapes
    assert kw.at_most is None or ((kw.name, kw.at_most) in _PAIRS and kw.at_most in BY_NAME)
    # diff: an order, unless it has none
    assert (kw.tighter == "other") == (kw.name in UNORDERED), kw.name


def test_table_and_spec_model_are_the_same_vocabulary():
    assert [k.field_name for k in KEYWORDS] == list(Check.model_fields)
    assert len(BY_NAME) == len(KEYWORDS)


@pytest.mark.parametrize("key, old, new, want", [
    ("min_box_side", 4, 8, "tighter"), ("min_box_side", 8, 4, "looser"),
    ("max_area", 100, 50, "tighter"), ("tolerance_px", 2, 5, "looser"),
    ("keypoints_inside_box", False, True, "tighter"),
    ("in", [1, 2], [1], "tighter"), ("not_in", [1], [1, 2], "tighter"),
    ("text_pattern", "a", "b", "other"), ("min_area", None, 5, "tighter"),
    ("max_per_image", 3, None, "looser"),
])
def test_diff_grading_reads_the_table(key, old, new, want):
    assert compare(key, old, new, attribute="occlusion")[0] == want


def test_renamed_container_class_is_no_change():
    assert compare("inside", "shelf", "rack", same_class=lambda a, b: True) is None
    assert compare("inside", "shelf", "rack", same_class=lambda a, b: False)[0] == "other"


def test_words_follow_the_table_order():
    got = [k for k, _ in words({"max_area": 9, "min_box_side": 1, "inside": "x",
                                "tolerance_px": 2})]
    assert got == ["min_box_side", "max_area", "inside"]
