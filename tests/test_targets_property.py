"""Property: for any valid spec, every active class, every enum/bool attribute value and every
keypoint appears in every target that carries that kind of thing, and nothing else does.

Classes and keypoints: all six targets. Attribute values: Label Studio, CVAT and the JSON
Schemas (the class files carry no attributes). Each target is read back from its text here,
independently of the code that wrote it.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guidec.commands.build import emit_all
from guidec.lint import run_lint
from guidec.names import IDENTIFIER_RE as IDENTIFIER
from guidec.readers.label_studio import attribute_name
from guidec.targets.cvat import UNDEFINED
from guidec.targets.schemas import CVAT_ATTRIBUTES
from tests._targets import minimal, project_from
from tests.budget import examples

ALL = ["coco", "cvat", "label_studio", "pascal_voc", "schemas", "yolo"]
IDENT = st.from_regex(r"[a-z][a-z0-9_]{0,7}", fullmatch=True)
# Class names with the characters that break naive XML/JSON/YAML writers (no ',' or ':', which
# T101/T302 refuse, and no leading/trailing space, which CVAT trims).
NAME = st.text(alphabet=st.sampled_from(list("abcxyz019 &<>\"'/._-éß")), min_size=1,
               max_size=14).map(str.strip).filter(bool)
VALUE = st.text(alphabet=st.sampled_from(list("abz09 &<>\"'.-")), min_size=1,
                max_size=8).map(str.strip).filter(lambda v: v and v != UNDEFINED)
# Attribute, keypoint schema and point names as users' tools write them: spaces, punctuation,
# leading digits, other scripts, and near-collisions once made into identifiers
# ("Leaf Color" / "leaf_color" / "Leaf-Color"). No ':' (CVAT's checkbox of a multi-valued
# enum is "<attribute>:<value>") and no space at either end (the spec refuses it).
FREE = st.one_of(
    IDENT,
    st.sampled_from(["Leaf Color", "leaf color", "Leaf-Color", "Leaf_Color", "1", "2", "10",
                     "Leaf Area Affected(%)", "root (pelvis)", "Right Shoulder", "葉の色",
                     "色", "a,b", 'q "x" & <y>', "attr_box", "box", "n_0"]),
    st.text(alphabet=st.sampled_from(list("aZ09 _-.,()%&<>\"'/#éß葉")), min_size=1,
            max_size=12).map(str.strip).filter(bool),
)
SHAPES = ["box", "rotated_box", "polygon", "mask", "polyline", "points", "text_region"]


@st.composite
def attribute(draw, scope: str):
    kind = draw(st.sampled_from(["enum", "enum_multi", "bool", "integer", "number", "text"]))
    a: dict = {"scope": scope, "required": draw(st.booleans())}
    if kind.startswith("enum"):
        a["type"] = "enum"
        a["values"] = draw(st.lists(VALUE, min_size=1, max_size=4, unique=True))
        if kind == "enum_multi":
            a["multiple"] = True
    elif kind == "integer":
        lo = draw(st.integers(-5, 5))
        a.update(type="integer", min=lo, max=lo + draw(st.integers(1, 20)))
    elif kind == "number":
        a.update(type="number", min=0, max=1, step=draw(st.sampled_from([0.1, 0.25, 0.5])))
    else:
        a["type"] = kind
    return a


@st.composite
def specs(draw):
    attrs = {}
    for name in draw(st.lists(FREE, max_size=5, unique=True)):
        attrs[name] = draw(attribute("object"))
    for name in draw(st.lists(FREE.map(lambda s: "img " + s), max_size=2, unique=True)):
        attrs[name] = draw(attribute("image"))
    object_attrs = [n for n, a in attrs.items() if a["scope"] == "object"]
    schemas = {}
    for name in draw(st.lists(FREE, max_size=2, unique=True)):
        points = draw(st.lists(FREE, min_size=1, max_size=5, unique=True))
        edges = draw(st.lists(st.tuples(st.sampled_from(points), st.sampled_from(points))
                              .filter(lambda e: e[0] != e[1]), max_size=4, unique=True))
        flip = [[points[i], points[i + 1]] for i in range(0, len(points) - 1, 2)
                if draw(st.booleans())]
        schemas[name] = {"points": points, "skeleton": [list(e) for e in edges], "flip": flip}
    names = draw(st.lists(NAME, min_size=1, max_size=10, unique_by=str.lower))
    ids = iter(range(1, 100))
    classes: list[dict] = []
    for i, name in enumerate(names):
        shapes = draw(st.lists(st.sampled_from(SHAPES), min_size=1, max_size=3, unique=True))
        cls = {"id": next(ids), "name": name, "shapes": shapes}
        if schemas and draw(st.booleans()):
            cls["shapes"] = [*shapes, "keypoints"] if draw(st.booleans()) else ["keypoints"]
            cls["keypoints"] = draw(st.sampled_from(sorted(schemas)))
        if object_attrs:
            cls["attributes"] = draw(st.lists(st.sampled_from(object_attrs), max_size=3,
                                              unique=True))
        if draw(st.booleans()):
            cls["hotkey"] = f"ctrl+{i}"
        if i > 0 and draw(st.integers(0, 4)) == 0:
            cls["deprecated"] = True
        if classes and draw(st.integers(0, 3)) == 0 and not cls.get("deprecated"):
            classes[-1].setdefault("children", []).append(
                {k: v for k, v in cls.items() if k != "shapes" or draw(st.booleans())})
        else:
            classes.append(cls)
    return minimal(classes, attributes=attrs, keypoint_schemas=schemas)


# --------------------------------------------------------------------------- expectations
def expected(p):
    classes = {c.name for c in p.active_classes}
    kp_used = {c.keypoints for c in p.active_classes if c.keypoints and "keypoints" in c.shapes}
    keypoints = {pt for s in kp_used for pt in p.keypoint_schemas[s].points}
    used = {a for c in p.active_classes for a in c.attributes} | set(p.image_attributes)
    values: set[tuple[str, str]] = set()
    for name in used:
        a = p.attributes[name]
        if a.type == "enum":
            values |= {(name, v) for v in a.value_names}
        elif a.type == "bool":
            values |= {(name, "true"), (name, "false")}
    return classes, keypoints, values


def read_label_studio(text: str, p=None):
    """Classes, keypoints and (attribute, value) pairs of a config; control names go back to
    the spec's attribute names as the Label Studio reader maps them."""
    root = ET.fromstring(text)
    classes, keypoints, values = set(), set(), set()
    names = [el.get("name") for el in root.iter() if el.get("toName")]
    assert len(names) == len(set(names)), "control names must be distinct"
    for el in root.iter():
        name = el.get("name") or ""
        if el.get("toName"):
            assert IDENTIFIER.match(name), name  # toName/whenTagName list them with commas
        if el.tag.endswith("Labels"):
            target = keypoints if name.startswith("keypoints.") else classes
            target |= {lab.get("value") for lab in el.iter("Label")}
        elif el.tag == "Choices":
            attr = attribute_name(name, p) if p is not None else name
            values |= {(attr, ch.get("value")) for ch in el.iter("Choice")}
    return classes, keypoints, values


def read_cvat(text: str, p):
    classes, keypoints, values = set(), set(), set()
    for lab in json.loads(text):
        if not (lab["type"] == "tag" and lab["name"].startswith("image:")):
            classes.add(lab["name"])
        keypoints |= {s["name"] for s in lab.get("sublabels", [])}
        for a in lab["attributes"]:
            if ":" in a["name"]:  # one checkbox per value of a multi-valued enum
                attr, v = a["name"].split(":", 1)
                values.add((attr, v))
            elif a["input_type"] == "select":
                values |= {(a["name"], v) for v in a["values"] if v != UNDEFINED}
            elif a["input_type"] == "checkbox":
                values |= {(a["name"], "true"), (a["name"], "false")}
    return classes, keypoints, values


def read_schemas(coco_text: str, ls_text: str):
    coco = json.loads(coco_text)
    classes = set(coco["$defs"]["category"]["properties"]["name"]["enum"])
    values, keypoint_counts = set(), set()
    for branch in coco["$defs"]["annotation"]["allOf"]:
        then = branch["then"]["properties"]
        for attr, s in then["attributes"]["properties"].items():
            if attr in CVAT_ATTRIBUTES and s == CVAT_ATTRIBUTES[attr]:
                continue
            item = s.get("items", s)
            if "enum" in item:
                values |= {(attr, v) for v in item["enum"]}
            elif item.get("type") == "boolean":
                values |= {(attr, "true"), (attr, "false")}
        keypoint_counts.add(then["keypoints"].get("maxItems"))
    image_attrs = coco["$defs"]["image"]["properties"].get("attributes", {})
    for attr, s in image_attrs.get("properties", {}).items():
        item = s.get("items", s)
        if "enum" in item:
            values |= {(attr, v) for v in item["enum"]}
        elif item.get("type") == "boolean":
            values |= {(attr, "true"), (attr, "false")}
    ls = json.loads(ls_text)
    ls_labels = set()
    for branch in ls["$defs"]["region"]["allOf"]:
        value = branch["then"]["properties"]["value"]
        key = value["required"][0]
        if key.endswith("labels"):
            ls_labels |= set(value["properties"][key]["items"]["enum"])
    return classes, values, keypoint_counts, ls_labels


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(specs())
def test_every_target_carries_exactly_the_spec(data):
    p = project_from(data)
    assert not [d for d in run_lint(p) if d.severity.label == "error"]
    files, diags = emit_all(p, ALL)
    assert not [d for d in diags if d.severity.label == "error"], diags
    classes, keypoints, values = expected(p)

    ls = read_label_studio(files["label_studio/config.xml"], p)
    assert ls == (classes, keypoints, values)

    cv = read_cvat(files["cvat/labels.json"], p)
    skeleton_kps = {pt for c in p.active_classes if c.keypoints and "keypoints" in c.shapes
                    for pt in p.keypoint_schemas[c.keypoints].points}
    assert cv == (classes, skeleton_kps, values)

    cats = json.loads(files["coco/categories.json"])["categories"]
    assert {c["name"] for c in cats} == classes
    assert {k for c in cats for k in c.get("keypoints", [])} == keypoints
    assert len(cats) == len(p.active_classes)

    y = yaml.safe_load(files["yolo/data.yaml"])
    assert set(y["names"].values()) == classes and y["nc"] == len(classes)
    assert {k for names in y.get("kpt_names", {}).values() for k in names} == (
        keypoints if "kpt_shape" in y else set())

    voc = files["pascal_voc/labelmap.txt"].splitlines()[1:]
    voc_names = {line.rsplit(":", 3)[0] for line in voc}
    assert voc_names - {"background"} == classes

    s_classes, s_values, kp_counts, ls_labels = read_schemas(
        files["schemas/coco.schema.json"], files["schemas/label-studio.schema.json"])
    assert s_classes == classes
    assert s_values == values
    assert ls_labels == classes | keypoints
    sizes = {3 * len(p.keypoint_schemas[c.keypoints].points) if c.keypoints and "keypoints"
             in c.shapes else 0 for c in p.active_classes}
    assert kp_counts == sizes


def test_property_reader_is_not_blind():
    """The read-back notices a label that the spec does not have."""
    p = project_from(minimal([{"id": 1, "name": "car"}]))
    text = emit_all(p, ["label_studio"])[0]["label_studio/config.xml"]
    forged = text.replace('<Label value="car"', '<Label value="bus" background="#000000" />'
                                                '\n    <Label value="car"')
    assert read_label_studio(forged)[0] == {"car", "bus"} != expected(p)[0]
