"""Property tests: canonical dump round-trips; no input makes `guidec check` raise."""

from __future__ import annotations

import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guidec.cli import run
from guidec.spec import load_spec, load_spec_text
from guidec.spec.dump import dump_spec
from guidec.spec.model import SHAPE_KINDS, Spec
from tests.budget import examples
from tests.conftest import spec_files

ident = st.from_regex(r"[A-Za-z_][A-Za-z0-9_.\-]{0,11}", fullmatch=True)
text = st.text(max_size=30)
ratio = st.floats(0, 1, allow_nan=False)
semver = st.builds(lambda a, b, c: f"{a}.{b}.{c}", *[st.integers(0, 30)] * 3)


@st.composite
def attributes(draw):
    t = draw(st.sampled_from(["enum", "bool", "integer", "number", "text"]))
    a: dict = {"type": t}
    if draw(st.booleans()):
        a["description"] = draw(text)
    a["required"] = draw(st.booleans())
    if t == "enum":
        values = draw(st.lists(ident, min_size=1, max_size=5, unique=True))
        a["values"] = (values if draw(st.booleans())
                       else {v: draw(text) for v in values})
        a["multiple"] = draw(st.booleans())
        if draw(st.booleans()):
            a["default"] = [values[0]] if a["multiple"] else values[0]
    elif t in ("integer", "number"):
        lo = draw(st.integers(-100, 100))
        a["min"], a["max"] = lo, lo + draw(st.integers(0, 100))
        if draw(st.booleans()):
            a["step"] = draw(st.sampled_from([1, 2, 5]) if t == "integer"
                             else st.sampled_from([0.5, 0.25, 0.1]))
    elif t == "text":
        if draw(st.booleans()):
            a["pattern"] = "[A-Z0-9 ]*"
        a["max_length"] = draw(st.integers(1, 64))
    else:
        if draw(st.booleans()):
            a["default"] = draw(st.booleans())
    a["scope"] = draw(st.sampled_from(["object", "image"]))
    return a


@st.composite
def classes(draw, ids, names, depth=0):
    out = []
    for _ in range(draw(st.integers(0 if depth else 1, 3 if depth == 0 else 2))):
        if not ids or not names:
            break
        c: dict = {"id": ids.pop(), "name": names.pop()}
        if draw(st.booleans()):
            c["title"] = draw(text.filter(lambda s: s.strip()))
        if draw(st.booleans()):
            c["color"] = draw(st.from_regex(r"#[0-9a-f]{6}", fullmatch=True))
        if draw(st.booleans()):
            c["shapes"] = draw(st.lists(st.sampled_from(SHAPE_KINDS), min_size=1, max_size=3,
                                        unique=True))
        c["definition"] = draw(text)
        c["include"] = draw(st.lists(text, max_size=2))
        c["aliases"] = draw(st.lists(ident, max_size=2))
        c["instances"] = draw(st.booleans())
        if draw(st.booleans()):
            c["train_id"] = draw(st.integers(0, 255))
        c["deprecated"] = draw(st.booleans())
        if draw(st.booleans()):
            c["since"] = draw(semver)
        if draw(st.booleans()):
            c["examples"] = [{"image": "examples/x.png",
                              "verdict": draw(st.sampled_from(["good", "bad"])),
                              "caption": draw(text),
                              "shapes": [{"class": c["name"],
                                          "box": draw(st.lists(
                                              st.floats(0, 1e4, allow_nan=False),
                                              min_size=4, max_size=4))}]}]
        if depth < 2 and ids and names:
            c["children"] = draw(classes(ids, names, depth + 1))
        out.append(c)
    return out


@st.composite
def specs(draw):
    n = 12
    ids = draw(st.lists(st.integers(0, 10_000), min_size=n, max_size=n, unique=True))
    names = draw(st.lists(st.text(min_size=1, max_size=20).filter(lambda s: s.strip()),
                          min_size=n, max_size=n, unique=True))
    spec: dict = {
        "guidec": 1,
        "project": {"id": draw(ident), "title": draw(text.filter(lambda s: len(s) > 0)),
                    "version": draw(semver), "summary": draw(text),
                    "owners": draw(st.lists(text, max_size=2))},
        "media": {"labeling_resolution": draw(st.sampled_from(["original", "proxy"])),
                  "coordinates": draw(st.sampled_from(["pixels", "normalized"]))},
        "attributes": draw(st.dictionaries(ident, attributes(), max_size=4)),
        "keypoint_schemas": draw(st.dictionaries(ident, st.builds(
            lambda pts: {"points": pts, "skeleton": [pts[:2]] if len(pts) > 1 else []},
            st.lists(ident, min_size=1, max_size=5, unique=True)), max_size=2)),
        "classes": draw(classes(ids, names)),
        "rules": [{"id": draw(ident), "title": draw(text.filter(lambda s: s)),
                   "guideline": draw(text),
                   "severity": draw(st.sampled_from(["error", "warning", "info"])),
                   "check": draw(st.sampled_from([{"min_box_side": 8}, {"max_per_image": 3},
                                                  {"max_iou_same_class": 0.5}]))}
                  for _ in range(draw(st.integers(0, 2)))],
        "qa": {"agreement": {"box_iou": draw(ratio)},
               "max_error_rates": draw(st.dictionaries(ident, ratio, max_size=3))},
        "exports": draw(st.lists(st.sampled_from(
            ["coco", "cvat", {"format": "yolo", "variant": "detect"}]), max_size=3)),
    }
    if draw(st.booleans()):
        spec["splits"] = {"names": draw(st.lists(ident, min_size=1, max_size=3)),
                          "group_by": draw(ident)}
    return Spec.model_validate(spec)


@settings(max_examples=examples(150), deadline=None)
@given(specs())
def test_generated_spec_dumps_and_loads_back_equal(spec):
    text = dump_spec(spec)
    again = load_spec_text(text).spec
    assert again == spec
    assert dump_spec(again) == text  # canonical: a fixed point


@pytest.mark.parametrize("path", spec_files(), ids=lambda p: p.parent.name)
def test_shipped_spec_dumps_and_loads_back_equal(path):
    spec = load_spec(str(path)).spec
    again = load_spec_text(dump_spec(spec), folder=str(path.parent)).spec
    assert again == spec.model_copy(update={"include": []})


def _check(path) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(["check", str(path)], out, err)  # any exception fails the test
    return code, out.getvalue() + err.getvalue()


@settings(max_examples=examples(200), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_never_raise(tmp_path_factory, data):
    p = tmp_path_factory.mktemp("bytes") / "spec.yaml"
    p.write_bytes(data)
    code, output = _check(p)
    assert code in (0, 1, 2)
    assert "Traceback" not in output


SHIPPED = [p.read_text(encoding="utf-8") for p in spec_files()]
TOKENS = ["", "-", ":", "[", "]", "{", "}", "&a", "*a", "!!python/object:os.system", "null",
          "~", "'", '"', "\t", "<<: *a", "- x", "id", "name: x", "classes:", "1e999", "-1",
          "99999999999999999999", "\\u0000", "#", "yes", "2024-01-01", "? [a]", "|", ">"]


@settings(max_examples=examples(200), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutated_specs_never_raise(tmp_path_factory, data):
    text = data.draw(st.sampled_from(SHIPPED))
    lines = text.splitlines()
    for _ in range(data.draw(st.integers(1, 4))):
        i = data.draw(st.integers(0, len(lines) - 1))
        op = data.draw(st.sampled_from(["delete", "duplicate", "token", "indent", "cut"]))
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "token":
            line = lines[i]
            j = data.draw(st.integers(0, len(line)))
            lines[i] = line[:j] + data.draw(st.sampled_from(TOKENS)) + line[j:]
        elif op == "indent":
            lines[i] = data.draw(st.sampled_from(["", " ", "    "])) + lines[i].lstrip()
        else:
            j = data.draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:j]
        if not lines:
            break
    folder = tmp_path_factory.mktemp("mut")
    (folder / "common").mkdir()
    (folder / "common" / "occlusion.yaml").write_text(
        "attributes:\n  occlusion: {type: enum, values: [none, partial, heavy]}\n")
    p = folder / "spec.yaml"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, output = _check(p)
    assert code in (0, 1, 2)
    assert "Traceback" not in output

