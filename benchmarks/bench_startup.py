"""Benchmark: start-up of the `guidec` command, beside a bare interpreter (the floor).

    python benchmarks/bench_startup.py [--repeat 15]

Each case is a fresh process, run --repeat times, alternating the cases so that load on the
machine falls on all of them alike; prints the median and the best. Cases: `python -c pass`
(the floor), `python -c "import numpy"` and `"import pydantic"` (what a command would pay for
importing them), `guidec --help`, `guidec check` of the spec `guidec init` writes, and of the
shipped retail-shelf spec. Targets (issue 15): `--help` < 0.15 s, a small `check` < 0.25 s.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--repeat", type=int, default=15)
    args = p.parse_args()
    py = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        tiny = os.path.join(tmp, "spec.yaml")
        subprocess.run([py, "-m", "guidec", "init", tiny], check=True, capture_output=True)
        cases = {
            "python -c pass (floor)": [py, "-c", "pass"],
            "python -c 'import numpy'": [py, "-c", "import numpy"],
            "python -c 'import pydantic'": [py, "-c", "import pydantic"],
            "guidec --help": [py, "-m", "guidec", "--help"],
            "guidec check (init's spec)": [py, "-m", "guidec", "check", tiny],
            "guidec check retail-shelf": [py, "-m", "guidec", "check",
                                          os.path.join(ROOT, "specs", "retail-shelf",
                                                       "spec.yaml")],
        }
        times: dict[str, list[float]] = {k: [] for k in cases}
        for _ in range(args.repeat):
            for name, argv in cases.items():
                t0 = time.perf_counter()
                subprocess.run(argv, capture_output=True, cwd=tmp)
                times[name].append(time.perf_counter() - t0)
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}; load average {os.getloadavg()[0]:.1f}; "
          f"PYTHONDONTWRITEBYTECODE={os.environ.get('PYTHONDONTWRITEBYTECODE', '')!r}")
    print(f"{'case':<32}{'median s':>10}{'best s':>9}")
    for name, ts in times.items():
        print(f"{name:<32}{statistics.median(ts):10.3f}{min(ts):9.3f}")
    help_ok = statistics.median(times["guidec --help"]) < 0.15
    check_ok = statistics.median(times["guidec check (init's spec)"]) < 0.25
    print(f"targets: --help < 0.15 s {'met' if help_ok else 'MISSED'}; small check < 0.25 s "
          f"{'met' if check_ok else 'MISSED'}")
    return 0 if help_ok and check_ok else 1


if __name__ == "__main__":
    sys.exit(main())
