"""Validation rules over the annotation table: a clean delivery has no findings, and every
seeded defect is found at exactly the annotation (or image) it was put on.

Every validation code (V050-V449) has a case here: the clean delivery is its passing fixture,
the case its failing one; ``test_every_code_has_a_case`` keeps it so.
"""

from __future__ import annotations

import copy
import math

import numpy as np
import pytest

from guidec.codes import REGISTRY, all_codes, select_codes
from guidec.diagnostics import Severity
from guidec.masks import rle_columns
from guidec.masks import to_string as encode_counts
from guidec.table import Shape, TableBuilder
from guidec.validation import GROUPS, RULES, run_rules
from guidec.view import load_project
from tests.budget import examples

SPEC = r"""
guidec: 1
project: {id: t, title: Test program, version: 1.0.0}
media:
  min_image_size: [100, 100]
  max_image_size: [2000, 2000]
  image_sizes: [[640, 480], [90, 90], [3000, 3000], [1000, 1000], [101, 101]]
  proxy_max_side: 500
attributes:
  occlusion: {type: enum, values: [none, partial, heavy], required: true}
  occluder: {type: enum, values: [tag, product], required: true,
             when: {occlusion: [partial, heavy]}}
  count: {type: integer, min: 1, max: 10}
  score: {type: number, min: 0, max: 1, step: 0.25}
  code: {type: text, pattern: '^[0-9]{4}$', max_length: 4}
  fragile: {type: bool}
  promo: {type: enum, multiple: true, values: [discount, bundle]}
  weather: {type: enum, values: [sunny, rainy], scope: image}
keypoint_schemas:
  corners: {points: [a, b, c, d]}
classes:
  - {id: 1, name: product, shapes: [box], aliases: [item],
     attributes: [occlusion, occluder, count, score, code, fragile, promo]}
  - id: 2
    name: tag
    shapes: [box, rotated_box]
    text_region: {transcription: required, pattern: '^[0-9]+\.[0-9]+$',
                  alphabet: '0123456789.', max_length: 6}
  - {id: 3, name: shelf, shapes: [polygon, keypoints, mask], keypoints: corners}
  - {id: 4, name: old, deprecated: true, replaced_by: product}
  - {id: 5, name: floor, shapes: [mask], instances: false}
rules:
  - {id: min-size, title: Sides, applies_to: [product], check: {min_box_side: 4, max_box_side: 400}}
  - {id: area, title: Area, applies_to: [product], check: {min_area: 20, max_area: 100000}}
  - {id: aspect, title: Aspect, applies_to: [product],
     check: {min_aspect_ratio: 0.1, max_aspect_ratio: 10}}
  - {id: verts, title: Vertices, applies_to: [shelf], check: {min_vertices: 3, max_vertices: 20}}
  - {id: on-shelf, title: On a shelf, applies_to: [tag], check: {inside: shelf, tolerance_px: 2},
     severity: warning}
  - {id: dup, title: No duplicates, applies_to: [product], check: {max_iou_same_class: 0.8}}
  - {id: few, title: Shelves, applies_to: [shelf], check: {max_per_image: 2, min_per_image: 1}}
  - {id: kp-in, title: Corners, applies_to: [shelf],
     check: {keypoints_inside_box: true, min_visible_keypoints: 2}}
  - {id: no-heavy, title: Not heavy, applies_to: [product],
     check: {attribute: occlusion, not_in: [heavy]}}
  - {id: price, title: Price, applies_to: [tag], check: {text_pattern: '^[0-9]+\.[0-9]{2}$'}}
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    path = tmp_path_factory.mktemp("spec") / "spec.yaml"
    path.write_text(SPEC, encoding="utf-8")
    return load_project(str(path))


SHELF_A = [(0, 100), (600, 100), (600, 300), (0, 300)]
SHELF_B = [(150, 150), (400, 150), (400, 300), (150, 300)]


def clean() -> dict:
    """Images and annotations of a delivery with no defect (kwargs of TableBuilder)."""
    images = [
        dict(key=1, file_name="a.jpg", width=640, height=480, attributes={"weather": "sunny"}),
        dict(key=2, file_name="b.jpg", width=640, height=480, attributes={"weather": "rainy"}),
    ]
    anns = [
        dict(img=0, ann_id=1, label="product", label_id=1, shape=Shape.BOX,
             bbox=(10, 10, 50, 60), area=3000,
             attributes={"occlusion": "none", "count": 2, "score": 0.5, "code": "1234",
                         "fragile": True, "promo": ["discount", "bundle"]}),
        dict(img=0, ann_id=2, label="item", shape=Shape.BOX, bbox=(100, 10, 50, 60),
             attributes={"occlusion": "partial", "occluder": "tag", "count": "3"}),
        dict(img=0, ann_id=3, label="shelf", label_id=3, shape=Shape.POLYGON,
             bbox=(0, 100, 600, 200), area=120000, rings=[SHELF_A]),
        dict(img=0, ann_id=4, label="tag", shape=Shape.BOX, bbox=(10, 120, 30, 15),
             text="4.99"),
        dict(img=0, ann_id=5, label="shelf", shape=Shape.KEYPOINTS, bbox=(0, 100, 600, 200),
             keypoints=[(0, 100, 2), (600, 100, 2), (600, 300, 1), (0, 0, 0)]),
        dict(img=1, ann_id=6, label=None, label_id=3, shape=Shape.MASK, iscrowd=True,
             bbox=(2, 0, 11, 480), area=5000,
             rle={"size": [480, 640], "counts": [1000, 5000, 301200]}),
        dict(img=1, ann_id=7, label="tag", shape=Shape.ROTATED_BOX, bbox=(200, 200, 40, 20),
             rotation=30, text="12.50"),
        dict(img=1, ann_id=8, label="shelf", shape=Shape.POLYGON, bbox=(150, 150, 250, 150),
             rings=[[*SHELF_B, SHELF_B[0]]]),  # written closed
    ]
    return {"images": images, "anns": anns}


def build(d: dict):
    b = TableBuilder()
    b.add_file("delivery.json", "coco", "/annotations/{}", "/images/{}")
    b.declared_categories = {3: {"name": "shelf"}}
    for i, im in enumerate(d["images"]):
        b.add_image(im["key"], im["file_name"], im["width"], im["height"], src_index=i,
                    attributes=im.get("attributes"))
    for j, a in enumerate(d["anns"]):
        a = dict(a)
        img = a.pop("img")
        b.add_annotation(image_index=img, src_index=j, **a)
    return b.build()


def where(diags) -> set[tuple[str, str]]:
    """{(code, 'a<row>' or 'i<image row>')} of findings."""
    out = set()
    for d in diags:
        if "_row" in d.extra:
            out.add((d.code, f"a{d.extra['_row']}"))
        else:
            out.add((d.code, f"i{d.extra['_image_row']}"))
    return out


def test_clean_delivery_has_no_findings(project):
    assert run_rules(build(clean()), project) == []


# --- the defects: (codes the case is for, change, expected findings) -----------------------
def ann(d, row):
    return d["anns"][row]


def set_(row, **changes):
    def change(d):
        ann(d, row).update(changes)
    return change


def set_attr(row, **attrs):
    def change(d):
        for k, v in attrs.items():
            if v is None:
                ann(d, row)["attributes"].pop(k, None)
            else:
                ann(d, row)["attributes"][k] = v
    return change


def add_ann(**a):
    def change(d):
        d["anns"].append(a)
    return change


def add_image(**im):
    def change(d):
        d["images"].append(im)
    return change


def chain(*changes):
    def change(d):
        for c in changes:
            c(d)
    return change


def product(img, ann_id, bbox):
    return dict(img=img, ann_id=ann_id, label="product", shape=Shape.BOX, bbox=bbox,
                attributes={"occlusion": "none"})


PERIMETER_21 = ([(x, 100) for x in range(0, 600, 100)] + [(600, y) for y in range(100, 300, 50)]
                + [(x, 300) for x in range(600, 0, -100)] + [(0, y) for y in range(300, 100, -40)])

CASES = {
    "V050": (set_(1, ann_id=1), {("V050", "a1")}),
    "V051": (set_(1, img=-1), {("V051", "a1")}),
    "V053": (lambda d: d["images"][1].update(file_name="a.jpg"), {("V053", "i1")}),
    "V100": (set_(0, label="prodcut", label_id=-1), {("V100", "a0")}),
    "V100-id": (set_(5, label_id=99), {("V100", "a5")}),
    # a name the spec does not know is not rescued by its id (labels.py precedence)
    "V100-name-with-known-id": (set_(0, label="prodcut"), {("V100", "a0")}),
    "V104": (set_(2, label_id=1), {("V104", "a2")}),
    "V101": (add_ann(img=0, ann_id=9, label="old", shape=Shape.BOX, bbox=(300, 10, 20, 20)),
             {("V101", "a8")}),
    "V102": (set_(0, shape=Shape.ROTATED_BOX), {("V102", "a0")}),
    # the crowd mask of row 5 becomes floor (stuff) with an instance id; on shelf (a class
    # with instances) the same id is fine
    "V103": (set_(5, label="floor", label_id=5, instance_id=5001), {("V103", "a5")}),
    "V103-thing": (set_(5, instance_id=3001), set()),
    "V150": (set_attr(0, colour="red"), {("V150", "a0")}),
    "V151": (set_(3, attributes={"occlusion": "none"}), {("V151", "a3")}),
    "V152": (set_attr(0, occlusion=None), {("V152", "a0")}),
    "V152-when": (set_attr(1, occluder=None), {("V152", "a1")}),
    "V153": (set_attr(0, occlusion="total"), {("V153", "a0")}),
    "V153-multi": (set_attr(0, promo=["discount", "gift"]), {("V153", "a0")}),
    "V154": (set_attr(0, count="many"), {("V154", "a0")}),
    "V154-bool": (set_attr(1, count=True), {("V154", "a1")}),  # True == 1, but not an int
    "V155": (set_attr(0, score=0.3), {("V155", "a0")}),
    "V155-max": (set_attr(0, count=11), {("V155", "a0")}),
    "V156": (set_attr(0, code="12a4"), {("V156", "a0")}),
    "V157": (set_attr(0, occluder="tag"), {("V157", "a0")}),
    "V200": (set_(0, bbox=(620, 10, 50, 60)), {("V200", "a0")}),
    "V200-poly": (set_(7, rings=[[(150, 150), (700, 150), (700, 300), (150, 300)]], bbox=None),
                  {("V200", "a7")}),
    "V201": (set_(0, bbox=(10, 10, 0, 60), area=None), {("V201", "a0")}),
    "V202": (set_(2, rings=[[(0, 100), (600, 100)]]), {("V202", "a2"), ("V403", "a2")}),
    "V203": (set_(2, rings=[SHELF_A, [(10, 150), (20, 150), (30, 150)]]), {("V203", "a2")}),
    "V204": (set_(2, rings=[SHELF_A, [(10, 150), (50, 190), (50, 150), (10, 190)]]),
             {("V204", "a2")}),
    "V205": (set_(2, bbox=(0, 100, 500, 200)), {("V205", "a2")}),
    "V206": (set_(0, area=307200), {("V206", "a0")}),
    "V206-poly": (set_(2, area=200000), {("V206", "a2")}),
    "V206-mask": (set_(5, area=6000), {("V206", "a5")}),
    "V207": (set_(5, rle={"size": [480, 641], "counts": [1000, 5000, 301680]}),
             {("V207", "a5")}),
    "V208": (set_(5, rle={"size": [480, 640], "counts": [1000, 5000, 300000]}),
             {("V208", "a5")}),
    "V208-compressed": (set_(5, rle={"size": [480, 640],
                                     "counts": encode_counts([1000, 5000, 300000])}),
                        {("V208", "a5")}),
    "V209": (set_(6, bbox=(620, 200, 40, 20)), {("V209", "a6"), ("V404", "a6")}),
    "V210": (set_(5, rle={"size": [480, 640], "counts": "!!"}), {("V210", "a5")}),
    "V210-negative": (set_(5, rle={"size": [480, 640], "counts": [1000, -5000, 311200]}),
                      {("V210", "a5")}),
    "V210-compressed-ok": (set_(5, rle={"size": [480, 640],
                                        "counts": encode_counts([1000, 5000, 301200])}), set()),
    "V211": (set_(5, bbox=(0, 0, 50, 480)), {("V211", "a5")}),
    "V250": (set_(4, keypoints=[(0, 100, 2), (600, 100, 2), (600, 300, 1)]), {("V250", "a4")}),
    "V251": (set_(4, keypoints=[(0, 100, 2), (600, 100, 2), (600, 300, 5), (0, 0, 0)]),
             {("V251", "a4")}),
    "V252": (set_(4, keypoints=[(0, 100, 2), (600, 100, 2), (10, 50, 2), (0, 0, 0)]),
             {("V252", "a4"), ("V407", "a4")}),
    "V253": (set_(4, keypoints=[(0, 100, 2), (700, 100, 2), (600, 300, 1), (0, 0, 0)]),
             {("V253", "a4"), ("V252", "a4"), ("V407", "a4")}),
    "V254": (set_(3, keypoints=[(12, 122, 2)]), {("V254", "a3")}),
    "V300": (add_image(key=3, file_name="c.jpg", width=90, height=90),
             {("V300", "i2"), ("V406", "i2")}),
    "V301": (add_image(key=3, file_name="c.jpg", width=3000, height=3000),
             {("V301", "i2"), ("V406", "i2")}),
    "V302": (add_image(key=3, file_name="c.jpg", width=800, height=600),
             {("V302", "i2"), ("V406", "i2")}),
    "V303": (chain(add_image(key=3, file_name="big.jpg", width=1000, height=1000),
                   add_ann(img=2, ann_id=20, label="shelf", shape=Shape.POLYGON,
                           rings=[[(0, 0), (400, 0), (400, 450), (0, 450)]]),
                   add_ann(**product(2, 21, (10, 10, 50, 60))),
                   add_ann(**product(2, 22, (300, 300, 50, 60)))),
             {("V303", "i2")}),
    "V304": (chain(add_image(key=3, file_name="n.jpg", width=101, height=101),
                   add_ann(img=2, ann_id=20, label="shelf", shape=Shape.POLYGON,
                           rings=[[(0.1, 0.1), (0.5, 0.1), (0.5, 0.5)]])),
             {("V304", "i2")}),
    "V350": (set_(3, text=None), {("V350", "a3")}),
    "V350-blank": (set_(3, text="  "), {("V350", "a3")}),
    "V351": (set_(3, text="499"), {("V351", "a3"), ("V410", "a3")}),
    "V352": (set_(3, text="4.9€"), {("V352", "a3"), ("V410", "a3")}),
    "V353": (set_(3, text="1234.567"), {("V353", "a3"), ("V410", "a3")}),
    "V400": (set_(0, bbox=(10, 10, 3, 30), area=None), {("V400", "a0")}),
    "V400-max": (set_(0, bbox=(10, 10, 401, 60), area=None), {("V400", "a0")}),
    "V401": (set_(0, bbox=(10, 10, 4, 4), area=None), {("V401", "a0")}),
    "V402": (set_(0, bbox=(10, 10, 5, 60), area=None), {("V402", "a0")}),
    "V403": (set_(2, rings=[PERIMETER_21]), {("V403", "a2")}),
    "V404": (set_(3, bbox=(10, 20, 30, 15)), {("V404", "a3")}),
    "V405": (add_ann(**product(0, 30, (11, 10, 50, 60))), {("V405", "a8")}),
    "V406": (add_ann(img=0, ann_id=30, label="shelf", shape=Shape.POLYGON,
                     rings=[[(0, 400), (10, 400), (10, 410)]]), {("V406", "i0")}),
    "V408": (set_(4, keypoints=[(0, 100, 2), (600, 100, 1), (600, 300, 1), (0, 0, 0)]),
             {("V408", "a4")}),
    "V409": (set_attr(0, occlusion="heavy", occluder="product"), {("V409", "a0")}),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_defect_is_found_exactly_there(project, case):
    change, expected = CASES[case]
    d = copy.deepcopy(clean())
    change(d)
    found = run_rules(build(d), project)
    assert where(found) == expected, [f"{x.code} {x.message}" for x in found]


def test_every_code_has_a_case():
    codes = {c.code for c in all_codes() if c.code.startswith("V") and int(c.code[1:]) >= 50}
    covered = {code for _, exp in CASES.values() for code, _ in exp}
    assert codes - covered == set()
    # and every registered rule function names only codes of its group's range
    for entry in RULES.values():
        lo, hi = GROUPS[entry.group]
        assert all(lo <= int(c.code[1:]) <= hi for c in entry.codes), entry.name


def test_finding_identifies_file_image_annotation_and_rule(project):
    d = clean()
    CASES["V400"][0](d)
    (f,) = run_rules(build(d), project)
    assert (f.code, f.file, f.pointer) == ("V400", "delivery.json", "/annotations/0")
    assert f.extra["image"] == "a.jpg" and f.extra["annotation"] == 1
    assert f.extra["class"] == "product" and f.extra["rule"] == "min-size"
    assert f.message.startswith("rule 'min-size': annotation 1 is 3x30")
    d = clean()
    CASES["V302"][0](d)
    f = next(x for x in run_rules(build(d), project) if x.code == "V302")
    assert f.pointer == "/images/2" and f.extra["annotation"] is None


def test_rule_severity_and_overrides(project, tmp_path):
    d = clean()
    CASES["V404"][0](d)
    (f,) = run_rules(build(d), project)
    assert f.severity == Severity.WARNING  # the spec rule's severity
    text = SPEC + "severity_overrides: {V404: error, area-mismatch: 'off', V200: info}\n"
    p = tmp_path / "s.yaml"
    p.write_text(text, encoding="utf-8")
    proj = load_project(str(p))
    (f,) = run_rules(build(d), proj)
    assert f.severity == Severity.ERROR
    d = clean()
    CASES["V206"][0](d)
    assert run_rules(build(d), proj) == []
    d = clean()
    CASES["V200"][0](d)
    (f,) = run_rules(build(d), proj)
    assert f.severity == Severity.INFO


def test_select_and_ignore(project):
    d = clean()
    CASES["V253"][0](d)
    t = build(d)
    assert {x.code for x in run_rules(t, project, select_codes(["V25"], None))} == {
        "V252", "V253"}
    assert {x.code for x in run_rules(t, project, select_codes(None, ["keypoint-outside-box",
                                                                     "V4"]))} == {"V253"}


def test_every_validation_code_is_documented():
    for c in all_codes():
        if c.code.startswith("V") and int(c.code[1:]) >= 50:
            assert c.summary and c.example, c.code
            assert REGISTRY[c.code] is c


def test_compressed_rle_round_trip():
    rng = np.random.default_rng(7)
    objs, truth = [], []
    for i in range(300):
        counts = [int(x) for x in rng.integers(0, 100_000, size=int(rng.integers(0, 40)))]
        objs.append({"size": [1, 1], "counts": encode_counts(counts) if i % 2 else counts})
        truth.append((sum(counts), sum(counts[1::2])))
    col = np.empty(len(objs), dtype=object)
    col[:] = objs
    r = rle_columns(col)
    assert r.ok.all()
    assert r.total.tolist() == [t for t, _ in truth]
    assert r.area.tolist() == [a for _, a in truth]


def test_malformed_rle_is_reported_once_not_crashed(project):
    d = clean()
    set_(5, rle={"size": "x", "counts": "\x7f"})(d)
    found = run_rules(build(d), project)
    # one finding, by the one rule that judges table masks (it used to pass silently)
    assert [(x.code, x.extra["annotation"]) for x in found] == [("V210", 6)]
    assert "'size' must be [height, width]" in found[0].message
    col = np.empty(1, dtype=object)
    col[0] = {"size": [1, 2], "counts": [1, -1]}
    assert not rle_columns(col).ok[0]


def test_empty_table(project):
    assert run_rules(build({"images": [], "anns": []}), project) == []


def test_geometry_area_matches_shapely(project):
    import shapely

    d = clean()
    ring = [(0, 0), (40, 0), (40, 30), (20, 50), (0, 30)]
    d["anns"][2]["rings"] = [SHELF_A, ring]
    t = build(d)
    from guidec.validation.frame import Frame

    f = Frame(t, project)
    want = shapely.Polygon(SHELF_A).area + shapely.Polygon(ring).area
    assert math.isclose(f.poly_area[2], want)
    assert f.vert_bounds[2].tolist() == [0, 0, 600, 300]


def test_star_fast_path_never_accepts_an_invalid_ring(project):
    """Rings accepted without GEOS (winding once around their centroid) are GEOS-valid."""
    import shapely
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from guidec.validation.frame import Frame

    coords = st.lists(st.tuples(st.integers(0, 20), st.integers(0, 20)), min_size=3,
                      max_size=9)

    @settings(max_examples=examples(300), deadline=None)
    @given(st.lists(coords, min_size=1, max_size=6))
    def check(rings):
        b = TableBuilder()
        b.add_file("d.json", "coco")
        b.add_image(1, "a.jpg", 100, 100)
        for ring in rings:
            b.add_annotation(image_index=0, label="shelf", shape=Shape.POLYGON, rings=[ring])
        f = Frame(b.build(), project)
        star = f.ring_star_simple
        for k, ring in enumerate(rings):
            if star[k]:
                assert shapely.is_valid(shapely.Polygon(ring)), ring

    check()
    b = TableBuilder()
    b.add_file("d.json", "coco")
    b.add_image(1, "a.jpg", 100, 100)
    for ring in ([(0, 0), (10, 0), (10, 10), (0, 10)], [(0, 0), (10, 10), (10, 0), (0, 10)],
                 [(0, 0), (10, 0), (10, 10), (0, 10), (0, 0)]):
        b.add_annotation(image_index=0, label="shelf", shape=Shape.POLYGON, rings=[ring])
    assert Frame(b.build(), project).ring_star_simple.tolist() == [True, False, True]


def test_classes_sharing_a_keypoint_schema(tmp_path):
    p = tmp_path / "s.yaml"
    p.write_text("guidec: 1\nproject: {id: k, title: K, version: 1.0.0}\n"
                 "keypoint_schemas: {body: {points: [a, b]}}\n"
                 "classes:\n  - {id: 1, name: cat, shapes: [keypoints], keypoints: body}\n"
                 "  - {id: 2, name: dog, shapes: [keypoints], keypoints: body}\n",
                 encoding="utf-8")
    proj = load_project(str(p))
    b = TableBuilder()
    b.add_file("d.json", "coco", "/annotations/{}")
    b.add_image(1, "a.jpg", 100, 100)
    b.add_annotation(image_index=0, label="cat", shape=Shape.KEYPOINTS, bbox=(0, 0, 50, 50),
                     keypoints=[(1, 1, 2), (2, 2, 2)])
    b.add_annotation(image_index=0, label="dog", shape=Shape.KEYPOINTS, bbox=(0, 0, 50, 50),
                     keypoints=[(1, 1, 2), (80, 80, 2)])
    (f,) = run_rules(b.build(), proj)
    assert (f.code, f.extra["_row"]) == ("V252", 1)
    assert "first 'b' at (80, 80)" in f.message


TURNED_SPEC = """
guidec: 1
project: {id: t, title: T, version: 1.0.0}
classes:
  - {id: 1, name: ship, shapes: [rotated_box], definition: A ship.}
  - {id: 2, name: harbour, shapes: [rotated_box], definition: A harbour.}
rules:
  - {id: dup, title: No duplicates, applies_to: [ship], check: {max_iou_same_class: 0.5}}
  - {id: in, title: In a harbour, applies_to: [ship], check: {inside: harbour}}
"""


def test_rotated_boxes_are_measured_as_turned_rectangles(tmp_path):
    """Overlap and 'inside' use the turned rectangle, not the unrotated box."""
    path = tmp_path / "spec.yaml"
    path.write_text(TURNED_SPEC, encoding="utf-8")
    project = load_project(str(path))

    def table(ships, harbour_rotation):
        b = TableBuilder()
        b.add_file("d.json", "coco", "/annotations/{}", "/images/{}")
        b.add_image(1, "a.jpg", 1000, 1000, src_index=0)
        # a 400x40 harbour: turned by 90 degrees it stands upright around the same centre
        b.add_annotation(image_index=0, shape=Shape.ROTATED_BOX, label="harbour", ann_id=100,
                         bbox=(300, 480, 400, 40), rotation=harbour_rotation, src_index=0)
        for k, (bbox, rot) in enumerate(ships):
            b.add_annotation(image_index=0, shape=Shape.ROTATED_BOX, label="ship", ann_id=k + 1,
                             bbox=bbox, rotation=rot, src_index=k + 1)
        return b.build()

    # the same box twice, one turned by 90 degrees: a cross, IoU 100 / 1900, not 1.0
    cross = [((450, 495, 100, 10), 0), ((450, 495, 100, 10), 90)]
    codes = [d.code for d in run_rules(table(cross, 0), project)]
    assert "V405" not in codes
    # turned by 180 degrees it is the same rectangle: a duplicate
    same = [((450, 495, 100, 10), 0), ((450, 495, 100, 10), 180)]
    assert [d.code for d in run_rules(table(same, 0), project)].count("V405") == 1
    # a ship standing upright at x = 495..505 is inside the harbour only once it is turned
    upright = [((495, 450, 10, 100), 0)]
    assert "V404" in [d.code for d in run_rules(table(upright, 0), project)]
    assert "V404" not in [d.code for d in run_rules(table(upright, 90), project)]
