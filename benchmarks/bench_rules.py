"""Time the validation rules alone on a train2017-scale table built directly with numpy.

    python benchmarks/bench_rules.py [--annotations 860001] [--images 118287] [--threads 2]

No file is parsed: the table (118,287 images, 860,001 annotations, ~60 % star polygons of
8-32 vertices, ~1 % crowd RLE, three attributes per annotation) is made with numpy, 25
defects are injected (5 each: box outside the image, negative width, unknown class, bow-tie
polygon, duplicate id), and ``run_rules`` runs every rule with the spec of
``coco_fixture.py``. Prints seconds per rule function, the total, the findings per code and
the peak memory the rules add on top of the table.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from guidec.table import AnnotationTable, ImageTable, Shape, SourceFile

CAT_IDS = [i for i in range(1, 91) if i not in {12, 26, 29, 30, 45, 66, 68, 69, 71, 83}]
SIZES = [(640, 480), (640, 427), (480, 640), (500, 375), (640, 360), (427, 640), (612, 612)]
COLORS = ["red", "green", "blue", "black", "white", "other"]


def obj(values) -> np.ndarray:
    return np.fromiter(values, dtype=object, count=len(values))


def make_table(n_img: int, n: int, seed: int = 0) -> tuple[AnnotationTable, dict]:
    rng = np.random.default_rng(seed)
    wh = np.array(SIZES, dtype=np.float64)[rng.integers(0, len(SIZES), n_img)]
    images = ImageTable(
        key=obj(list(range(1, n_img + 1))),
        file_name=obj([f"{i:012d}.jpg" for i in range(1, n_img + 1)]),
        width=wh[:, 0].copy(), height=wh[:, 1].copy(),
        src_file=np.zeros(n_img, np.int32), src_line=np.full(n_img, -1, np.int32),
        src_index=np.arange(n_img, dtype=np.int64))
    img = rng.integers(0, n_img, n)
    W, H = wh[img, 0], wh[img, 1]
    bw = np.maximum(2.0, rng.uniform(0.02, 0.5, n) * W)
    bh = np.maximum(2.0, rng.uniform(0.02, 0.5, n) * H)
    bx = rng.uniform(0, 1, n) * (W - bw)
    by = rng.uniform(0, 1, n) * (H - bh)
    kind = rng.uniform(0, 1, n)
    poly = kind < 0.60
    crowd = (kind >= 0.60) & (kind < 0.6098)
    # star polygons: one ring per polygon annotation, angles sorted within the ring
    prow = np.flatnonzero(poly)
    nv = rng.integers(8, 33, len(prow))
    ring_offsets = np.concatenate(([0], np.cumsum(nv)))
    owner = np.repeat(np.arange(len(prow)), nv)
    # evenly spread, jittered angles: no gap wider than pi, so the star is simple
    k = np.arange(len(owner)) - ring_offsets[:-1][owner]
    ang = (k + rng.uniform(0, 0.8, len(owner))) * 2 * np.pi / nv[owner]
    r = rng.uniform(0.5, 1.0, len(owner))
    cx = (bx + bw / 2)[prow][owner]
    cy = (by + bh / 2)[prow][owner]
    vx = cx + np.cos(ang) * r * bw[prow][owner] / 2
    vy = cy + np.sin(ang) * r * bh[prow][owner] / 2
    vertices = np.column_stack([vx, vy])
    starts = ring_offsets[:-1]
    x0 = np.minimum.reduceat(vx, starts)
    y0 = np.minimum.reduceat(vy, starts)
    x1 = np.maximum.reduceat(vx, starts)
    y1 = np.maximum.reduceat(vy, starts)
    bbox = np.column_stack([bx, by, bw, bh])
    bbox[prow] = np.column_stack([x0, y0, x1 - x0, y1 - y0])
    nxt = np.arange(1, len(owner) + 1)
    nxt[ring_offsets[1:] - 1] = starts
    cross = vx * vy[nxt] - vx[nxt] * vy
    parea = 0.5 * np.abs(np.add.reduceat(cross, starts))
    area = bbox[:, 2] * bbox[:, 3] * 0.7
    area[prow] = parea
    per_ann = np.zeros(n, np.int64)
    per_ann[prow] = 1
    ann_ring_offsets = np.concatenate(([0], np.cumsum(per_ann)))
    shape = np.full(n, int(Shape.BOX), np.int8)
    shape[poly] = int(Shape.POLYGON)
    shape[crowd] = int(Shape.MASK)
    rle = np.full(n, None, dtype=object)
    crow = np.flatnonzero(crowd)
    for i in crow:  # building the delivery, not checking it
        total = int(W[i] * H[i])
        cuts = np.sort(rng.choice(total - 1, 39, replace=False) + 1)
        runs = np.diff(np.concatenate([[0], cuts, [total]])).tolist()
        rle[i] = {"size": [int(H[i]), int(W[i])], "counts": runs}
        area[i] = sum(runs[1::2])
    cat = np.array(CAT_IDS)[rng.integers(0, len(CAT_IDS), n)]
    names = {c: f"class_{c}" for c in CAT_IDS}
    label_of = obj([names.get(c) for c in range(0, 91)])
    tf = np.array([False, True], dtype=object)
    attributes = {
        "occluded": tf[(rng.uniform(0, 1, n) < 0.3).astype(int)],
        "truncated": tf[(rng.uniform(0, 1, n) < 0.1).astype(int)],
        "color": obj(COLORS)[rng.integers(0, len(COLORS), n)],
    }
    ann_id = np.arange(1, n + 1, dtype=np.int64)
    # --- 25 defects ---------------------------------------------------------------------
    boxes_only = np.flatnonzero(~poly & ~crowd)
    out, neg, unk, dup = rng.choice(boxes_only, (4, 5), replace=False)
    bow = rng.choice(prow, 5, replace=False)
    bbox[out, 0] = W[out] - bbox[out, 2] / 2
    bbox[neg, 2] = -bbox[neg, 2]
    area[neg] = np.nan
    cat[unk] = 12
    s0 = ring_offsets[ann_ring_offsets[bow]]
    mid = s0 + nv[np.searchsorted(prow, bow)] // 2
    # swap the 2nd vertex with the one opposite: the outline crosses itself
    vertices[s0 + 1], vertices[mid] = vertices[mid].copy(), vertices[s0 + 1].copy()
    ann_id[dup] = ann_id[dup + 1]
    table = AnnotationTable(
        files=[SourceFile("bench.json", "coco", "/annotations/{}", "/images/{}")],
        images=images, ann_id=obj(ann_id.tolist()), image_index=img.astype(np.int64),
        label=label_of[cat], label_id=cat.astype(np.int64), shape=shape, bbox=bbox,
        rotation=np.zeros(n), area=area, iscrowd=crowd, vertices=vertices,
        ring_offsets=ring_offsets.astype(np.int64), ann_ring_offsets=ann_ring_offsets,
        kp=np.zeros((0, 3)), kp_offsets=np.zeros(n + 1, np.int64), rle=rle,
        text=np.full(n, None, dtype=object), attributes=attributes,
        src_file=np.zeros(n, np.int32), src_line=np.full(n, -1, np.int32),
        src_index=np.arange(n, dtype=np.int64),
        declared_categories={c: {"name": f"class_{c}"} for c in CAT_IDS})
    return table, {"outside": out, "negative": neg, "unknown": unk, "bow-tie": bow,
                   "duplicate": dup + 1}


def rss_peak_reset() -> None:
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
    except OSError:
        pass


def status_kb(key: str) -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def main(argv=None) -> int:
    import yaml
    from coco_fixture import spec as make_spec

    from guidec.validation import run_rules
    from guidec.view import load_project

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--annotations", type=int, default=860_001)
    p.add_argument("--images", type=int, default=118_287)
    p.add_argument("--threads", type=int, default=None)
    p.add_argument("--repeat", type=int, default=3)
    a = p.parse_args(argv)
    t0 = time.perf_counter()
    table, _defects = make_table(a.images, a.annotations)
    print(f"table: {len(table):,} annotations, {len(table.images):,} images, "
          f"{len(table.vertices):,} vertices, {len(table.ring_offsets) - 1:,} rings "
          f"(built in {time.perf_counter() - t0:.1f} s)")
    doc = {"categories": [{"id": c, "name": f"class_{c}"} for c in CAT_IDS]}
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "spec.yaml")
        with open(path, "w", encoding="utf-8") as fh:
            yaml.safe_dump(make_spec(doc), fh)
        project = load_project(path)
    runs = []
    gc.collect()
    for _ in range(a.repeat):
        timings: dict[str, float] = {}
        rss_peak_reset()
        before = status_kb("VmRSS")
        t0 = time.perf_counter()
        found = run_rules(table, project, threads=a.threads, timings=timings)
        runs.append((time.perf_counter() - t0, timings, found,
                     status_kb("VmHWM") - before))
        del found
    runs.sort(key=lambda r: r[0])
    total, timings, found, peak = runs[len(runs) // 2]
    print(f"run_rules: median {total:.2f} s of {a.repeat} runs "
          f"({', '.join(f'{r[0]:.2f}' for r in sorted(runs))}); "
          f"peak memory added {peak / 1024:.0f} MiB")
    for name, sec in sorted(timings.items(), key=lambda kv: -kv[1]):
        print(f"  {name:<28} {sec:6.3f} s")
    counts: dict[str, int] = {}
    for d in found:
        counts[d.code] = counts.get(d.code, 0) + 1
    print("findings:", dict(sorted(counts.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
