"""How the family tables declare their codes (imported only by ``guidec/codes/*.py``)."""

from __future__ import annotations

from guidec.codes import Code, _enter
from guidec.diagnostics import Severity

ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO
_IMPACT = {"E": ERROR, "W": WARNING, "I": INFO}
_BUMPS = ("patch", "minor", "major")  # the bump an INFO / WARNING / ERROR impact requires


def define(code: str, name: str, severity: Severity, summary: str, why: str = "",
           example: str = "", *, retired: str = "") -> Code:
    """One code. ``retired`` (the reason) keeps a code that no longer fires reserved."""
    return _enter(Code(code, name, severity, summary, why, example, retired=retired))


def change(code: str, name: str, impact: str, summary: str, *, floor: str = "patch",
           why: str = "", example: str = "", retired: str = "") -> Code:
    """A diff change kind: ``impact`` is three letters E/W/I for labels, models and tools; the
    default severity is the worst of them, the bump the larger of theirs and ``floor``."""
    imp = [_IMPACT[ch] for ch in impact]
    severity = max(imp)
    bump = max(_BUMPS[severity - 1], floor, key=_BUMPS.index)
    doc = (f"Impact: labels {imp[0].label}, models {imp[1].label}, tools {imp[2].label}; "
           f"requires a {bump} version bump.")
    return _enter(Code(code, name, severity, summary, (why + "\n\n" + doc).strip(), example,
                       impact=impact, floor=floor, retired=retired))
