"""Benchmark: specs of 1,000, 10,000 and 100,000 classes, from load to every target.

    python benchmarks/bench_spec_scale.py [--sizes 1000,10000,100000] [--repeat 3]
        [--targets coco,cvat,...] [--profile STAGE --classes N] [--tmp DIR]

The specs are those of ``bench_spec.py`` (hierarchy of 100 classes under each root, 60
attributes, two per class, 16 keypoint schemas, 500 rules, explicit colours on a tenth of the
classes), written to a temporary folder. For each size it measures, in this process:
load (YAML + pydantic), resolve, lint, and for every target its own part, ``emit`` (with the
target's checks) and writing its files into a fresh folder (``guidec.output.write_tree``, one
staged tree swapped in whole); and as a user runs it, ``guidec check SPEC`` in a fresh process
(wall time, median of ``--repeat``, and that process's own peak RSS, VmHWM). Times are wall
seconds, the best of ``--repeat`` in-process runs (one run at 100,000 classes); CPU seconds
beside them, since on a shared machine wall time includes waiting for a core.

``--profile lint|check|site --classes N`` prints a cProfile of that stage instead (the 25
costliest functions by their own time), to find what grows faster than the spec.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(HERE, "..", "src")
sys.path.insert(0, SRC)
sys.path.insert(0, HERE)

import bench_spec  # noqa: E402

import guidec._frozen  # noqa: E402
from guidec.lint import run_lint  # noqa: E402
from guidec.output import write_tree  # noqa: E402
from guidec.spec import load_spec  # noqa: E402
from guidec.targets import load_targets  # noqa: E402
from guidec.view import resolve  # noqa: E402


def write_spec(folder: str, n: int) -> str:
    path = os.path.join(folder, f"spec-{n}.yaml")
    with open(path, "w", encoding="utf-8") as fh:
        yaml.dump(bench_spec.generate(n), fh, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper),
                  sort_keys=False, width=120)
    return path


def timed(fn, repeat: int):
    """(best wall, best CPU, last result) of ``repeat`` runs."""
    walls, cpus, result = [], [], None
    for _ in range(repeat):
        w, c = time.perf_counter(), time.process_time()
        result = fn()
        cpus.append(time.process_time() - c)
        walls.append(time.perf_counter() - w)
    return min(walls), min(cpus), result


#: Runs ``guidec check`` and writes the process's own peak RSS (VmHWM, kB) to the file named
#: in argv[1]. ru_maxrss would not do: Linux keeps across exec the high-water mark of the
#: process image forked from this benchmark, which is bigger than a small check.
_CHECK_WITH_RSS = """
import runpy, sys
out, sys.argv = sys.argv[1], ["guidec", "check", *sys.argv[2:]]
try:
    runpy.run_module("guidec", run_name="__main__")
finally:
    with open("/proc/self/status") as fh, open(out, "w") as o:
        o.write(next((line.split()[1] for line in fh if line.startswith("VmHWM:")), "0"))
"""


def cli_check(path: str, repeat: int) -> tuple[float, float, int]:
    """``guidec check`` in fresh processes: (median wall s, median CPU s, peak RSS in MB)."""
    env = {**os.environ, "PYTHONPATH": os.path.abspath(SRC)}
    walls, cpus, rss = [], [], 0
    with tempfile.NamedTemporaryFile("r") as hwm:
        for _ in range(repeat):
            t = time.perf_counter()
            with open(os.devnull, "wb") as devnull:
                proc = subprocess.Popen([sys.executable, "-c", _CHECK_WITH_RSS, hwm.name, path],
                                        stdout=devnull, stderr=devnull, env=env)
                _pid, _status, usage = os.wait4(proc.pid, 0)
            walls.append(time.perf_counter() - t)
            cpus.append(usage.ru_utime + usage.ru_stime)
            hwm.seek(0)
            rss = max(rss, int(hwm.read() or 0) // 1024)
    return statistics.median(walls), statistics.median(cpus), rss


def target_parts(project, names: list[str], repeat: int, tmp: str) -> list[tuple]:
    """Per target: (name, files, MB, emit wall, emit CPU, write wall, write CPU)."""
    targets = load_targets()
    rows = []
    for name in names:
        target = targets[name]()

        def emit(target=target):
            from guidec.targets.site import text  # its memos: every run starts cold

            text._literal.cache_clear()
            text._code.cache_clear()
            target.check(project)
            return target.emit(project)

        e_wall, e_cpu, files = timed(emit, repeat)
        w_walls, w_cpus = [], []
        for _ in range(repeat):
            out = tempfile.mkdtemp(dir=tmp)
            w, c = time.perf_counter(), time.process_time()
            write_tree(os.path.join(out, name), files)
            w_cpus.append(time.process_time() - c)
            w_walls.append(time.perf_counter() - w)
            shutil.rmtree(out)
        size = sum(len(v) for v in files.values()) / 1e6
        rows.append((name, len(files), size, e_wall, e_cpu, min(w_walls), min(w_cpus)))
    return rows


def profile(stage: str, n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = write_spec(tmp, n)
        loaded = load_spec(path)
        prof = cProfile.Profile()
        if stage == "check":
            prof.runcall(lambda: run_lint(resolve(load_spec(path))))
        elif stage == "lint":
            project = resolve(loaded)
            prof.runcall(run_lint, project)
        else:
            project = resolve(loaded)
            target = load_targets()[stage]()
            out = os.path.join(tmp, "out")
            prof.runcall(lambda: write_tree(out, target.emit(project)))
        pstats.Stats(prof).sort_stats("tottime").print_stats(25)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--sizes", default="1000,10000,100000")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--targets", default=None, help="comma-separated (default: every target)")
    p.add_argument("--profile", metavar="STAGE", help="lint, check, or a target's name")
    p.add_argument("--classes", type=int, default=10_000, help="the size --profile uses")
    p.add_argument("--tmp", metavar="DIR", default=None,
                   help="where the specs and outputs go (default: the system's temporary "
                        "folder; on a VM whose /tmp is slow to create files in, a disk folder)")
    args = p.parse_args()
    tempfile.tempdir = args.tmp
    guidec._frozen.FREEZE_AFTER_BUILD = True  # as the `guidec` command does
    if args.profile:
        profile(args.profile, args.classes)
        return 0
    names = args.targets.split(",") if args.targets else list(load_targets())
    print(f"{os.cpu_count()} cores, Python {sys.version.split()[0]}, "
          f"load average {os.getloadavg()[0]:.1f} at the start")
    for n in (int(s) for s in args.sizes.split(",")):
        repeat = 1 if n >= 100_000 else args.repeat
        with tempfile.TemporaryDirectory() as tmp:
            path = write_spec(tmp, n)
            mb = os.path.getsize(path) / 1e6
            load = timed(lambda path=path: load_spec(path), repeat)
            res = timed(lambda load=load: resolve(load[2]), repeat)
            lint = timed(lambda res=res, load=load: run_lint(resolve(load[2])), repeat)
            check = cli_check(path, max(repeat, 3) if n < 100_000 else 1)
            parts = target_parts(res[2], names, repeat, tmp)
        print(f"\n{n:,} classes, {mb:.2f} MB of YAML, {len(lint[2]):,} findings "
              f"(load average {os.getloadavg()[0]:.1f})")
        print(f"{'stage':<30}{'wall s':>9}{'cpu s':>9}")
        for label, (w, c, _r) in (("load", load), ("resolve", res),
                                  ("resolve + lint", lint)):
            print(f"{label:<30}{w:9.3f}{c:9.3f}")
        print(f"{'guidec check (a process)':<30}{check[0]:9.3f}{check[1]:9.3f}"
              f"   peak RSS {check[2]:,} MB")
        print(f"{'target':<14}{'files':>7}{'MB':>8}{'emit s':>9}{'cpu':>7}{'write s':>9}"
              f"{'cpu':>7}{'own part s':>12}")
        for name, files, size, ew, ec, ww, wc in parts:
            print(f"{name:<14}{files:7,}{size:8.1f}{ew:9.3f}{ec:7.3f}{ww:9.3f}{wc:7.3f}"
                  f"{ew + ww:12.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
