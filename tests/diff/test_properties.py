"""Properties: diff(v, v) is empty for generated valid specs; diff is deterministic."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guidec.diff import diff_projects
from guidec.diff.mapping import migration_map
from tests.budget import examples
from tests.diff.helpers import project, spec_text

NAMES = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=8)
SHAPES = st.lists(st.sampled_from(["box", "polygon", "mask", "keypoints"]), min_size=1,
                  max_size=3, unique=True)


@st.composite
def specs(draw) -> dict:
    names = draw(st.lists(NAMES, min_size=1, max_size=12, unique=True))
    ids = draw(st.lists(st.integers(0, 500), min_size=len(names), max_size=len(names),
                        unique=True))
    attrs = {}
    for a in draw(st.lists(NAMES, max_size=4, unique=True)):
        kind = draw(st.sampled_from(["enum", "bool", "integer", "text"]))
        spec: dict = {"type": kind, "required": draw(st.booleans())}
        if kind == "enum":
            spec["values"] = draw(st.lists(NAMES, min_size=1, max_size=4, unique=True))
        if kind == "integer":
            spec["min"] = draw(st.integers(-5, 5))
            spec["max"] = spec["min"] + draw(st.integers(0, 50))
        attrs["a_" + a] = spec
    classes: list[dict] = []
    for i, (name, cid) in enumerate(zip(names, ids, strict=True)):
        c: dict = {"id": cid, "name": name, "shapes": draw(SHAPES)}
        if attrs and draw(st.booleans()):
            c["attributes"] = draw(st.lists(st.sampled_from(sorted(attrs)), max_size=3,
                                            unique=True))
        if draw(st.booleans()):
            c["color"] = f"#{draw(st.integers(0, 0xFFFFFF)):06x}"
        if i and draw(st.booleans()):
            classes[-1].setdefault("children", []).append(c)
        else:
            classes.append(c)
    rules = []
    for j in range(draw(st.integers(0, 3))):
        rules.append({"id": f"r{j}", "title": f"Rule {j}",
                      "applies_to": draw(st.sampled_from([["*"], [names[0]]])),
                      "check": {"min_box_side": draw(st.integers(0, 20))}})
    return {"guidec": 1, "project": {"id": "p", "title": "P", "version": "1.2.3"},
            "attributes": attrs, "classes": classes, "rules": rules,
            "qa": {"agreement": {"box_iou": draw(st.floats(0, 1))}}}


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(specs())
def test_diff_of_a_spec_with_itself_is_empty(data):
    a, b = project(data), project(data)
    assert diff_projects(a, b) == []
    mapping = migration_map(a, b)
    assert all(e["kind"] == "identity" for e in mapping["classes"])
    assert mapping["review"] == []
    assert mapping["from"]["sha256"] == mapping["to"]["sha256"]


@settings(max_examples=examples(30), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(specs())
def test_yaml_formatting_does_not_matter(data):
    import yaml

    from guidec.spec.loader import load_spec_text
    from guidec.view import resolve

    flow = resolve(load_spec_text(yaml.safe_dump(data, default_flow_style=True, sort_keys=True),
                                  display="b.yaml"))
    assert spec_text(data)  # block style
    assert diff_projects(project(data), flow) == []


@settings(max_examples=examples(30), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(specs(), st.data())
def test_declared_renames_are_minor_and_map_back(data, draw):
    import copy

    new = copy.deepcopy(data)
    flat = []
    stack = list(new["classes"])
    while stack:
        c = stack.pop()
        flat.append(c)
        stack.extend(c.get("children", []))
    target = draw.draw(st.sampled_from(flat))
    old_name = target["name"]
    target["name"] = old_name + "_v2"
    target["aliases"] = [old_name]
    a, b = project(data), project(new)
    codes = {c.code for c in diff_projects(a, b)}
    assert "D104" in codes and codes <= {"D104", "D114", "D403", "D404", "D405"}
    mapping = migration_map(a, b)
    assert mapping["names"][old_name] == old_name + "_v2"
    assert mapping["ids"][target["id"]] == target["id"]
