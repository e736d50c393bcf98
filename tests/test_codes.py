"""The code table: complete on its own, and codes are never reused or silently removed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from guidec import codes

SNAPSHOT = Path(__file__).with_name("codes.snapshot")
FIX = "python -m guidec.codes --snapshot > tests/codes.snapshot"


def _rows(text: str) -> dict[str, tuple[str, ...]]:
    return {line.split()[0]: tuple(line.split()[1:]) for line in text.splitlines() if line}


def test_snapshot_lists_every_code_as_it_is():
    committed, now = _rows(SNAPSHOT.read_text()), _rows(codes.snapshot())
    gone = sorted(set(committed) - set(now))
    assert not gone, (f"codes removed from the table: {gone}. A code is never removed: keep it "
                      "with retired='why' in guidec/codes/<family>.py")
    renamed = {c: (committed[c][0], now[c][0]) for c in committed if committed[c][0] != now[c][0]}
    assert not renamed, f"codes renamed (a name is part of the code, never reused): {renamed}"
    revived = [c for c in committed if committed[c][2] == "retired" and now[c][2] != "retired"]
    assert not revived, f"retired codes are reserved and never reused: {revived}"
    changed = {c: (committed.get(c), now[c]) for c in now if committed.get(c) != now[c]}
    assert not changed, f"the table changed; review, then update the snapshot ({FIX}): {changed}"


def test_names_are_unique_across_retired_codes_too():
    names = [c.name for c in codes.all_codes()]
    assert len(names) == len(set(names))


def test_table_is_complete_without_importing_the_code_that_reports():
    prog = ("import sys; from guidec.codes import all_codes; n = len(all_codes()); "
            "bad = [m for m in sys.modules if m.startswith(('guidec.lint', 'guidec.validation', "
            "'guidec.readers', 'guidec.targets', 'guidec.diff', 'guidec.spec'))]; "
            "print(n, bad)")
    out = subprocess.run([sys.executable, "-c", prog], capture_output=True, text=True,
                         check=True).stdout.split(" ", 1)
    assert int(out[0]) == len(_rows(SNAPSHOT.read_text()))
    assert out[1].strip() == "[]"


def test_every_family_module_defines_only_its_own_letter():
    for c in codes.all_codes():
        assert c.family == codes.FAMILIES[c.code[0]]


def test_unknown_code_is_a_clear_error():
    with pytest.raises(KeyError, match="not in the code table"):
        codes.code("V999")
