"""Label Studio keypoints drawn with guidec's own config join their instance box.

guidec's Label Studio target gives each keypoint schema one KeyPointLabels control,
``keypoints.<schema>``, whose labels are the schema's points, next to the class's instance box.
Label Studio exports each point as its own region; the reader puts them back together.
"""

from __future__ import annotations

import json

import pytest

from guidec.readers import read_delivery
from guidec.table import Shape
from guidec.validation import run_rules
from guidec.view import load_project
from tests.conftest import SPECS


def pose_results() -> list[dict]:
    """A person box (10-50 % of a 640x480 image), three of its points inside it, one point
    outside every box, as Label Studio exports them (percent coordinates)."""
    size = {"original_width": 640, "original_height": 480}

    def point(rid, name, x, y, **extra):
        return {"id": rid, "from_name": "keypoints.coco17", "to_name": "image",
                "type": "keypointlabels", **size, **extra,
                "value": {"x": x, "y": y, "width": 0.5, "keypointlabels": [name]}}

    return [
        {"id": "p1", "from_name": "box", "to_name": "image", "type": "rectanglelabels", **size,
         "value": {"x": 10, "y": 10, "width": 40, "height": 40, "rotation": 0,
                   "rectanglelabels": ["person"]}},
        point("k1", "nose", 30, 15),
        point("k2", "left_eye", 32, 14),
        point("k3", "left_ankle", 25, 48),
        point("k4", "nose", 90, 90),  # outside the person: a boxless instance
    ]


@pytest.fixture(scope="module")
def pose():
    return load_project(str(SPECS / "human-pose" / "spec.yaml"))


def check_pose_table(table, pose) -> None:
    kinds = [Shape(s) for s in table.shape]
    assert kinds == [Shape.KEYPOINTS, Shape.KEYPOINTS], kinds
    assert list(table.label) == ["person", "person"]
    points = pose.keypoint_schemas["coco17"].points
    first = table.keypoints_of(0)
    assert len(first) == len(points) == 17
    placed = {points[i]: tuple(first[i]) for i in range(17) if first[i][2]}
    assert placed == {"nose": (192.0, 72.0, 2), "left_eye": (204.8, 67.2, 2),
                      "left_ankle": (160.0, 230.4, 2)}
    assert table.bbox[0].tolist() == [64.0, 48.0, 256.0, 192.0]
    second = table.keypoints_of(1)
    assert [points[i] for i in range(17) if second[i][2]] == ["nose"]
    assert str(table.location(1)[2]).endswith("/result/4")  # the boxless row: its first point
    codes = {d.code for d in run_rules(table, pose)}
    assert "V100" not in codes  # no point is taken for a class


def test_points_join_their_box(tmp_path, pose):
    path = tmp_path / "export.json"
    path.write_text(json.dumps([{"id": 1, "data": {"image": "a.jpg"},
                                 "annotations": [{"id": 1, "result": pose_results()}]}]))
    check_pose_table(read_delivery([str(path)], project=pose).table, pose)


def test_parent_id_wins_over_position(tmp_path, pose):
    results = pose_results()[:2]
    results.append({**results[0], "id": "p2",
                    "value": {**results[0]["value"], "x": 28, "y": 13, "width": 5,
                              "height": 5}})  # a smaller person around the nose
    results[1]["parentID"] = "p1"
    path = tmp_path / "export.json"
    path.write_text(json.dumps([{"id": 1, "data": {"image": "a.jpg"},
                                 "annotations": [{"id": 1, "result": results}]}]))
    t = read_delivery([str(path)], project=pose).table
    assert [Shape(s) for s in t.shape] == [Shape.KEYPOINTS, Shape.BOX]
    assert list(t.ann_id) == ["p1", "p2"]
    del results[1]["parentID"]  # without it the smallest box around the point takes it
    path.write_text(json.dumps([{"id": 1, "data": {"image": "a.jpg"},
                                 "annotations": [{"id": 1, "result": results}]}]))
    t = read_delivery([str(path)], project=pose).table
    assert [Shape(s) for s in t.shape] == [Shape.BOX, Shape.KEYPOINTS]


def test_without_a_spec_points_stay_points(tmp_path):
    path = tmp_path / "export.json"
    path.write_text(json.dumps([{"id": 1, "data": {"image": "a.jpg"},
                                 "annotations": [{"id": 1, "result": pose_results()}]}]))
    t = read_delivery([str(path)]).table
    assert [Shape(s) for s in t.shape] == [Shape.BOX] + [Shape.POINTS] * 4


def test_a_turned_box_holds_what_it_covers(tmp_path, pose):
    """Label Studio turns a box clockwise about its top-left corner: turned by 90 degrees, the
    box from (320, 48) covers x 272-320, y 48-304, where the point (300, 200) lies."""
    size = {"original_width": 640, "original_height": 480}
    results = [
        {"id": "p1", "from_name": "box", "to_name": "image", "type": "rectanglelabels", **size,
         "value": {"x": 50, "y": 10, "width": 40, "height": 10, "rotation": 90,
                   "rectanglelabels": ["person"]}},
        {"id": "k1", "from_name": "keypoints.coco17", "to_name": "image",
         "type": "keypointlabels", **size,
         "value": {"x": 300 / 6.4, "y": 200 / 4.8, "width": 0.5, "keypointlabels": ["nose"]}},
    ]
    path = tmp_path / "export.json"

    def read(rotation):
        results[0]["value"]["rotation"] = rotation
        path.write_text(json.dumps([{"id": 1, "data": {"image": "a.jpg"},
                                     "annotations": [{"id": 1, "result": results}]}]))
        return read_delivery([str(path)], project=pose).table

    t = read(90)
    assert list(t.ann_id) == ["p1"] and Shape(t.shape[0]) is Shape.KEYPOINTS
    t = read(0)  # unturned, the box is x 320-576, y 48-96: the point is outside it
    assert [Shape(s) for s in t.shape] == [Shape.BOX, Shape.KEYPOINTS]
    assert t.ann_id[1] is None
