"""Benchmark: a many-file delivery read on dask.distributed workers (``--scheduler``).

    python benchmarks/bench_dask.py [--images 50000] [--objects 8] [--repeat 3]

Uses the VOC delivery of ``bench_formats.py voc`` (generated once into its cache) and
measures, each ``guidec validate`` as its own process, median of ``--repeat``:

* ``--jobs 1`` and ``--jobs 2`` (forked workers on this machine);
* ``--scheduler`` to a LocalCluster of 1 and of 2 worker processes (one thread each),
  started before the timing as a real cluster would be;
* the read alone on each cluster (``read_delivery`` in this process), which gives the
  per-worker throughput, and the rest (merge, rules, report) that the client does.

From these it projects the time for 100 million annotations on N workers: the read divides
by N, the client's part does not (it holds the merged columns and runs the rules that span
files).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from bench_formats import generate, median


def column_bytes(table) -> int:
    """Bytes of the table's numpy columns (the object columns' pointers, not their objects)."""
    import dataclasses

    import numpy as np

    total = 0
    for f in dataclasses.fields(table):
        v = getattr(table, f.name)
        for col in (v.values() if isinstance(v, dict) else [v]):
            if isinstance(col, np.ndarray):
                total += col.nbytes
    return total


def read_time(delivery: str, spec: str, address: str, repeat: int) -> tuple[float, int, int]:
    from guidec.readers import _common, read_delivery
    from guidec.view import load_project

    project = load_project(spec)
    _common.set_scheduler(address)
    times, rows, nbytes = [], 0, 0
    try:
        for _ in range(repeat):
            t0 = time.perf_counter()
            res = read_delivery([delivery], project=project)
            times.append(time.perf_counter() - t0)
            rows, nbytes = len(res.table), column_bytes(res.table)
    finally:
        _common.set_scheduler(None)
    return statistics.median_low(times), rows, nbytes


def main(argv=None) -> int:
    from distributed import LocalCluster

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--images", type=int, default=50_000)
    p.add_argument("--objects", type=int, default=8)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--cache", default="/tmp/guidec-bench-formats")
    a = p.parse_args(argv)
    folder = os.path.join(a.cache, f"voc-{a.images}-{a.objects}")
    if not os.path.isdir(folder):
        generate("voc", folder, a.images, a.objects)
    delivery, spec = os.path.join(folder, "Annotations"), os.path.join(folder, "spec.yaml")
    py = sys.executable
    print(f"voc: {a.images:,} files, ~{a.objects} objects each; python "
          f"{sys.version.split()[0]}, {os.cpu_count()} CPUs, load average "
          f"{os.getloadavg()[0]:.2f}")
    base = [py, "-m", "guidec", "validate", "--spec", spec, delivery, "--format", "summary"]
    whole = {}
    for label, extra in (("--jobs 1", ["--jobs", "1"]), ("--jobs 2", ["--jobs", "2"])):
        wall, rss, walls, _ = median(a.repeat, [*base, *extra])
        whole[label] = wall
        print(f"guidec validate {label:<22}{wall:6.2f} s  peak {rss:5.0f} MiB  "
              f"(runs {', '.join(f'{w:.2f}' for w in walls)})")
    per_worker = client_per_row = None
    for n in (1, 2):
        with LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                          dashboard_address=None) as cluster:
            addr = cluster.scheduler_address
            wall, rss, walls, _ = median(a.repeat, [*base, "--scheduler", addr])
            read, rows, nbytes = read_time(delivery, spec, addr, a.repeat)
        rest = wall - read
        rate = rows / read
        if n == 1:
            per_worker, client_per_row = rate, rest / rows
        print(f"guidec validate --scheduler ({n} worker{'s' if n > 1 else ''}): {wall:6.2f} s  "
              f"client peak {rss:5.0f} MiB; read on the cluster {read:.2f} s = "
              f"{rate:,.0f} annotations/s ({rate / n:,.0f} a worker); client's rest "
              f"{rest:.2f} s (runs {', '.join(f'{w:.2f}' for w in walls)})")
    if per_worker:
        client = 1e8 * client_per_row
        print(f"projection for 100,000,000 annotations ({rows:,} measured): the read "
              f"{1e8 / per_worker / 60:.1f} min / N workers, plus the client's merge, rules "
              f"and report ~{client / 60:.1f} min (linear in the annotations); the client "
              f"holds {nbytes / rows:.0f} bytes of columns an annotation here: "
              f"~{nbytes / rows * 1e8 / 1024 ** 3:.0f} GiB")
        for n in (8, 32, 128):
            print(f"  N={n:>3}: {(1e8 / per_worker / n + client) / 60:.1f} min")
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
