"""COCO instances / keypoints JSON (one file)."""

from __future__ import annotations

import json

import numpy as np

from guidec.labels import resolve_labels
from guidec.table import AnnotationTable, Shape
from guidec.writers import attributes_of, boxes, label_ids, num

FORMAT = "coco"
SINGLE_FILE = True
DEFAULT_NAME = "annotations.json"


def _image_ids(t: AnnotationTable) -> list[int]:
    keys = t.images.key.tolist()
    try:
        ids = [int(k) for k in keys]
        if len(set(ids)) == len(ids):
            return ids
    except (TypeError, ValueError):
        pass
    return list(range(1, len(keys) + 1))


def categories(project) -> list[dict]:
    out = []
    for c in project.classes:
        cat = {"id": c.id, "name": c.name, "supercategory": c.category or ""}
        if c.keypoints:
            ks = project.keypoint_schemas[c.keypoints]
            cat["keypoints"] = list(ks.points)
            cat["skeleton"] = [[a + 1, b + 1] for a, b in ks.skeleton]
        out.append(cat)
    return sorted(out, key=lambda c: c["id"])


def _categories_and_ids(t: AnnotationTable, project) -> tuple[list[dict], np.ndarray]:
    """The spec's categories and a category id per row. A label the spec does not know keeps
    its name in a category of its own, numbered after every id in use, so that reading the
    file back gives the same unknown label instead of the spec class its old id may name."""
    res = resolve_labels(t, project)
    ids = label_ids(t, project, res)
    cats = categories(project)
    unknown = (res.cls < 0) & ~np.equal(t.label, None)
    if unknown.any():
        text = t.label.astype(str)
        nxt = max([c["id"] for c in cats] + ids.tolist() + [0]) + 1
        for name in sorted(set(text[unknown].tolist())):
            cats.append({"id": nxt, "name": name, "supercategory": ""})
            ids[unknown & (text == name)] = nxt
            nxt += 1
    return cats, ids


def build(t: AnnotationTable, project) -> dict:
    img_ids = _image_ids(t)
    im = t.images
    images = []
    for i in range(len(im)):
        entry = {"id": img_ids[i], "file_name": im.file_name[i]}
        if not np.isnan(im.width[i]):
            entry["width"] = num(im.width[i])
        if not np.isnan(im.height[i]):
            entry["height"] = num(im.height[i])
        images.append(entry)
    bb = boxes(t)
    cats, ids = _categories_and_ids(t, project)
    used_ids = set()
    for a in t.ann_id.tolist():
        if isinstance(a, int) and not isinstance(a, bool):
            used_ids.add(a)
    next_id = max(used_ids, default=0) + 1
    anns = []
    for row in range(len(t)):
        aid = t.ann_id[row]
        if not (isinstance(aid, int | np.integer) and not isinstance(aid, bool)):
            aid, next_id = next_id, next_id + 1
        ii = int(t.image_index[row])
        ann = {"id": int(aid), "image_id": img_ids[ii] if ii >= 0 else -1,
               "category_id": int(ids[row]), "iscrowd": int(bool(t.iscrowd[row]))}
        if not np.isnan(bb[row]).any():
            ann["bbox"] = [num(v) for v in bb[row]]
        rle = t.rle[row]
        rings = t.rings_of(row)
        if rle is not None:
            ann["segmentation"] = rle
        elif rings and t.shape[row] in (Shape.POLYGON, Shape.MASK):
            ann["segmentation"] = [[num(v) for v in r.ravel()] for r in rings]
        kp = t.keypoints_of(row)
        if len(kp) or t.shape[row] == Shape.KEYPOINTS:
            ann["keypoints"] = [num(v) for v in kp.ravel()]
            ann["num_keypoints"] = int((kp[:, 2] > 0).sum()) if len(kp) else 0
        area = t.area[row]
        if np.isnan(area) and "bbox" in ann:
            area = bb[row][2] * bb[row][3]
        if not np.isnan(area):
            ann["area"] = num(area)
        attrs = attributes_of(t, row)
        if t.rotation[row]:  # CVAT's COCO convention for rotated boxes
            attrs["rotation"] = num(t.rotation[row])
        if attrs:
            ann["attributes"] = attrs
        if t.text[row] is not None:
            ann["text"] = t.text[row]
        anns.append(ann)
    return {"images": images, "annotations": anns, "categories": cats}


def write(t: AnnotationTable, project, name: str = DEFAULT_NAME) -> dict[str, bytes]:
    doc = build(t, project)
    text = json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return {name: (text + "\n").encode("utf-8")}
