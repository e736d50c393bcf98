"""Derived class colours: clearly apart from each other and from the spec's own colours (the
colour lint never fires on them), children in their parent's hue family, deterministic."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guidec.colorspace import DISTINCT_LIMIT, hue_of
from guidec.lint.colors import SIMILAR_DELTA_E, similar_pairs
from tests._targets import minimal, project_from
from tests.budget import examples


def _hue_gap(a: str, b: str) -> float:
    d = abs(hue_of(a) - hue_of(b)) % 1.0
    return min(d, 1 - d) * 360


@st.composite
def hierarchies(draw):
    """Random class trees of up to a few hundred classes, some with given colours."""
    n = draw(st.integers(1, 300))
    given = draw(st.lists(st.from_regex(r"#[0-9a-f]{6}", fullmatch=True), max_size=8))
    parents: list[int | None] = [None]
    for i in range(1, n):
        parents.append(draw(st.one_of(st.none(), st.integers(0, i - 1))))
    nodes = [{"id": i + 1, "name": f"c{i}"} for i in range(n)]
    for g in given[:n]:
        nodes[draw(st.integers(0, n - 1))].setdefault("color", g)
    roots = []
    for i, par in enumerate(parents):
        (roots if par is None else nodes[par].setdefault("children", [])).append(nodes[i])
    return minimal(roots)


@settings(max_examples=examples(60), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(hierarchies())
def test_derived_colours_never_trigger_the_colour_lint(data):
    p = project_from(data)
    classes = [c for c in p.classes if not c.deprecated]
    derived = [c for c in classes if not c.color_given]
    assert len(derived) <= DISTINCT_LIMIT
    pairs = similar_pairs([c.color for c in classes])
    # a too-close pair is only ever two colours the spec itself gives
    bad = [(classes[i].name, classes[j].name, d) for i, j, d in pairs
           if not (classes[i].color_given and classes[j].color_given)]
    assert not bad, bad


def test_siblings_are_distinct_and_stay_in_their_parents_hue_family():
    kids = [{"id": 10 + i, "name": f"crop {i}"} for i in range(8)]
    p = project_from(minimal([{"id": 1, "name": "weed", "color": "#d62728"},
                              {"id": 2, "name": "crop", "color": "#2ca02c", "children": kids}]))
    crop = p.by_name["crop"]
    colours = [p.by_name[k["name"]].color for k in kids]
    for c in colours:
        assert _hue_gap(c, crop.color) <= 25.5, (c, crop.color)
    assert not similar_pairs([*colours, crop.color, p.by_name["weed"].color],
                             SIMILAR_DELTA_E)


def test_the_issue_case_a_crop_subclass_is_not_weeds_red():
    """Before, a subclass of crop got a red next to weed's; now it is green like crop."""
    p = project_from(minimal([{"id": 1, "name": "weed", "color": "#d62728"},
                              {"id": 2, "name": "crop", "color": "#2ca02c",
                               "children": [{"id": 3, "name": "crop.maize"},
                                            {"id": 4, "name": "crop.wheat"}]}]))
    for n in ("crop.maize", "crop.wheat"):
        assert _hue_gap(p.by_name[n].color, "#2ca02c") <= 25.5
        assert _hue_gap(p.by_name[n].color, "#d62728") > 60


def test_derived_colours_are_deterministic_and_kept_when_classes_follow():
    a = minimal([{"id": 1, "name": "a"}, {"id": 2, "name": "b",
                                          "children": [{"id": 3, "name": "b1"}]}])
    b = minimal([*a["classes"], {"id": 4, "name": "c"}])
    pa, pb = project_from(a), project_from(b)
    assert [c.color for c in pa.classes] == [c.color for c in project_from(a).classes]
    assert [c.color for c in pa.classes] == [c.color for c in pb.classes][:3]
