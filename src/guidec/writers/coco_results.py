"""pycocotools results: a JSON list of ``{image_id, category_id, bbox | segmentation |
keypoints, score}`` (the inverse of :mod:`guidec.readers.coco_results`)."""

from __future__ import annotations

import json

import numpy as np

from guidec.table import AnnotationTable, Shape
from guidec.writers import boxes, label_ids, num

FORMAT = "coco_results"
SINGLE_FILE = True
DEFAULT_NAME = "results.json"


def write(t: AnnotationTable, project, name: str = DEFAULT_NAME) -> dict[str, bytes]:
    ids = label_ids(t, project)
    bb = boxes(t)
    keys = t.images.key.tolist()
    out = []
    for row in range(len(t)):
        ii = int(t.image_index[row])
        item = {"image_id": keys[ii] if ii >= 0 else None, "category_id": int(ids[row])}
        if not np.isnan(bb[row]).any():
            item["bbox"] = [num(v) for v in bb[row]]
        rings = t.rings_of(row)
        if t.rle[row] is not None:
            item["segmentation"] = t.rle[row]
        elif rings and t.shape[row] == Shape.POLYGON:
            item["segmentation"] = [[num(v) for v in r.ravel()] for r in rings]
        kp = t.keypoints_of(row)
        if len(kp):
            item["keypoints"] = [num(v) for v in kp.ravel()]
        if t.score is not None and not np.isnan(t.score[row]):
            item["score"] = num(t.score[row])
        out.append(item)
    text = json.dumps(out, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return {name: (text + "\n").encode("utf-8")}


def rewrite(t: AnnotationTable, edits, source) -> dict[str, bytes]:
    """The delivered results list with only the edits applied (``category_id``, keypoints,
    dropped entries); scores, ids and every other field are carried through."""
    from guidec.writers import _json
    from guidec.writers.coco import apply_rows

    out: dict[str, bytes] = {}
    for fi, sf in enumerate(t.files):
        data = source(sf.path)
        doc = _json.load(data, sf.path)
        apply_rows(doc, t, fi, edits)
        out[sf.path] = _json.dump(doc, data)
    return out
