"""Property tests: no input makes a reader raise; inputs are never modified."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guidec.readers import READERS, read_delivery
from tests.budget import examples

from .helpers import png_bytes
from .test_coco import BASE
from .test_other_formats import LS
from .test_xml_formats import CVAT, VOC

FORMATS = sorted(READERS)
SETTINGS = settings(max_examples=examples(60), deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])

VALID = {
    "coco": json.dumps(BASE).encode(),
    "label_studio": json.dumps(LS).encode(),
    "cvat": CVAT.encode(),
    "voc": VOC.encode(),
    "yolo": b"0 0.5 0.5 0.2 0.4\n1 0.1 0.1 0.2 0.1 0.2 0.2 0.1 0.2 0.15 0.15\n",
    "mask": png_bytes(6, 4, [bytes([0, 1, 2, 3, 4, 5])] * 4, filter_type=4),
}
SUFFIX = {"coco": ".json", "label_studio": ".json", "cvat": ".xml", "voc": ".xml",
          "yolo": ".txt", "mask": ".png"}


def _read(tmp_path, data: bytes, fmt: str | None, suffix: str):
    p = tmp_path / f"in{suffix}"
    p.write_bytes(data)
    result = read_delivery([str(p)], fmt)
    assert p.read_bytes() == data  # never modified
    for d in result.diagnostics:
        assert d.code.startswith("V") and d.file
    t = result.table
    assert len(t.ann_ring_offsets) == len(t) + 1 and len(t.kp_offsets) == len(t) + 1
    return result


@SETTINGS
@given(data=st.binary(max_size=400), fmt=st.sampled_from([*FORMATS, None]))
def test_arbitrary_bytes_never_raise(tmp_path, data, fmt):
    _read(tmp_path, data, fmt, SUFFIX.get(fmt, ".json"))


@st.composite
def mutated(draw):
    fmt = draw(st.sampled_from(sorted(VALID)))
    data = bytearray(VALID[fmt])
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(["flip", "delete", "insert", "truncate"]))
        i = draw(st.integers(0, max(0, len(data) - 1)))
        if op == "flip" and data:
            data[i] = draw(st.integers(0, 255))
        elif op == "delete" and data:
            del data[i:i + draw(st.integers(1, 20))]
        elif op == "insert":
            data[i:i] = draw(st.sampled_from([b"NaN", b"1e999", b"-", b"[", b"{", b"}", b",",
                                              b"\"x\"", b"null", b"<x>", b"&amp;", b"99999999999999999999999"]))
        else:
            del data[i:]
    return fmt, bytes(data)


@SETTINGS
@given(case=mutated())
def test_mutated_valid_files_never_raise(tmp_path, case):
    fmt, data = case
    _read(tmp_path, data, fmt, SUFFIX[fmt])


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner,
                                                                  max_size=4),
    max_leaves=12)


@SETTINGS
@given(field=st.sampled_from(["id", "image_id", "category_id", "bbox", "area", "iscrowd",
                              "segmentation", "keypoints", "attributes"]),
       value=json_values, which=st.integers(0, 4))
def test_coco_wrong_types_never_raise(tmp_path, field, value, which):
    doc = json.loads(json.dumps(BASE))
    doc["annotations"][which][field] = value
    _read(tmp_path, json.dumps(doc).encode(), "coco", ".json")


@SETTINGS
@given(field=st.sampled_from(["x", "y", "width", "height", "rotation", "points", "rle"]),
       value=json_values)
def test_label_studio_wrong_types_never_raise(tmp_path, field, value):
    doc = json.loads(json.dumps(LS))
    doc[0]["annotations"][0]["result"][0]["value"][field] = value
    doc[0]["annotations"][0]["result"][3]["value"][field] = value
    _read(tmp_path, json.dumps(doc).encode(), "label_studio", ".json")


def test_deep_json_is_one_finding(tmp_path):
    r = _read(tmp_path, b"[" * 5000 + b"]" * 5000, "coco", ".json")
    assert [d.code for d in r.diagnostics] == ["V005"]


def test_billion_laughs_refused(tmp_path):
    bomb = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            + b"".join(b'<!ENTITY lol%d "%s">' % (i, b"&lol%d;" % (i - 1) * 10 if i > 1
                                                   else b"&lol;" * 10) for i in range(1, 10))
            + b"]><annotations>&lol9;</annotations>")
    r = _read(tmp_path, bomb, "cvat", ".xml")
    assert [d.code for d in r.diagnostics] == ["V004"]


def test_huge_ids_are_findings_not_overflows(tmp_path):
    doc = json.loads(json.dumps(BASE))
    doc["images"][0]["id"] = 10**30
    doc["annotations"][0]["image_id"] = 10**30
    doc["annotations"][1]["category_id"] = 10**30
    r = _read(tmp_path, json.dumps(doc).encode(), "coco", ".json")
    # orjson reads integers beyond 64 bits as floats: an id that is no integer any more
    assert ("V008", "/images/0/id") in [(d.code, d.pointer) for d in r.diagnostics]
    (tmp_path / "y.txt").write_text("99999999999999999999999 0.5 0.5 0.1 0.1\n", encoding="utf-8")
    t = read_delivery([str(tmp_path / "y.txt")]).table
    assert t.label_id.tolist() == [-1]
