"""Benchmark: diff two 10,000-class specs, build the migration map, migrate a large table.

    .venv/bin/python benchmarks/bench_diff.py [--classes 10000] [--rows 1000000] [--repeat 5]

The two specs are generated (seeded): 10,000 classes in a three-level hierarchy with colours,
hotkeys, definitions, 20 attributes and 50 rules. The new version renames 5 % of the classes
(declared aliases), deprecates 1 % with replaced_by, removes 2 %, adds 3 %, changes 5 % of the
definitions and colours, moves 1 % to another parent, and edits attributes and rules. Loading
the YAML is timed separately: the target (< 1 s) is for the diff itself.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import time

import numpy as np
import yaml

from guidec.diff import diff_projects, required_bump
from guidec.diff.mapping import migration_map
from guidec.diff.relabel import migrate_table
from guidec.spec.loader import load_spec_text
from guidec.table import AnnotationTable, ImageTable, SourceFile
from guidec.view import resolve


def make_specs(n: int, seed: int = 7) -> tuple[dict, dict]:
    rnd = random.Random(seed)
    attrs = {f"a{i}": ({"type": "enum", "values": [f"v{j}" for j in range(5)]} if i % 2 else
                       {"type": "integer", "min": 0, "max": 100}) for i in range(20)}
    roots = []
    flat = []
    for i in range(n):
        c = {"id": i + 1, "name": f"class_{i:05d}", "color": f"#{rnd.randrange(1 << 24):06x}",
             "definition": f"Definition of class {i}.", "attributes": [f"a{i % 20}"]}
        flat.append(c)
        if i % 100 == 0:
            c["children"] = []
            roots.append(c)
        else:
            parent = roots[-1]
            if i % 10 == 0 or not parent["children"]:
                parent["children"].append(c)
                c["children"] = []
            else:
                parent["children"][-1].setdefault("children", []).append(c)
    rules = [{"id": f"r{i}", "title": f"Rule {i}", "applies_to": [flat[i * 97]["name"]],
              "check": {"min_box_side": 4 + i % 5}} for i in range(50)]
    old = {"guidec": 1, "project": {"id": "bench", "title": "Bench", "version": "1.0.0"},
           "attributes": attrs, "classes": roots, "rules": rules}
    new = yaml.safe_load(yaml.safe_dump(old))  # deep copy
    new["project"]["version"] = "2.0.0"
    stack = list(new["classes"])
    nflat = []
    while stack:
        c = stack.pop()
        nflat.append(c)
        stack.extend(c.get("children", []))
    rnd.shuffle(nflat)
    k = n // 100
    for c in nflat[: 5 * k]:  # renames with declared aliases
        c["aliases"] = [c["name"]]
        c["name"] += "_v2"
    for c in nflat[5 * k: 10 * k]:
        c["definition"] += " Revised."
        c["color"] = f"#{rnd.randrange(1 << 24):06x}"
    for c in nflat[10 * k: 11 * k]:  # deprecations pointing at a kept class
        c["deprecated"] = True
        c["replaced_by"] = nflat[-1]["name"]
    removed = {c["name"] for c in nflat[11 * k: 13 * k] if not c.get("children")}

    def prune(items):
        return [dict(c, children=prune(c.get("children", []))) for c in items
                if c["name"] not in removed]

    new["classes"] = prune(new["classes"])
    for i in range(3 * k):
        new["classes"].append({"id": n + 1 + i, "name": f"added_{i:05d}"})
    new["attributes"]["a1"]["values"] = ["v0", "v1", "v2", "v3", "v9"]
    new["attributes"]["a2"]["max"] = 50
    new["rules"][0]["check"]["min_box_side"] = 12
    return old, new


def table(rows: int, names: list[str], seed: int = 3) -> AnnotationTable:
    rng = np.random.default_rng(seed)
    labels = np.empty(rows, dtype=object)
    labels[:] = [names[i] for i in rng.integers(0, len(names), rows)]
    images = ImageTable(key=np.arange(1000, dtype=object), file_name=np.array(
        [f"{i}.jpg" for i in range(1000)], dtype=object), width=np.full(1000, 640.0),
        height=np.full(1000, 480.0), src_file=np.zeros(1000, np.int32),
        src_line=np.full(1000, -1, np.int32), src_index=np.arange(1000))
    occ = np.empty(rows, dtype=object)
    occ[:] = [f"v{i}" for i in rng.integers(0, 5, rows)]
    return AnnotationTable(
        files=[SourceFile("bench.json", "coco")], images=images,
        ann_id=np.arange(rows).astype(object), image_index=rng.integers(0, 1000, rows),
        label=labels, label_id=np.full(rows, -1, np.int64), shape=np.ones(rows, np.int8),
        bbox=rng.random((rows, 4)) * 100, rotation=np.zeros(rows), area=np.full(rows, np.nan),
        iscrowd=np.zeros(rows, bool), vertices=np.zeros((0, 2)),
        ring_offsets=np.zeros(1, np.int64), ann_ring_offsets=np.zeros(rows + 1, np.int64),
        kp=np.zeros((0, 3)), kp_offsets=np.zeros(rows + 1, np.int64),
        rle=np.full(rows, None, object), text=np.full(rows, None, object),
        attributes={"a1": occ}, src_file=np.zeros(rows, np.int32),
        src_line=np.full(rows, -1, np.int32), src_index=np.arange(rows))


def timed(fn, repeat: int):
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), min(times), result


def main(argv=None) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--classes", type=int, default=10_000)
    p.add_argument("--rows", type=int, default=1_000_000)
    p.add_argument("--repeat", type=int, default=5)
    args = p.parse_args(argv)
    old_d, new_d = make_specs(args.classes)
    old_text, new_text = yaml.safe_dump(old_d), yaml.safe_dump(new_d)
    t_load, _, (old, new) = timed(lambda: (resolve(load_spec_text(old_text, display="old.yaml")),
                                           resolve(load_spec_text(new_text, display="new.yaml"))),
                                  1)
    med, best, changes = timed(lambda: diff_projects(old, new), args.repeat)
    t_map, _, mapping = timed(lambda: migration_map(old, new, changes), args.repeat)
    names = [c.name for c in old.classes]
    tab = table(args.rows, names)
    t_mig, _, res = timed(lambda: migrate_table(tab, old, new, mapping), max(1, args.repeat // 2))
    print(f"python {sys.version.split()[0]}, {platform.machine()}, {os.cpu_count()} cpus, "
          f"load avg {os.getloadavg()[0]:.2f}")
    print(f"specs: {len(old.classes)} -> {len(new.classes)} classes "
          f"(yaml {len(old_text) // 1024} KiB + {len(new_text) // 1024} KiB)")
    print(f"load + resolve both specs: {t_load:.2f} s (not part of the target)")
    print(f"diff_projects: median {med * 1000:.0f} ms, best {best * 1000:.0f} ms over "
          f"{args.repeat} runs; {len(changes)} changes, required bump "
          f"{required_bump(changes).label}")
    print(f"migration_map: median {t_map * 1000:.0f} ms")
    print(f"migrate_table: {args.rows:,} annotations in {t_mig * 1000:.0f} ms "
          f"({len(res.table):,} kept, {len(res.diagnostics)} findings)")
    return 0 if med < 1.0 else 1


if __name__ == "__main__":
    sys.exit(main())
