"""Property: any delivery generated from a valid spec has no findings, and a defect injected
into it is found at the annotation it was put on (and nowhere else)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guidec.table import Shape, TableBuilder
from guidec.validation import run_rules
from guidec.view import load_project
from tests.budget import examples

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


SETTINGS = settings(max_examples=examples(60), deadline=None,
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


ODD_NUMBERS = st.one_of(st.floats(allow_nan=True, allow_infinity=True, width=32),
                        st.integers(-5, 2000))
ODD_VALUES = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.floats(),
                       st.text(max_size=4), st.lists(st.text(max_size=3), max_size=3),
                       st.dictionaries(st.text(max_size=2), st.integers(), max_size=2))


@st.composite
def odd_tables(draw):
    """Tables no sane reader makes: NaN and huge numbers, empty and 1-point rings, missing
    images, labels of every type, attribute values of every type, broken masks."""
    b = TableBuilder()
    b.add_file("d.json", "coco", "/annotations/{}", "/images/{}")
    n_img = draw(st.integers(0, 3))
    for i in range(n_img):
        b.add_image(draw(st.one_of(st.integers(0, 3), st.text(max_size=2))),
                    draw(st.one_of(st.none(), st.text(max_size=3))),
                    draw(st.one_of(st.none(), ODD_NUMBERS)),
                    draw(st.one_of(st.none(), ODD_NUMBERS)), src_index=i,
                    attributes=draw(st.dictionaries(st.sampled_from(["color", "weather"]),
                                                    ODD_VALUES, max_size=2)))
    for j in range(draw(st.integers(0, 6))):
        pts = st.lists(st.tuples(ODD_NUMBERS, ODD_NUMBERS), max_size=6)
        b.add_annotation(
            image_index=draw(st.integers(-1, n_img - 1)),
            shape=draw(st.sampled_from(list(Shape))),
            label=draw(st.one_of(st.none(), st.sampled_from(["car", "road", "person", "x"]))),
            label_id=draw(st.integers(-1, 4)),
            ann_id=draw(st.one_of(st.none(), st.integers(0, 3), st.text(max_size=2))),
            bbox=draw(st.one_of(st.none(), st.tuples(*[ODD_NUMBERS] * 4))),
            rotation=draw(st.floats(-720, 720)),
            area=draw(st.one_of(st.none(), ODD_NUMBERS)),
            iscrowd=draw(st.booleans()),
            rings=draw(st.lists(pts, max_size=3)),
            keypoints=draw(st.one_of(st.none(), st.lists(
                st.tuples(ODD_NUMBERS, ODD_NUMBERS, st.integers(-1, 3)), max_size=4))),
            rle=draw(st.one_of(st.none(), st.fixed_dictionaries(
                {"size": st.one_of(st.just([2, 2]), ODD_VALUES),
                 "counts": st.one_of(st.text(max_size=6),
                                     st.lists(st.integers(-2, 5), max_size=5), ODD_VALUES)}))),
            text=draw(st.one_of(st.none(), st.text(max_size=5))),
            attributes=draw(st.dictionaries(st.sampled_from(["color", "parked", "zzz"]),
                                            ODD_VALUES, max_size=3)),
            src_index=j)
    return b.build()


@settings(max_examples=examples(100), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(odd_tables())
def test_rules_never_crash(project, table):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # no silent NaN arithmetic either
        found = run_rules(table, project)
    assert all(d.code.startswith("V") for d in found)
