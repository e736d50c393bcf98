"""Start-up: listing the commands imports no command's machinery, and checking a small spec
does not import numpy. What is imported, not how long it takes (benchmarks/bench_startup.py
measures that)."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import SPECS

PROBE = """
import sys
from guidec.cli import main
try:
    main({argv!r})
except SystemExit:
    pass
heavy = sorted(m for m in {heavy!r} if m in sys.modules)
print("HEAVY", heavy, file=sys.stderr)
"""


def _imported(argv: list[str], heavy: list[str]) -> list[str]:
    r = subprocess.run([sys.executable, "-c", PROBE.format(argv=argv, heavy=heavy)],
                       capture_output=True, text=True, timeout=120)
    line = next(x for x in r.stderr.splitlines() if x.startswith("HEAVY"))
    return eval(line[len("HEAVY "):])  # a list literal printed above


def test_help_imports_no_command_machinery():
    heavy = ["numpy", "pydantic", "yaml", "jinja2", "shapely", "guidec.lint", "guidec.view",
             "guidec.targets", "guidec.readers", "guidec.spec", "urllib.request",
             "http.server"]
    assert _imported(["--help"], heavy) == []
    assert _imported([], heavy) == []
    assert _imported(["--version"], heavy) == []
    assert _imported(["check", "--help"], heavy) == []  # a command's own options, built alone


def test_checking_a_small_spec_does_not_import_numpy():
    spec = str(SPECS / "retail-shelf" / "spec.yaml")
    got = _imported(["check", spec], ["numpy", "shapely", "jinja2", "guidec.readers",
                                      "guidec.targets"])
    assert got == []


def test_help_still_lists_every_command():
    from guidec.commands import COMMANDS

    def helped(*argv: str) -> str:
        r = subprocess.run([sys.executable, "-m", "guidec", *argv], capture_output=True,
                           text=True, timeout=120)
        assert r.returncode == 0, r.stderr
        return r.stdout

    text = helped("--help")
    for name in COMMANDS:
        assert f"    {name} " in text, name
    assert "--target" in helped("build", "--help")  # a command's own options are there
    assert "--max-file-size" in helped("--debug", "validate", "--help")


HUGEPAGE = """
import guidec.cli, numpy
# numpy's own switch, set from NUMPY_MADVISE_HUGEPAGE when it is imported: returns the old value
print("HUGEPAGE", numpy._core.multiarray._set_madvise_hugepage(True))
"""


def test_the_command_line_turns_numpys_huge_pages_off_unless_the_user_says():
    """The rules' large arrays are made once and freed: the command line asks numpy not to
    ask the kernel for huge pages for them (benchmarks/README.md), unless
    NUMPY_MADVISE_HUGEPAGE says otherwise."""
    import os

    def setting(env: dict) -> str:
        r = subprocess.run([sys.executable, "-c", HUGEPAGE], capture_output=True, text=True,
                           timeout=120, env=env, check=True)
        return r.stdout.split()[-1]

    env = {k: v for k, v in os.environ.items() if k != "NUMPY_MADVISE_HUGEPAGE"}
    assert setting(env) == "False"
    assert setting({**env, "NUMPY_MADVISE_HUGEPAGE": "1"}) == "True"
