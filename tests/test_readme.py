"""Every shell block of the README after the first (the install commands, which CI itself runs)
runs as written, in order, from a copy of the repository with the venv's commands on PATH, as a
newcomer pastes them: each command exits 0 or 1 (1 = findings), never 2 or with a traceback.

Skipped: the blocks of "## Development" (they run this test suite and CI themselves) and blocks
marked ``text`` (they need a Label Studio server or install it; CI's own steps run those).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow
SKIP_SECTIONS = ("## Development",)
GUARD = ("set -o errtrace\n"
         "trap 'rc=$?; if [ $rc -gt 1 ]; then echo \"README: exit $rc: $BASH_COMMAND\" >&2; "
         "exit 99; fi' ERR\n")


def shell_blocks() -> list[tuple[str, str]]:
    """(section heading, block text) of every ```bash block but the first."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    out, section = [], ""
    for m in re.finditer(r"^(## [^\n]*)$|^```bash\n(.*?)^```$", text, flags=re.M | re.S):
        if m.group(1):
            section = m.group(1)
        else:
            out.append((section, m.group(2)))
    return out[1:]


def test_the_readme_blocks_run_as_written(tmp_path):
    work = tmp_path / "repo"
    ignore = shutil.ignore_patterns(".git", ".venv*", "build", "__pycache__", "test-artifacts",
                                    "*.egg-info", ".pytest_cache")
    shutil.copytree(ROOT, work, ignore=ignore)
    bindir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}",
           "VIRTUAL_ENV": str(bindir.parent)}
    ran = 0
    for section, block in shell_blocks():
        if section.startswith(SKIP_SECTIONS):
            continue
        r = subprocess.run(["bash", "-c", GUARD + block], cwd=work, env=env,
                           capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL)
        assert r.returncode != 99 and "Traceback" not in r.stderr \
            and "internal error" not in r.stderr, (section, block, r.stderr[-3000:])
        ran += 1
    assert ran >= 12
