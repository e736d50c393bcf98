"""``guidec check``: semantic lint rules over a loaded and resolved spec.

Each rule is a generator ``fn(project) -> Iterable[Diagnostic]`` registered with
:func:`lint_rule` under its code; the code's name, severity and docs are in the code table
(:mod:`guidec.codes`). Rules yield diagnostics with a *data path*; :func:`run_lint` turns paths
into ``file:line:col`` through the spec's source map. Rules live in the modules of this package.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from guidec.codes import code
from guidec.diagnostics import Diagnostic, Severity
from guidec.registry import Registry
from guidec.source import gc_paused
from guidec.view import Project

LintFn = Callable[[Project], Iterable[Diagnostic]]
LINT_RULES: Registry[LintFn] = Registry("lint rule", __name__)


def lint_rule(lint_code: str) -> Callable[[LintFn], LintFn]:
    """Register a lint rule. Inside, call its code object via ``fn.code(...)``."""
    entry = code(lint_code)

    def deco(fn: LintFn) -> LintFn:
        fn.code = entry  # type: ignore[attr-defined]
        return LINT_RULES.add(lint_code)(fn)

    return deco


def run_lint(project: Project, allowed: Callable[[str], bool] | None = None) -> list[Diagnostic]:
    with gc_paused(freeze=False):  # rules build many small tuples and diagnostics, no cycles
        return _run(project, allowed)


def _run(project: Project, allowed: Callable[[str], bool] | None) -> list[Diagnostic]:
    overrides = project.spec.severity_overrides
    out: list[Diagnostic] = []
    source = project.loaded.source
    for _, fn in sorted(LINT_RULES.items()):
        entry = fn.code
        if allowed is not None and not allowed(entry.code):
            continue
        if overrides.get(entry.code) == "off" or overrides.get(entry.name) == "off":
            continue
        grade = overrides.get(entry.code) or overrides.get(entry.name)
        for d in fn(project):
            d = source.place(d, prefer_key=d.extra.get("at_key", False))
            if grade:
                from dataclasses import replace

                d = replace(d, severity=Severity.parse(grade))
            out.append(d)
    return sorted(out, key=Diagnostic.sort_key)

