"""pycocotools' results format: detected as itself (not as Label Studio), read with scores,
written back; and a file read as nothing is a finding."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from guidec.readers import detect_format, read_delivery
from guidec.table import Shape
from guidec.writers.coco_results import write
from tests.diff.helpers import base, project

RESULTS = [
    {"image_id": 1, "category_id": 1, "bbox": [10, 10, 20, 20], "score": 0.9},
    {"image_id": 1, "category_id": 2, "segmentation": [[0, 0, 10, 0, 10, 10]], "score": 0.5},
    {"image_id": "b", "category_id": 3, "keypoints": [1, 2, 2, 3, 4, 1, 0, 0, 0], "score": 0.25},
    {"image_id": 7, "category_id": 1, "segmentation": {"size": [4, 5], "counts": [3, 4, 13]},
     "score": 1},
]


def test_results_are_detected_as_results_not_label_studio(tmp_path):
    f = tmp_path / "detections.json"
    f.write_text(json.dumps(RESULTS))
    assert detect_format(str(f)) == "coco_results"
    ls = tmp_path / "ls.json"
    ls.write_text(json.dumps([{"id": 1, "data": {"image": "a.jpg"}, "annotations": []}]))
    assert detect_format(str(ls)) == "label_studio"


def test_results_are_read_with_their_scores(tmp_path):
    f = tmp_path / "detections.json"
    f.write_text(json.dumps(RESULTS))
    r = read_delivery([str(f)])
    assert r.diagnostics == []
    t = r.table
    assert t.score.tolist() == [0.9, 0.5, 0.25, 1.0]
    assert t.label_id.tolist() == [1, 2, 3, 1]
    assert t.shape.tolist() == [Shape.BOX, Shape.POLYGON, Shape.KEYPOINTS, Shape.MASK]
    assert t.images.key.tolist() == [1, "b", 7]
    assert (t.images.width[2], t.images.height[2]) == (5.0, 4.0)  # from the RLE's size
    assert t.location(3)[2] == "/3"


def test_bad_results_are_located_findings(tmp_path):
    f = tmp_path / "d.json"
    f.write_text(json.dumps([{"image_id": 1, "category_id": 1, "bbox": [1, 2], "score": 1},
                             {"image_id": 1, "category_id": 1},
                             {"image_id": 1, "category_id": 1, "bbox": [0, 0, 1, 1],
                              "score": "high"}]))
    r = read_delivery([str(f)], "coco_results")
    got = [(d.code, d.pointer) for d in r.diagnostics]
    assert got == [("V008", "/0/bbox"), ("V007", "/1"), ("V008", "/2/score")]
    assert len(r.table) == 1 and r.table.score is None


NUM = st.floats(0, 500, allow_nan=False).map(lambda x: round(x, 2))


@settings(deadline=None)
@given(st.lists(st.fixed_dictionaries({
    "image_id": st.integers(1, 5), "category_id": st.sampled_from([1, 2, 3, 5]),
    "bbox": st.lists(NUM, min_size=4, max_size=4),
    "score": st.floats(0, 1, allow_nan=False).map(lambda x: round(x, 4))}), min_size=1,
    max_size=30))
def test_results_round_trip_through_the_writer(tmp_path_factory, items):
    folder = tmp_path_factory.mktemp("r")
    (folder / "a.json").write_text(json.dumps(items))
    t = read_delivery([str(folder / "a.json")]).table
    (data,) = write(t, project(base())).values()
    assert json.loads(data) == items


def test_a_file_read_as_nothing_is_a_finding_and_the_report_says_what_was_read(cli, tmp_path):
    spec = tmp_path / "spec.yaml"
    spec.write_text("guidec: 1\nproject: {id: p, title: P, version: 1.0.0}\n"
                    "classes:\n  - {id: 1, name: car}\n")
    (tmp_path / "empty.json").write_text("[]")
    r = cli("validate", "--spec", spec, tmp_path / "empty.json")
    assert r.code == 1
    assert "V049" in r.out
    assert r.out.rstrip().splitlines()[-1] == \
        "Checked 1 file (label_studio 1): 0 images, 0 annotations."
    (tmp_path / "d.json").write_text(json.dumps(RESULTS[:1]))
    r = cli("validate", "--spec", spec, tmp_path / "d.json")
    assert r.out.rstrip().splitlines()[-1] == \
        "Checked 1 file (coco_results 1): 1 images, 1 annotations."
