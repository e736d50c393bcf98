"""Test helpers: specs built from dicts, and a minimal COCO -> table reader (tests only, until
guidec.readers lands)."""

from __future__ import annotations

import copy
import json

import yaml

from guidec.spec.loader import load_spec_text
from guidec.table import Shape, TableBuilder
from guidec.view import Project, resolve

BASE: dict = {
    "guidec": 1,
    "project": {"id": "p", "title": "P", "version": "1.0.0"},
    "attributes": {
        "occlusion": {"type": "enum", "values": ["none", "partial", "heavy"]},
        "count": {"type": "integer", "min": 0, "max": 10},
        "note": {"type": "text"},
    },
    "keypoint_schemas": {
        "face": {"points": ["l_eye", "r_eye", "nose"], "flip": [["l_eye", "r_eye"]],
                 "skeleton": [["l_eye", "nose"]]},
    },
    "classes": [
        {"id": 1, "name": "car", "color": "#ff0000", "hotkey": "1", "shapes": ["box", "polygon"],
         "attributes": ["occlusion", "count"], "definition": "A car.",
         "include": ["Parked cars."]},
        {"id": 2, "name": "van", "color": "#00ff00", "attributes": ["occlusion"]},
        {"id": 3, "name": "person", "keypoints": "face", "shapes": ["box", "keypoints"],
         "children": [{"id": 4, "name": "cyclist"}]},
        {"id": 5, "name": "sign", "shapes": ["box"], "text_region": {"transcription": "optional"}},
    ],
    "rules": [{"id": "min-size", "title": "Min size", "check": {"min_box_side": 8}}],
    "qa": {"agreement": {"box_iou": 0.8}},
    "exports": ["coco"],
}


def base() -> dict:
    return copy.deepcopy(BASE)


def spec_text(data: dict) -> str:
    return yaml.safe_dump(data, sort_keys=False)


def project(data: dict) -> Project:
    return resolve(load_spec_text(spec_text(data), display="spec.yaml"))


def cls(data: dict, name: str) -> dict:
    stack = list(data["classes"])
    while stack:
        c = stack.pop()
        if c["name"] == name:
            return c
        stack.extend(c.get("children", []))
    raise KeyError(name)


def read_coco(path: str):
    """Minimal COCO reader for tests: boxes, polygons, keypoints, attributes."""
    with open(path, encoding="utf-8") as fh:
        doc = json.load(fh)
    b = TableBuilder()
    f = b.add_file(path, "coco", "/annotations/{}")
    cats = {c["id"]: c for c in doc.get("categories", [])}
    b.declared_categories = {k: dict(v) for k, v in cats.items()}
    for img in doc["images"]:
        b.add_image(img["id"], img["file_name"], img.get("width"), img.get("height"),
                    src_file=f)
    for i, a in enumerate(doc["annotations"]):
        seg = a.get("segmentation")
        rings = [list(zip(s[0::2], s[1::2], strict=True)) for s in seg] \
            if isinstance(seg, list) else []
        kp = a.get("keypoints")
        shape = Shape.POLYGON if rings else (Shape.KEYPOINTS if kp else Shape.BOX)
        cat = cats.get(a["category_id"], {})
        b.add_annotation(
            image_index=b.image_index(a["image_id"]), shape=shape, label=cat.get("name"),
            label_id=a["category_id"], ann_id=a["id"], bbox=a.get("bbox"),
            area=a.get("area"), iscrowd=bool(a.get("iscrowd")), rings=rings,
            keypoints=list(zip(kp[0::3], kp[1::3], kp[2::3], strict=True)) if kp else None,
            attributes=a.get("attributes"), src_file=f, src_index=i)
    return b.build()
