from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

import tests.budget  # noqa: F401 - loads the hypothesis profile for every test
from guidec.cli import run

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "specs"
# ../shared/corpus beside the checkout (CI); GUIDEC_CORPUS points elsewhere; a worktree
# one level deeper (wt/<name>) finds it too.
CORPUS = Path(os.environ.get("GUIDEC_CORPUS") or next(
    (p / "shared" / "corpus" for p in ROOT.parents if (p / "shared" / "corpus").is_dir()),
    ROOT.parent / "shared" / "corpus"))


def spec_files() -> list[Path]:
    """Every shipped spec (a spec is a specs/<name>/spec.yaml)."""
    return sorted(SPECS.glob("*/spec.yaml"))


@pytest.fixture
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not present")
    return CORPUS


class Result:
    def __init__(self, code: int, out: str, err: str):
        self.code, self.out, self.err = code, out, err

    def __repr__(self) -> str:
        return f"Result(code={self.code}, out={self.out!r}, err={self.err!r})"


@pytest.fixture
def cli():
    """Run guidec in-process: cli("check", "spec.yaml") -> Result(code, out, err)."""

    def call(*argv: str, cwd: str | os.PathLike | None = None) -> Result:
        out, err = io.StringIO(), io.StringIO()
        old = os.getcwd()
        try:
            if cwd:
                os.chdir(cwd)
            code = run([str(a) for a in argv], out, err)
        finally:
            os.chdir(old)
        return Result(code, out.getvalue(), err.getvalue())

    return call


@pytest.fixture
def write(tmp_path):
    """write("name.yaml", text) -> path, under a fresh tmp folder."""

    def _write(name: str, text: str) -> Path:
        p = tmp_path / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
        return p

    return _write
