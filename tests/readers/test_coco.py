from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from guidec.readers import detect_format, read_delivery
from guidec.table import Shape

BASE = {
    "images": [{"id": 1, "file_name": "a.jpg", "width": 640, "height": 480},
               {"id": 2, "file_name": "b.jpg", "width": 100, "height": 50}],
    "categories": [{"id": 3, "name": "car", "supercategory": "vehicle"},
                   {"id": 7, "name": "person", "keypoints": ["nose", "eye"],
                    "skeleton": [[1, 2]]}],
    "annotations": [
        {"id": 10, "image_id": 1, "category_id": 3, "bbox": [1, 2, 30, 40], "area": 1200,
         "iscrowd": 0, "segmentation": [], "attributes": {"occluded": True, "color": "red"}},
        {"id": 11, "image_id": 2, "category_id": 3, "bbox": [0, 0, 10, 10], "area": 50.5,
         "iscrowd": 0, "segmentation": [[0, 0, 10, 0, 10, 10], [1, 1, 2, 1, 2, 2, 1, 2]],
         "attributes": {"occluded": False}},
        {"id": 12, "image_id": 2, "category_id": 3, "bbox": [0, 0, 2, 2], "area": 3,
         "iscrowd": 1, "segmentation": {"counts": [0, 3, 4997], "size": [50, 100]}},
        {"id": 13, "image_id": 1, "category_id": 7, "bbox": [5, 5, 10, 10], "area": 100,
         "iscrowd": 0, "segmentation": [[5, 5, 15, 5, 15, 15]],
         "keypoints": [6, 6, 2, 0, 0, 0], "num_keypoints": 1},
        {"id": 14, "image_id": 99, "category_id": 42, "bbox": [0, 0, 1, 1]},
    ],
}


def write_json(tmp_path, data, name="coco.json"):
    p = tmp_path / name
    p.write_text(json.dumps(data), encoding="utf-8")
    return str(p)


def test_reads_every_column(tmp_path):
    path = write_json(tmp_path, BASE)
    assert detect_format(path) == "coco"
    r = read_delivery([path])
    t = r.table
    assert r.diagnostics == []
    assert list(t.images.key) == [1, 2]
    assert t.images.width.tolist() == [640, 100]
    assert list(t.ann_id) == [10, 11, 12, 13, 14]
    assert t.image_index.tolist() == [0, 1, 1, 0, -1]
    assert list(t.label) == ["car", "car", "car", "person", None]
    assert t.label_id.tolist() == [3, 3, 3, 7, 42]
    assert [Shape(s) for s in t.shape] == [Shape.BOX, Shape.POLYGON, Shape.MASK,
                                           Shape.KEYPOINTS, Shape.BOX]
    assert t.bbox[0].tolist() == [1, 2, 30, 40]
    assert t.iscrowd.tolist() == [False, False, True, False, False]
    assert np.isnan(t.area[4]) and t.area[1] == 50.5
    rings = t.rings_of(1)
    assert [r.tolist() for r in rings] == [[[0, 0], [10, 0], [10, 10]],
                                           [[1, 1], [2, 1], [2, 2], [1, 2]]]
    assert t.rings_of(0) == []
    assert t.rings_of(3)[0].tolist() == [[5, 5], [15, 5], [15, 15]]
    assert t.keypoints_of(3).tolist() == [[6, 6, 2], [0, 0, 0]]
    assert len(t.keypoints_of(0)) == 0
    assert t.rle[2] == {"counts": [0, 3, 4997], "size": [50, 100]}
    assert list(t.attributes["occluded"]) == [True, False, None, None, None]
    assert list(t.attributes["color"]) == ["red", None, None, None, None]
    assert t.declared_categories[7]["keypoints"] == ["nose", "eye"]
    assert t.location(3) == (path, None, "/annotations/3")
    assert t.image_location(1) == (path, None, "/images/1")


@pytest.mark.parametrize(
    ("mutate", "code", "pointer"),
    [
        (lambda d: d["annotations"][1].pop("category_id"), "V007", "/annotations/1"),
        (lambda d: d["annotations"][0].__setitem__("bbox", ["1", 2, 3, 4]), "V008",
         "/annotations/0/bbox"),
        (lambda d: d["annotations"][0].__setitem__("bbox", [1, 2, 3]), "V008",
         "/annotations/0/bbox"),
        (lambda d: d["annotations"][1]["segmentation"][0].append(99), "V010",
         "/annotations/1/segmentation/0"),
        (lambda d: d["annotations"][1]["segmentation"][1].__setitem__(0, "x"), "V008",
         "/annotations/1/segmentation/1"),
        (lambda d: d["images"].append({"id": 1, "file_name": "c.jpg", "width": 1, "height": 1}),
         "V011", "/images/2/id"),
        (lambda d: d["categories"].append({"id": 3, "name": "truck"}), "V012",
         "/categories/2/id"),
        (lambda d: d["annotations"][0].__setitem__("bbox", [float("nan"), 0, 1, 1]), "V009",
         "/annotations/0/bbox"),
        (lambda d: d["annotations"].append(5), "V008", "/annotations/5"),
        (lambda d: d["annotations"][3].__setitem__("keypoints", [1, 2]), "V008",
         "/annotations/3/keypoints"),
        (lambda d: d.__setitem__("images", {}), "V008", "/images"),
    ],
)
def test_structural_findings_name_the_record(tmp_path, mutate, code, pointer):
    data = json.loads(json.dumps(BASE))
    mutate(data)
    r = read_delivery([write_json(tmp_path, data)])
    found = [(d.code, d.pointer) for d in r.diagnostics]
    assert (code, pointer) in found, found


def test_odd_ring_drops_dangling_value(tmp_path):
    data = json.loads(json.dumps(BASE))
    data["annotations"][1]["segmentation"][0].append(99)
    t = read_delivery([write_json(tmp_path, data)]).table
    assert t.rings_of(1)[0].tolist() == [[0, 0], [10, 0], [10, 10]]
    assert t.rings_of(3)[0].tolist() == [[5, 5], [15, 5], [15, 15]]


def test_truncated_file_is_one_finding_with_position(tmp_path):
    p = tmp_path / "t.json"
    p.write_text('{"images": [{"id": 1,\n "file_name": "a.jpg"', encoding="utf-8")
    r = read_delivery([str(p)], "coco")
    assert [d.code for d in r.diagnostics] == ["V002"]
    assert r.diagnostics[0].line == 2
    assert len(r.table) == 0


def test_top_level_list_is_structure_error(tmp_path):
    p = write_json(tmp_path, [1, 2])
    r = read_delivery([p], "coco")
    assert [d.code for d in r.diagnostics] == ["V006"]


def test_input_not_modified(tmp_path):
    p = write_json(tmp_path, BASE)
    before = Path(p).read_bytes()
    read_delivery([p])
    assert Path(p).read_bytes() == before
