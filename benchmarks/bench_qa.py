"""``guidec qa`` at train2017 scale: a golden set against a perturbed candidate, beside the
floor (two orjson parses) and faster-coco-eval on the same pair.

    python benchmarks/bench_qa.py [--images 118287] [--annotations 860001] [--repeat 3]

The golden set is ``coco_fixture``'s file (cached in /tmp/guidec-bench-qa). The candidate is
made from it, seeded: every annotation's geometry shifted by up to 2 px, 2 % dropped, 1 %
relabelled, 2 % extra copies on other images, crowd regions left out; written as a COCO
instances file (what an annotation tool delivers; guidec reads it) and as the same objects in
pycocotools' *results* format with score 1 (what faster-coco-eval's ``loadRes`` takes). Each step runs in its own process, so
its peak memory (``ru_maxrss``) is its own; the median of ``--repeat`` runs is reported:

* ``orjson.loads`` of the golden set and the candidate (the floor): time of the two calls, the
  process's peak memory;
* ``guidec qa --spec SPEC --reference GOLD --candidate CAND --format summary``: the whole
  process as a user runs it (start, imports, both reads, matching, metrics, report);
* faster-coco-eval ``COCOeval_faster(gt, dt, "bbox")`` and ``"segm"``: load, evaluate,
  accumulate (the COCO evaluation a user would run instead).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CACHE = "/tmp/guidec-bench-qa"

FLOOR = """
import gc, sys, time, orjson
gc.disable()
a, b = open(sys.argv[1], 'rb').read(), open(sys.argv[2], 'rb').read()
t = time.perf_counter()
orjson.loads(a); orjson.loads(b)
print(time.perf_counter() - t)
"""

FCE = """
import sys, time, io, contextlib
from faster_coco_eval import COCO, COCOeval_faster
t = time.perf_counter()
with contextlib.redirect_stdout(io.StringIO()):
    gt = COCO(sys.argv[1])
    dt = gt.loadRes(sys.argv[2])
    ev = COCOeval_faster(gt, dt, sys.argv[3])
    ev.evaluate(); ev.accumulate(); ev.summarize()
print(time.perf_counter() - t)
"""


def make_candidate(gold_path: str, out: str, results: str, seed: int = 1) -> None:
    """The perturbed copy, twice: as a COCO instances file (``out``: the annotator's delivery
    guidec reads) and as a results list (``results``: what faster-coco-eval's loadRes takes)."""
    import numpy as np
    import orjson

    with open(gold_path, "rb") as fh:
        doc = orjson.loads(fh.read())
    rng = np.random.default_rng(seed)
    cats = [c["id"] for c in doc["categories"]]
    imgs = [im["id"] for im in doc["images"]]
    res = []
    anns = [a for a in doc["annotations"] if not a.get("iscrowd")]
    roll = rng.random(len(anns))
    shift = rng.integers(-2, 3, size=(len(anns), 2)).astype(float).tolist()
    for k, a in enumerate(anns):
        if roll[k] < 0.02:
            continue  # dropped
        dx, dy = shift[k]
        item = {"image_id": a["image_id"], "category_id": a["category_id"], "score": 1.0}
        if roll[k] < 0.03:
            item["category_id"] = int(cats[rng.integers(len(cats))])
        x, y, w, h = a["bbox"]
        item["bbox"] = [x + dx, y + dy, w, h]
        if isinstance(a.get("segmentation"), list) and a["segmentation"]:
            item["segmentation"] = [[v + (dx if i % 2 == 0 else dy) for i, v in enumerate(r)]
                                    for r in a["segmentation"]]
        res.append(item)
        if roll[k] > 0.98:  # an extra copy on another image
            res.append({**item, "image_id": int(imgs[rng.integers(len(imgs))])})
    with open(results + ".part", "wb") as fh:
        fh.write(orjson.dumps(res))
    os.replace(results + ".part", results)
    anns = [{k: v for k, v in item.items() if k != "score"} | {"id": k + 1, "iscrowd": 0,
                                                               "area": item["bbox"][2]
                                                               * item["bbox"][3]}
            for k, item in enumerate(res)]
    inst = {"images": doc["images"], "annotations": anns, "categories": doc["categories"]}
    with open(out + ".part", "wb") as fh:
        fh.write(orjson.dumps(inst))
    os.replace(out + ".part", out)


def timed(cmd: list[str]) -> tuple[float, float, str]:
    """(wall seconds, peak RSS MiB, output) of one fresh process."""
    t = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = p.stdout.read()
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"{cmd} failed:\n{out.decode(errors='replace')[-2000:]}")
    return wall, ru.ru_maxrss / 1024, out.decode(errors="replace")


def median(n: int, cmd: list[str], inner: bool = False):
    runs = [timed(cmd) for _ in range(n)]
    walls = [float(r[2].strip().splitlines()[-1]) if inner else r[0] for r in runs]
    return statistics.median(walls), max(r[1] for r in runs), runs[-1][2]


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--images", type=int, default=118_287)
    p.add_argument("--annotations", type=int, default=860_001)
    p.add_argument("--repeat", type=int, default=3)
    a = p.parse_args(argv)
    os.makedirs(CACHE, exist_ok=True)
    tag = f"{a.images}-{a.annotations}"
    gold = os.path.join(CACHE, f"gold-{tag}.json")
    spec = os.path.join(CACHE, f"gold-{tag}.spec.yaml")
    cand = os.path.join(CACHE, f"cand-{tag}.instances.json")
    results = os.path.join(CACHE, f"cand-{tag}.results.json")
    if not os.path.exists(gold):
        subprocess.run([sys.executable, os.path.join(HERE, "coco_fixture.py"), gold,
                        "--images", str(a.images), "--annotations", str(a.annotations)],
                       check=True)
    if not os.path.exists(cand) or not os.path.exists(results):
        make_candidate(gold, cand, results)
    py = sys.executable
    guidec = [py, "-m", "guidec", "qa", "--spec", spec, "--reference", gold, "--candidate",
              cand, "--format", "summary"]
    rows = [("orjson.loads x2 (floor)", *median(a.repeat, [py, "-c", FLOOR, gold, cand],
                                                 inner=True)[:2]),
            ("guidec qa (whole process)", *median(a.repeat, guidec)[:2])]
    _, _, out = timed(guidec)
    for kind in ("bbox", "segm"):
        try:
            rows.append((f"faster-coco-eval {kind} (load+evaluate+accumulate)",
                         *median(a.repeat, [py, "-c", FCE, gold, results, kind],
                                 inner=True)[:2]))
        except SystemExit as exc:
            rows.append((f"faster-coco-eval {kind}: failed ({str(exc)[:60]})", float("nan"),
                         float("nan")))
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cpus, "
          f"Python {platform.python_version()}")
    print(f"data: {gold} ({os.path.getsize(gold) / 1e6:.0f} MB) vs {cand} "
          f"({os.path.getsize(cand) / 1e6:.0f} MB; results {os.path.getsize(results) / 1e6:.0f}"
          f" MB)")
    floor = rows[0][1]
    for name, wall, rss in rows:
        print(f"{name:<52} {wall:8.2f} s {wall / floor:6.2f}x floor {rss:8.0f} MiB")
    print("--- guidec qa summary (last run) ---")
    print("\n".join(out.strip().splitlines()[-12:]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
