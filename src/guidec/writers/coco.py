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
    meta = [(k[5:], v) for k, v in sorted(im.attributes.items())
            if k.startswith("data.") and k[5:] not in ("id", "file_name", "width", "height")]
    for i in range(len(im)):
        entry = {"id": img_ids[i], "file_name": im.file_name[i]}
        if not np.isnan(im.width[i]):
            entry["width"] = num(im.width[i])
        if not np.isnan(im.height[i]):
            entry["height"] = num(im.height[i])
        for name, col in meta:  # the image's metadata (data.<key>), as it was read
            if col[i] is not None:
                entry[name] = col[i]
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
            ann["caption"] = t.text[row]  # what the COCO reader reads back as the text
        anns.append(ann)
    return {"images": images, "annotations": anns, "categories": cats}


def write(t: AnnotationTable, project, name: str = DEFAULT_NAME) -> dict[str, bytes]:
    doc = build(t, project)
    text = json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return {name: (text + "\n").encode("utf-8")}


# ---------------------------------------------------------------------------- rewrite
def _category(project, c) -> dict:
    cat = {"id": c.id, "name": c.name, "supercategory": c.category or ""}
    if c.keypoints:
        ks = project.keypoint_schemas[c.keypoints]
        cat["keypoints"] = list(ks.points)
        cat["skeleton"] = [[a + 1, b + 1] for a, b in ks.skeleton]
    return cat


def rewrite_categories(cats: list, edits) -> list:
    """The delivered categories under the new spec: each one that names an old class takes
    its new class's id and name (its other fields stay), a retired class's category goes, two
    that merged become one, keypoint names and skeleton follow a changed schema, and the
    classes new in this version are appended. Categories the old spec does not know stay."""
    old, new = edits.old, edits.new
    out: list = []
    seen: set[int] = set()
    for cat in cats:
        if not isinstance(cat, dict):
            out.append(cat)
            continue
        name = cat.get("name") if isinstance(cat.get("name"), str) else None
        oc = old.lookup(name) if name is not None else (
            old.by_id.get(cat.get("id")) if type(cat.get("id")) is int else None)
        if oc is None:
            out.append(cat)
            continue
        to = edits.dest.get(oc.name)
        if to is None:
            continue  # retired: its annotations are dropped
        nc = new.by_name[to]
        if nc.id in seen:
            continue  # merged into a category already written
        seen.add(nc.id)
        cat = dict(cat)
        cat["id"] = nc.id
        if new.lookup(name or "") is not nc or oc.name != nc.name:
            cat["name"] = nc.name
        if nc.keypoints and "keypoints" in cat and edits.mapping.get("keypoints", {}).get(
                nc.keypoints, {}).get("permutation") not in (None, list(range(len(
                    new.keypoint_schemas[nc.keypoints].points)))):
            fresh = _category(new, nc)
            cat["keypoints"], cat["skeleton"] = fresh["keypoints"], fresh["skeleton"]
        out.append(cat)
    wanted = list(edits.new_classes) + [e.cls for e in edits.rows.values()
                                         if e.cls and not e.drop]
    for name in wanted:
        c = new.by_name.get(name)
        if c is not None and c.id not in seen and not c.deprecated:
            seen.add(c.id)
            out.append(_category(new, c))
    return out


def apply_rows(doc, t: AnnotationTable, fi: int, edits) -> None:
    """Apply the row edits of file ``fi`` to the COCO-shaped objects its rows' pointers name:
    ``category_id``, the ``attributes`` object, ``keypoints`` and ``num_keypoints``; dropped
    rows are deleted."""
    from guidec.writers import _json

    drop = []
    for r, e in edits.of_file(t, fi).items():
        pointer = t.location(r)[2]
        obj = _json.get(doc, pointer) if pointer else None
        if not isinstance(obj, dict):
            continue
        if e.drop:
            drop.append(pointer)
            continue
        if e.label_id is not None and "category_id" in obj:
            obj["category_id"] = e.label_id
        if e.set_attrs or e.del_attrs:
            attrs = obj.get("attributes")
            attrs = dict(attrs) if isinstance(attrs, dict) else {}
            for k in e.del_attrs:
                attrs.pop(k, None)
            attrs.update(e.set_attrs)
            if attrs or "attributes" in obj:
                obj["attributes"] = attrs
        if e.kp is not None and "keypoints" in obj:
            obj["keypoints"] = [num(v) for v in e.kp.ravel()]
            if "num_keypoints" in obj:
                obj["num_keypoints"] = int((e.kp[:, 2] > 0).sum())
    _json.delete(doc, drop)


def rewrite(t: AnnotationTable, edits, source) -> dict[str, bytes]:
    """The delivered COCO files (instances, keypoints, panoptic) with only the edits applied;
    ``source(path)`` gives a file's bytes. Images, info, licenses, ids, order and every field
    the map does not speak of are carried through."""
    from guidec.writers import _json

    out: dict[str, bytes] = {}
    for fi, sf in enumerate(t.files):
        data = source(sf.path)
        doc = _json.load(data, sf.path)
        if isinstance(doc, dict):
            apply_rows(doc, t, fi, edits)
            if isinstance(doc.get("categories"), list):
                doc["categories"] = rewrite_categories(doc["categories"], edits)
        out[sf.path] = _json.dump(doc, data)
    return out
