"""``guidec validate`` on a train2017-scale COCO file, against orjson's parse and the peers.

    python benchmarks/coco_fixture.py /tmp/train.json      # once: ~330 MB, never commit it
    python benchmarks/bench_validate.py /tmp/train.json [--repeat 3]

Each step runs in its own fresh process, so its peak memory (``ru_maxrss`` from ``wait4``)
is its own; the median of ``--repeat`` runs is reported:

* ``orjson.loads`` of the file with the garbage collector off (the yardstick: the time of
  the call alone, and the process's peak memory);
* ``guidec.readers.read_delivery(FILE)``: the readers' share (parse + table), time of the
  call and the process's peak memory;
* ``guidec validate --spec SPEC FILE --format json`` as a user runs it: wall time of the
  whole process (interpreter start, imports, read, parse, columns, every rule, report);
  the report is checked to contain the 25 injected defects at their annotation ids;
* pycocotools ``COCO(file)`` and ``panlabel validate --format coco`` when installed
  (``pip install pycocotools panlabel``): the tools a user would pick instead.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ORJSON = """
import gc, sys, time, orjson
gc.disable()
data = open(sys.argv[1], 'rb').read()
t = time.perf_counter()
doc = orjson.loads(data)
print(time.perf_counter() - t)
"""

READ = """
import gc, sys, time
gc.disable()
from guidec.readers import read_delivery
t = time.perf_counter()
r = read_delivery([sys.argv[1]])
print(time.perf_counter() - t)
import os
sys.stdout.flush()
os._exit(0)
"""

COCO = """
import sys, time, io, contextlib
from pycocotools.coco import COCO
t = time.perf_counter()
with contextlib.redirect_stdout(io.StringIO()):
    COCO(sys.argv[1])
print(time.perf_counter() - t)
"""


def run(cmd: list[str], stdout=None) -> tuple[float, float, str]:
    """(wall seconds, peak RSS MiB, stdout) of one process."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=stdout or subprocess.PIPE, stderr=subprocess.PIPE)
    out = p.stdout.read().decode() if stdout is None else ""
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    err = p.stderr.read().decode()
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise SystemExit(f"{cmd[:3]} failed with exit {code}: {err[-2000:]}")
    return wall, usage.ru_maxrss / 1024, out


def median_of(n: int, cmd: list[str], **kw):
    runs = [run(cmd, **kw) for _ in range(n)]
    walls = [r[0] for r in runs]
    i = walls.index(statistics.median_low(walls))
    return runs[i], runs


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("file")
    p.add_argument("--spec", help="default: FILE without .json + .spec.yaml")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--skip-peers", action="store_true")
    a = p.parse_args(argv)
    base = os.path.splitext(a.file)[0]
    spec = a.spec or base + ".spec.yaml"  # written by coco_fixture.py
    if not os.path.exists(spec):  # gen_coco.py writes spec.yaml beside the file
        spec = os.path.join(os.path.dirname(os.path.abspath(a.file)), "spec.yaml")
    py = sys.executable
    print(f"file: {a.file} ({os.path.getsize(a.file) / 1e6:.0f} MB); python {sys.version.split()[0]}; "
          f"{os.cpu_count()} CPUs; load average before: {os.getloadavg()[0]:.2f}")

    (w, rss, _), runs = median_of(a.repeat, [py, "-c", ORJSON, a.file])
    parse = statistics.median(float(r[2]) for r in runs)
    print(f"orjson.loads (gc off):     {parse:6.2f} s  (process {w:.2f} s)  peak {rss:,.0f} MiB")

    (w, rss, _), runs = median_of(a.repeat, [py, "-c", READ, a.file])
    read = statistics.median(float(r[2]) for r in runs)
    print(f"guidec read_delivery:      {read:6.2f} s  = {read / parse:.2f}x the parse "
          f"(table beyond the parse: {(read - parse) / parse:.2f}x)  peak {rss:,.0f} MiB")

    with tempfile.TemporaryDirectory() as tmp:
        report = os.path.join(tmp, "report.json")
        cmd = [py, "-m", "guidec.cli", "validate", "--spec", spec, a.file,
               "--format", "json", "-o", report]
        (w, rss, _), runs = median_of(a.repeat, cmd)
        with open(report, "rb") as fh:
            found = json.load(fh)["findings"]
    print(f"guidec validate (process): {w:6.2f} s  = {w / parse:.2f}x the parse  "
          f"peak {rss:,.0f} MiB  (runs: {', '.join(f'{r[0]:.2f}' for r in runs)})")
    codes: dict[str, int] = {}
    for f in found:
        codes[f["code"]] = codes.get(f["code"], 0) + 1
    print(f"  findings: {len(found)} {dict(sorted(codes.items()))}")
    defects_path = base + ".defects.json"
    if os.path.exists(defects_path):
        with open(defects_path, "rb") as fh:
            defects = json.load(fh)
        want = {"box-outside-image": "V200", "negative-width": "V201",
                "unknown-category": "V100", "bow-tie": "V204", "duplicate-id": "V050"}
        got = {(f["code"], f["annotation"]) for f in found}
        hit = sum((want[k], d["id"]) in got for k, ds in defects.items() for d in ds)
        total = sum(len(ds) for ds in defects.values())
        print(f"  injected defects found at their annotation ids: {hit}/{total}")

    if not a.skip_peers:
        try:
            import pycocotools  # noqa: F401

            (w, rss, _), runs = median_of(1, [py, "-c", COCO, a.file])
            print(f"pycocotools COCO(file):    {float(runs[0][2]):6.2f} s  (process {w:.2f} s)  "
                  f"peak {rss:,.0f} MiB  (validates nothing)")
        except ImportError:
            print("pycocotools: not installed")
        exe = shutil.which("panlabel") or os.path.join(os.path.dirname(py), "panlabel")
        if os.path.exists(exe):
            with open(os.devnull, "wb") as null:
                (w, rss, _), _ = median_of(1, [exe, "validate", "--format", "coco", a.file],
                                           stdout=null)
            print(f"panlabel validate (Rust):  {w:6.2f} s  (process)  peak {rss:,.0f} MiB  "
                  "(no spec, no polygon validity)")
        else:
            print("panlabel: not installed")
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
