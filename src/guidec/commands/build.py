"""guidec build: compile a spec into tool configs, class files, schemas and the site project."""

from __future__ import annotations

import os

from guidec.commands._common import exit_code, load_project_or_findings
from guidec.diagnostics import Diagnostic, Severity

NAME = "build"
ORDER = 20
HELP = "compile a spec into every target (or those named with --target)"


def add_arguments(p) -> None:
    from guidec.targets import load_targets

    targets = load_targets()
    p.add_argument("spec", metavar="SPEC")
    p.add_argument("--out", "-o", metavar="DIR", default="build",
                   help="output folder (default: ./build); each target writes DIR/<target>/")
    p.add_argument("--target", "-t", action="append", choices=sorted(targets), metavar="NAME",
                   help="only this target (repeatable): " + ", ".join(sorted(targets)))
    p.add_argument("--check", action="store_true",
                   help="write nothing; exit 1 if DIR differs from what the spec produces")


def emit_all(project, names: list[str]) -> tuple[dict[str, str | bytes], list[Diagnostic]]:
    from guidec.targets import load_targets

    targets = load_targets()
    files: dict[str, str | bytes] = {}
    diags: list[Diagnostic] = []
    for name in names:
        target = targets[name]()
        problems = target.check(project)
        diags.extend(problems)
        if any(d.severity == Severity.ERROR for d in problems):
            continue
        for rel, content in target.emit(project).items():
            files[f"{name}/{rel}"] = content
    return files, diags


def run(args, out, err) -> int:
    from guidec.lint import run_lint
    from guidec.output import drift, write_tree
    from guidec.report import Context, render
    from guidec.targets import load_targets

    project, diags = load_project_or_findings(args.spec)
    if project is not None:
        diags = run_lint(project)
    if project is None or any(d.severity == Severity.ERROR for d in diags):
        err.write(render(diags, "human", Context("build")))
        err.write("guidec: not building: fix the errors above first\n")
        return 1
    targets = load_targets()
    names = args.target or [n for n, t in targets.items() if t.default]
    files, problems = emit_all(project, names)
    if problems:
        err.write(render(problems, "human", Context("build")))
        if exit_code(problems, "error"):
            return 1
    if args.check:
        drifted = drift(args.out, files)
        for rel, why in drifted:
            out.write(f"{os.path.join(args.out, rel)}: {why}\n")
        if drifted:
            out.write(f"{len(drifted)} of {len(files)} generated files are out of date; "
                      f"run: guidec build {args.spec} --out {args.out}\n")
            return 1
        out.write(f"{len(files)} generated files are up to date.\n")
        return 0
    changed = write_tree(args.out, files)
    out.write(f"wrote {len(changed)} of {len(files)} files to {args.out}\n")
    return 0
