"""Benchmark: peak memory of `guidec validate` on COCO files of 1x and 4x train2017.

    python benchmarks/bench_stream.py [--base /tmp/bench/fx.json] [--before SRC]

``--base`` is the train2017-scale file of ``coco_fixture.py`` (326 MB, 860,001
annotations); a 4x file (1.3 GB, 3,440,004 annotations) is made from it once, beside it, by
repeating its images and annotations with fresh ids. Each run is its own process; peak memory
is the process's maximum RSS. ``--before SRC`` also runs the guidec found at SRC (a checkout's
``src`` folder) for the figures before streaming. The floor, ``orjson.loads`` of the file with
the collector off, is measured at 1x only: at 4x it needs ~12 GB, and it grows linearly.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

FLOOR = r"""
import gc, sys, orjson
gc.disable()
with open(sys.argv[1], "rb") as fh:
    doc = orjson.loads(fh.read())
print(len(doc["annotations"]))
"""


def make_4x(base: str, out: str) -> None:
    import orjson

    with open(base, "rb") as fh:
        doc = orjson.loads(fh.read())
    img_step = max(int(i["id"]) for i in doc["images"]) + 1
    ann_step = max(int(a["id"]) for a in doc["annotations"]) + 1
    images, anns = [], []
    for k in range(4):
        for im in doc["images"]:
            images.append({**im, "id": im["id"] + k * img_step,
                           "file_name": f"{k}/{im['file_name']}"})
        for a in doc["annotations"]:
            anns.append({**a, "id": a["id"] + k * ann_step,
                         "image_id": a["image_id"] + k * img_step})
    doc["images"], doc["annotations"] = images, anns
    with open(out + ".partial", "wb") as fh:
        fh.write(orjson.dumps(doc))
    os.replace(out + ".partial", out)


def run(cmd: list[str], env: dict | None = None) -> tuple[float, float, str]:
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    out = p.stdout.read().decode()
    _, status, usage = os.wait4(p.pid, 0)
    err = p.stderr.read().decode()
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"{cmd[:4]} failed: {err[-2000:]}")
    return time.perf_counter() - t0, usage.ru_maxrss / 1024, out.strip()


def main(argv=None) -> int:
    if argv is None and sys.argv[1:2] == ["--make-4x"]:
        make_4x(sys.argv[2], sys.argv[3])
        return 0
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--base", default="/tmp/bench/fx.json")
    p.add_argument("--spec", help="default: BASE without .json + .spec.yaml")
    p.add_argument("--before", help="src folder of the guidec to compare with")
    a = p.parse_args(argv)
    spec = a.spec or a.base[:-5] + ".spec.yaml"
    big = a.base[:-5] + ".4x.json"
    if not os.path.exists(big):
        t0 = time.perf_counter()
        # in a process of its own: a child started later would inherit this one's peak RSS
        subprocess.run([sys.executable, __file__, "--make-4x", a.base, big], check=True)
        print(f"made {big} in {time.perf_counter() - t0:.0f} s")
    py = sys.executable
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average "
          f"{os.getloadavg()[0]:.2f}")
    wall, rss, _ = run([py, "-c", FLOOR, a.base])
    print(f"floor orjson.loads, 1x ({os.path.getsize(a.base) / 1e6:,.0f} MB): "
          f"{wall:6.2f} s  peak {rss:7,.0f} MiB")
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src")
    versions = [("now", here)] + ([("before", a.before)] if a.before else [])
    for label, src in versions:
        env = {**os.environ, "PYTHONPATH": src}
        for name, f in (("1x", a.base), ("4x", big)):
            wall, rss, out = run([py, "-m", "guidec", "validate", "--spec", spec, f,
                                  "--format", "summary"], env)
            print(f"guidec validate ({label}), {name} ({os.path.getsize(f) / 1e6:,.0f} MB): "
                  f"{wall:6.2f} s  peak {rss:7,.0f} MiB  | {out.splitlines()[-1]}")
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
