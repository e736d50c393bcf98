"""Benchmark: every target for a generated 10,000-class spec (goal: under 2 s).

    python benchmarks/bench_targets.py [--classes 10000] [--repeat 3]

Generates a spec like a large retail taxonomy (10 root groups with shapes box + polygon and two
attributes, every other class a child inheriting them; hotkeys on the roots), loads and resolves
it once, then times ``emit`` of all six targets (best of --repeat), and prints per-target times
and output sizes. Loading the spec is timed separately: it is the loader's cost, not the targets'.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

import yaml

from guidec.commands.build import emit_all
from guidec.targets import load_targets
from guidec.view import load_project


def spec(n: int) -> dict:
    classes = []
    per_root = n // 10
    for r in range(10):
        children = [{"id": 1000 + r * per_root + i, "name": f"sku_{r}_{i:05d}",
                     "title": f"SKU {r}/{i}"} for i in range(per_root - 1)]
        classes.append({"id": r + 1, "name": f"group_{r}", "shapes": ["box", "polygon"],
                        "hotkey": str(r), "attributes": ["occlusion", "facings"],
                        "children": children})
    return {"guidec": 1, "project": {"id": "bench", "title": "Bench", "version": "1.0.0"},
            "attributes": {"occlusion": {"type": "enum", "values": ["none", "partial", "heavy"],
                                         "required": True},
                           "facings": {"type": "integer", "min": 1, "max": 48},
                           "weather": {"type": "enum", "scope": "image",
                                       "values": ["sun", "rain"]}},
            "classes": classes}


def clear_caches() -> None:
    """Targets memoize derived data per project; every timed run starts cold."""
    from guidec.targets.cvat import labels_json
    from guidec.targets.label_studio import layout

    layout.cache_clear()
    labels_json.cache_clear()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--classes", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--with-site", action="store_true",
                    help="also time the playbook site target (not part of the 2 s budget)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "spec.yaml")
        with open(path, "w", encoding="utf-8") as fh:
            yaml.safe_dump(spec(args.classes), fh, sort_keys=False)
        size = os.path.getsize(path)
        t0 = time.perf_counter()
        project = load_project(path)
        t_load = time.perf_counter() - t0
    # Issue 3's budget covers the tool configs and class files; the playbook site has its own
    # benchmark (bench_site.py, 1,000 classes) and is timed here only with --with-site.
    names = [n for n in load_targets() if args.with_site or n != "site"]
    print(f"spec: {len(project.classes):,} classes, {size / 1e6:.2f} MB YAML; "
          f"load + resolve {t_load:.2f} s")
    per: dict[str, float] = {}
    sizes: dict[str, int] = {}
    for name in names:
        best = float("inf")
        for _ in range(args.repeat):
            clear_caches()
            t0 = time.perf_counter()
            files, _ = emit_all(project, [name])
            best = min(best, time.perf_counter() - t0)
        per[name] = best
        sizes[name] = sum(len(v.encode() if isinstance(v, str) else v) for v in files.values())
    best_all = float("inf")
    for _ in range(args.repeat):
        clear_caches()
        t0 = time.perf_counter()
        files, _ = emit_all(project, names)
        best_all = min(best_all, time.perf_counter() - t0)
    for name in names:
        print(f"  {name:<13} {per[name]:6.3f} s  {sizes[name] / 1e6:6.2f} MB")
    print(f"all targets (check + emit): {best_all:.3f} s (best of {args.repeat}); "
          f"goal < 2 s: {'met' if best_all < 2 else 'MISSED'}")
    return 0 if best_all < 2 else 1


if __name__ == "__main__":
    sys.exit(main())
