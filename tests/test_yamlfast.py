"""The compiled YAML builder (guidec/_yamlfast.c) against the Python one (source._EventBuilder).

For every text, reading it with the compiled builder on and off must give the same data
(types, and aliases as the same objects), the same position of every value and key, or the
same diagnostics (code, message, line, column): the compiled builder hands every file it does
not handle to the Python builder, which reports the problems. Texts come from a generator of
YAML with anchors, aliases, merge keys, tags, duplicate and odd keys, flow and block style,
plus the shipped specs and the corpus's YAML.
"""

from __future__ import annotations

import os
import random

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from guidec import source
from guidec.diagnostics import GuidecError
from tests.budget import examples
from tests.conftest import spec_files

native = pytest.mark.skipif(source._yamlfast is None and not os.environ.get("CI"),
                            reason="the compiled YAML builder is not built in this install")


def test_builder_is_built_in_ci():
    if os.environ.get("CI"):
        assert source._yamlfast is not None, "CI installs with GUIDEC_REQUIRE_EXTENSION=1"
    elif source._yamlfast is None:
        pytest.skip("the compiled YAML builder is not built in this install")


def _shape(value, seen: dict) -> object:
    """Data with its types, and shared objects (aliases) as references to the first place."""
    if isinstance(value, dict | list):
        if id(value) in seen:
            return ("same-as", seen[id(value)])
        seen[id(value)] = len(seen)
        if isinstance(value, dict):
            return ("map", [(repr(k), _shape(v, seen)) for k, v in value.items()])
        return ("seq", [_shape(v, seen) for v in value])
    return (type(value).__name__, repr(value))


def read(text: str, use_native: bool):
    old = source.USE_NATIVE
    source.USE_NATIVE = use_native
    try:
        doc = source.load_yaml("t.yaml", text=text)
    except GuidecError as exc:
        return ("error", [(d.code, d.message, d.file, d.line, d.col) for d in exc.diagnostics])
    finally:
        source.USE_NATIVE = old
    p = doc.positions
    return ("ok", _shape(doc.data, {}), sorted(p.values.items(), key=repr),
            sorted(p.keys.items(), key=repr), p.find(()))


def assert_same(text: str) -> None:
    assert read(text, True) == read(text, False), text


def handled(text: str) -> bool:
    """Whether the compiled builder read ``text`` itself (not handed to the Python one)."""
    return source._native_load(text, "t.yaml") is not None


@native
@pytest.mark.parametrize("path", spec_files(), ids=lambda p: p.parent.name)
def test_shipped_specs_read_the_same_and_natively(path):
    text = path.read_text(encoding="utf-8")
    assert_same(text)
    assert handled(text)


@native
def test_corpus_yaml_reads_the_same(corpus):
    files = sorted(corpus.rglob("*.yaml"))[:300] + sorted(corpus.rglob("*.yml"))[:100]
    assert files
    native_count = 0
    for f in files:
        try:
            text = source.read_text(str(f))
        except GuidecError:
            continue
        assert_same(text)
        native_count += handled(text)
    assert native_count > len(files) // 2  # most real YAML takes the compiled path


@native
def test_anchors_and_aliases_are_handled_natively_as_shared_values():
    text = ("points: &p [a, b]\nname: &n x\nuse: *p\nagain: *n\n"
            "deep: {k: &m {z: [1, 2]}, l: *m}\n")
    assert handled(text)
    assert_same(text)
    doc = source.load_yaml("t.yaml", text=text)
    assert doc.data["use"] is doc.data["points"]
    assert doc.positions.find(("use",)) == (3, 6)
    assert doc.positions.find(("use", 1)) == (3, 6)  # inside an alias: the alias's place


@native
@pytest.mark.parametrize("text", [
    "a: 1\na: 2\n", "a: *nope\n", "a: 1\n---\nb: 2\n", "? [a, b]\n: 1\n", "? \n: 1\n",
    "a: [1, 2\n", "a: !!python/object:os.system x\n", "a: !!str 3\n", "b: &x {y: 1}\nc: {<<: *x}\n",
    "'<<': 1\n", "1: a\n", "~: a\n", "1.5: a\n", "yes: a\n", "", "# c\n", "just text\n", "---\n",
    "x: " + "[" * (source.MAX_DEPTH + 2) + "]" * (source.MAX_DEPTH + 2) + "\n",
    "a: &a " + "[" * 40 + "]" * 40 + "\nb: " + "[" * 30 + "*a" + "]" * 30 + "\n",
    "a: \x01\n", "a: 0x10\nb: 1_000\nc: 12:30\nd: .nan\ne: 2024-05-01\n",
    "a: " + "9" * 5000 + "\n", "*a\n", "&a [1]\n", "? *x\n: 1\n",
])
def test_odd_files_give_the_same_data_or_diagnostics(text):
    assert_same(text)


@native
def test_node_bound_is_the_python_builders(monkeypatch):
    monkeypatch.setattr(source, "MAX_NODES", 50)
    text = "a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\nb: [*a, *a, *a, *a, *a]\n"
    assert_same(text)
    assert read(text, True)[0] == "error"


# -- generated YAML --------------------------------------------------------------------------
_SCALARS = ["1", "-3", "+4", "0", "07", "0x10", "1_000", "1.5", "1e3", ".inf", "-.Inf", ".nan",
            "yes", "No", "on", "~", "null", "", "true", "2024-05-01", "12:30", "title", "a b",
            "héllo", "'quoted'", "'<<'", '"a\\tb"', '"é"', "'1'", "!!str 3", "!!int 7", "! x",
            "!!float 2", "=", "<<", "'#fff'", "x # comment", "9" * 30]
_KEYS = ["id", "name", "a", "b", "1", "yes", "~", "'<<'", "<<", '"q"', "é", "3.5", "null",
         "!!str k", "on", "'id'", "x y"]
_ANCHORS = ["a0", "a1", "a2"]

_scalar = st.sampled_from(_SCALARS).map(lambda s: ("scalar", s))
_alias = st.sampled_from(_ANCHORS).map(lambda a: ("alias", a))
_leaf = st.one_of(_scalar, _scalar, _alias)


def _collections(inner):
    pairs = st.lists(st.tuples(st.one_of(st.sampled_from(_KEYS), _alias.map(lambda a: "*" + a[1]),
                                         st.sampled_from(["? [x]", "&a1 k"])), inner),
                     max_size=4)
    return st.one_of(
        st.tuples(st.just("map"), pairs, st.booleans(), st.sampled_from([None, *_ANCHORS])),
        st.tuples(st.just("seq"), st.lists(inner, max_size=4), st.booleans(),
                  st.sampled_from([None, *_ANCHORS])))


_node = st.recursive(_leaf, _collections, max_leaves=25)


def _flow(node) -> str:
    kind = node[0]
    if kind == "scalar":
        return node[1] if not node[1].startswith(("x #", "<<", "? ")) else "'s'"
    if kind == "alias":
        return "*" + node[1]
    anchor = f"&{node[3]} " if node[3] else ""
    if kind == "map":
        inner = ", ".join(f"{k if not k.startswith('?') else 'k'}: {_flow(v)}"
                          for k, v in node[1])
        return anchor + "{" + inner + "}"
    return anchor + "[" + ", ".join(_flow(v) for v in node[1]) + "]"


def _block(node, indent: str) -> list[str]:
    """Lines of a block collection at ``indent`` (flow for scalars and flow-styled ones)."""
    kind = node[0]
    lines = []
    if kind == "map":
        for k, v in node[1]:
            if v[0] in ("map", "seq") and not v[2] and v[1]:
                anchor = f" &{v[3]}" if v[3] else ""
                lines.append(f"{indent}{k}:{anchor}")
                lines.extend(_block(v, indent + "  "))
            else:
                lines.append(f"{indent}{k}: {_flow(v)}")
    else:
        for v in node[1]:
            if v[0] in ("map", "seq") and not v[2] and v[1] and not v[3]:
                sub = _block(v, indent + "  ")
                lines.append(f"{indent}- {sub[0].lstrip()}")
                lines.extend(sub[1:])
            else:
                lines.append(f"{indent}- {_flow(v)}")
    return lines


@settings(max_examples=examples(400), deadline=None)
@given(root=_collections(_node), prefix=st.sampled_from(["", "%YAML 1.1\n---\n", "--- \n",
                                                         "# head\n", "\ufeff"]),
       suffix=st.sampled_from(["", "...\n", "---\nb: 1\n", "# tail\n"]))
def test_generated_yaml_reads_the_same(root, prefix, suffix):
    body = "\n".join(_block(root, "")) if root[1] and not root[2] else _flow(root)
    assert_same(prefix + body + "\n" + suffix)


# The same generator without what always goes to the Python builder (tags, merge keys, null
# keys, repeated keys): most of these texts take the compiled path, whose data and positions
# must be the Python builder's.
_CLEAN_SCALARS = [x for x in _SCALARS if not x.startswith(("!", "<<", "'<<"))]
_CLEAN_KEYS = [k for k in _KEYS if k not in ("'<<'", "<<", "~", "null", "!!str k")]
_clean_leaf = st.one_of(st.sampled_from(_CLEAN_SCALARS).map(lambda s: ("scalar", s)), _alias)


def _clean_collections(inner):
    pairs = st.lists(st.tuples(st.sampled_from(_CLEAN_KEYS), inner), max_size=5,
                     unique_by=lambda kv: kv[0])
    return st.one_of(
        st.tuples(st.just("map"), pairs, st.booleans(), st.sampled_from([None, *_ANCHORS])),
        st.tuples(st.just("seq"), st.lists(inner, max_size=4), st.booleans(),
                  st.sampled_from([None, *_ANCHORS])))


_clean_node = st.recursive(_clean_leaf, _clean_collections, max_leaves=25)


@settings(max_examples=examples(400), deadline=None)
@given(root=_clean_collections(_clean_node))
def test_generated_clean_yaml_reads_the_same(root):
    body = "\n".join(_block(root, "")) if root[1] and not root[2] else _flow(root)
    assert_same(body + "\n")


@native
def test_clean_yaml_with_anchors_takes_the_compiled_path():
    """Texts of the clean kind (anchors, aliases, typed and quoted scalars, odd keys) that are
    valid are read by the compiled builder itself, not handed over; those with a problem (a
    key given twice, `id` and `'id'`) are handed over; all read the same."""
    rnd = random.Random(5)
    texts = []
    for i in range(300):
        keys = rnd.sample(_CLEAN_KEYS, rnd.randint(1, 5))
        anchor = rnd.choice(_ANCHORS)
        lines = [f"base: &{anchor} [{rnd.choice(_CLEAN_SCALARS)}, x]"]
        for k in keys:
            v = rnd.choice(_CLEAN_SCALARS)
            lines.append(f"{k}: {v if not v.startswith('x #') else 'y'}")
        lines.append(f"again: *{anchor}")
        texts.append("\n".join(lines) + f"\nn{i}: [1, {{a: b}}]\n")
    handled_count = 0
    for text in texts:
        assert_same(text)
        assert handled(text) == (read(text, False)[0] == "ok"), text
        handled_count += handled(text)
    assert handled_count > len(texts) // 2


@settings(max_examples=examples(150), deadline=None)
@given(data=st.recursive(
    st.one_of(st.integers(), st.floats(allow_nan=False), st.booleans(), st.none(),
              st.text(max_size=8)),
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.text(max_size=5), inner, max_size=4)),
    max_leaves=30), flow=st.sampled_from([False, True, None]))
def test_dumped_data_reads_the_same(data, flow):
    text = yaml.safe_dump({"root": data, "again": data}, default_flow_style=flow,
                          sort_keys=False, allow_unicode=True)
    assert_same(text)
