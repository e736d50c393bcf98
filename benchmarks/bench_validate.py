"""Time and peak memory of reading/validating a COCO file, against the parse and the peers.

    python benchmarks/gen_coco.py /tmp/bench/train.json          # once (~300 MB, never commit)
    python benchmarks/bench_validate.py /tmp/bench/train.json [--repeat 3] [--spec SPEC]

Every step runs in a fresh subprocess (so peak RSS is that step's own), ``--repeat`` times;
the median time and the largest peak are reported as a Markdown table:

* ``orjson.loads`` of the file's bytes with the garbage collector off (the reference),
* ``guidec.readers.read_delivery`` (parse + columns: the reader's whole cost),
* ``guidec validate --spec SPEC FILE`` when the command exists (the rules branch),
* pycocotools ``COCO(file)`` and ``panlabel validate --format coco`` when installed.

Machine, CPU count, load average before and after, file size and Python version are printed
with the table, because the numbers mean nothing without them.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys

PY = sys.executable
_CHILD = r"""
import gc, json, resource, sys, time
what, path = sys.argv[1], sys.argv[2]
gc.disable()
if what == "orjson":
    import orjson
    t0 = time.perf_counter()
    with open(path, "rb") as fh:
        raw = fh.read()
    t1 = time.perf_counter()
    doc = orjson.loads(raw)
    t2 = time.perf_counter()
    out = {"seconds": t2 - t0, "parse_only": t2 - t1}
elif what == "read":
    from guidec.readers import read_delivery
    t0 = time.perf_counter()
    r = read_delivery([path])
    t2 = time.perf_counter()
    out = {"seconds": t2 - t0, "rows": len(r.table), "findings": len(r.diagnostics)}
elif what == "pycocotools":
    import contextlib, io
    gc.enable()  # as a user runs it
    from pycocotools.coco import COCO
    t0 = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        COCO(path)
    out = {"seconds": time.perf_counter() - t0}
out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
sys.stdout.write(json.dumps(out))
sys.stdout.flush()
import os
os._exit(0)  # teardown of the parsed document is not part of any step
"""

_EXTERNAL = r"""
import json, resource, subprocess, sys, time
t0 = time.perf_counter()
p = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
t = time.perf_counter() - t0
print(json.dumps({"seconds": t, "rc": p.returncode,
                  "peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
                  "stderr": p.stderr.decode(errors="replace")[-300:]}))
"""


def _run(args: list[str]) -> dict:
    p = subprocess.run(args, capture_output=True, text=True)
    if p.returncode != 0 or not p.stdout.strip():
        return {"error": (p.stderr or p.stdout)[-400:]}
    return json.loads(p.stdout.strip().splitlines()[-1])


def measure(name: str, args: list[str], repeat: int) -> dict:
    runs = [_run(args) for _ in range(repeat)]
    ok = [r for r in runs if "error" not in r]
    if not ok:
        return {"name": name, "error": runs[0]["error"]}
    out = {"name": name, "seconds": statistics.median(r["seconds"] for r in ok),
           "peak_mb": max(r["peak_mb"] for r in ok), "runs": ok}
    if "parse_only" in ok[0]:
        out["parse_only"] = statistics.median(r["parse_only"] for r in ok)
    return out


def _has_validate() -> bool:
    try:
        import guidec.commands.validate  # noqa: F401
    except ImportError:
        return False
    return True


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--spec", help="spec for `guidec validate` (default: spec.yaml beside FILE)")
    ap.add_argument("--json", help="also write the raw results here")
    a = ap.parse_args(argv)
    size = os.path.getsize(a.file)
    load_before = os.getloadavg()
    steps = [
        ("orjson.loads (GC off)", [PY, "-c", _CHILD, "orjson", a.file]),
        ("guidec read_delivery (parse + table)", [PY, "-c", _CHILD, "read", a.file]),
    ]
    spec = a.spec or os.path.join(os.path.dirname(os.path.abspath(a.file)), "spec.yaml")
    guidec = shutil.which("guidec", path=os.path.dirname(PY)) or shutil.which("guidec")
    if _has_validate() and guidec and os.path.exists(spec):
        steps.append(("guidec validate (all rules)",
                      [PY, "-c", _EXTERNAL, guidec, "validate", "--spec", spec, a.file,
                       "--fail-on", "never"]))
    try:
        import pycocotools  # noqa: F401

        steps.append(("pycocotools COCO(file) (no checks)",
                      [PY, "-c", _CHILD, "pycocotools", a.file]))
    except ImportError:
        pass
    panlabel = shutil.which("panlabel", path=os.path.dirname(PY)) or shutil.which("panlabel")
    if panlabel:
        steps.append(("panlabel 0.7 validate --format coco",
                      [PY, "-c", _EXTERNAL, panlabel, "validate", "--format", "coco",
                       a.file]))
    results = [measure(n, args, a.repeat) for n, args in steps]
    load_after = os.getloadavg()
    ref = results[0]
    parse = ref.get("parse_only", ref.get("seconds"))
    print(f"File: {a.file} ({size / 1e6:.1f} MB); {platform.processor() or platform.machine()}, "
          f"{os.cpu_count()} CPUs, Python {platform.python_version()}; load average "
          f"{load_before[0]:.2f} before, {load_after[0]:.2f} after; median of {a.repeat}.")
    print()
    print("| step | seconds | x orjson parse | peak RSS MB | x orjson peak |")
    print("|---|---|---|---|---|")
    for r in results:
        if "error" in r:
            print(f"| {r['name']} | failed: {r['error'].strip().splitlines()[-1][:80]} | | | |")
            continue
        secs = r.get("parse_only", r["seconds"]) if r is ref else r["seconds"]
        print(f"| {r['name']} | {secs:.2f} | {secs / parse:.2f} | {r['peak_mb']:.0f} | "
              f"{r['peak_mb'] / ref['peak_mb']:.2f} |")
    if a.json:
        with open(a.json, "w", encoding="utf-8") as fh:
            json.dump({"file": a.file, "bytes": size, "load": [load_before, load_after],
                       "results": results}, fh, indent=2, sort_keys=True)
            fh.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
