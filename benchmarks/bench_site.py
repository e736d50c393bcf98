"""Benchmark: the playbook site for a generated 1,000-class spec with one example per class.

    .venv/bin/python benchmarks/bench_site.py [--classes 1000] [--images 20] [--repeat 1]

Times each stage: load + resolve the spec, the site target's emit, writing the files, and
`mkdocs build` (mkdocs-material); the figure that matters is target + mkdocs (aim: < 30 s).
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.site_specs import generated_spec  # noqa: E402

from guidec.commands.site import run_mkdocs  # noqa: E402
from guidec.output import write_tree  # noqa: E402
from guidec.targets.site import SiteTarget  # noqa: E402
from guidec.view import load_project  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--classes", type=int, default=1000)
    ap.add_argument("--images", type=int, default=20)
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        spec = generated_spec(Path(tmp) / "spec", args.classes, n_images=args.images)
        for _ in range(args.repeat):
            out = Path(tmp) / "out"
            t0 = time.perf_counter()
            project = load_project(str(spec))
            t1 = time.perf_counter()
            files = SiteTarget().emit(project)
            t2 = time.perf_counter()
            write_tree(str(out), files)
            t3 = time.perf_counter()
            child0 = resource.getrusage(resource.RUSAGE_CHILDREN)
            code, log = run_mkdocs(str(out), str(out / "html"), strict=True)
            t4 = time.perf_counter()
            child1 = resource.getrusage(resource.RUSAGE_CHILDREN)
            mk_cpu = (child1.ru_utime + child1.ru_stime) - (child0.ru_utime + child0.ru_stime)
            if code != 0:
                sys.exit(f"mkdocs build failed:\n{log}")
            pages = sum(1 for k in files if k.endswith(".md"))
            html_mb = sum(f.stat().st_size for f in (out / "html").rglob("*") if f.is_file())
            print(f"classes={args.classes} examples={len(project.examples)} "
                  f"images={args.images} pages={pages} files={len(files)} "
                  f"html={html_mb / 1e6:.1f} MB")
            print(f"load+resolve {t1 - t0:6.2f} s")
            print(f"site emit    {t2 - t1:6.2f} s")
            print(f"write        {t3 - t2:6.2f} s")
            print(f"mkdocs build {t4 - t3:6.2f} s  (--strict; {mk_cpu:.2f} s CPU)")
            print(f"target+mkdocs {t4 - t1:5.2f} s   total {t4 - t0:6.2f} s   "
                  f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
