"""site/docs/import.md: every shell block runs as written, in order, in an empty folder, and the
spec and messages the page shows are what the command writes."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
PAGE = ROOT / "site" / "docs" / "import.md"


def blocks(kind: str) -> list[str]:
    return re.findall(rf"```{kind}\n(.*?)```", PAGE.read_text(encoding="utf-8"), re.S)


def test_every_shell_block_runs(tmp_path):
    if shutil.which("bash") is None:
        pytest.skip("no bash")
    script = ("set -e\nguidec() { PYTHONPATH=" + str(ROOT / "src") + " " + sys.executable
              + ' -m guidec "$@"; }\n' + "\n".join(blocks("bash")))
    r = subprocess.run(["bash", "-c", script], cwd=tmp_path, capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    shown_spec = blocks("yaml")[0]
    assert (tmp_path / "spec.yaml").read_text() == shown_spec
    shown_out = blocks("text")[0]
    assert shown_out in r.stdout
    for name in ("ls-when", "cvat-spec", "coco-spec", "yolo-spec", "pose-spec",
                 "cityscapes-spec", "labelbox-spec", "draft"):
        check = subprocess.run([sys.executable, "-m", "guidec", "check", f"{name}.yaml"],
                               cwd=tmp_path, capture_output=True, text=True,
                               env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"})
        assert check.returncode == 0, (name, check.stdout, check.stderr)
