"""guidec import --from-delivery: the inference rules, on exact inputs."""

from __future__ import annotations

import json

from guidec.importing import Draft
from guidec.importing.delivery import infer_type


def test_enum_when_distinct_values_are_at_most_a_tenth_and_at_most_50():
    d = Draft("x")
    assert infer_type(d, "a", ["x", "y", "z"] * 10) == {"type": "enum", "values": ["x", "y", "z"]}
    assert infer_type(d, "a", (["x", "y", "z"] * 10)[:29]) == {"type": "text"}  # 3 > 2.9
    many = [f"v{i % 51}" for i in range(1000)]
    assert infer_type(d, "a", many) == {"type": "text"}  # 51 > 50
    assert infer_type(d, "a", [f"v{i % 50}" for i in range(1000)])["type"] == "enum"
    assert infer_type(d, "a", [["a", "b"], ["a"]] * 10) == {
        "type": "enum", "values": ["a", "b"], "multiple": True}
    assert infer_type(d, "a", [True, False]) == {"type": "bool"}
    assert infer_type(d, "a", ["true", "False"]) == {"type": "bool"}
    assert infer_type(d, "a", [1, 2]) == {"type": "integer"}
    assert infer_type(d, "a", [1, 2.5]) == {"type": "number"}
    assert d.losses == []
    assert infer_type(d, "a", [1, "x"]) == {"type": "text"}
    assert [x.code for x in d.losses] == ["I109"]


def test_coco_keypoint_delivery(cli, tmp_path):
    coco = {
        "images": [{"id": 1, "file_name": "a.jpg", "width": 640, "height": 480},
                   {"id": 2, "file_name": "b.jpg", "width": 800, "height": 600}],
        "annotations": [
            {"id": 1, "image_id": 1, "category_id": 1, "bbox": [10, 10, 50, 80],
             "keypoints": [20, 20, 2, 30, 20, 2, 25, 40, 1], "num_keypoints": 3},
            {"id": 2, "image_id": 2, "category_id": 2, "bbox": [1, 1, 5, 5],
             "segmentation": [[1, 1, 6, 1, 6, 6]]}],
        "categories": [{"id": 1, "name": "person", "keypoints": ["head", "l hand", "r hand"],
                        "skeleton": [[1, 2], [1, 3]]},
                       {"id": 2, "name": "ball"}]}
    src = tmp_path / "people.json"
    src.write_text(json.dumps(coco))
    out = tmp_path / "draft.yaml"
    r = cli("import", "--from-delivery", src, "--out", out)
    assert r.code == 0, r
    assert out.read_text() == """\
guidec: 1
project:
  id: people
  title: Draft from people.json
  version: 1.0.0
  summary: 'Inferred by guidec import --from-delivery: review every class, attribute and range before
    use.'
media:
  image_sizes: [[640, 480], [800, 600]]
keypoint_schemas:
  person:
    points: [head, l hand, r hand]
    skeleton: [[head, l hand], [head, r hand]]
classes:
- id: 1
  name: person
  shapes: [box, keypoints]
  keypoints: person
- id: 2
  name: ball
  shapes: [polygon]
"""
    assert "I108" in r.out and "class 'person': 1 of 2 annotations (50.0 %)" in r.out
