"""Schema messages in plain words: what was expected, in the spec's terms, with did-you-mean
and other tools' words, at a file and line; no validation-library jargon reaches a user."""

from __future__ import annotations

import copy

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guidec.diagnostics import GuidecError
from guidec.spec.loader import load_spec_text
from tests._targets import kitchen_sink
from tests.budget import examples

JARGON = ("Input should", "input should", "valid string", "valid integer", "valid dictionary",
          "valid list", "valid boolean", "valid number", "instance of", "unable to",
          "Value error", "type=", "pydantic", "String should", "List should", "Field required",
          "Extra inputs", "Tuple should", "Dictionary should", "should have at least",
          "literal_error", "[key]", "function-after", "union_tag")


def valid() -> dict:
    data = kitchen_sink()
    data["rules"] = [{"id": "r1", "title": "Tight boxes", "applies_to": ["person"],
                      "check": {"attribute": "occlusion", "in": ["none"]}}]
    data["exports"] = ["coco", {"format": "yolo", "variant": "detect"}]
    data["splits"] = {"names": ["train", "val"], "ratios": {"train": 0.8, "val": 0.2}}
    return data


def messages(text: str) -> list:
    try:
        load_spec_text(text, display="spec.yaml")
    except GuidecError as exc:
        return exc.diagnostics
    return []


def load_messages(data: dict) -> list:
    return messages(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


BASE = """guidec: 1
project: {id: t, title: T, version: 1.0.0}
attributes:
  occlusion: {type: enum, values: [none, heavy]}
classes:
  - {id: 1, name: car, shapes: [box], attributes: [occlusion], color: "#112233"}
"""


@pytest.mark.parametrize("old,new,words", [
    ('"#112233"', "red", "a colour is written '#rrggbb' or '#rgb' (e.g. '#1f77b4', '#fff')"),
    ('"#112233"', '"#12345"', "(got '#12345')"),
    ("version: 1.0.0", "version: 1.0",
     'YAML reads 1.0 as a number: quote the version, e.g. version: "1.0.0"'),
    ("[box]", "[obb]", "(did you mean 'rotated_box'?)"),
    ("[box]", "[bbox]", "(did you mean 'box'?)"),
    ("[box]", "[rectangle]", "(did you mean 'box'?)"),
    ("[box]", "[segmentation]", "(did you mean 'polygon' or 'mask'?)"),
    ("[box]", "[poligon]", "(did you mean 'polygon'?)"),
    ("type: enum", "type: enumm", "'enumm' is not one of: enum, bool, integer, number, text "
                                  "(did you mean 'enum'?)"),
    ("id: 1,", "id: one,", "classes.0.id: expected a whole number, got 'one'"),
    ("id: 1,", "id: -1,", "classes.0.id: must be at least 0 (got -1)"),
    ("name: car", "name: [car]", "classes.0.name: expected text, got a list"),
    ("shapes: [box]", "shapes: [box], deprecated: maybe", "expected true or false, got 'maybe'"),
    ("classes:\n  - ", "classes:\n  ", "classes: expected a list"),
    ("title: T", "title: 12", 'expected text, got the number 12: quote it ("12")'),
])
def test_plain_words(old, new, words):
    [d] = messages(BASE.replace(old, new))
    assert words in d.message and d.line is not None, d.message


def test_one_finding_per_value_of_a_union():
    [d] = messages(BASE + "exports: [cocoo]\n")
    assert d.message == ("exports.0: 'cocoo' is not one of: coco, yolo, pascal_voc, "
                         "label_studio, cvat, semantic_mask, panoptic (did you mean 'coco'?)")


def test_enum_values_get_did_you_mean_in_lint():
    from guidec.lint import run_lint
    from tests._targets import project_from

    data = valid()
    data["attributes"]["occlusion"]["default"] = "partal"
    [d] = [d for d in run_lint(project_from(data)) if d.code == "L502"]
    assert "(did you mean 'partial'?)" in d.message


JUNK = st.one_of(st.none(), st.booleans(), st.integers(-5, 10**6),
                 st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=8),
                 st.lists(st.integers(), max_size=2), st.just({"x": 1}), st.just("#zzz"),
                 st.just("1.0"), st.just([]), st.just({}))


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, (*prefix, i))


@st.composite
def broken_specs(draw):
    data = copy.deepcopy(valid())
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in _paths(data) if p and p[0] != "guidec"]
        path = draw(st.sampled_from(paths))
        parent = data
        for k in path[:-1]:
            parent = parent[k]
        how = draw(st.sampled_from(["replace", "replace", "delete", "unknown_key"]))
        if how == "delete" and isinstance(parent, dict):
            del parent[path[-1]]
        elif how == "unknown_key" and isinstance(parent, dict):
            parent[draw(st.sampled_from(["colour", "shape", "nmae", "x"]))] = 1
        else:
            parent[path[-1]] = copy.deepcopy(draw(JUNK))
    return data


@settings(max_examples=examples(300), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(broken_specs())
def test_no_jargon_and_a_line_for_every_schema_message(data):
    for d in load_messages(data):
        assert not any(j in d.message for j in JARGON), d.message
        assert d.file == "spec.yaml" and d.line is not None, (d.code, d.message)


def test_a_mapping_in_a_union_gets_its_own_findings_only():
    ds = messages("guidec: 1\nproject: {id: t, title: T, version: 1.0.0}\n"
                  "exports: [{formt: coco}, {format: cocoo}]\n")
    assert sorted(d.message for d in ds) == [
        "exports.1.format: 'cocoo' is not one of: coco, yolo, pascal_voc, label_studio, cvat, "
        "semantic_mask, panoptic (did you mean 'coco'?)",
        "missing required key 'format'",
        "unknown key 'formt' (did you mean 'format'?)"]


ALL_AT_ONCE = """guidec: 1
project: {id: t, title: T, version: 1.0.0}
attributes:
  occlusion: {type: enum, values: [none, heavy], default: heavvy}
  size: {type: numbr}
classes:
  - {id: 1, name: car, shapes: [obb], attributes: [occlusion], color: "#112233"}
  - {id: 2, name: bus, color: "#112233", definition: A bus.}
  - {id: 3, name: van, color: red}
rules:
  - {id: r1, title: R, applies_to: [truk]}
  - {id: r2, title: R, severity: fatal}
"""


def test_check_reports_schema_errors_and_the_lint_of_the_rest_in_one_run(cli, write):
    """One bad class does not hide the lint of the others: schema errors (S) and lint
    findings (L) together; nothing is said about the broken parts beyond their errors."""
    spec = write("spec.yaml", ALL_AT_ONCE)
    r = cli("check", spec, "--format", "json")
    assert r.code == 1
    import json

    got = sorted((f["code"], f["line"]) for f in json.loads(r.out)["findings"])
    assert got == [("L104", 11), ("L401", 8), ("L502", 4), ("L702", 8), ("L705", 11),
                   ("S003", 5), ("S003", 7), ("S003", 9), ("S003", 12)]


def test_nothing_more_when_the_spec_cannot_be_salvaged(cli, write):
    spec = write("spec.yaml", "guidec: 1\nproject: [x]\nclasses: {a: 1}\n")
    r = cli("check", spec)
    assert r.code == 1 and all(" S0" in line for line in r.out.splitlines()[:-1]), r.out


@settings(max_examples=examples(100), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
@given(broken_specs())
def test_check_of_broken_specs_never_fails_to_run(cli, tmp_path, data):
    spec = tmp_path / "spec.yaml"
    spec.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    r = cli("check", spec)
    assert r.code in (0, 1) and not r.err, (r.code, r.err)
