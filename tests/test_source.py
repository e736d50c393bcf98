"""guidec.source: YAML built from libyaml events, with positions; same data as PyYAML."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from guidec.diagnostics import GuidecError
from guidec.source import MAX_DEPTH, load_yaml
from tests.budget import examples
from tests.conftest import spec_files


def doc(text: str):
    return load_yaml("t.yaml", text=text)


def codes(text: str) -> list[tuple[str, int | None, int | None]]:
    with pytest.raises(GuidecError) as e:
        doc(text)
    return [(d.code, d.line, d.col) for d in e.value.diagnostics]


@pytest.mark.parametrize("path", spec_files(), ids=lambda p: p.parent.name)
def test_same_data_as_pyyaml_on_shipped_specs(path):
    text = path.read_text(encoding="utf-8")
    assert doc(text).data == yaml.safe_load(text)


def test_same_data_as_pyyaml_on_corpus_yaml(corpus):
    files = sorted((corpus / "pypi/ultralytics-8.4.190/ultralytics/cfg/datasets").glob("*.yaml"))
    assert files
    for f in files:
        text = f.read_text(encoding="utf-8")
        assert doc(text).data == yaml.safe_load(text), f.name


def test_scalars_resolve_as_yaml_1_1_but_dates_stay_text():
    d = doc("a: 1\nb: 1.5\nc: true\nd: ~\ne: '1'\nf: 2024-05-01\ng: 0x10\nh: .inf\ni: yes\n"
            "j: !!str 3\nk: ''\nl:\n")
    assert d.data == {"a": 1, "b": 1.5, "c": True, "d": None, "e": "1", "f": "2024-05-01",
                      "g": 16, "h": float("inf"), "i": True, "j": "3", "k": "", "l": None}


def test_anchors_aliases_and_merge_keys():
    d = doc("base: &b {x: 1, y: 2}\nname: &n hello\nuse: {<<: *b, y: 3}\nagain: *n\n"
            "many: {<<: [*b], z: 0}\n")
    assert d.data["use"] == {"x": 1, "y": 3}
    assert d.data["again"] == "hello"
    assert d.data["many"] == {"x": 1, "y": 2, "z": 0}


def test_positions_of_values_and_keys():
    d = doc("top:\n  - {id: 1, name: a}\n  - id: 2\n    name: b\n")
    p = d.positions
    assert p.find(("top", 0, "name")) == (2, 19)
    assert p.find(("top", 1, "id")) == (3, 9)
    assert p.find(("top", 1, "name"), prefer_key=True) == (4, 5)
    assert p.find(("top", 1, "missing")) == (3, 5)  # nearest ancestor
    assert p.find(()) == (1, 1)
    assert p.values[("top", 1, "name")] == (4, 11)  # flat views for other callers
    assert p.keys[("top",)] == (1, 1)


@pytest.mark.parametrize(("text", "expected"), [
    ("a: 1\na: 2\n", [("Y004", 2, 1)]),
    ("a: *nope\n", [("Y003", 1, 4)]),
    ("a: 1\n---\nb: 2\n", [("Y007", 2, 1)]),
    ("? [a, b]\n: 1\n", [("Y006", 1, 3)]),
    ("? \n: 1\n", [("Y006", 1, 2)]),
    ("a: [1, 2\n", [("Y003", 2, 1)]),
    ("a: !!python/object:os.system x\n", [("Y003", 1, 4)]),
    ("x: " + "[" * (MAX_DEPTH + 2) + "]" * (MAX_DEPTH + 2) + "\n", [("Y005", 1, MAX_DEPTH + 4)]),
])
def test_problems_are_diagnostics_with_positions(text, expected):
    assert codes(text) == expected


def test_empty_file_is_refused():
    assert codes("") == [("Y007", 1, 1)]
    assert codes("# only a comment\n") == [("Y007", 1, 1)]


def test_deep_alias_expansion_is_refused():
    deep = "[" * 40 + "]" * 40
    text = f"a: &a {deep}\nb: " + "[" * 30 + "*a" + "]" * 30 + "\n"
    assert [c for c, _, _ in codes(text)] == ["Y005"]


# -- property: same data and positions as PyYAML's own composer ------------------------------
# Scalars that exercise every branch of the builder: plain text, typed plain scalars (ints,
# floats, bools, nulls, 0x10, .inf, `yes`, `~`), strings that must be quoted, repeated keys
# across mappings (the builder memoizes plain scalars per file), and nesting.
_scalars = st.one_of(
    st.integers(-10**6, 10**6), st.floats(allow_nan=False), st.booleans(), st.none(),
    st.sampled_from(["title", "name", "yes", "No", "on", "~", "null", "0x10", "1_000", ".inf",
                     "1.5", "-3", "+4", "1e3", "tag", "true", "#fff", "<<x", "="]),
    st.text(max_size=8),
)
_keys = st.one_of(st.sampled_from(["id", "name", "title", "type", "yes", "1", "n"]),
                  st.text(alphabet="abcxyz_019", min_size=1, max_size=6))
_data = st.recursive(_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(_keys, inner, max_size=4)), max_leaves=30)


def _check_positions(node, positions, path) -> None:
    """Every value (and key) sits where PyYAML's composer says it starts."""
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            key = yaml.safe_load(yaml.serialize(k))
            p = (*path, key)
            assert positions.key_at(p) == (k.start_mark.line + 1, k.start_mark.column + 1)
            assert positions.value_at(p) == (v.start_mark.line + 1, v.start_mark.column + 1)
            _check_positions(v, positions, p)
    elif isinstance(node, yaml.SequenceNode):
        for i, v in enumerate(node.value):
            p = (*path, i)
            assert positions.value_at(p) == (v.start_mark.line + 1, v.start_mark.column + 1)
            _check_positions(v, positions, p)


@settings(max_examples=examples(150), deadline=None)
@given(data=st.dictionaries(_keys, _data, min_size=1, max_size=5),
       flow=st.sampled_from([False, True, None]))
def test_same_data_and_positions_as_pyyaml(data, flow):
    text = yaml.safe_dump(data, default_flow_style=flow, sort_keys=False)
    loaded = doc(text)
    assert loaded.data == yaml.safe_load(text)
    _check_positions(yaml.compose(text, Loader=yaml.SafeLoader), loaded.positions, ())
