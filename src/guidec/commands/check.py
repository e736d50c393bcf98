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
    diags = filter_diags(diags, args)
    return report(diags, args, out, Context("check", files=list(args.specs)))
