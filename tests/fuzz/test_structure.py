"""Structure-aware fuzzing of every reader, the validation rules and the spec loader.

Valid documents of each format are damaged the way real exports and hostile files are: values
swapped for other JSON types, keys deleted, extreme and non-finite numbers, unicode and control
characters, deep nesting, truncation, damaged bytes, PNG chunks and RLE masks broken, XML
entities and attributes mangled. Whatever comes in, a run gives findings or one GuidecError:
never another exception, never a hang (every input is small), and never a change to the input.

The budget follows the hypothesis profile (tests/budget.py): ``quick`` locally, ``thorough`` in
CI, and for a long run ``HYPOTHESIS_PROFILE=fuzz pytest tests/fuzz -q`` (twenty times CI's).
"""

from __future__ import annotations

import copy
import json
import struct
import zlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guidec.diagnostics import GuidecError
from guidec.lint import run_lint
from guidec.readers import read_delivery
from guidec.targets import TARGETS
from guidec.validation import run_rules
from guidec.view import load_project
from tests.budget import examples
from tests.readers.helpers import png_bytes
from tests.readers.test_coco import BASE
from tests.readers.test_other_formats import LS
from tests.readers.test_xml_formats import CVAT, VOC

SPEC = """\
guidec: 1
project: {id: f, title: F, version: 1.0.0}
attributes:
  occlusion: {type: enum, values: [none, partial, heavy]}
keypoint_schemas:
  corners: {points: [a, b, c, d]}
classes:
  - {id: 1, name: car, shapes: [box, polygon, mask, rotated_box], attributes: [occlusion]}
  - {id: 2, name: person, shapes: [box, keypoints], keypoints: corners}
  - {id: 3, name: sign, shapes: [box], text_region: {transcription: optional}}
rules:
  - {id: size, title: Size, check: {min_box_side: 2, max_iou_same_class: 0.9}}
"""
RESULTS = [{"image_id": 1, "category_id": 1, "bbox": [1, 1, 5, 5], "score": 0.5},
           {"image_id": 1, "category_id": 2, "segmentation": {"size": [4, 4],
                                                              "counts": [2, 3, 11]}}]
FUZZ = settings(max_examples=examples(200), deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])

WEIRD = st.one_of(
    st.none(), st.booleans(), st.integers(-2**70, 2**70), st.sampled_from([
        1e308, -1e308, 5e-324, 0.0, -0.0, 2**53 + 1, 2**63, -(2**63) - 1]),
    st.text(max_size=8), st.sampled_from(["\x00", "\u202e", "\ud7ff", "🙂", "\x1b[31m", "",
                                          "NaN", "1e999", "../../etc/passwd", "a" * 300]),
    st.lists(st.integers(-5, 5), max_size=5), st.dictionaries(st.text(max_size=3),
                                                               st.integers(), max_size=3),
    # built anew each draw: a mutated shared constant would make the strategy flaky
    st.builds(lambda: [[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]))


def _paths(value, path=()):
    yield path
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _paths(v, (*path, i))


@st.composite
def damaged_json(draw, doc):
    doc = copy.deepcopy(doc)
    paths = [p for p in _paths(doc) if p]
    for _ in range(draw(st.integers(1, 4))):
        path = draw(st.sampled_from(paths))
        parent = doc
        try:
            for k in path[:-1]:
                parent = parent[k]
            if draw(st.booleans()) and isinstance(parent, dict):
                parent.pop(path[-1], None)  # a deleted key
            else:
                parent[path[-1]] = draw(WEIRD)  # a swapped type, an extreme number, ...
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change removed the path
    text = json.dumps(doc, allow_nan=True)
    if draw(st.integers(0, 9)) == 0:
        text = text[:draw(st.integers(0, len(text)))]  # truncated
    if draw(st.integers(0, 9)) == 0:
        text = text.replace("1", "NaN", 1)  # Python's json.dump writes NaN
    return text.encode("utf-8", "surrogatepass")


@st.composite
def damaged_xml(draw, text):
    attrs = ["xtl", "ytl", "xbr", "ybr", "label", "points", "width", "height", "rle", "frame",
             "rotation", "outside", "id"]
    for _ in range(draw(st.integers(1, 4))):
        a = draw(st.sampled_from(attrs))
        value = draw(st.sampled_from(["", "NaN", "1e999", "-1", "&amp;", "&#0;", "&#x1F;", "x",
                                      "9" * 40, "1,2;3", "&x;", "\u202e"]))
        text = text.replace(f'{a}="', f'{a}="{value}', 1)
    if draw(st.booleans()):
        tag = draw(st.sampled_from(["xmin", "ymin", "xmax", "width", "name", "filename"]))
        text = text.replace(f"<{tag}>", f"<{tag}>{draw(st.sampled_from(['', '-', 'nan', '0']))}", 1)
    if draw(st.integers(0, 5)) == 0:
        text = '<!DOCTYPE a [<!ENTITY x "xxxxxxxxxx">]>' + text.split("?>", 1)[-1]
    if draw(st.integers(0, 5)) == 0:
        text = text[:draw(st.integers(0, len(text)))]
    return text.encode("utf-8", "surrogatepass")


@st.composite
def damaged_png(draw):
    w, h = draw(st.integers(1, 6)), draw(st.integers(1, 6))
    data = bytearray(png_bytes(w, h, [bytes(range(w))] * h, filter_type=draw(st.integers(0, 4))))
    op = draw(st.sampled_from(["ihdr", "crc", "plte", "idat", "truncate", "bomb"]))
    if op == "ihdr":  # colour type and bit depth of any value, CRC made right again
        data[24], data[25] = draw(st.integers(0, 255)), draw(st.integers(0, 255))
        data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])) & 0xFFFFFFFF)
    elif op == "crc":
        data[draw(st.integers(8, len(data) - 1))] ^= 0xFF
    elif op == "plte":
        body = bytes(draw(st.integers(0, 255)) for _ in range(draw(st.integers(0, 10))))
        chunk = (struct.pack(">I", len(body)) + b"PLTE" + body
                 + struct.pack(">I", zlib.crc32(b"PLTE" + body) & 0xFFFFFFFF))
        data[33:33] = chunk
        data[25] = 3
        data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])) & 0xFFFFFFFF)
    elif op == "idat":
        i = bytes(data).find(b"IDAT")
        data[i + 4:i + 8] = b"\x00\x00\x00\x00"
    elif op == "bomb":  # a tiny IDAT that inflates far beyond the image
        body = zlib.compress(b"\x00" * (1 << 22))
        i = bytes(data).find(b"IDAT") - 4
        data[i:] = (struct.pack(">I", len(body)) + b"IDAT" + body
                    + struct.pack(">I", zlib.crc32(b"IDAT" + body) & 0xFFFFFFFF)
                    + b"\x00\x00\x00\x00IEND\xaeB`\x82")
    else:
        del data[draw(st.integers(0, len(data) - 1)):]
    return bytes(data)


RLE = st.fixed_dictionaries({
    "size": st.one_of(st.lists(st.integers(-3, 10**12), min_size=0, max_size=3), WEIRD),
    "counts": st.one_of(st.lists(st.integers(-5, 50), max_size=12),
                        st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=130),
                                max_size=12), WEIRD)})


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    p = tmp_path_factory.mktemp("spec") / "spec.yaml"
    p.write_text(SPEC)
    return load_project(str(p))


def _run(tmp_path, name: str, data: bytes, project, fmt=None):
    p = tmp_path / name
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(data)
    result = read_delivery([str(p.parent if fmt == "yolo" else p)], fmt, project=project)
    run_rules(result.table, project)
    assert p.read_bytes() == data
    return result


@FUZZ
@given(data=st.data(), which=st.sampled_from(["coco", "label_studio", "coco_results"]))
def test_json_formats(tmp_path, project, data, which):
    doc = {"coco": BASE, "label_studio": LS, "coco_results": RESULTS}[which]
    _run(tmp_path, "d.json", data.draw(damaged_json(doc)), project, which)


@FUZZ
@given(data=st.data(), which=st.sampled_from(["cvat", "voc"]))
def test_xml_formats(tmp_path, project, data, which):
    _run(tmp_path, "d.xml", data.draw(damaged_xml(CVAT if which == "cvat" else VOC)), project,
         which)


@FUZZ
@given(png=damaged_png())
def test_png_label_maps(tmp_path, project, png):
    _run(tmp_path, "m.png", png, project, "mask")


@FUZZ
@given(rles=st.lists(RLE, min_size=1, max_size=3))
def test_coco_rle_masks(tmp_path, project, rles):
    doc = copy.deepcopy(BASE)
    for i, rle in enumerate(rles):
        doc["annotations"].append({"id": 100 + i, "image_id": doc["images"][0]["id"],
                                   "category_id": 1, "segmentation": rle, "iscrowd": 1})
    _run(tmp_path, "d.json", json.dumps(doc).encode(), project, "coco")


@FUZZ
@given(rows=st.lists(st.lists(st.sampled_from(
    ["0", "1", "7", "-1", "0.5", "1e999", "nan", "inf", "x", "0.1", "2", "99999999999999999999"]),
    max_size=12), max_size=6))
def test_yolo_rows(tmp_path, project, rows):
    text = "\n".join(" ".join(r) for r in rows).encode()
    (tmp_path / "data.yaml").write_text("names: [car, person, sign]\n")
    _run(tmp_path, "labels/a.txt", text, project, "yolo")


SPEC_VALUES = st.one_of(WEIRD, st.sampled_from(["{", "[", "*a", "&a x", "!!python/object:os.system",
                                                "? [a]", "1" * 5000, "0x1F", "1:30"]))


@FUZZ
@given(data=st.data())
def test_spec_loader_lint_and_targets(tmp_path, data):
    import yaml

    doc = yaml.safe_load(SPEC)
    paths = [p for p in _paths(doc) if p]
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(paths))
        parent = doc
        try:
            for k in path[:-1]:
                parent = parent[k]
            parent[path[-1]] = data.draw(SPEC_VALUES)
        except (KeyError, IndexError, TypeError):
            continue
    text = yaml.safe_dump(doc, allow_unicode=True)
    if data.draw(st.integers(0, 4)) == 0:
        # a fraction, not a length: the draw's bounds must not depend on the text
        text = text[:len(text) * data.draw(st.integers(0, 1000)) // 1000]
    p = tmp_path / "spec.yaml"
    p.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        project = load_project(str(p))
    except GuidecError:
        return  # one clear error with its findings
    if any(d.severity.label == "error" for d in run_lint(project)):
        return  # build stops here
    for cls in TARGETS.values():
        target = cls()
        if not target.check(project):
            target.emit(project)
