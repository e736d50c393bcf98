"""Benchmark: load + resolve + lint (what `guidec check` does) on a generated 10,000-class spec.

    python benchmarks/bench_spec.py [--classes 10000] [--repeat 5]

The spec is written to a temporary folder: 100 root classes with 99 children each (10,000
classes), each with a definition, an alias and two attributes out of 60; the roots and every
tenth child (1,090 classes) with an explicit colour (--all-colors: all 10,000); 16
keypoint schemas of 17 points; 500 rules (each applying to a root, so to 100 classes, most with a
check); QA, exports and splits. Prints the best of --repeat runs for each stage.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

import yaml

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))

import guidec.source
from guidec.lint import run_lint
from guidec.spec import load_spec
from guidec.view import resolve


def generate(n_classes: int, all_colors: bool = False) -> dict:
    roots = max(1, n_classes // 100)
    per_root = n_classes // roots - 1
    attrs = {}
    for i in range(60):
        kind = ("enum", "bool", "integer", "number", "text")[i % 5]
        a: dict = {"type": kind, "description": f"Attribute {i}."}
        if kind == "enum":
            a["values"] = {f"v{j}": f"Value {j}" for j in range(5)}
            a["default"] = "v0"
        elif kind in ("integer", "number"):
            a.update({"min": 0, "max": 100, "step": 1 if kind == "integer" else 0.5,
                      "default": 10})
        elif kind == "text":
            a.update({"pattern": "[A-Z0-9]*", "max_length": 20})
        attrs[f"attr_{i}"] = a
    attrs["attr_1"]["when"] = {"attr_0": ["v1", "v2"]}
    points = ["nose", "left_eye", "right_eye", "left_ear", "right_ear", "left_shoulder",
              "right_shoulder", "left_elbow", "right_elbow", "left_wrist", "right_wrist",
              "left_hip", "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle"]
    schemas = {f"kp{i}": {"points": points,
                          "skeleton": [[points[j], points[j + 1]] for j in range(16)],
                          "flip": [[points[j], points[j + 1]] for j in range(1, 17, 2)],
                          "sigmas": [0.05] * 17} for i in range(16)}

    def color(k: int) -> str:  # spread over the RGB cube; some pairs end up close on purpose
        return f"#{(k * 2654435761) & 0xFFFFFF:06x}"

    classes = []
    cid = 1
    for r in range(roots):
        children = []
        root_id = cid
        cid += 1
        for c in range(per_root):
            children.append({
                "id": cid, "name": f"class_{r}_{c}", "title": f"Class {r}.{c}",
                **({"color": color(cid)} if all_colors or c % 10 == 0 else {}),
                "definition": f"Definition of class {r}.{c}.",
                "aliases": [f"alias_{r}_{c}"],
                "attributes": [f"attr_{(r + c) % 60}", f"attr_{(r + 2 * c + 7) % 60}"],
            })
            cid += 1
        classes.append({
            "id": root_id, "name": f"root_{r}", "color": color(root_id),
            "shapes": ["box", "polygon", "keypoints"] if r % 10 == 0 else ["box", "polygon"],
            **({"keypoints": f"kp{r % 16}"} if r % 10 == 0 else {}),
            "attributes": ["attr_0", "attr_1"] if r % 2 == 0 else ["attr_5"],
            "definition": f"Root class {r}.", "children": children,
            **({"hotkey": str(r)} if r < 10 else {}),
        })
    checks = [{"min_box_side": 8}, {"max_iou_same_class": 0.9}, {"min_vertices": 3},
              {"max_per_image": 50}, {"min_area": 16, "max_area": 1e6}, None]
    rules = []
    for i in range(500):
        rule = {"id": f"rule-{i}", "title": f"Rule {i}", "applies_to": [f"root_{i % roots}"],
                "guideline": f"Guideline text for rule {i}."}
        if checks[i % len(checks)] is not None:
            rule["check"] = checks[i % len(checks)]
        rules.append(rule)
    return {
        "guidec": 1,
        "project": {"id": "bench", "title": "Benchmark", "version": "1.0.0"},
        "attributes": attrs, "keypoint_schemas": schemas, "classes": classes, "rules": rules,
        "qa": {"agreement": {"box_iou": 0.8}, "max_error_rates": {"missed_object": 0.01}},
        "exports": ["coco", {"format": "yolo", "variant": "detect"}, "cvat"],
        "splits": {"names": ["train", "val"], "group_by": "site"},
    }


def best(fn, repeat: int, setup=None):
    """Best wall time and best CPU time (process_time) of ``repeat`` runs, and the last result.

    ``setup()``, when given, runs untimed before each run and its result is passed to ``fn``
    (a fresh input per run, as a user's process has). Results are kept until all runs are
    done, so freeing one run's result is not timed in the next. On a shared machine the wall
    time includes waiting for a core; CPU time does not."""
    walls, cpus, results = [], [], []
    for _ in range(repeat):
        arg = setup() if setup is not None else None
        w, c = time.perf_counter(), time.process_time()
        results.append(fn(arg) if setup is not None else fn())
        cpus.append(time.process_time() - c)
        walls.append(time.perf_counter() - w)
    return min(walls), min(cpus), results[-1]


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--classes", type=int, default=10_000)
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--all-colors", action="store_true",
                   help="give all classes an explicit colour (worst case for L401/L402)")
    args = p.parse_args()
    guidec._frozen.FREEZE_AFTER_BUILD = True  # as the `guidec` command does
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "spec.yaml")
        with open(path, "w", encoding="utf-8") as fh:
            yaml.dump(generate(args.classes, args.all_colors), fh, Dumper=getattr(yaml, "CSafeDumper",
                                                                  yaml.SafeDumper),
                      sort_keys=False, width=120)
        size = os.path.getsize(path)
        t_load, c_load, loaded = best(lambda: load_spec(path), args.repeat)
        t_resolve, c_resolve, project = best(lambda: resolve(loaded), args.repeat)
        # lint on a fresh project each run: the indexes it builds lazily (by_name,
        # examples, ...) are part of a `guidec check`
        t_lint, c_lint, found = best(run_lint, args.repeat, setup=lambda: resolve(loaded))
        t_all, c_all, _ = best(lambda: run_lint(resolve(load_spec(path))), args.repeat)
    print(f"spec: {len(project.classes):,} classes, {len(project.rules)} rules, "
          f"{len(project.attributes)} attributes, {size / 1e6:.2f} MB of YAML; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"{'stage':<36}{'wall ms':>9}{'cpu ms':>9}")
    for label, w, c in (("load (YAML + includes + pydantic)", t_load, c_load),
                        ("resolve (hierarchy, inheritance)", t_resolve, c_resolve),
                        (f"lint ({len(found):,} findings)", t_lint, c_lint),
                        ("total: load + resolve + lint", t_all, c_all)):
        print(f"{label:<36}{w * 1000:9.0f}{c * 1000:9.0f}")
    print(f"(best of {args.repeat} runs each)")
    return 0 if min(t_all, c_all) < 1.0 else 1


if __name__ == "__main__":
    sys.exit(main())
