"""Options and plumbing shared by commands: report formats, --fail-on, --select/--ignore."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TextIO

from guidec.codes import select_codes
from guidec.diagnostics import Diagnostic, GuidecError, Severity
from guidec.report import REPORTERS, Context, render


def add_report_options(p: argparse.ArgumentParser, formats: Sequence[str] | None = None,
                       fail_on_default: str = "error") -> None:
    names = list(formats or REPORTERS)
    p.add_argument("--format", choices=names, default="human",
                   help="output format (default: human)")
    p.add_argument("--fail-on", choices=["error", "warning", "info", "never"],
                   default=fail_on_default,
                   help=f"exit 1 when a finding has at least this severity (default: "
                        f"{fail_on_default})")
    p.add_argument("--select", action="append", metavar="CODES",
                   help="only these codes, prefixes or rule names (comma-separated, repeatable)")
    p.add_argument("--ignore", action="append", metavar="CODES",
                   help="skip these codes, prefixes or rule names (comma-separated, repeatable)")
    p.add_argument("--output", "-o", metavar="FILE",
                   help="write the report to FILE instead of standard output")


def add_input_options(p: argparse.ArgumentParser) -> None:
    """Options of commands that read deliveries."""
    from guidec.inputs import DEFAULT_MAX_BYTES

    p.add_argument("--max-file-size", metavar="SIZE", type=_size,
                   help=f"largest delivery file read whole, e.g. 8G (default "
                        f"{DEFAULT_MAX_BYTES >> 30}G, or GUIDEC_MAX_FILE_BYTES)")
    p.add_argument("--jobs", "-j", metavar="N", type=_jobs, default=None,
                   help="cores for big deliveries: threads reading Pascal VOC and YOLO "
                        "files, worker processes for label maps and, from 200,000 "
                        "annotations with 8 million polygon vertices or overlap checks, for "
                        "the geometry rules (default: the cores this process may use); the "
                        "findings are the same for any N")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="read the delivery's files on the workers of this dask.distributed "
                        "scheduler (tcp://host:8786; needs guidec[dask] here and on the "
                        "workers, and the files at the same paths there); the findings are "
                        "those of one process")


def jobs_of(args) -> int:
    """``--jobs``, else the cores this process may run on."""
    import os

    if getattr(args, "jobs", None):
        return args.jobs
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _jobs(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"expected a number of processes (1 or more), not "
                                         f"{text!r}")
    return n


def apply_input_options(args) -> None:
    from guidec import inputs

    inputs.set_limit(getattr(args, "max_file_size", None))
    from guidec.readers._common import set_scheduler

    set_scheduler(getattr(args, "scheduler", None))


def _size(text: str) -> int:
    from guidec.inputs import parse_size

    size = parse_size(text)
    if size is None:
        raise argparse.ArgumentTypeError(f"expected a size such as 512M or 8G, not {text!r}")
    return size


def filter_diags(diags: list[Diagnostic], args) -> list[Diagnostic]:
    allowed = select_codes(args.select, args.ignore)
    return [d for d in diags if allowed(d.code)]


def exit_code(diags: Sequence[Diagnostic], fail_on: str) -> int:
    if fail_on == "never":
        return 0
    threshold = Severity.parse(fail_on)
    return 1 if any(d.severity >= threshold for d in diags) else 0


def report(diags: list[Diagnostic], args, out: TextIO, ctx: Context) -> int:
    """Render findings in ``--format`` to ``--output`` or ``out``; return the exit code."""
    ctx.color = args.format == "human" and not args.output and _isatty(out)
    text = render(diags, args.format, ctx)
    if args.output:
        from guidec.output import write_atomic

        write_atomic(args.output, text.encode("utf-8"))
    else:
        out.write(text)
    return exit_code(diags, args.fail_on)


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty() and stream is sys.stdout
    except (AttributeError, ValueError):
        return False


def load_project_or_findings(path: str):
    """``(project, [])`` or ``(None, diagnostics)``; raises GuidecError if unreadable."""
    from guidec.view import load_project

    try:
        return load_project(path), []
    except GuidecError as exc:
        if not exc.diagnostics or any(d.code == "Y001" for d in exc.diagnostics):
            raise
        return None, exc.diagnostics


def project_or_report(path: str, command: str, err: TextIO):
    """The resolved project of the spec at ``path``; None after writing its findings and one
    line saying to run ``guidec check`` (the caller exits 2) when it is not a valid spec."""
    from guidec.report import Context, render

    project, diags = load_project_or_findings(path)
    if project is None:
        err.write(render(diags, "human", Context(command)))
        err.write(f"guidec: error: {path} is not a valid spec; run: guidec check {path}\n")
    return project
