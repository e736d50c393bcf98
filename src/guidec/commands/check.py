"""guidec check: load, validate and lint specs."""

from __future__ import annotations

from guidec.commands._common import (
    add_report_options,
    filter_diags,
    load_project_or_findings,
    report,
)
from guidec.report import Context

NAME = "check"
ORDER = 10
HELP = "check specs: YAML, spec language and lint rules, with file:line:col findings"


def add_arguments(p) -> None:
    p.add_argument("specs", nargs="+", metavar="SPEC", help="spec files to check")
    add_report_options(p, formats=["human", "json", "github", "sarif", "junit"])


def run(args, out, err) -> int:
    from guidec.lint import run_lint

    diags = []
    for path in args.specs:
        project, found = load_project_or_findings(path)
        diags.extend(found)
        if project is not None:
            diags.extend(run_lint(project))
        elif all(d.code.startswith("S") for d in found):
            diags.extend(_lint_the_rest(path))
    diags = filter_diags(diags, args)
    return report(diags, args, out, Context("check", files=list(args.specs)))


def _lint_the_rest(path: str) -> list:
    """Lint findings of the valid parts of a spec with schema errors (all problems in one run;
    see :mod:`guidec.spec.salvage`)."""
    from guidec.lint import run_lint
    from guidec.spec.salvage import salvage
    from guidec.view import resolve

    rest = salvage(path)
    if rest is None:
        return []
    return [d for d in run_lint(resolve(rest.loaded)) if not rest.hides(d)]
