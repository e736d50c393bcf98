"""The train2017-scale benchmark delivery and the spec it is validated against.

    python benchmarks/coco_fixture.py OUT.json [--images N] [--annotations N] [--seed 0]

Uses ``gen_coco.generate`` (the readers' generator) and then makes every clean annotation
self-consistent, as a real export is: the box is the bounds of the polygon (or of the crowd
mask), ``area`` is the polygon's (or the crowd mask's) area. Without that, the synthetic file
would carry ~520,000 box/polygon and area mismatches (V205, V206) and ~8,600 crowd boxes that
are not their masks' bounds (V211) on top of its 25 injected defects. The
injected defects are left exactly as the generator made them. Also writes OUT.spec.yaml: 80
classes with the file's category ids and names, its three attributes, and spec rules with
machine checks so that every rule family runs.
"""

from __future__ import annotations

import argparse
import os
import sys

import numpy as np
import orjson
import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_coco

from guidec import masks


def consistent(doc: dict, defects: dict) -> None:
    import shapely

    kind = {d["index"]: k for k, ds in defects.items() for d in ds}
    anns = doc["annotations"]
    # Star polygons rounded to 2 decimals occasionally cross themselves: use the hull there.
    rings = [(i, j) for i, a in enumerate(anns) if i not in kind
             and isinstance(a.get("segmentation"), list) for j in range(len(a["segmentation"]))]
    polys = np.array([shapely.Polygon(np.asarray(anns[i]["segmentation"][j]).reshape(-1, 2))
                      for i, j in rings], dtype=object)
    for k in np.flatnonzero(~shapely.is_valid(polys)):
        i, j = rings[k]
        hull = np.asarray(shapely.convex_hull(polys[k]).exterior.coords)[:-1]
        anns[i]["segmentation"][j] = np.round(hull, 2).ravel().tolist()
    for i, a in enumerate(anns):
        k = kind.get(i)
        if k in ("box-outside-image", "negative-width"):
            # keep the box defect alone: no polygon to disagree with, no area to mismatch
            a["segmentation"] = []
            a["iscrowd"] = 0
            a.pop("area", None)
            continue
        if k == "bow-tie":
            continue
        seg = a.get("segmentation")
        if isinstance(seg, list) and seg:
            xs = np.concatenate([np.asarray(r[0::2]) for r in seg])
            ys = np.concatenate([np.asarray(r[1::2]) for r in seg])
            x0, y0 = float(xs.min()), float(ys.min())
            a["bbox"] = [x0, y0, round(float(xs.max()) - x0, 2), round(float(ys.max()) - y0, 2)]
            area = 0.0
            for r in seg:
                x, y = np.asarray(r[0::2]), np.asarray(r[1::2])
                area += 0.5 * abs(float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))))
            a["area"] = round(area, 2)
        elif isinstance(seg, dict):  # a crowd mask: its box is the mask's bounds, as exported
            a["area"] = int(sum(seg["counts"][1::2]))
            a["bbox"] = list(masks.bounds(seg))


def spec(doc: dict) -> dict:
    return {
        "guidec": 1,
        "project": {"id": "coco-bench", "title": "COCO-scale benchmark", "version": "1.0.0"},
        "attributes": {
            "occluded": {"type": "bool"},
            "truncated": {"type": "bool"},
            "color": {"type": "enum", "values": gen_coco.COLORS},
        },
        "classes": [{"id": c["id"], "name": c["name"], "shapes": ["box", "polygon"],
                     "attributes": ["occluded", "truncated", "color"]}
                    for c in doc["categories"]],
        "rules": [
            {"id": "min-size", "title": "Boxes of at least 1 px", "applies_to": ["*"],
             "check": {"min_box_side": 1, "max_aspect_ratio": 100}},
            {"id": "no-duplicates", "title": "One box per object", "applies_to": ["*"],
             "check": {"max_iou_same_class": 0.98}},
            {"id": "crowded", "title": "At most 300 per image", "applies_to": ["*"],
             "check": {"max_per_image": 300, "max_vertices": 200}},
            {"id": "color-known", "title": "Colour is set", "applies_to": ["*"],
             "check": {"attribute": "color", "not_in": ["unknown"]}},
        ],
    }


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("out")
    p.add_argument("--images", type=int, default=118_287)
    p.add_argument("--annotations", type=int, default=860_001)
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args(argv)
    doc, defects = gen_coco.generate(a.images, a.annotations, a.seed)
    consistent(doc, defects)
    base = os.path.splitext(a.out)[0]
    with open(a.out, "wb") as fh:
        fh.write(orjson.dumps(doc))
    with open(base + ".defects.json", "wb") as fh:
        fh.write(orjson.dumps(defects, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS))
    with open(base + ".spec.yaml", "w", encoding="utf-8") as fh:
        yaml.safe_dump(spec(doc), fh, sort_keys=False)
    print(f"{a.out}: {os.path.getsize(a.out):,} bytes", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
