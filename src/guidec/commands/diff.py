"""guidec diff: classify every change between two spec versions and check the semver bump."""

from __future__ import annotations

from guidec.diagnostics import GuidecError, Severity

NAME = "diff"
ORDER = 40
HELP = "classify the changes between two spec versions; check the version bump"
DESCRIPTION = (
    "Compare OLD and NEW spec versions. Every change is a D-code with its impact on existing "
    "labels, trained models and tool configs, and the semver bump it requires. Exit 1 when "
    "NEW's version bump is smaller than required (or per --fail-on), 2 when a spec cannot be "
    "loaded.")

FAIL_ON = ("bump", "breaking", "major", "minor", "patch", "error", "warning", "info", "never")


def add_arguments(p) -> None:
    p.add_argument("old", metavar="OLD", help="the older spec")
    p.add_argument("new", metavar="NEW", help="the newer spec")
    p.add_argument("--format", choices=["human", "markdown", "json", "github"], default="human",
                   help="human (default), markdown (a changelog section), json, github")
    p.add_argument("--fail-on", choices=FAIL_ON, default="bump",
                   help="exit 1 when: bump (default) the version bump is too small; "
                        "breaking/major, minor, patch: any change requiring at least that "
                        "bump; error, warning, info: any change with at least that impact; "
                        "never")
    p.add_argument("--consumer", metavar="LIST", default="labels,models,tools",
                   help="consumers whose impact counts (comma-separated; default "
                        "labels,models,tools)")
    p.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE")
    p.add_argument("--migration-map", metavar="FILE",
                   help="also write the migration map (YAML, or JSON if FILE ends in .json)")


def parse_consumers(text: str) -> tuple[str, ...]:
    from guidec.diff import CONSUMERS

    items = tuple(dict.fromkeys(x.strip() for x in text.split(",") if x.strip()))
    bad = [x for x in items if x not in CONSUMERS]
    if bad or not items:
        raise GuidecError(f"--consumer takes a comma-separated list of {', '.join(CONSUMERS)}"
                          f"; got {text!r}")
    return tuple(c for c in CONSUMERS if c in items)


def exit_code(changes, verdict, fail_on: str, consumers) -> int:
    from guidec.diff import Bump

    if fail_on == "never":
        return 0
    if verdict:
        return 1
    if fail_on == "bump":
        return 0
    if fail_on in ("breaking", "major", "minor", "patch"):
        need = Bump.MAJOR if fail_on == "breaking" else Bump[fail_on.upper()]
        return int(any(c.bump(consumers) >= need for c in changes))
    level = Severity.parse(fail_on)
    return int(any(c.severity(consumers) >= level for c in changes))


def load_two(old_path: str, new_path: str, err):
    from guidec.report import Context, render
    from guidec.view import load_project

    projects, problems = [], []
    for path in (old_path, new_path):
        try:
            projects.append(load_project(path))
        except GuidecError as exc:
            if not exc.diagnostics:
                raise
            problems.extend(exc.diagnostics)
    if problems:
        err.write(render(problems, "human", Context(NAME)))
        raise GuidecError("cannot diff: fix the specs first")
    return projects


def run(args, out, err) -> int:
    from guidec.diff import diff_projects, verdict
    from guidec.diff.mapping import dump_map, migration_map
    from guidec.diff.report import (
        render_github,
        render_human,
        render_json,
        render_markdown,
        render_verdict,
    )
    from guidec.output import write_atomic

    consumers = parse_consumers(args.consumer)
    old, new = load_two(args.old, args.new, err)
    changes = diff_projects(old, new)
    found = verdict(old, new, changes, consumers)
    mapping = None
    if args.migration_map or args.format in ("markdown", "json"):
        mapping = migration_map(old, new, changes)
    if args.format == "human":
        text = render_human(old, new, changes, found, consumers)
    elif args.format == "markdown":
        text = render_markdown(old, new, changes, consumers, migration=mapping)
        if found:
            err.write("\n".join(render_verdict(old, new, found)) + "\n")
    elif args.format == "json":
        text = render_json(old, new, changes, found, consumers, migration=mapping)
    else:
        text = render_github(old, new, changes, found, consumers)
    if args.output:
        write_atomic(args.output, text.encode("utf-8"))
    else:
        out.write(text)
    if args.migration_map:
        fmt = "json" if args.migration_map.endswith(".json") else "yaml"
        write_atomic(args.migration_map, dump_map(mapping, fmt).encode("utf-8"))
    return exit_code(changes, found, args.fail_on, consumers)
