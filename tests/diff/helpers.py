"""Test helpers: specs built from dicts."""

from __future__ import annotations

import copy

import yaml

from guidec.spec.loader import load_spec_text
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
