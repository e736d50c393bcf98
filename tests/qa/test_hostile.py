"""guidec qa on odd and hostile deliveries: degenerate, huge, self-intersecting and mismatched
geometry, masks of the wrong size, keypoint lists of any length, wrong JSON types. Every run
ends with findings and exit 0, 1 or 2 — never an internal error (70) or a traceback."""

from __future__ import annotations

import io
import json
import os
import tempfile

from hypothesis import given, settings
from hypothesis import strategies as st

from guidec.cli import run
from tests.budget import examples

SPEC = """\
guidec: 1
project: {id: t, title: T, version: 1.0.0}
attributes:
  occlusion: {type: enum, values: [none, heavy]}
keypoint_schemas:
  face: {points: [a, b, c], flip: [[a, b]]}
classes:
  - {id: 1, name: car, shapes: [box, polygon, mask], attributes: [occlusion]}
  - {id: 2, name: person, shapes: [keypoints], keypoints: face}
  - {id: 3, name: sign, shapes: [text_region]}
qa:
  agreement: {box_iou: 0.8, mask_iou: 0.5, mask_boundary_f: 0.5, keypoint_oks: 0.5,
              text_cer: 0.1, attribute_accuracy: 0.9}
"""
num = st.one_of(st.integers(-5, 60), st.floats(-1e12, 1e12, allow_nan=False),
                st.sampled_from([0, 0.0, 1e-300, 1e9]))
odd = st.one_of(num, st.none(), st.text(max_size=3), st.booleans())
counts = st.lists(st.integers(0, 40), max_size=8)


@st.composite
def annotation(draw, k):
    a = {"id": k, "image_id": draw(st.sampled_from([1, 2, 2, 99])),
         "category_id": draw(st.sampled_from([1, 2, 3, 7]))}
    if draw(st.booleans()):
        a["bbox"] = draw(st.one_of(st.lists(num, min_size=4, max_size=4),
                                   st.lists(odd, max_size=5)))
    kind = draw(st.sampled_from(["none", "poly", "rle", "kp", "text"]))
    if kind == "poly":
        a["segmentation"] = draw(st.lists(st.lists(num, min_size=0, max_size=12), max_size=3))
    elif kind == "rle":
        a["segmentation"] = {"counts": draw(counts),
                             "size": draw(st.sampled_from([[8, 8], [4, 16], [0, 0], [8]]))}
    elif kind == "kp":
        a["keypoints"] = draw(st.lists(st.one_of(num, st.sampled_from([0, 1, 2])), max_size=10))
    elif kind == "text":
        a["caption"] = draw(st.one_of(st.text(max_size=6), odd))
    if draw(st.booleans()):
        a["iscrowd"] = draw(st.sampled_from([0, 1, True, "1"]))
    if draw(st.booleans()):
        a["attributes"] = {"occlusion": draw(st.one_of(st.sampled_from(["none", "heavy"]),
                                                       odd))}
    return a


@st.composite
def delivery(draw):
    images = [{"id": 1, "file_name": "a.jpg", "width": draw(st.sampled_from([8, 16, 0, 1e9])),
               "height": 8},
              {"id": 2, "file_name": draw(st.sampled_from(["b.jpg", "a.jpg", "x/b.jpg", ""])),
               "width": 16, "height": 4}]
    n = draw(st.integers(0, 6))
    return {"images": images, "annotations": [draw(annotation(k + 1)) for k in range(n)],
            "categories": [{"id": 1, "name": "car"}, {"id": 2, "name": "person",
                                                      "keypoints": ["a", "b", "c"]},
                           {"id": 3, "name": "sign"}]}


@settings(deadline=None, max_examples=examples(300))
@given(delivery(), delivery(), st.booleans())
def test_no_delivery_makes_qa_crash(ref, cand, html):
    with tempfile.TemporaryDirectory() as tmp:
        paths = {}
        for name, doc in (("spec.yaml", SPEC), ("gold.json", ref), ("cand.json", cand)):
            p = os.path.join(tmp, name)
            with open(p, "w") as f:
                f.write(doc if isinstance(doc, str) else json.dumps(doc))
            paths[name] = p
        out, err = io.StringIO(), io.StringIO()
        argv = ["qa", "--spec", paths["spec.yaml"], "--reference", paths["gold.json"],
                "--candidate", paths["cand.json"], "--format", "json"]
        if html:
            argv += ["--html", os.path.join(tmp, "r.html"), "--record",
                     os.path.join(tmp, "r.json"), "--date", "2026-01-01"]
        code = run(argv, out, err)
        assert code in (0, 1, 2), err.getvalue()
        assert "Traceback" not in err.getvalue()
        if code != 2:
            json.loads(out.getvalue())
        out, err = io.StringIO(), io.StringIO()
        code = run(["qa", "--spec", paths["spec.yaml"], "--annotators", paths["gold.json"],
                    paths["cand.json"], "--consensus", os.path.join(tmp, "m.json"),
                    "--format", "json"], out, err)
        assert code in (0, 1, 2), err.getvalue()
