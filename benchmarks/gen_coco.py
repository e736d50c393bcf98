"""Generate a COCO instances file at train2017 scale, deterministically (seeded).

    python benchmarks/gen_coco.py OUT.json [--images 118287] [--annotations 860001] [--seed 0]

Shape of the data (as in the real train2017 file): 80 categories with the real gappy ids
(1..90), ~60 % of annotations with polygons (one ring, a few with two; ~20 vertices per
ring, star-shaped so valid), ~1 % crowd annotations with uncompressed RLE whose counts sum to
h*w, the rest boxes only; every annotation has an ``attributes`` object (occluded, truncated,
colour) as CVAT's COCO export writes. 25 defects are injected, 5 of each: box outside the
image, negative width, unknown category, bow-tie (self-intersecting) polygon, duplicate id;
their annotation ids go to OUT.defects.json. Never commit the output (it is ~300 MB).
"""

from __future__ import annotations

import argparse
import os
import sys

import numpy as np
import orjson

# COCO's 80 category ids (gaps at 12, 26, 29, 30, 45, 66, 68, 69, 71, 83 and above 90)
CAT_IDS = [i for i in range(1, 91) if i not in {12, 26, 29, 30, 45, 66, 68, 69, 71, 83}]
SIZES = [(640, 480), (640, 427), (480, 640), (500, 375), (640, 360), (427, 640), (612, 612)]
COLORS = ["red", "green", "blue", "black", "white", "other"]


def generate(n_images: int, n_anns: int, seed: int) -> tuple[dict, dict]:
    rng = np.random.default_rng(seed)
    size_idx = rng.integers(0, len(SIZES), n_images)
    wh = np.array(SIZES, dtype=np.int64)[size_idx]
    images = [{"id": int(i + 1), "file_name": f"{i + 1:012d}.jpg", "width": int(w),
               "height": int(h), "license": 1, "coco_url": "", "date_captured": ""}
              for i, (w, h) in enumerate(wh.tolist())]
    categories = [{"id": c, "name": f"class_{c}", "supercategory": f"super_{c // 10}"}
                  for c in CAT_IDS]

    img = rng.integers(0, n_images, n_anns)
    W, H = wh[img, 0].astype(float), wh[img, 1].astype(float)
    bw = np.maximum(2.0, np.round(rng.uniform(0.02, 0.5, n_anns) * W, 2))
    bh = np.maximum(2.0, np.round(rng.uniform(0.02, 0.5, n_anns) * H, 2))
    bx = np.round(rng.uniform(0, 1, n_anns) * (W - bw), 2)
    by = np.round(rng.uniform(0, 1, n_anns) * (H - bh), 2)
    cat = np.array(CAT_IDS)[rng.integers(0, len(CAT_IDS), n_anns)]
    kind = rng.uniform(0, 1, n_anns)  # < 0.60 polygon, < 0.6098 crowd RLE, else box only
    occluded = rng.uniform(0, 1, n_anns) < 0.3
    truncated = rng.uniform(0, 1, n_anns) < 0.1
    color = rng.integers(0, len(COLORS), n_anns)

    anns = []
    nverts = rng.integers(8, 33, n_anns)  # ~20 vertices per ring
    tworing = rng.uniform(0, 1, n_anns) < 0.05
    for i in range(n_anns):
        x, y, w, h = float(bx[i]), float(by[i]), float(bw[i]), float(bh[i])
        a = {"id": i + 1, "image_id": int(img[i]) + 1, "category_id": int(cat[i]),
             "iscrowd": 0, "bbox": [x, y, w, h], "area": round(w * h * 0.7, 2),
             "attributes": {"occluded": bool(occluded[i]), "truncated": bool(truncated[i]),
                            "color": COLORS[color[i]]}}
        k = kind[i]
        if k < 0.60:
            rings = [_star(rng, x, y, w, h, int(nverts[i]))]
            if tworing[i]:
                rings.append(_star(rng, x, y, w / 2, h / 2, 8))
            a["segmentation"] = rings
        elif k < 0.6098:
            hh, ww = int(H[i]), int(W[i])
            a["iscrowd"] = 1
            a["segmentation"] = {"counts": _rle(rng, hh * ww), "size": [hh, ww]}
        else:
            a["segmentation"] = []
        anns.append(a)

    defects: dict[str, list] = {}
    pick = rng.choice(n_anns, 25, replace=False).tolist()
    for j, i in enumerate(pick):
        a = anns[i]
        kind_ = ["box-outside-image", "negative-width", "unknown-category", "bow-tie",
                 "duplicate-id"][j // 5]
        W_ = images[a["image_id"] - 1]["width"]
        if kind_ == "box-outside-image":
            a["bbox"][0] = W_ - a["bbox"][2] / 2
        elif kind_ == "negative-width":
            a["bbox"][2] = -a["bbox"][2]
        elif kind_ == "unknown-category":
            a["category_id"] = 12
        elif kind_ == "bow-tie":
            x, y, w, h = a["bbox"]
            a["segmentation"] = [[x, y, x + w, y + h, x + w, y, x, y + h]]
            a["iscrowd"] = 0
        else:
            a["id"] = anns[(i + 1) % n_anns]["id"]
        defects.setdefault(kind_, []).append({"index": i, "id": a["id"]})
    return {"info": {"description": "guidec synthetic train2017-scale", "version": "1.0"},
            "licenses": [{"id": 1, "name": "CC BY 4.0", "url": ""}],
            "images": images, "annotations": anns, "categories": categories}, defects


def _star(rng, x, y, w, h, n) -> list[float]:
    ang = np.sort(rng.uniform(0, 2 * np.pi, n))
    r = rng.uniform(0.5, 1.0, n)
    cx, cy = x + w / 2, y + h / 2
    px = np.round(cx + np.cos(ang) * r * w / 2, 2)
    py = np.round(cy + np.sin(ang) * r * h / 2, 2)
    return np.column_stack([px, py]).ravel().tolist()


def _rle(rng, total: int) -> list[int]:
    n = int(rng.integers(10, 60)) * 2
    cuts = np.sort(rng.choice(total - 1, n - 1, replace=False) + 1)
    runs = np.diff(np.concatenate([[0], cuts, [total]]))
    return runs.tolist()


def spec_yaml() -> str:
    """A guidec spec matching the generated file (for `guidec validate --spec`)."""
    lines = ["guidec: 1", "project:", "  id: bench-train2017", "  title: Benchmark",
             "  version: 1.0.0", "attributes:",
             "  occluded: {type: bool}", "  truncated: {type: bool}",
             "  color:", "    type: enum", "    values: [" + ", ".join(COLORS) + "]",
             "classes:"]
    for c in CAT_IDS:
        lines += [f"  - id: {c}", f"    name: class_{c}", "    shapes: [box, polygon, mask]",
                  "    attributes: [occluded, truncated, color]"]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("out")
    p.add_argument("--images", type=int, default=118_287)
    p.add_argument("--annotations", type=int, default=860_001)
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args(argv)
    doc, defects = generate(a.images, a.annotations, a.seed)
    data = orjson.dumps(doc)
    tmp = a.out + ".tmp"
    with open(tmp, "wb") as fh:
        fh.write(data)
    os.replace(tmp, a.out)
    with open(os.path.splitext(a.out)[0] + ".defects.json", "wb") as fh:
        fh.write(orjson.dumps(defects, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS))
    spec_path = os.path.join(os.path.dirname(os.path.abspath(a.out)), "spec.yaml")
    with open(spec_path, "w", encoding="utf-8") as fh:
        fh.write(spec_yaml())
    print(f"{a.out}: {len(data):,} bytes, {len(doc['images']):,} images, "
          f"{len(doc['annotations']):,} annotations", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
