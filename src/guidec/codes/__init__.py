"""The one table of rule codes, shared by the loader, the linter, targets, validators and diff.

Every code has a stable identifier (``L101``), a kebab-case name, a default severity and its
documentation in fixed sections (what it checks, why, example). The table is data: one module
per family in this package (``load.py`` Y, ``schema.py`` S, ``lint.py`` L, ``target.py`` T,
``validate.py`` V, ``diff.py`` D, ``qa.py`` Q, ``handoff.py`` H, ``importing.py`` I), so it is
complete without importing the code that reports findings. ``guidec rules``, the rule reference
in the docs and the committed snapshot (``tests/codes.snapshot``) are generated from it.

To add a code: add one ``define(...)`` (``change(...)`` for a diff kind) to its family's module,
in code order, then fetch it where it is reported with ``code("V123")`` (lint rules:
``@lint_rule("L123")``, validation rules: ``vcode("V123", group=...)``, diff kinds:
``kind("D123")``) and update the snapshot (``python -m guidec.codes --snapshot >
tests/codes.snapshot``). Codes are never reused: a code that no longer fires stays in the table
with ``retired="why"``, and the snapshot test fails when a code disappears or changes name.
"""

from __future__ import annotations

import importlib
import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass

from guidec.diagnostics import Diagnostic, Path, Severity

FAMILIES = {
    "Y": "load",
    "S": "schema",
    "L": "lint",
    "T": "target",
    "V": "validate",
    "D": "diff",
    "Q": "qa",
    "H": "handoff",
    "I": "import",
}
#: The module of this package that holds each family's table.
_MODULES = {"Y": "load", "S": "schema", "L": "lint", "T": "target", "V": "validate",
            "D": "diff", "Q": "qa", "H": "handoff", "I": "importing"}

_CODE_RE = re.compile(r"^[YSLTVDQHI][0-9]{3}$")
_NAME_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


@dataclass(frozen=True, slots=True)
class Code:
    code: str
    name: str
    severity: Severity
    summary: str
    why: str = ""
    example: str = ""
    impact: str = ""  # diff kinds: E/W/I for labels, models, tools
    floor: str = ""  # diff kinds: the least version bump
    retired: str = ""  # why a code no longer fires (it stays reserved)

    @property
    def status(self) -> str:
        return "retired" if self.retired else "active"

    @property
    def family(self) -> str:
        return FAMILIES[self.code[0]]

    def __call__(
        self,
        message: str,
        *,
        file: str | None = None,
        path: Path = (),
        hint: str | None = None,
        severity: Severity | None = None,
        **extra,
    ) -> Diagnostic:
        """Make a diagnostic of this code."""
        # positional: a lint run makes 10,000 of these (code, severity, message, file, path,
        # line, col, hint, extra)
        return Diagnostic(self.code, severity or self.severity, message, file, path, None, None,
                          hint, extra)


REGISTRY: dict[str, Code] = {}
_BY_NAME: dict[str, str] = {}


def _enter(entry: Code) -> Code:
    """Enter a code from its family's table (``guidec/codes/_define.py``)."""
    code, name = entry.code, entry.name
    if not _CODE_RE.match(code):
        raise ValueError(f"bad rule code {code!r}")
    if not _NAME_RE.match(name):
        raise ValueError(f"rule name {name!r} is not kebab-case")
    if code in REGISTRY:
        raise ValueError(f"rule code {code} defined twice")
    if name in _BY_NAME:
        raise ValueError(f"rule name {name!r} defined twice ({_BY_NAME[name]} and {code})")
    entry = Code(code, name, entry.severity, inspect.cleandoc(entry.summary),
                 inspect.cleandoc(entry.why), inspect.cleandoc(entry.example), entry.impact,
                 entry.floor, entry.retired)
    REGISTRY[code] = entry
    _BY_NAME[name] = code
    return entry


_LOADED: set[str] = set()


def _load_family(letter: str) -> None:
    if letter not in _LOADED and letter in _MODULES:
        _LOADED.add(letter)
        importlib.import_module(f"guidec.codes.{_MODULES[letter]}")


def code(code: str) -> Code:
    """The table entry of ``code``, for the module that reports it (a missing code is a bug)."""
    _load_family(code[:1])
    try:
        return REGISTRY[code]
    except KeyError:
        raise KeyError(f"rule code {code} is not in the code table (guidec/codes/)") from None


def lookup(code_or_name: str) -> Code | None:
    """A code by its code or its name, ``None`` if there is none."""
    _load_all()
    key = code_or_name.strip()
    if key in REGISTRY:
        return REGISTRY[key]
    if key in _BY_NAME:
        return REGISTRY[_BY_NAME[key]]
    return None


def select_codes(select: list[str] | None, ignore: list[str] | None) -> Callable[[str], bool]:
    """A predicate over codes from ``--select``/``--ignore`` lists.

    Entries may be full codes (``L101``), prefixes (``L1``, ``V``) or rule names.
    """

    def norm(items: list[str] | None) -> list[str]:
        out = []
        for item in items or []:
            for part in item.split(","):
                part = part.strip()
                if not part:
                    continue
                entry = lookup(part)
                out.append(entry.code if entry else part.upper())
        return out

    sel, ign = norm(select), norm(ignore)

    def allowed(code: str) -> bool:
        if sel and not any(code.startswith(s) for s in sel):
            return False
        return not any(code.startswith(i) for i in ign)

    return allowed


def all_codes() -> list[Code]:
    _load_all()
    return [REGISTRY[c] for c in sorted(REGISTRY)]


def _load_all() -> None:
    """Load every family's table (data modules only: no rule or reader is imported)."""
    for letter in _MODULES:
        _load_family(letter)


def snapshot() -> str:
    """One line per code, ``code name severity status``: the committed ``tests/codes.snapshot``."""
    return "".join(f"{c.code} {c.name} {c.severity.label} {c.status}\n" for c in all_codes())
