"""Delivery writers: golden outputs for a small table, and what each format must say."""

from __future__ import annotations

import json
import os
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
import yaml

from guidec.readers import read_delivery
from guidec.table import Shape, TableBuilder
from guidec.writers import load_writers
from tests.diff.helpers import base, project

GOLDEN = Path(__file__).resolve().parent.parent / "golden" / "writers"


def table():
    b = TableBuilder()
    f = b.add_file("d.json", "coco", "/annotations/{}")
    b.add_image(1, "img/a.jpg", 640, 480, src_file=f)
    b.add_image(2, "img/b.jpg", 320, 240, src_file=f)
    b.add_annotation(image_index=0, shape=Shape.BOX, label="car", label_id=1, ann_id=1,
                     bbox=(10, 20, 100, 50), attributes={"occlusion": "partial", "count": 3})
    b.add_annotation(image_index=0, shape=Shape.POLYGON, label="van", label_id=2, ann_id=2,
                     rings=[[(0, 0), (64, 0), (64, 48)]])
    b.add_annotation(image_index=1, shape=Shape.KEYPOINTS, label="person", label_id=3,
                     ann_id=3, bbox=(0, 0, 32, 24),
                     keypoints=[(8, 6, 2), (24, 6, 1), (0, 0, 0)])
    b.add_annotation(image_index=1, shape=Shape.ROTATED_BOX, label="sign", label_id=5,
                     ann_id=4, bbox=(100, 100, 40, 20), rotation=30.0)
    return b.build()


WRITERS = sorted(set(load_writers()) - {"mask"})  # label maps: tests/diff/test_migrate.py


def test_every_reader_format_has_a_writer():
    from guidec.readers import READERS

    assert set(load_writers()) >= set(READERS)


@pytest.mark.parametrize("fmt", WRITERS)
def test_writer_matches_golden_and_is_deterministic(fmt):
    writer = load_writers()[fmt]
    p = project(base())
    files = writer.write(table(), p)
    assert files == writer.write(table(), p)
    for rel, data in files.items():
        assert data.endswith(b"\n")
        golden = GOLDEN / fmt / rel
        if os.environ.get("GUIDEC_UPDATE_GOLDEN") == "1":
            golden.parent.mkdir(parents=True, exist_ok=True)
            golden.write_bytes(data)
        assert golden.is_file(), f"no golden file {golden}; run with GUIDEC_UPDATE_GOLDEN=1"
        assert data == golden.read_bytes(), f"{fmt}/{rel} differs from its golden file"


def test_coco_round_trips_through_the_reader(tmp_path):
    from guidec.writers.coco import write

    (name, data), = write(table(), project(base())).items()
    (tmp_path / name).write_bytes(data)
    got = read_delivery([str(tmp_path / name)])
    assert got.diagnostics == []
    t = got.table
    assert t.label.tolist() == ["car", "van", "person", "sign"]
    assert t.bbox[0].tolist() == [10, 20, 100, 50]
    assert t.rings_of(1)[0].tolist() == [[0, 0], [64, 0], [64, 48]]
    assert t.keypoints_of(2).tolist() == [[8, 6, 2], [24, 6, 1], [0, 0, 0]]
    assert t.rotation[3] == 30.0
    assert t.attributes["occlusion"][0] == "partial"


def test_yolo_lines_are_normalized_with_spec_order_indexes():
    from guidec.writers.yolo import write

    files = write(table(), project(base()))
    a = files["labels/a.txt"].decode().splitlines()
    assert a[0] == "0 0.09375 0.09375 0.15625 0.104167"  # car: index 0, cx=60/640
    assert a[1].split()[:3] == ["1", "0", "0"]  # van polygon, first vertex
    b = files["labels/b.txt"].decode().splitlines()
    assert b[0].split()[5:8] == ["0.025", "0.025", "2"]  # first keypoint, v=2
    assert len(b[1].split()) == 9  # rotated box: four corners
    data = yaml.safe_load(files["data.yaml"])
    assert data["names"] == {0: "car", 1: "van", 2: "person", 3: "cyclist", 4: "sign"}
    assert data["kpt_shape"] == [3, 3] and data["flip_idx"] == [1, 0, 2]


def test_voc_boxes_are_one_based_inclusive():
    from guidec.writers.voc import write

    root = ET.fromstring(write(table(), project(base()))["Annotations/a.xml"])
    car = root.find("object")
    assert car.findtext("name") == "car"
    box = car.find("bndbox")
    assert [box.findtext(k) for k in ("xmin", "ymin", "xmax", "ymax")] == ["11", "21", "110",
                                                                           "70"]
    attrs = {a.findtext("name"): a.findtext("value") for a in car.iter("attribute")}
    assert attrs == {"count": "3", "occlusion": "partial"}


def test_cvat_meta_and_shapes():
    from guidec.writers.cvat import write

    root = ET.fromstring(write(table(), project(base()))["annotations.xml"])
    labels = [e.findtext("name") for e in root.iter("label")]
    assert labels == ["car", "van", "person", "cyclist", "sign"]
    img = root.findall("image")
    box = img[0].find("box")
    assert (box.get("xtl"), box.get("xbr")) == ("10.00", "110.00")
    assert img[0].find("polygon").get("points") == "0.00,0.00;64.00,0.00;64.00,48.00"
    pts = img[1].find("skeleton").findall("points")
    assert [(p.get("label"), p.get("outside"), p.get("occluded")) for p in pts] == [
        ("l_eye", "0", "0"), ("r_eye", "0", "1"), ("nose", "1", "0")]
    assert img[1].find("box").get("rotation") == "30.00"


def test_label_studio_percent_units():
    from guidec.writers.label_studio import write

    tasks = json.loads(write(table(), project(base()))["tasks.json"])
    first = tasks[0]["annotations"][0]["result"]
    rect = next(r for r in first if r["type"] == "rectanglelabels")
    assert rect["value"]["x"] == pytest.approx(10 / 640 * 100)
    assert rect["value"]["rectanglelabels"] == ["car"]
    choice = next(r for r in first if r["from_name"] == "occlusion")
    assert choice["id"] == rect["id"] and choice["value"] == {"choices": ["partial"]}
    # every from_name is a control of guidec's own config for the spec
    from guidec.targets.label_studio import layout

    names = {c.name for c in layout(project(base())).controls}
    used = {r["from_name"] for task in tasks for r in task["annotations"][0]["result"]}
    assert used <= names, used - names
    kps = [r for r in tasks[1]["annotations"][0]["result"] if r["type"] == "keypointlabels"]
    assert [k["value"]["keypointlabels"] for k in kps] == [["l_eye"], ["r_eye"]]


def test_label_studio_keypoints_read_back_as_one_instance(tmp_path):
    """Written as guidec's Label Studio target names them (keypoints.<schema>, parentID = the
    box), the points come back as the person's keypoints row, visible points as 2 (Label
    Studio has no visibility)."""
    from guidec.writers.label_studio import write

    p = project(base())
    path = tmp_path / "tasks.json"
    path.write_bytes(write(table(), p)["tasks.json"])
    t = read_delivery([str(path)], project=p).table
    rows = [i for i in range(len(t)) if t.label[i] == "person"]
    assert len(rows) == 1 and Shape(t.shape[rows[0]]) is Shape.KEYPOINTS
    assert t.keypoints_of(rows[0]).tolist() == [[8, 6, 2], [24, 6, 2], [0, 0, 0]]
