"""Property: any delivery generated from a valid spec has no findings, and a defect injected
into it is found at the annotation it was put on (and nowhere else)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guidec.rules import run_rules
from guidec.table import Shape, TableBuilder
from guidec.view import load_project

SPEC = """
guidec: 1
project: {id: prop, title: Property, version: 1.0.0}
attributes:
  color: {type: enum, values: [red, green, blue], required: true}
  parked: {type: bool}
keypoint_schemas:
  body: {points: [head, hip, foot]}
classes:
  - {id: 1, name: car, shapes: [box], attributes: [color, parked]}
  - {id: 2, name: road, shapes: [polygon]}
  - {id: 3, name: person, shapes: [keypoints], keypoints: body}
rules:
  - {id: visible, title: Visible, applies_to: ["*"], check: {min_box_side: 1}}
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    p = tmp_path_factory.mktemp("prop") / "spec.yaml"
    p.write_text(SPEC, encoding="utf-8")
    return load_project(str(p))


@st.composite
def deliveries(draw):
    images = draw(st.lists(st.tuples(st.integers(20, 400), st.integers(20, 400)),
                           min_size=1, max_size=4))
    anns = []
    for i, (w, h) in enumerate(images):
        for _ in range(draw(st.integers(0, 5))):
            kind = draw(st.sampled_from(["car", "road", "person"]))
            bw = draw(st.integers(2, w))
            bh = draw(st.integers(2, h))
            x = draw(st.integers(0, w - bw))
            y = draw(st.integers(0, h - bh))
            a = {"img": i, "label": kind, "bbox": (x, y, bw, bh)}
            if kind == "car":
                a["shape"] = Shape.BOX
                a["area"] = bw * bh
                a["attributes"] = {"color": draw(st.sampled_from(["red", "green", "blue"]))}
                if draw(st.booleans()):
                    a["attributes"]["parked"] = draw(st.booleans())
            elif kind == "road":
                a["shape"] = Shape.POLYGON
                a["rings"] = [[(x, y), (x + bw, y), (x + bw, y + bh), (x, y + bh)]]
                a["area"] = bw * bh
            else:
                a["shape"] = Shape.KEYPOINTS
                pts = []
                for _ in range(3):
                    v = draw(st.sampled_from([0, 1, 2]))
                    pts.append((0, 0, 0) if v == 0 else
                               (draw(st.integers(x, x + bw)), draw(st.integers(y, y + bh)), v))
                a["keypoints"] = pts
            anns.append(a)
    return images, anns


def build(images, anns):
    b = TableBuilder()
    b.add_file("d.json", "coco", "/annotations/{}", "/images/{}")
    for i, (w, h) in enumerate(images):
        b.add_image(i + 1, f"{i}.jpg", w, h, src_index=i)
    for j, a in enumerate(anns):
        a = dict(a)
        img = a.pop("img")
        b.add_annotation(image_index=img, ann_id=a.pop("ann_id", j + 1), src_index=j, **a)
    return b.build()


DEFECTS = ["V200", "V201", "V100", "V204", "V050", "V153", "V152", "V251", "V250"]


def inject(draw, images, anns, code):
    """Change one annotation so it has defect ``code``; return its row (None if no fit)."""
    fits = {
        "V200": lambda a: a["label"] == "car",
        "V201": lambda a: a["label"] == "car",
        "V100": lambda a: True,
        "V204": lambda a: a["label"] == "road",
        "V050": lambda a: True,
        "V153": lambda a: a["label"] == "car",
        "V152": lambda a: a["label"] == "car",
        "V251": lambda a: a["label"] == "person",
        "V250": lambda a: a["label"] == "person",
    }[code]
    rows = [j for j, a in enumerate(anns) if fits(a) and (code != "V050" or j > 0)]
    if not rows:
        return None
    j = draw(st.sampled_from(rows))
    a = anns[j]
    x, y, w, h = a["bbox"]
    W, _ = images[a["img"]]
    if code == "V200":
        a["bbox"] = (W - w / 2, y, w, h)
    elif code == "V201":
        a["bbox"] = (x, y, -w, h)
        a.pop("area")
    elif code == "V100":
        a["label"] = "bicycle"
    elif code == "V204":
        a["rings"] = [[(x, y), (x + w, y + h), (x + w, y), (x, y + h)]]
    elif code == "V050":
        a["ann_id"] = draw(st.integers(1, j))  # the id of an earlier annotation
    elif code == "V153":
        a["attributes"] = {**a["attributes"], "color": "purple"}
    elif code == "V152":
        a["attributes"] = {k: v for k, v in a["attributes"].items() if k != "color"}
    elif code == "V251":
        a["keypoints"] = [*a["keypoints"][:2], (x, y, 7)]
    elif code == "V250":
        a["keypoints"] = a["keypoints"][:2]
    return j


SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(deliveries())
def test_generated_clean_delivery_has_no_findings(project, delivery):
    images, anns = delivery
    found = run_rules(build(images, anns), project)
    assert found == [], [f"{d.code} {d.message}" for d in found]


@SETTINGS
@given(deliveries(), st.sampled_from(DEFECTS), st.data())
def test_injected_defect_is_found_there(project, delivery, code, data):
    images, anns = delivery
    row = inject(data.draw, images, anns, code)
    if row is None:
        return
    found = run_rules(build(images, anns), project)
    rows = {d.extra.get("_row") for d in found}
    assert rows == {row}, [f"{d.code} {d.message}" for d in found]
    assert code in {d.code for d in found}
