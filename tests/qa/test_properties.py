"""Properties of the matcher: a delivery against itself is perfect, and a perturbed copy yields
exactly the conflicts planted in it — no more, no fewer, naming the planted pair."""

from __future__ import annotations

import json
import os
import tempfile

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from guidec.qa.match import compare
from guidec.qa.review import review
from guidec.readers import read_delivery
from guidec.view import load_project
from tests.budget import examples

SPEC = """\
guidec: 1
project: {id: t, title: T, version: 1.0.0}
attributes:
  occlusion: {type: enum, values: [none, heavy]}
classes:
  - {id: 1, name: car, shapes: [box, mask], attributes: [occlusion]}
  - {id: 2, name: truck, shapes: [box], attributes: [occlusion]}
qa:
  agreement: {box_iou: 0.8}
"""
CELL = 100  # objects live in their own 100 x 100 cell, so planted conflicts never interact
COLS = 6
CATS = [{"id": 1, "name": "car"}, {"id": 2, "name": "truck"}]


def _project(tmp):
    path = os.path.join(tmp, "spec.yaml")
    with open(path, "w") as f:
        f.write(SPEC)
    return load_project(path)


def _table(tmp, name, anns, images):
    path = os.path.join(tmp, name)
    with open(path, "w") as f:
        json.dump({"images": images, "annotations": anns, "categories": CATS}, f)
    res = read_delivery([path])
    assert not [d for d in res.diagnostics if d.severity >= 3], res.diagnostics
    return res.table


def _run(ref, cand, images):
    with tempfile.TemporaryDirectory() as tmp:
        project = _project(tmp)
        rt = _table(tmp, "gold.json", ref, images)
        ct = _table(tmp, "cand.json", cand, images)
        cmp = compare(rt, ct, project)
        return cmp, review(cmp, project)


def _found(cmp, rev) -> set:
    """(code, reference annotation id, candidate annotation id) of every conflict."""
    out = set()
    for c in rev.conflicts:
        r = cmp.ref.table.ann_id[cmp.er_row[c.ref]] if c.ref >= 0 else None
        k = cmp.cand.table.ann_id[cmp.ec_row[c.cand]] if c.cand >= 0 else None
        out.add((c.code, r, k))
    return out


boxes = st.lists(st.tuples(st.integers(0, 3), st.integers(0, 150), st.integers(0, 100),
                           st.integers(1, 60), st.integers(1, 60), st.sampled_from([1, 2]),
                           st.sampled_from([None, "none", "heavy"])), max_size=25)


@settings(deadline=None, max_examples=examples(150))
@given(boxes)
def test_a_delivery_against_itself_is_perfect(items):
    images = [{"id": i + 1, "file_name": f"{i}.jpg", "width": 220, "height": 170}
              for i in range(4)]
    anns = [{"id": k + 1, "image_id": img + 1, "category_id": cat, "bbox": [x, y, w, h],
             **({"attributes": {"occlusion": occ}} if occ else {})}
            for k, (img, x, y, w, h, cat, occ) in enumerate(items)]
    _, rev = _run(anns, anns, images)
    assert rev.conflicts == []
    o = rev.metrics["overall"]
    assert o["reference"] == o["candidate"] == o["matched"] == o["correct"] == len(anns)
    if anns:
        assert o["precision"] == o["recall"] == o["f1"] == o["accuracy"] == 1.0
        assert all(v == 1.0 for v in o["mean_similarity"].values())
    assert rev.passed


PERTURB = ["keep", "jitter", "drop", "relabel", "loosen", "attribute", "split", "merge", "add"]


@settings(deadline=None, max_examples=examples(150))
@given(st.lists(st.sampled_from(PERTURB), min_size=1, max_size=18), st.randoms())
def test_a_perturbed_copy_yields_exactly_the_planted_conflicts(plan, rnd):
    images = [{"id": 1, "file_name": "a.jpg", "width": CELL * COLS,
               "height": CELL * (len(plan) // COLS + 1)}]
    ref, cand, planted = [], [], set()
    nid = iter(range(1000, 10_000))
    for k, what in enumerate(plan):
        x0, y0 = CELL * (k % COLS) + 5, CELL * (k // COLS) + 5
        w, h = rnd.randint(30, 40), rnd.randint(30, 40)
        r = {"id": k + 1, "image_id": 1, "category_id": 1, "bbox": [x0, y0, w, h],
             "attributes": {"occlusion": "none"}}
        c = json.loads(json.dumps(r))
        if what == "add":  # nothing in the reference, a box in the candidate
            c["id"] = next(nid)
            cand.append(c)
            planted.add(("Q011", None, c["id"]))
            continue
        ref.append(r)
        if what == "jitter":  # IoU stays above 0.8
            c["bbox"] = [x0 + rnd.choice([-1, 0, 1]), y0 + rnd.choice([-1, 0, 1]), w, h]
        elif what == "drop":
            planted.add(("Q010", r["id"], None))
            continue
        elif what == "relabel":
            c["category_id"] = 2
            planted.add(("Q012", r["id"], c["id"]))
        elif what == "loosen":  # IoU w*h / (w*h*1.4) = 0.71: matched, below 0.8
            c["bbox"] = [x0, y0, w, h * 1.4]
            planted.add(("Q013", r["id"], c["id"]))
        elif what == "attribute":
            c["attributes"] = {"occlusion": "heavy"}
            planted.add(("Q016", r["id"], c["id"]))
        elif what == "split":  # a 70 % piece (matched, loose) and a 30 % piece inside
            c["bbox"] = [x0, y0, w * 0.7, h]
            piece = {**c, "id": next(nid), "bbox": [x0 + w * 0.7, y0, w * 0.3, h]}
            cand.append(piece)
            planted |= {("Q013", r["id"], c["id"]), ("Q015", r["id"], piece["id"])}
        elif what == "merge":  # a second reference beside, one candidate over both
            r2 = {**r, "id": next(nid), "bbox": [x0 + w + 2, y0, w * 0.6, h]}
            ref.append(r2)
            c["bbox"] = [x0, y0, w + 2 + w * 0.6, h]  # IoU with r: 1 / 1.62 = 0.62
            planted |= {("Q013", r["id"], c["id"]), ("Q014", r2["id"], c["id"])}
        cand.append(c)
    if not ref:
        return  # nothing to compare: Q005, tested elsewhere
    cmp, rev = _run(ref, cand, images)
    assert _found(cmp, rev) == planted
    rates = rev.error_rates
    n_missed = sum(1 for p in planted if p[0] == "Q010")
    if n_missed:
        assert rates["missed_object"]["count"] == n_missed
        assert rates["missed_object"]["of"] == len(ref)
    assert np.isclose(rev.metrics["overall"]["recall"],
                      sum(1 for p in plan if p not in ("drop", "relabel", "add")) / len(ref))


SPEC_KP = """\
guidec: 1
project: {id: t, title: T, version: 1.0.0}
keypoint_schemas:
  face: {points: [l_eye, r_eye, nose], flip: [[l_eye, r_eye]]}
classes:
  - {id: 1, name: person, shapes: [keypoints], keypoints: face}
  - {id: 2, name: sign, shapes: [text_region]}
qa:
  agreement: {keypoint_oks: 0.75, text_cer: 0.1}
"""
CATS_KP = [{"id": 1, "name": "person", "keypoints": ["l_eye", "r_eye", "nose"]},
           {"id": 2, "name": "sign"}]


@settings(deadline=None, max_examples=examples(150))
@given(st.lists(st.sampled_from(["keep", "swap", "text", "drop"]), min_size=1, max_size=18),
       st.randoms())
def test_swapped_keypoints_and_edited_transcriptions_are_exactly_the_planted_ones(plan, rnd):
    images = [{"id": 1, "file_name": "a.jpg", "width": CELL * COLS,
               "height": CELL * (len(plan) // COLS + 1)}]
    ref, cand, planted = [], [], set()
    for k, what in enumerate(plan):
        x0, y0 = CELL * (k % COLS) + 10, CELL * (k // COLS) + 10
        if k % 2:  # a face: eyes 30 px apart, the nose below
            eyes = [(x0 + 10, y0 + 20, 2), (x0 + 40, y0 + 20, 2), (x0 + 25, y0 + 45, 2)]
            r = {"id": k + 1, "image_id": 1, "category_id": 1, "bbox": [x0, y0, 60, 60],
                 "area": 3600, "keypoints": [v for p in eyes for v in p], "num_keypoints": 3}
            c = json.loads(json.dumps(r))
            if what == "swap":
                c["keypoints"] = [v for p in (eyes[1], eyes[0], eyes[2]) for v in p]
                planted.add(("Q018", r["id"], c["id"]))
        else:  # a sign with its text
            word = "".join(rnd.choice("ABCDEFGH0123456789") for _ in range(rnd.randint(4, 9)))
            r = {"id": k + 1, "image_id": 1, "category_id": 2, "bbox": [x0, y0, 50, 20],
                 "caption": word}
            c = json.loads(json.dumps(r))
            if what == "text":
                c["caption"] = word[::-1] + "X"  # at least one character wrong
                planted.add(("Q020", r["id"], c["id"]))
        ref.append(r)
        if what == "drop":
            planted.add(("Q010", r["id"], None))
            continue
        cand.append(c)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "spec.yaml")
        with open(path, "w") as f:
            f.write(SPEC_KP)
        project = load_project(path)
        tables = []
        for name, anns in (("gold.json", ref), ("cand.json", cand)):
            p = os.path.join(tmp, name)
            with open(p, "w") as f:
                json.dump({"images": images, "annotations": anns, "categories": CATS_KP}, f)
            tables.append(read_delivery([p]).table)
        cmp = compare(*tables, project)
        rev = review(cmp, project)
    assert _found(cmp, rev) == planted
