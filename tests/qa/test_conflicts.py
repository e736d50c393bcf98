"""A fixture per conflict kind: the exact pair of annotations it names, through the real CLI.

``CASES`` maps each Q code to a reference, a candidate that plants the conflict and the pair
(reference annotation id, candidate annotation id) the finding must name; the passing case is
the candidate mended (the reference against itself, or the conflict undone).
``tests/test_code_cases.py`` counts these toward "every code has a case".
"""

from __future__ import annotations

import copy
import io
import json
import os

import pytest

from guidec.cli import run
from guidec.spec.error_types import ERROR_TYPES

SPEC = """\
guidec: 1
project: {id: t, title: T, version: 1.0.0}
attributes:
  occlusion: {type: enum, values: [none, heavy]}
keypoint_schemas:
  face: {points: [l_eye, r_eye, nose], flip: [[l_eye, r_eye]]}
classes:
  - {id: 1, name: car, shapes: [box, polygon, mask], attributes: [occlusion]}
  - {id: 2, name: person, shapes: [keypoints], keypoints: face}
  - {id: 3, name: truck, shapes: [box]}
  - {id: 4, name: sign, shapes: [text_region]}
  - {id: 5, name: lane, shapes: [polyline]}
qa:
  agreement: {box_iou: 0.8, mask_iou: 0.5, mask_boundary_f: 0.6, keypoint_oks: 0.75,
              text_cer: 0.1, attribute_accuracy: 0.9}
  golden_set: {min_accuracy: 0.2}
  max_error_rates: {missed_object: 0.6}
"""
CATS = [{"id": 1, "name": "car"}, {"id": 2, "name": "person"}, {"id": 3, "name": "truck"},
        {"id": 4, "name": "sign"}, {"id": 5, "name": "lane"}]
IMAGES = [{"id": 1, "file_name": "a.jpg", "width": 200, "height": 100},
          {"id": 2, "file_name": "b.jpg", "width": 200, "height": 100}]


def box(i, x, y, w, h, cat=1, img=1, **more):
    return {"id": i, "image_id": img, "category_id": cat, "bbox": [x, y, w, h], **more}


def rle(i, x, y, w, h, img=1, size=(100, 200), **more):
    """An uncompressed COCO RLE of the rectangle [x, x+w) x [y, y+h) (column-major runs)."""
    H, W = size
    mask = [[x <= c < x + w and y <= r < y + h for r in range(H)] for c in range(W)]
    flat = [v for col in mask for v in col]
    counts, cur, run_len = [], False, 0
    for v in flat:
        if v != cur:
            counts.append(run_len)
            cur, run_len = v, 0
        run_len += 1
    counts.append(run_len)
    return {"id": i, "image_id": img, "category_id": 1, "bbox": [x, y, w, h], "iscrowd": 0,
            "segmentation": {"counts": counts, "size": [H, W]}, **more}


def person(i, pts, img=2):
    kp = [v for x, y in pts for v in (x, y, 2)]
    return {"id": i, "image_id": img, "category_id": 2, "bbox": [20, 20, 60, 60],
            "area": 3600, "keypoints": kp, "num_keypoints": len(pts)}


FACE = [(30, 30), (60, 30), (45, 50)]
BASE = [box(1, 10, 10, 40, 30, attributes={"occlusion": "none"}), box(2, 100, 20, 40, 40, 3),
        person(3, FACE)]


def coco(anns, images=IMAGES):
    return {"images": images, "annotations": anns, "categories": CATS}


def edit(anns, i, **changes):
    out = copy.deepcopy(anns)
    for a in out:
        if a["id"] == i:
            a.update(changes)
    return out


# code -> (reference annotations, candidate annotations, (reference id, candidate id))
PAIRS = {
    "Q010": (BASE, [a for a in BASE if a["id"] != 2], (2, None)),
    "Q011": (BASE, [*BASE, box(9, 160, 60, 20, 20, 3)], (None, 9)),
    "Q012": (BASE, edit(BASE, 2, category_id=1), (2, 2)),
    "Q013": (BASE, edit(BASE, 2, bbox=[100, 20, 40, 52]), (2, 2)),  # IoU 0.77
    "Q014": ([box(1, 10, 10, 40, 30), box(2, 52, 10, 40, 30)],
             [box(1, 10, 10, 70, 30)], (2, 1)),  # matched to 1 (IoU 0.57), covers 2
    "Q015": ([box(1, 10, 10, 80, 30)],
             [box(1, 10, 10, 60, 30), box(2, 70, 10, 20, 30)], (1, 2)),
    "Q016": (BASE, edit(BASE, 1, attributes={"occlusion": "heavy"}), (1, 1)),
    "Q017": (BASE, [person(3, [(30, 30), (60, 30), (45, 75)]) if a["id"] == 3 else a
                    for a in BASE], (3, 3)),
    "Q018": (BASE, [person(3, [(60, 30), (30, 30), (45, 50)]) if a["id"] == 3 else a
                    for a in BASE], (3, 3)),
    "Q019": ([rle(1, 20, 20, 60, 40)], [rle(1, 22, 22, 56, 36)], (1, 1)),
    "Q022": (BASE, [*BASE, box(9, 100, 20, 40, 40, 3)], (2, 9)),
    "Q020": ([box(1, 10, 10, 40, 20, 4, caption="EXIT 12")],
             [box(1, 10, 10, 40, 20, 4, caption="EXIT 21")], (1, 1)),
}
# codes whose case is the whole run, not one pair
RUNS = {
    "Q001": (BASE, BASE, {"cand_images": IMAGES[:1]}),
    "Q002": (BASE, BASE, {"cand_images": [*IMAGES, {"id": 3, "file_name": "c.jpg", "width": 10, "height": 10}]}),
    "Q003": (BASE, BASE, {"cand_images": [{"id": 1, "file_name": "z.jpg", "width": 200,
                                           "height": 100}]}),
    "Q004": (BASE, BASE, {"ref_images": [*IMAGES, {"id": 3, "file_name": "dir/a.jpg", "width": 200, "height": 100}]}),
    "Q005": ([], BASE, {}),
    "Q006": (BASE, edit(BASE, 1, attributes={}), {}),
    "Q007": ([box(1, 10, 10, 40, 20, 4, caption="EXIT 12")], [box(1, 10, 10, 40, 20, 4)], {}),
    # mean box IoU (0.77 + 1) / 2 < 0.9 when box_iou is raised to 0.9
    "Q100": (BASE, PAIRS["Q013"][1], {"spec": SPEC.replace("box_iou: 0.8", "box_iou: 0.9")}),
    "Q101": (BASE, [], {}),
    "Q102": (BASE, [BASE[2]], {}),
    "Q103": (BASE, BASE, {"spec": SPEC.replace("{missed_object: 0.6}",
                                               "{missed_object: 0.6, phi_leak: 0}")}),
}
CVAT = ('<?xml version="1.0"?><annotations><version>1.1</version>'
        '<image id="0" name="a.jpg" width="200" height="100">{}</image></annotations>')
LINE = '<polyline label="lane" points="{}" occluded="0"/>'
FORWARD = "10,90;60,60;110,40;190,10"
BACKWARD = ";".join(reversed(FORWARD.split(";")))


def _run(tmp, ref, cand, spec=SPEC, fmt="json", suffix="json", extra=()):
    os.makedirs(tmp, exist_ok=True)
    paths = {}
    for name, doc in (("spec.yaml", spec), (f"gold.{suffix}", ref), (f"cand.{suffix}", cand)):
        p = os.path.join(tmp, name)
        with open(p, "w") as f:
            f.write(doc if isinstance(doc, str) else json.dumps(doc))
        paths[name.split(".")[0]] = p
    out, err = io.StringIO(), io.StringIO()
    code = run(["qa", "--spec", paths["spec"], "--reference", paths["gold"], "--candidate",
                paths["cand"], "--format", fmt, *extra], out, err)
    return code, out.getvalue(), err.getvalue()


def qa_codes(tmp, ref, cand, **kw) -> tuple[int, dict]:
    code, out, err = _run(tmp, ref, cand, **kw)
    assert out, err
    return code, json.loads(out)


def _findings(doc, code):
    return [f for f in doc["findings"] if f["code"] == code]


def _ids(finding):
    """(reference annotation index, candidate annotation index) from the finding's pointers."""
    def idx(where):
        return None if where is None else int(where.rsplit("/", 1)[-1])
    return idx(finding.get("reference_at")), idx(finding.get("candidate_at"))


@pytest.mark.parametrize("code", sorted(PAIRS))
def test_each_conflict_names_its_exact_pair(code, tmp_path):
    ref, cand, (rid, cid) = PAIRS[code]
    _, doc = qa_codes(tmp_path / "bad", coco(ref), coco(cand))
    found = _findings(doc, code)
    assert len(found) == 1, (code, doc["findings"])
    ri = None if rid is None else [a["id"] for a in ref].index(rid)
    ci = None if cid is None else [a["id"] for a in cand].index(cid)
    assert _ids(found[0]) == (ri, ci)
    # its error types come from the one taxonomy, which names this code as counting them
    for t in found[0]["error_types"]:
        assert t == "wrong_occlusion" or code in ERROR_TYPES[t].counted_by, (code, t)
    others = {f["code"] for f in doc["findings"]
              if f["code"].startswith("Q0") and f["code"] != code}
    assert not others - {"Q013", "Q016", "Q019"}, others  # only the planted conflict
    # the mended candidate: the reference itself
    _, doc = qa_codes(tmp_path / "good", coco(ref), coco(ref))
    assert not _findings(doc, code)


def test_reversed_polyline_is_found_and_a_forward_one_is_not(tmp_path):
    ref = CVAT.format(LINE.format(FORWARD))
    _, doc = qa_codes(tmp_path / "bad", ref, CVAT.format(LINE.format(BACKWARD)), suffix="xml")
    assert [f["code"] for f in doc["findings"] if f["code"].startswith("Q0")] == ["Q021"]
    _, doc = qa_codes(tmp_path / "good", ref, ref, suffix="xml")
    assert not _findings(doc, "Q021")


@pytest.mark.parametrize("code", sorted(RUNS))
def test_run_level_codes(code, tmp_path):
    ref, cand, opt = RUNS[code]
    spec = opt.get("spec", SPEC)
    bad_ref = coco(ref, opt.get("ref_images", IMAGES))
    bad_cand = coco(cand, opt.get("cand_images", IMAGES))
    rc, doc = qa_codes(tmp_path / "bad", bad_ref, bad_cand, spec=spec)
    assert _findings(doc, code), doc["findings"]
    if code in ("Q003", "Q005"):
        assert rc == 2
    elif code.startswith("Q1") and code != "Q103":
        assert rc == 1 and doc["qa"]["verdict"] == "fail"
    rc, doc = qa_codes(tmp_path / "good", coco(BASE), coco(BASE))
    assert rc == 0 and not doc["findings"] and doc["qa"]["verdict"] == "pass"


def test_every_counting_code_is_a_conflict_code():
    from guidec.codes import REGISTRY, code

    counted = {c for t in ERROR_TYPES.values() for c in t.counted_by}
    assert counted <= set(PAIRS) | {"Q021"}
    for c in counted:
        code(c)
        assert REGISTRY[c].family == "qa"


# Q030/Q031 (N annotators): failing and passing cases in tests/qa/test_annotators.py
CASES = {**{c: PAIRS[c] for c in PAIRS}, **{c: RUNS[c] for c in RUNS}, "Q021": None,
         "Q030": None, "Q031": None}
