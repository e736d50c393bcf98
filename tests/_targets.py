"""Test support for targets: specs from data, sample deliveries made for a spec, and the
Label Studio virtual environment (the real SDK and server run there, not in guidec's venv)."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from guidec.spec.loader import load_spec_text
from guidec.targets._common import (
    TRANSCRIPTION,
    class_attributes,
    image_attributes,
    number_range,
    text_region_of,
    transcription_mode,
)
from guidec.targets.label_studio import layout
from guidec.view import Project, resolve

ROOT = Path(__file__).resolve().parent.parent


def project_from(data: dict, folder: str | None = None) -> Project:
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    return resolve(load_spec_text(text, display="spec.yaml", folder=folder))


def minimal(classes: list[dict], **extra) -> dict:
    return {"guidec": 1, "project": {"id": "t", "title": "Test", "version": "1.0.0"},
            "classes": classes, **extra}


# --------------------------------------------------------------------------- sample values
TEXT_CANDIDATES = ["1.99", "A1", "abc", "x", "0", "OK", "12,50 €", "hello world", "a" * 20]


def text_value(pattern: str | None, min_length: int | None = None,
               max_length: int | None = None) -> str | None:
    for cand in TEXT_CANDIDATES:
        if pattern is not None and not re.search(pattern, cand):
            continue
        if min_length is not None and len(cand) < min_length:
            continue
        if max_length is not None and len(cand) > max_length:
            continue
        return cand
    return None


def attribute_value(a):
    """A valid delivery value for an attribute, or None when none can be made."""
    if a.type == "enum":
        first = a.value_names[0]
        return [first] if a.multiple else first
    if a.type == "bool":
        return True
    if a.type in ("integer", "number"):
        r = number_range(a)
        v = r.min if a.min is not None else (a.max if a.max is not None else 0)
        return int(v) if a.type == "integer" else float(v)
    return text_value(a.pattern, a.min_length, a.max_length)


def sample_attributes(project: Project, c) -> dict:
    out = {}
    for name, a in class_attributes(project, c):
        v = attribute_value(a)
        if v is not None:
            out[name] = v
    if transcription_mode(project, c):
        tr = text_region_of(c)
        out[TRANSCRIPTION] = tr.illegible if tr is not None and tr.illegible else (
            text_value(getattr(project.attributes.get(TRANSCRIPTION), "pattern", None)) or "x")
    return out


def sample_coco(project: Project) -> dict:
    """A COCO delivery made for the spec: one annotation per active class."""
    image = {"id": 1, "file_name": "a.jpg", "width": 640, "height": 480}
    img_attrs = {n: attribute_value(a) for n, a in image_attributes(project)}
    img_attrs = {k: v for k, v in img_attrs.items() if v is not None}
    if img_attrs:
        image["attributes"] = img_attrs
    anns = []
    for i, c in enumerate(sorted(project.active_classes, key=lambda c: c.id)):
        ann = {"id": i + 1, "image_id": 1, "category_id": c.id, "bbox": [10, 10, 50, 40],
               "area": 2000.0, "iscrowd": 0, "segmentation": [[10, 10, 60, 10, 60, 50]],
               "attributes": sample_attributes(project, c)}
        if c.keypoints and "keypoints" in c.shapes:
            ks = project.keypoint_schemas[c.keypoints]
            k = len(ks.points)
            ann["keypoints"] = [20, 20, 1 if ks.visibility == "binary" else 2] * k
            ann["num_keypoints"] = k
        anns.append(ann)
    from guidec.targets.coco import categories

    return {"images": [image], "annotations": anns, "categories": categories(project)}


GEOMETRY_VALUES = {
    "rectanglelabels": {"x": 10, "y": 10, "width": 20, "height": 20, "rotation": 0},
    "polygonlabels": {"points": [[10, 10], [20, 10], [20, 20]], "closed": True},
    "brushlabels": {"format": "rle", "rle": [0, 1, 2]},
    "vectorlabels": {"vertices": [{"x": 1, "y": 1}, {"x": 2, "y": 2}], "closed": False},
    "keypointlabels": {"x": 10, "y": 10, "width": 0.5},
}


def sample_ls_export(project: Project) -> list:
    """A Label Studio export made with the generated config: every label and control used."""
    lay = layout(project)
    results = []
    n = 0
    for ctrl in lay.labels_controls:
        for entry in ctrl.labels:
            n += 1
            value = dict(GEOMETRY_VALUES[ctrl.result_type])
            value[ctrl.result_type] = [entry.value]
            results.append({"id": f"r{n}", "from_name": ctrl.name, "to_name": "image",
                            "type": ctrl.result_type, "origin": "manual",
                            "original_width": 640, "original_height": 480, "value": value})
    for ctrl in [*lay.region_controls, *lay.image_controls]:
        if ctrl.tag == "Choices":
            value = {"choices": [ctrl.choices[0]]}
        elif ctrl.tag == "Number":
            value = {"number": ctrl.number[0]}
        else:
            value = {"text": ["###"]}
        results.append({"id": "r1", "from_name": ctrl.name, "to_name": "image",
                        "type": ctrl.result_type, "value": value})
    return [{"id": 1, "data": {"image": "/data/local-files/?d=a.jpg"},
             "annotations": [{"id": 1, "completed_by": 1, "was_cancelled": False,
                              "result": results}],
             "predictions": [], "drafts": [], "meta": {}, "project": 1}]


# --------------------------------------------------------------------------- Label Studio venv
def ls_venv() -> Path | None:
    """The virtual environment with label-studio (GUIDEC_LS_VENV, else .venv-ls in the repo)."""
    cand = os.environ.get("GUIDEC_LS_VENV")
    for p in ([Path(cand)] if cand else []) + [ROOT / ".venv-ls"]:
        if (p / "bin" / "label-studio").exists() and (p / "bin" / "python").exists():
            return p
    return None


def need_ls_venv() -> Path:
    venv = ls_venv()
    if venv is None:
        msg = ("Label Studio venv not found (set GUIDEC_LS_VENV or run "
               ".ci/setup.d/20-label-studio.sh)")
        if os.environ.get("CI") == "true":
            pytest.fail(msg)
        pytest.skip(msg)
    return venv


def run_in_ls(venv: Path, script: str, stdin: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items()
           if k not in ("HOST", "PORT", "USERNAME", "PASSWORD", "USER_TOKEN")}
    env.update(LATEST_VERSION_CHECK="false", COLLECT_ANALYTICS="false", SENTRY_DSN="",
               FRONTEND_SENTRY_DSN="")
    return subprocess.run([str(venv / "bin" / "python"), "-c", script], input=stdin,
                          capture_output=True, text=True, env=env, timeout=300)


def kitchen_sink() -> dict:
    """A spec exercising every shape kind, attribute type, scope and awkward class name."""
    return minimal(
        [
            {"id": 1, "name": 'Truck "w/Box" & <trailer>', "color": "#112233", "hotkey": "t",
             "shapes": ["box", "rotated_box"], "attributes": ["occlusion", "doors", "parked"],
             "children": [{"id": 2, "name": "truck.small", "hotkey": "s"}]},
            {"id": 3, "name": "person", "shapes": ["keypoints"], "keypoints": "body",
             "attributes": ["pose_note"]},
            {"id": 4, "name": "road", "shapes": ["mask", "polygon"], "instances": False},
            {"id": 5, "name": "lane", "shapes": ["polyline"], "attributes": ["lane_kind"]},
            {"id": 6, "name": "sign text", "shapes": ["text_region"],
             "text_region": {"transcription": "required", "alphabet": "ABC0123456789 "}},
            {"id": 7, "name": "spot", "shapes": ["points"], "attributes": ["score"]},
            {"id": 8, "name": "old_truck", "deprecated": True, "replaced_by": "truck.small"},
        ],
        attributes={
            "occlusion": {"type": "enum", "values": ["none", "partial", "heavy"],
                          "required": True},
            "doors": {"type": "integer", "min": 0, "max": 6},
            "parked": {"type": "bool", "default": False},
            "lane_kind": {"type": "enum", "multiple": True, "values": ["solid", "dashed"]},
            "pose_note": {"type": "text", "max_length": 20},
            "score": {"type": "number", "min": 0, "max": 1, "step": 0.25},
            "weather": {"type": "enum", "scope": "image", "values": ["sun", "rain"],
                        "required": True},
            "box": {"type": "text", "scope": "image"},
        },
        keypoint_schemas={"body": {"points": ["head", "left_hand", "right_hand"],
                                   "skeleton": [["head", "left_hand"], ["head", "right_hand"]],
                                   "flip": [["left_hand", "right_hand"]]}},
    )


def big_taxonomy(n: int, attributes: bool = True) -> dict:
    """``n`` classes under 10 roots, a few shared attributes; the benchmark's spec too."""
    classes = []
    for r in range(10):
        children = [{"id": 1000 + r * n + i, "name": f"sku_{r}_{i:05d}",
                     "title": f"SKU {r}/{i}"} for i in range(n // 10 - 1)]
        classes.append({"id": r + 1, "name": f"group_{r}", "shapes": ["box", "polygon"],
                        "hotkey": str(r),
                        **({"attributes": ["occlusion", "facings"]} if attributes else {}),
                        "children": children})
    return minimal(classes, attributes={
        "occlusion": {"type": "enum", "values": ["none", "partial", "heavy"], "required": True},
        "facings": {"type": "integer", "min": 1, "max": 48},
    })


def users_names() -> dict:
    """A spec named as users' tools name things: CVAT attributes with spaces and punctuation,
    CVAT's default skeleton points ``1``, ``2``, ``3``, mmpose points, names that collide once
    made into identifiers, non-Latin scripts."""
    return minimal(
        [
            {"id": 1, "name": "Leaf", "shapes": ["box", "polygon"],
             "attributes": ["Leaf Color", "Leaf Area Affected(%)", "leaf color", "Leaf-Color",
                            "1st pass", "葉の色", "a,b", 'quote "q" & <x>'],
             "children": [{"id": 2, "name": "Leaf (young)"}]},
            {"id": 3, "name": "hand", "shapes": ["keypoints"], "keypoints": "CVAT skeleton"},
            {"id": 4, "name": "person", "shapes": ["keypoints"], "keypoints": "mmpose body",
             "attributes": ["Leaf Color"]},
        ],
        attributes={
            "Leaf Color": {"type": "enum", "values": ["green", "yellow", "brown spots"],
                           "required": True},
            "Leaf Area Affected(%)": {"type": "number", "min": 0, "max": 100},
            "leaf color": {"type": "text"},
            "Leaf-Color": {"type": "bool"},
            "1st pass": {"type": "integer", "min": 0, "max": 3},
            "葉の色": {"type": "enum", "values": ["緑", "黄"]},
            "a,b": {"type": "enum", "values": ["x", "y"], "when": {"Leaf Color": ["yellow"]}},
            'quote "q" & <x>': {"type": "text"},
            "Time of Day": {"type": "enum", "scope": "image", "values": ["day", "night"]},
        },
        keypoint_schemas={
            "CVAT skeleton": {"points": ["1", "2", "3"], "skeleton": [["1", "2"], ["2", "3"]]},
            "mmpose body": {"points": ["root (pelvis)", "Left Shoulder", "Right Shoulder"],
                            "skeleton": [["root (pelvis)", "Left Shoulder"],
                                         ["root (pelvis)", "Right Shoulder"]],
                            "flip": [["Left Shoulder", "Right Shoulder"]]},
        },
    )
