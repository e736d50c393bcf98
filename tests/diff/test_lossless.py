"""guidec migrate is lossless: in every format it changes only what the migration map says.

Property: a delivery migrated from a spec to the same spec is the same delivery (ids, unknown
fields, task data, metadata, image-level results, order). Then a real migration (rename,
retired class, removed attribute, removed enum value, reordered keypoints) changes exactly
that and carries the rest through.
"""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET

import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guidec.cli import run
from guidec.readers import read_delivery
from guidec.table import Shape, TableBuilder
from guidec.writers import load_writers
from tests.budget import examples
from tests.diff.helpers import base, cls, project, spec_text

W, H = 64, 48
FORMATS = ["coco", "label_studio", "cvat", "voc", "yolo"]


def _png(path, w: int = W, h: int = H) -> None:
    from guidec.writers.mask import encode_png

    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(encode_png(np.zeros((h, w), dtype=np.uint8)))


ROW = st.tuples(
    st.sampled_from(["car", "van", "person", "sign", "auto"]),
    st.integers(0, 40), st.integers(0, 30), st.integers(2, 20), st.integers(2, 15),
    st.sampled_from([None, "none", "partial", "heavy"]), st.sampled_from([None, 0, 3, 10]))


def _table(rows, fmt: str):
    b = TableBuilder()
    f = b.add_file("d", fmt)
    b.add_image(1, "a.png", W, H, src_file=f)
    b.add_image(2, "b.png", W, H, src_file=f)
    ids = {"car": 1, "auto": 1, "van": 2, "person": 3, "sign": 5}
    for i, (label, x, y, w, h, occ, count) in enumerate(rows):
        attrs = {}
        if label in ("car", "auto", "van") and occ:
            attrs["occlusion"] = occ
        if label in ("car", "auto") and count is not None:
            attrs["count"] = count
        kp = None
        if label == "person" and fmt != "voc":
            kp = [(x + 1, y + 1, 2), (x + w - 1, y + 1, 2), (x + w / 2, y + h / 2, 1)]
        b.add_annotation(image_index=i % 2, shape=Shape.KEYPOINTS if kp else Shape.BOX,
                         label=label, label_id=ids[label], ann_id=i + 1,
                         bbox=(x, y, w, h), attributes=attrs or None, keypoints=kp,
                         src_file=f)
    return b.build()


def _spec_with_alias() -> dict:
    d = base()
    cls(d, "car")["aliases"] = ["auto"]
    return d


# ------------------------------------------------------------------ unknown fields, per format
def _decorate(fmt: str, root, files: dict[str, bytes]) -> None:
    """Write the delivery with what other tools put in it and guidec never reads."""
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if fmt == "coco":
            doc = json.loads(data)
            doc["info"] = {"year": 2026, "description": "batch 7"}
            doc["licenses"] = [{"id": 1, "name": "CC0"}]
            for im in doc["images"]:
                im.update(license=1, flickr_url=f"http://x/{im['id']}.jpg")
            for a in doc["annotations"]:
                a["x_review"] = {"by": "ann7", "ok": a["id"] % 2 == 0}
            for c in doc["categories"]:
                c["x_tool_color"] = "#abcdef"
            data = json.dumps(doc, indent=2).encode()
        elif fmt == "label_studio":
            doc = json.loads(data)
            for i, task in enumerate(doc):
                task["data"]["store_id"] = f"store-{i % 3}"
                task["meta"] = {"batch": 4}
                task["predictions"] = [{"model_version": "m1", "result": []}]
                ann = task["annotations"][0]
                ann.update(completed_by=7, lead_time=3.5, id=100 + i)
                for r in ann["result"]:
                    r["origin"] = "manual"
                ann["result"].append({"from_name": "weather", "to_name": "image",
                                      "type": "choices", "value": {"choices": ["sunny"]}})
            data = json.dumps(doc).encode()
        elif fmt in ("cvat", "voc"):
            tree = ET.fromstring(data)
            if fmt == "cvat":
                for im in tree.iter("image"):
                    im.set("subset", "train")
                for el in tree.iter("box"):
                    el.set("group_id", "2")
            else:
                ET.SubElement(ET.SubElement(tree, "source"), "database").text = "shelf db"
                ET.SubElement(tree, "segmented").text = "0"
            data = b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(tree)
        elif fmt == "yolo" and rel == "data.yaml":
            doc = yaml.safe_load(data)
            doc.update(path=".", train="images", val="images", download=None)
            data = yaml.safe_dump(doc).encode()
        path.write_bytes(data)
    if fmt == "yolo":
        for name in ("a.png", "b.png"):
            _png(root / "images" / name)


def _delivery(tmp, fmt: str, rows, spec: dict):
    writer = load_writers()[fmt]
    files = writer.write(_table(rows, fmt), project(spec))
    src = tmp / "in"
    _decorate(fmt, src, files)
    return src / next(iter(files)) if writer.SINGLE_FILE else src


def _migrate(tmp, src, old: dict, new: dict, fmt: str, *extra: str):
    (tmp / "a").mkdir(exist_ok=True)
    (tmp / "b").mkdir(exist_ok=True)
    (tmp / "a" / "spec.yaml").write_text(spec_text(old))
    (tmp / "b" / "spec.yaml").write_text(spec_text(new))
    out = tmp / ("out" + (src.suffix if src.is_file() else ""))
    import io

    o, e = io.StringIO(), io.StringIO()
    code = run(["migrate", "--from", str(tmp / "a" / "spec.yaml"), "--to",
                str(tmp / "b" / "spec.yaml"), str(src), "--out", str(out),
                "--input-format", fmt, *extra], o, e)
    return code, out, o.getvalue() + e.getvalue()


def _xml_tree(data: bytes):
    def walk(el):
        return (el.tag, dict(el.attrib), (el.text or "").strip(), [walk(c) for c in el])

    return walk(ET.fromstring(data))


def _same_delivery(fmt: str, src, out) -> None:
    if src.is_file():
        pairs = [(src, out)]
    else:
        pairs = [(src / p, out / p) for p in (os.path.relpath(os.path.join(d, f), src)
                                               for d, _, fs in os.walk(src) for f in fs)
                 if not p.startswith("images")]
    for a, b in pairs:
        x, y = a.read_bytes(), b.read_bytes()
        if a.suffix == ".json":
            assert json.loads(x) == json.loads(y), a.name
        elif a.suffix == ".xml":
            assert _xml_tree(x) == _xml_tree(y), a.name
        elif a.suffix == ".yaml":
            assert yaml.safe_load(x) == yaml.safe_load(y)
        else:
            assert x == y, a.name


@pytest.mark.parametrize("fmt", FORMATS)
@settings(max_examples=examples(25), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(rows=st.lists(ROW, min_size=0, max_size=12))
def test_same_spec_migrate_is_the_same_delivery(tmp_path_factory, fmt, rows):
    tmp = tmp_path_factory.mktemp(fmt)
    spec = _spec_with_alias()
    src = _delivery(tmp, fmt, rows, spec)
    code, out, said = _migrate(tmp, src, spec, spec, fmt)
    assert code in (0, 1), said
    assert "D60" not in said  # nothing to review, nothing dropped
    _same_delivery(fmt, src, out)


def test_same_spec_migrate_of_label_maps_copies_them(tmp_path):
    from guidec.writers.mask import encode_png

    rng = np.random.default_rng(3)
    src = tmp_path / "in" / "masks"
    src.mkdir(parents=True)
    for i in range(3):  # grey, with a value the spec does not know (42)
        pix = rng.choice(np.array([0, 1, 2, 5, 42], dtype=np.uint8), size=(H, W))
        (src / f"m{i}.png").write_bytes(encode_png(pix))
    code, out, said = _migrate(tmp_path, src, base(), base(), "mask")
    assert code in (0, 1), said
    for i in range(3):
        assert (out / f"m{i}.png").read_bytes() == (src / f"m{i}.png").read_bytes()


# ---------------------------------------------------------------------- a real migration
def _v2() -> dict:
    d = _spec_with_alias()
    d["project"]["version"] = "2.0.0"
    car = cls(d, "car")
    car.update(name="automobile", aliases=["car", "auto"])
    d["classes"].remove(cls(d, "sign"))
    car["attributes"] = ["occlusion"]
    del d["attributes"]["count"]
    d["attributes"]["occlusion"]["values"] = ["none", "partial"]
    d["keypoint_schemas"]["face"]["points"] = ["nose", "l_eye", "r_eye"]
    return d


ROWS = [("car", 1, 1, 10, 10, "heavy", 3), ("auto", 20, 5, 10, 10, "partial", None),
        ("van", 5, 20, 12, 8, "heavy", None), ("sign", 30, 10, 8, 8, None, None),
        ("person", 40, 20, 16, 20, None, None), ("van", 2, 2, 6, 6, "none", None)]


@pytest.mark.parametrize("fmt", FORMATS)
def test_migrate_changes_what_the_map_says_and_carries_the_rest(tmp_path, fmt):
    v1, v2 = _spec_with_alias(), _v2()
    src = _delivery(tmp_path, fmt, ROWS, v1)
    code, out, said = _migrate(tmp_path, src, v1, v2, fmt)
    assert code == 1 and "D602" in said, said  # sign dropped
    assert ("D604" in said) == (fmt != "yolo"), said  # heavy cleared (YOLO has no attributes)
    if fmt == "yolo":
        for name in ("a.png", "b.png"):
            _png(out / "images" / name)
    got = read_delivery([str(out)], fmt, project=project(v2))
    t = got.table
    labels = [x for x in t.label.tolist()]
    assert "sign" not in labels and len(t) == len(ROWS) - 1
    assert sorted(set(labels) - {None}) <= ["automobile", "person", "van"] or fmt == "coco"
    assert "count" not in t.attributes or all(v is None for v in t.attributes["count"])
    if fmt != "yolo":
        assert "heavy" not in t.attributes["occlusion"].tolist()
        assert t.attributes["occlusion"].tolist().count("partial") == 1
    if fmt != "voc":  # the person's points follow the new order: nose, l_eye, r_eye
        row = t.label.tolist().index("person") if "person" in labels else int(
            np.flatnonzero(t.label_id == 3)[0])
        kp = t.keypoints_of(row)
        assert kp[0][0] == pytest.approx(48, abs=0.01) and kp[1][0] == pytest.approx(41, abs=0.01)
        if fmt != "label_studio":  # Label Studio has no visibility: every point it has is 2
            assert kp[0][2] == 1 and kp[1][2] == 2
    # everything the map does not speak of is still there
    if fmt == "coco":
        doc = json.loads(out.read_text())
        assert doc["info"] == {"year": 2026, "description": "batch 7"}
        assert all("flickr_url" in im for im in doc["images"])
        assert all("x_review" in a for a in doc["annotations"])
        cats = {c["name"]: c for c in doc["categories"]}
        assert "sign" not in cats and cats["automobile"]["x_tool_color"] == "#abcdef"
        assert cats["person"]["keypoints"] == ["nose", "l_eye", "r_eye"]
        assert [a["id"] for a in doc["annotations"]] == [1, 2, 3, 5, 6]
    elif fmt == "label_studio":
        doc = json.loads(out.read_text())
        assert [t_["data"]["store_id"] for t_ in doc] == ["store-0", "store-1"]
        assert all(t_["meta"] == {"batch": 4} and t_["predictions"] for t_ in doc)
        anns = [t_["annotations"][0] for t_ in doc]
        assert [a["id"] for a in anns] == [100, 101]
        results = [r for a in anns for r in a["result"]]
        assert sum(r.get("from_name") == "weather" for r in results) == 2
        assert not any(r.get("from_name") == "count" for r in results)
    elif fmt == "cvat":
        tree = ET.fromstring(out.read_bytes())
        assert all(im.get("subset") == "train" for im in tree.iter("image"))
        assert all(b.get("group_id") == "2" for b in tree.iter("box"))
        meta = [lab.findtext("name") for lab in tree.iter("label")]
        assert "automobile" in meta and "sign" not in meta and "car" not in meta
    elif fmt == "voc":
        for p in (out / "Annotations").iterdir():
            tree = ET.fromstring(p.read_bytes())
            assert tree.findtext("source/database") == "shelf db"
    elif fmt == "yolo":
        doc = yaml.safe_load((out / "data.yaml").read_text())
        assert doc["train"] == "images" and "automobile" in doc["names"].values()
    assert not [d for d in got.diagnostics if d.code in ("V100", "V101")], got.diagnostics


def test_migrate_never_touches_what_it_reads(tmp_path):
    src = _delivery(tmp_path, "label_studio", ROWS, _spec_with_alias())
    before = src.read_bytes()
    code, out, _ = _migrate(tmp_path, src, _spec_with_alias(), _v2(), "label_studio")
    assert code == 1 and src.read_bytes() == before and out.is_file()
