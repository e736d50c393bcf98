"""The one table of rule codes, shared by the loader, the linter, targets, validators and diff.

Every code has a stable identifier (``L101``), a kebab-case name, a default severity and its
documentation in fixed sections (what it checks, why, example). ``guidec rules`` and the rule
reference in the docs are generated from this table; registration refuses a duplicate code or
name. Families: Y load, S schema shape, L lint, T target limits, V delivery validation, D diff.
"""

from __future__ import annotations

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
}

_CODE_RE = re.compile(r"^[YSLTVD][0-9]{3}$")
_NAME_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


@dataclass(frozen=True, slots=True)
class Code:
    code: str
    name: str
    severity: Severity
    summary: str
    why: str = ""
    example: str = ""

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


def register(
    code: str,
    name: str,
    severity: Severity,
    summary: str,
    why: str = "",
    example: str = "",
) -> Code:
    if not _CODE_RE.match(code):
        raise ValueError(f"bad rule code {code!r}")
    if not _NAME_RE.match(name):
        raise ValueError(f"rule name {name!r} is not kebab-case")
    if code in REGISTRY:
        raise ValueError(f"rule code {code} registered twice")
    if name in _BY_NAME:
        raise ValueError(f"rule name {name!r} registered twice ({_BY_NAME[name]} and {code})")
    entry = Code(code, name, severity, inspect.cleandoc(summary), inspect.cleandoc(why),
                 inspect.cleandoc(example))
    REGISTRY[code] = entry
    _BY_NAME[name] = code
    return entry


def lookup(code_or_name: str) -> Code | None:
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
    """Import every module that registers codes, so the table is complete."""
    import importlib
    import pkgutil

    import guidec

    for mod in ("guidec.source", "guidec.spec.loader", "guidec.lint"):
        importlib.import_module(mod)
    # Optional families, present once their packages exist.
    for pkg in ("guidec.readers", "guidec.rules", "guidec.targets", "guidec.diff"):
        try:
            m = importlib.import_module(pkg)
        except ModuleNotFoundError as exc:  # pragma: no cover - package not built yet
            if exc.name == pkg:
                continue
            raise
        if hasattr(m, "__path__"):
            for info in pkgutil.iter_modules(m.__path__, pkg + "."):
                importlib.import_module(info.name)
    del guidec
