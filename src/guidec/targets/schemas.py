"""JSON Schemas (Draft 2020-12) of deliveries under this spec version (``schemas/``).

- ``coco.schema.json``: a COCO file whose ``categories`` are this version's (id and name enums,
  each id paired with its name), whose annotations use only those ids, carry per-class
  ``attributes`` with exactly the allowed names and values (``if``/``then`` on ``category_id``,
  classes with the same attributes share one branch), ``keypoints`` of length 3K with visibility
  flags for classes with a K-point schema, and images with the image-level attributes.
- ``label-studio.schema.json``: a Label Studio JSON export of the config guidec generates: every
  result names one of its controls, with that control's result type, its label or choice values
  and its geometry keys.

Both carry the project id and version in ``$id``; enums of ids, names and values make a delivery
made for another spec version fail where the taxonomies differ. Relations between results (which
region an attribute belongs to) and geometry are checked by ``guidec validate``, not here.
"""

from __future__ import annotations

import re

from guidec.spec.model import Attribute
from guidec.targets import TARGETS, Target
from guidec.targets._common import (
    TRANSCRIPTION,
    class_attributes,
    image_attributes,
    json_text,
    number_range,
    text_region_of,
    transcription_mode,
)
from guidec.targets.label_studio import Control, layout
from guidec.view import Project, ResolvedClass

DRAFT = "https://json-schema.org/draft/2020-12/schema"
# Keys CVAT's (Datumaro's) COCO export writes into every annotation's attributes; allowed unless
# the spec defines an attribute of that name.
CVAT_ATTRIBUTES = {"occluded": {"type": "boolean"}, "rotation": {"type": "number"},
                   "track_id": {"type": "integer"}, "keyframe": {"type": "boolean"},
                   "z_order": {"type": "integer"}}
PAIR_LIMIT = 2000  # above this many classes, category id/name pairing is left to `validate`
NUMBER = {"type": "number"}
INTEGER = {"type": "integer"}


def _id(project: Project, what: str) -> str:
    p = project.spec.project
    return f"urn:guidec:{p.id}:{p.version}:{what}"


def attribute_schema(a: Attribute) -> dict:
    """The JSON Schema of one attribute value in a delivery."""
    if a.type == "enum":
        item = {"enum": list(a.value_names)}
        if a.multiple:
            return {"type": "array", "items": item, "uniqueItems": True}
        return item
    if a.type == "bool":
        return {"type": "boolean"}
    if a.type in ("integer", "number"):
        s: dict = {"type": "integer" if a.type == "integer" else "number"}
        if a.min is not None:
            s["minimum"] = _num(a.min)
        if a.max is not None:
            s["maximum"] = _num(a.max)
        if a.step is not None and a.min is not None:
            r = number_range(a)
            if (r.min / r.step).is_integer():
                s["multipleOf"] = _num(r.step)
        return s
    s = {"type": "string"}
    if a.pattern is not None:
        s["pattern"] = a.pattern
    if a.min_length is not None:
        s["minLength"] = a.min_length
    if a.max_length is not None:
        s["maxLength"] = a.max_length
    return s


def _num(x: float) -> int | float:
    return int(x) if float(x).is_integer() else x


def transcription_schema(project: Project, c: ResolvedClass) -> dict:
    parts: list[dict] = [{"type": "string"}]
    tr = text_region_of(c)
    illegible = tr.illegible if tr is not None else None
    checks: list[dict] = []
    if tr is not None:
        if tr.pattern:
            checks.append({"pattern": tr.pattern})
        if tr.alphabet:
            checks.append({"pattern": "^[" + "".join(
                re.escape(ch) if ch not in "]\\^-" else "\\" + ch for ch in tr.alphabet) + "]*$"})
        if tr.max_length:
            checks.append({"maxLength": tr.max_length})
    a = project.attributes.get(TRANSCRIPTION)
    if a is not None and a.type == "text" and TRANSCRIPTION in c.attributes:
        checks.append(attribute_schema(a))
    if checks and illegible:
        parts.append({"anyOf": [{"const": illegible}, {"allOf": checks}]})
    elif checks:
        parts.extend(checks)
    return parts[0] if len(parts) == 1 else {"allOf": parts}


def _keypoints_schema(project: Project, schema: str | None) -> dict:
    if schema is None:
        return {"keypoints": {"type": "array", "maxItems": 0},
                "num_keypoints": {"const": 0}}
    ks = project.keypoint_schemas[schema]
    k = len(ks.points)
    flag = {"coco": [0, 1, 2], "binary": [0, 1]}.get(ks.visibility, [0, 1, 2])
    return {"keypoints": {"type": "array", "minItems": 3 * k, "maxItems": 3 * k,
                          "prefixItems": [NUMBER, NUMBER, {"enum": flag}] * k,
                          "items": False},
            "num_keypoints": {"type": "integer", "minimum": 0, "maximum": k}}


def _branch_key(project: Project, c: ResolvedClass) -> tuple:
    """What the then-schema of a class depends on: classes with equal keys share a branch."""
    return (tuple(n for n, _ in class_attributes(project, c)),
            transcription_mode(project, c), text_region_of(c) if transcription_mode(
                project, c) else None,
            c.keypoints if "keypoints" in c.shapes else None)


def _class_branch(project: Project, c: ResolvedClass) -> dict:
    """The then-schema for a class's annotations."""
    props: dict = {}
    required: list[str] = []
    for name, a in class_attributes(project, c):
        props[name] = attribute_schema(a)
        if a.required and a.when is None:
            required.append(name)
    mode = transcription_mode(project, c)
    if mode:
        props[TRANSCRIPTION] = transcription_schema(project, c)
        if mode == "required":
            required.append(TRANSCRIPTION)
    for key, schema in CVAT_ATTRIBUTES.items():
        props.setdefault(key, schema)
    attrs: dict = {"type": "object", "properties": props, "additionalProperties": False}
    if required:
        attrs["required"] = required
    then: dict = {"properties": {"attributes": attrs,
                                 **_keypoints_schema(project, c.keypoints if "keypoints" in
                                                     c.shapes else None)}}
    if required:
        then["required"] = ["attributes"]
    return then


def coco_schema(project: Project) -> dict:
    classes = sorted(project.active_classes, key=lambda c: c.id)
    ids = [c.id for c in classes]
    names = [c.name for c in classes]
    category: dict = {
        "type": "object", "required": ["id", "name"],
        "properties": {"id": {"enum": ids}, "name": {"enum": names},
                       "supercategory": {"type": ["string", "null"]},
                       "keypoints": {"type": "array", "items": {"type": "string"}},
                       "skeleton": {"type": "array", "items": {
                           "type": "array", "prefixItems": [INTEGER, INTEGER],
                           "minItems": 2, "maxItems": 2}}},
    }
    if len(classes) <= PAIR_LIMIT:
        category["anyOf"] = [{"properties": {"id": {"const": c.id}, "name": {"const": c.name}}}
                             for c in classes]
    groups: dict[tuple, list] = {}
    for c in classes:
        groups.setdefault(_branch_key(project, c), []).append(c)
    branches = [{"if": {"properties": {"category_id": {"enum": [c.id for c in members]}},
                        "required": ["category_id"]},
                 "then": _class_branch(project, members[0])} for members in groups.values()]
    polygon = {"type": "array", "minItems": 6, "items": NUMBER}
    annotation = {
        "type": "object", "required": ["id", "image_id", "category_id"],
        "properties": {
            "id": INTEGER, "image_id": INTEGER, "category_id": {"enum": ids},
            "bbox": {"type": "array", "prefixItems": [NUMBER, NUMBER,
                                                      {"type": "number", "minimum": 0},
                                                      {"type": "number", "minimum": 0}],
                     "minItems": 4, "maxItems": 4, "items": False},
            "area": {"type": "number", "minimum": 0},
            "iscrowd": {"enum": [0, 1]},
            "segmentation": {"anyOf": [
                {"type": "array", "items": polygon},
                {"type": "object", "required": ["counts", "size"],
                 "properties": {"counts": {"type": ["string", "array"]},
                                "size": {"type": "array", "items": INTEGER,
                                         "minItems": 2, "maxItems": 2}}}]},
            "attributes": {"type": "object"},
        },
        "allOf": branches,
    }
    image: dict = {
        "type": "object", "required": ["id", "file_name", "width", "height"],
        "properties": {"id": INTEGER, "file_name": {"type": "string", "minLength": 1},
                       "width": {"type": "integer", "minimum": 1},
                       "height": {"type": "integer", "minimum": 1}},
    }
    img_attrs = image_attributes(project)
    if img_attrs:
        spec: dict = {"type": "object", "additionalProperties": False,
                      "properties": {n: attribute_schema(a) for n, a in img_attrs}}
        req = [n for n, a in img_attrs if a.required and a.when is None]
        if req:
            spec["required"] = req
            image["required"] = [*image["required"], "attributes"]
        image["properties"]["attributes"] = spec
    p = project.spec.project
    return {
        "$schema": DRAFT, "$id": _id(project, "coco"),
        "title": f"COCO delivery for {p.title} {p.version}",
        "description": f"Generated by guidec from spec {p.id} {p.version}. Annotations carry "
                       "per-class attributes in 'attributes'.",
        "type": "object", "required": ["images", "annotations", "categories"],
        "properties": {
            "info": {"type": "object"}, "licenses": {"type": "array"},
            "images": {"type": "array", "items": {"$ref": "#/$defs/image"}},
            "annotations": {"type": "array", "items": {"$ref": "#/$defs/annotation"}},
            "categories": {"type": "array", "items": {"$ref": "#/$defs/category"}},
        },
        "$defs": {"image": image, "annotation": annotation, "category": category},
    }


# --------------------------------------------------------------------------- Label Studio
GEOMETRY = {  # result type -> geometry keys every region of that type has
    "rectanglelabels": ["x", "y", "width", "height"],
    "polygonlabels": ["points"],
    "brushlabels": ["format", "rle"],
    "vectorlabels": ["vertices"],
    "keypointlabels": ["x", "y"],
}


def _ls_value(ctrl: Control) -> dict:
    key = ctrl.value_key
    if ctrl.labels:
        values: dict = {"type": "array", "minItems": 1, "maxItems": 1,
                        "items": {"enum": [e.value for e in ctrl.labels]}}
        return {"type": "object", "required": [key, *GEOMETRY.get(key, [])],
                "properties": {key: values}}
    if ctrl.tag == "Choices":
        values = {"type": "array", "minItems": 1, "items": {"enum": list(ctrl.choices)}}
        if ctrl.multiple:
            values["uniqueItems"] = True
        else:
            values["maxItems"] = 1
    elif ctrl.tag == "Number":
        values = {"type": "number"}
        if ctrl.number is not None:
            values["minimum"] = _num(ctrl.number[0])
            values["maximum"] = _num(ctrl.number[1])
    else:
        values = {"type": "array", "items": {"type": "string"}}
    return {"type": "object", "required": [key], "properties": {key: values}}


def label_studio_schema(project: Project) -> dict:
    lay = layout(project)
    controls = lay.controls
    branches = [{"if": {"properties": {"from_name": {"const": c.name}}},
                 "then": {"properties": {"type": {"const": c.result_type},
                                         "value": _ls_value(c)}}} for c in controls]
    region = {
        "type": "object", "required": ["from_name", "to_name", "type", "value"],
        "properties": {"id": {"type": "string"},
                       "from_name": {"enum": [c.name for c in controls]},
                       "to_name": {"const": lay.object_name},
                       "value": {"type": "object"},
                       "original_width": {"type": "number", "minimum": 0},
                       "original_height": {"type": "number", "minimum": 0}},
        "allOf": branches,
    }
    result = {
        "type": "object",
        "if": {"properties": {"type": {"const": "relation"}}, "required": ["type"]},
        "then": {"required": ["from_id", "to_id"]},
        "else": {"$ref": "#/$defs/region"},
    }
    annotation = {"type": "object", "required": ["result"],
                  "properties": {"result": {"type": "array",
                                            "items": {"$ref": "#/$defs/result"}}}}
    task = {
        "type": "object", "required": ["data"],
        "properties": {
            "data": {"type": "object", "required": ["image"],
                     "properties": {"image": {"type": "string", "minLength": 1}}},
            "annotations": {"type": "array", "items": {"$ref": "#/$defs/annotation"}},
            "predictions": {"type": "array", "items": {
                "anyOf": [INTEGER, {"$ref": "#/$defs/annotation"}]}},
        },
    }
    p = project.spec.project
    return {
        "$schema": DRAFT, "$id": _id(project, "label-studio"),
        "title": f"Label Studio JSON export for {p.title} {p.version}",
        "description": f"Generated by guidec from spec {p.id} {p.version}: results of the "
                       "labeling config guidec generates (label_studio/config.xml).",
        "type": "array", "items": {"$ref": "#/$defs/task"},
        "$defs": {"task": task, "annotation": annotation, "result": result, "region": region},
    }


@TARGETS.add
class Schemas(Target):
    name = "schemas"
    description = "JSON Schemas (Draft 2020-12) of COCO and Label Studio deliveries"

    def emit(self, project: Project) -> dict[str, str | bytes]:
        return {"coco.schema.json": json_text(coco_schema(project)),
                "label-studio.schema.json": json_text(label_studio_schema(project))}
