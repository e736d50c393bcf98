from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def corpus() -> Path:
    """../shared/corpus from the repo root, or from a worktree one level deeper."""
    for folder in (ROOT.parent / "shared" / "corpus", ROOT.parent.parent / "shared" / "corpus"):
        if folder.is_dir():
            return folder
    pytest.skip("../shared/corpus is not present")
