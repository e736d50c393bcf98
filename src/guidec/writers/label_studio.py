"""Label Studio JSON export (one file): a list of tasks with one annotation each.

Regions: ``rectanglelabels`` (percent units, ``rotation``), ``polygonlabels``,
``keypointlabels`` (one result per labeled point, label = point name, ``from_name``
``keypoints.<schema>`` as in guidec's Label Studio target, ``parentID`` = the instance's box),
attributes as ``choices`` / ``number`` / ``textarea`` results sharing the region id,
transcriptions as ``textarea``. Every ``from_name`` is the name of the control of guidec's
Label Studio config for the spec written for (:func:`guidec.targets.label_studio.layout`), so
the file imports into the project ``guidec push`` made; ``to_name`` is ``image``. Rotated
boxes: Label Studio rotates about the top-left corner, the table about the centre; converted.

:func:`rewrite` (``guidec migrate`` in this format) edits the delivered export instead.
"""

from __future__ import annotations

import json
import math

import numpy as np

from guidec.table import AnnotationTable, Shape
from guidec.targets.label_studio import Layout, layout
from guidec.writers import attributes_of, boxes, label_names, num

FORMAT = "label_studio"
SINGLE_FILE = True
DEFAULT_NAME = "tasks.json"


def _pct(v: float, size: float) -> float:
    return num(float(v) / size * 100.0)


def labels_control(lay: Layout, result_type: str, label: str | None,
                   prefer: str | None = None) -> str:
    """The name of the config's labels control of ``result_type`` that offers ``label``
    (``prefer`` first, e.g. ``rotated_box`` for a turned box), else the first control of that
    type, else ``label``."""
    ctrls = [c for c in lay.labels_controls if c.result_type == result_type
             and not c.keypoint_schema]
    ctrls.sort(key=lambda c: c.name != prefer)
    for c in ctrls:
        if any(e.value == label for e in c.labels):
            return c.name
    return ctrls[0].name if ctrls else "label"  # validate says what is wrong with the shape


def attribute_result(lay: Layout, attr: str, v, project) -> dict:
    """``from_name``, ``type`` and ``value`` of a per-region attribute result."""
    ctrl = lay.attribute_control(attr)
    spec = project.attributes.get(attr)
    kind = ctrl.tag if ctrl is not None else {"integer": "Number", "number": "Number",
                                               "text": "TextArea"}.get(
        spec.type if spec is not None else "", "Choices")
    name = ctrl.name if ctrl is not None else attr
    if kind == "Number":
        return {"from_name": name, "type": "number", "value": {"number": v}}
    if kind == "TextArea":
        return {"from_name": name, "type": "textarea", "value": {"text": [str(v)]}}
    vals = v if isinstance(v, list) else [v]
    return {"from_name": name, "type": "choices", "value": {"choices": [
        ("true" if x else "false") if isinstance(x, bool) else str(x) for x in vals]}}


def _keypoints_control(lay: Layout, schema: str) -> str:
    ctrl = lay.keypoints_control(schema)
    return ctrl.name if ctrl is not None else "keypoints." + schema


def _transcription(lay: Layout) -> str:
    return next((c.name for c in lay.region_controls if c.attribute is None
                 and c.tag == "TextArea"), "transcription")


def write(t: AnnotationTable, project, name: str = DEFAULT_NAME) -> dict[str, bytes]:
    names = label_names(t, project)
    lay = layout(project)
    bb = boxes(t)
    im = t.images
    rows_of: dict[int, list[int]] = {i: [] for i in range(len(im))}
    for row, img in enumerate(t.image_index.tolist()):
        if img >= 0:
            rows_of[img].append(row)
    tasks = []
    for img, rows in rows_of.items():
        w = float(im.width[img]) if not np.isnan(im.width[img]) else None
        h = float(im.height[img]) if not np.isnan(im.height[img]) else None
        results = []
        for row in rows:
            if w is None or h is None:
                break
            rid = f"r{row}"
            base = {"id": rid, "from_name": "label", "to_name": "image",
                    "original_width": num(w), "original_height": num(h), "image_rotation": 0}
            label = names[row]
            rings = t.rings_of(row)
            kp = t.keypoints_of(row)
            if int(t.shape[row]) in (Shape.POLYGON, Shape.MASK) and rings:
                base["from_name"] = labels_control(
                    lay, "polygonlabels", label,
                    "text_region" if t.text[row] is not None else "polygon")
                results.append({**base, "type": "polygonlabels", "value": {
                    "points": [[_pct(x, w), _pct(y, h)] for x, y in rings[0]],
                    "closed": True, "polygonlabels": [label]}})
            elif not np.isnan(bb[row]).any():
                x, y, bw, bh = bb[row]
                rot = float(t.rotation[row])
                if rot:  # the table rotates about the centre, Label Studio about (x, y)
                    th = math.radians(rot)
                    cx, cy = x + bw / 2, y + bh / 2
                    x = cx - (bw / 2 * math.cos(th) - bh / 2 * math.sin(th))
                    y = cy - (bw / 2 * math.sin(th) + bh / 2 * math.cos(th))
                base["from_name"] = labels_control(
                    lay, "rectanglelabels", label, "rotated_box" if rot else "box")
                results.append({**base, "type": "rectanglelabels", "value": {
                    "x": _pct(x, w), "y": _pct(y, h), "width": _pct(bw, w),
                    "height": _pct(bh, h), "rotation": num(t.rotation[row]),
                    "rectanglelabels": [label]}})
            else:
                continue
            cls = project.by_name.get(label) if label else None
            if len(kp) and cls is not None and cls.keypoints:
                ks = project.keypoint_schemas[cls.keypoints]
                for i, (pname, (px, py, v)) in enumerate(zip(ks.points, kp, strict=False)):
                    if v <= 0:
                        continue
                    results.append({**base, "id": f"{rid}k{i}", "type": "keypointlabels",
                                    "parentID": rid,
                                    "from_name": _keypoints_control(lay, cls.keypoints),
                                    "value": {
                                        "x": _pct(px, w), "y": _pct(py, h), "width": 0.5,
                                        "keypointlabels": [pname]}})
            for k, v in attributes_of(t, row).items():
                results.append({**base, **attribute_result(lay, k, v, project)})
            if t.text[row] is not None:
                results.append({**base, "from_name": _transcription(lay), "type": "textarea",
                                "value": {"text": [t.text[row]]}})
        key = im.key[img]
        task = {"id": int(key) if isinstance(key, int | np.integer) else img + 1,
                "data": {"image": str(im.file_name[img])},
                "annotations": [{"id": img + 1, "result": results}]}
        tasks.append(task)
    text = json.dumps(tasks, sort_keys=True, ensure_ascii=False, indent=1)
    return {name: (text + "\n").encode("utf-8")}


# ---------------------------------------------------------------------------- rewrite
def _value_key(r: dict) -> str:
    t = r.get("type")
    return "text" if t == "textarea" else str(t)


def _set_attribute(r: dict, v) -> None:
    """Put a new value into an existing attribute result, in that result's own type."""
    value = r.get("value") if isinstance(r.get("value"), dict) else {}
    t = r.get("type")
    if t == "number":
        value["number"] = v
    elif t == "textarea":
        value["text"] = [str(v)]
    else:
        vals = v if isinstance(v, list) else [v]
        value[_value_key(r)] = [("true" if x else "false") if isinstance(x, bool) else str(x)
                                for x in vals]
    r["value"] = value


def _edit_annotation(results: list, edits: dict, edits_all, t: AnnotationTable) -> None:
    """Apply the row edits of one annotation (``edits``: result index -> RowEdit) to its
    ``result`` list in place."""
    from guidec.readers.label_studio import (
        GEOMETRY,
        PER_REGION,
        attribute_name,
        point_owners,
        schema_name,
    )

    old, new = edits_all.old, edits_all.new
    old_lay, new_lay = layout(old), layout(new)
    drop: set[int] = set()
    owners = None
    appended: list = []
    for ri, e in sorted(edits.items()):
        r = results[ri]
        rid = r.get("id")
        same = [i for i, x in enumerate(results) if i != ri and isinstance(x, dict)
                and rid is not None and x.get("id") == rid and x.get("type") in PER_REGION]
        if e.drop:
            if owners is None:
                owners = point_owners(results, old)
            drop.add(ri)
            drop.update(same)
            drop.update(i for i, x in enumerate(results) if isinstance(x, dict) and (
                (x.get("type") == "relation" and rid in (x.get("from_id"), x.get("to_id")))
                or (x.get("type") in GEOMETRY and x.get("id") is not None
                    and owners.get(x.get("id")) == rid)))
            continue
        if e.label is not None:
            t_ = str(r.get("type"))
            value = r.get("value")
            if isinstance(value, dict) and isinstance(value.get(t_), list) and value[t_]:
                value[t_][0] = e.label
            fn = r.get("from_name")
            ctrl = new_lay.control(fn) if isinstance(fn, str) else None
            was_ours = isinstance(fn, str) and old_lay.control(fn) is not None
            if was_ours and (ctrl is None or all(x.value != e.label for x in ctrl.labels)):
                r["from_name"] = labels_control(new_lay, t_, e.label, fn)
        by_attr = {attribute_name(str(results[i].get("from_name", "")), old): i
                   for i in same if results[i].get("type") != "textarea"
                   or attribute_name(str(results[i].get("from_name", "")), old)
                   in old.attributes}
        for k in e.del_attrs:
            if k in by_attr:
                drop.add(by_attr[k])
        for k, v in e.set_attrs.items():
            if k in by_attr:
                _set_attribute(results[by_attr[k]], v)
                continue
            res = {"id": rid, **attribute_result(new_lay, k, v, new),
                   "to_name": r.get("to_name", new_lay.object_name)}
            for key in ("original_width", "original_height", "image_rotation"):
                if key in r:
                    res[key] = r[key]
            appended.append((ri, res))
    # points the new schemas no longer have go, wherever they are
    for i, x in enumerate(results):
        if isinstance(x, dict) and x.get("type") == "keypointlabels" and str(
                x.get("from_name", "")).startswith("keypoints."):
            schema = schema_name(str(x["from_name"]), old) or str(x["from_name"])[
                len("keypoints."):]
            gone = edits_all.removed_points(schema)
            labels = x.get("value", {}).get("keypointlabels") if isinstance(
                x.get("value"), dict) else None
            if gone and isinstance(labels, list) and labels and labels[0] in gone:
                drop.add(i)
    kept = [x for i, x in enumerate(results) if i not in drop]
    # new attribute results go right after their region's last result
    for ri, res in reversed(appended):
        anchor = results[ri]
        pos = max(i for i, x in enumerate(kept) if x is anchor or (
            isinstance(x, dict) and x.get("id") == anchor.get("id"))) + 1
        kept.insert(pos, res)
    results[:] = kept


def rewrite(t: AnnotationTable, edits, source) -> dict[str, bytes]:
    """The delivered export with only the edits applied: region labels (and the labels
    control, when the new config offers the class in another one), attribute results,
    dropped regions with their attributes, relations and points, and points the new keypoint
    schemas no longer have. Task ids, ``data`` (the split's ``group_by`` key included),
    ``meta``, predictions, other annotators, region ids, image-level results and every field
    the map does not speak of are carried through."""
    from guidec.writers import _json

    out: dict[str, bytes] = {}
    for fi, sf in enumerate(t.files):
        data = source(sf.path)
        doc = _json.load(data, sf.path)
        per_annotation: dict[str, dict] = {}
        for r, e in edits.of_file(t, fi).items():
            pointer = t.location(r)[2]
            if not pointer or "/result/" not in pointer:
                continue
            head, _, index = pointer.rpartition("/result/")
            per_annotation.setdefault(head, {})[int(index)] = e
        heads = set(per_annotation)
        if edits.mapping.get("keypoints"):  # removed points: every annotation
            tasks = [doc] if isinstance(doc, dict) else doc if isinstance(doc, list) else []
            for ti, task in enumerate(tasks):
                anns = task.get("annotations") if isinstance(task, dict) else None
                for ai in range(len(anns) if isinstance(anns, list) else 0):
                    heads.add(f"{'' if isinstance(doc, dict) else f'/{ti}'}/annotations/{ai}")
        for head in sorted(heads):
            ann = _json.get(doc, head) if head else doc
            results = ann.get("result") if isinstance(ann, dict) else None
            if isinstance(results, list):
                _edit_annotation(results, per_annotation.get(head, {}), edits, t)
        out[sf.path] = _json.dump(doc, data)
    return out
