"""Label Studio JSON export (one file): a list of tasks with one annotation each.

Regions: ``rectanglelabels`` (percent units, ``rotation``), ``polygonlabels``,
``keypointlabels`` (one result per labeled point, label = point name, ``from_name``
``keypoints.<schema>`` as in guidec's Label Studio target, ``parentID`` = the instance's box),
attributes as ``choices`` / ``number`` / ``textarea`` results sharing the
region id, transcriptions as ``textarea`` named ``transcription``. ``from_name`` is ``label``
for class labels and ``<class>__<attribute>`` for attributes (the per-class controls of
guidec's Label Studio target); ``to_name`` is ``image``. Rotated boxes: Label Studio rotates
about the top-left corner, the table about the centre; converted.
"""

from __future__ import annotations

import json
import math

import numpy as np

from guidec.table import AnnotationTable, Shape
from guidec.writers import attributes_of, boxes, label_names, num

FORMAT = "label_studio"
SINGLE_FILE = True
DEFAULT_NAME = "tasks.json"


def _pct(v: float, size: float) -> float:
    return num(float(v) / size * 100.0)


def write(t: AnnotationTable, project, name: str = DEFAULT_NAME) -> dict[str, bytes]:
    names = label_names(t, project)
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
                                    "from_name": "keypoints." + cls.keypoints, "value": {
                                        "x": _pct(px, w), "y": _pct(py, h), "width": 0.5,
                                        "keypointlabels": [pname]}})
            for k, v in attributes_of(t, row).items():
                spec = project.attributes.get(k)
                if spec is not None and spec.type in ("integer", "number"):
                    res = {"type": "number", "value": {"number": v}}
                elif spec is not None and spec.type == "text":
                    res = {"type": "textarea", "value": {"text": [str(v)]}}
                else:
                    vals = v if isinstance(v, list) else [v]
                    res = {"type": "choices", "value": {
                        "choices": [("true" if x else "false") if isinstance(x, bool) else str(x)
                                    for x in vals]}}
                results.append({**base, "from_name": f"{label}__{k}", **res})
            if t.text[row] is not None:
                results.append({**base, "from_name": "transcription", "type": "textarea",
                                "value": {"text": [t.text[row]]}})
        key = im.key[img]
        task = {"id": int(key) if isinstance(key, int | np.integer) else img + 1,
                "data": {"image": str(im.file_name[img])},
                "annotations": [{"id": img + 1, "result": results}]}
        tasks.append(task)
    text = json.dumps(tasks, sort_keys=True, ensure_ascii=False, indent=1)
    return {name: (text + "\n").encode("utf-8")}
