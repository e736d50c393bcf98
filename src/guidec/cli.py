"""The command line: ``main(argv)`` -> ``run(args, stdout, stderr)``, testable without a subprocess.

Subcommands are generated from the modules of :mod:`guidec.commands`: each module defines
``NAME``, ``HELP``, ``add_arguments(parser)`` and ``run(args, out, err) -> int``.
Exit codes everywhere: 0 clean, 1 findings at or above ``--fail-on``, 2 could not run, and
70 (``EX_SOFTWARE`` of sysexits.h) for an internal error: a bug in guidec, never a verdict on the
input, so that CI can tell a crash from a bad delivery. It prints one line; ``--debug`` (or
``GUIDEC_DEBUG=1``) adds the traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import TextIO

# numpy asks the kernel for huge pages for each large array (madvise). The rules make many
# large arrays, each written once and soon freed; on the 2-vCPU VM of benchmarks/README.md,
# faulting them in as huge pages took the rules of an 860,000-annotation COCO file
# 2.4-2.6 s instead of 1.6-1.8 s (1.2-2.4 s of system time against 0.85). Set before numpy
# is imported; a user's own NUMPY_MADVISE_HUGEPAGE wins.
os.environ.setdefault("NUMPY_MADVISE_HUGEPAGE", "0")

from guidec import __version__, inputs
from guidec.diagnostics import GuidecError

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR, EXIT_INTERNAL = 0, 1, 2, 70
REPORT_TO = "the guidec maintainers (the project's issue tracker), with the command and, if you can share it, the input"


def _commands(only: str | None = None) -> list:
    """The command modules; with ``only`` (a command name, which is its module's name), just
    that one when it exists, so a run imports only what its command needs."""
    from guidec.commands import COMMANDS

    one = COMMANDS.one(only) if only else None
    mods = [one] if one is not None else list(COMMANDS.values())
    return sorted(mods, key=lambda m: (getattr(m, "ORDER", 50), m.NAME))


def build_parser(only: str | None = None) -> tuple[argparse.ArgumentParser, dict]:
    """The parser. With ``only`` (the command being run), just that command and its options;
    without, every command by name and help (``guidec --help``) but no command's options, so
    that listing the commands imports nothing a command needs to run."""
    parser = argparse.ArgumentParser(
        prog="guidec",
        description="Compile one versioned YAML annotation spec into playbooks, tool configs, "
                    "schemas and validators.",
    )
    parser.add_argument("--version", action="version", version=f"guidec {__version__}")
    debug = "on an internal error (exit 70), print the traceback too"
    parser.add_argument("--debug", action="store_true", help=debug)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    table = {}
    for mod in _commands(only):
        p = sub.add_parser(mod.NAME, help=mod.HELP, description=getattr(mod, "DESCRIPTION",
                                                                         mod.HELP))
        if only == mod.NAME:
            mod.add_arguments(p)
        p.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=debug)
        table[mod.NAME] = mod
    return parser, table


class _ArgError(Exception):
    pass


def run(argv: Sequence[str], stdout: TextIO, stderr: TextIO) -> int:
    argv = list(argv)
    parser, table = build_parser(next((a for a in argv if not a.startswith("-")), None))

    def error(message: str) -> None:  # argparse would sys.exit(2); keep control here
        raise _ArgError(message)

    parser.error = error  # type: ignore[method-assign]
    for action in parser._subparsers._group_actions if parser._subparsers else []:
        for p in getattr(action, "choices", {}).values():
            p.error = error  # type: ignore[method-assign]
    try:
        args = parser.parse_args(argv)
    except _ArgError as exc:
        stderr.write(f"guidec: error: {exc}\n")
        return EXIT_ERROR
    except SystemExit as exc:  # --help / --version
        return int(exc.code or 0)
    if not args.command:
        parser.print_help(stdout)
        return EXIT_ERROR
    try:
        with inputs.scope():  # what this command reads, so that nothing it writes lands on it
            return table[args.command].run(args, stdout, stderr)
    except GuidecError as exc:
        from guidec.report import Context, render

        if exc.diagnostics:
            stderr.write(render(exc.diagnostics, "human", Context(args.command)))
        else:
            stderr.write(f"guidec: error: {exc}\n")
        return EXIT_ERROR
    except KeyboardInterrupt:
        stderr.write("guidec: interrupted\n")
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:
        return _internal_error(exc, args, stderr)


def _internal_error(exc: BaseException, args, stderr: TextIO) -> int:
    """One line for a bug (exit 70); the traceback only with --debug or GUIDEC_DEBUG=1."""
    import os
    import traceback

    what = f"{type(exc).__name__}: {exc}".strip().rstrip(":")
    if len(what) > 300:
        what = what[:297] + "..."
    stderr.write(f"guidec: internal error: {what} (guidec {__version__}, command "
                 f"{args.command!r}). This is a bug in guidec, not a finding about your files; "
                 f"rerun with --debug and report the traceback to {REPORT_TO}.\n")
    if getattr(args, "debug", False) or os.environ.get("GUIDEC_DEBUG"):
        stderr.write("".join(traceback.format_exception(exc)))
    return EXIT_INTERNAL


def main(argv: Sequence[str] | None = None) -> int:
    if argv is None:  # a real, short-lived process: keep large specs out of the cyclic GC
        from guidec import _frozen

        _frozen.FREEZE_AFTER_BUILD = True
    code = run(sys.argv[1:] if argv is None else argv, sys.stdout, sys.stderr)
    if argv is None:
        sys.exit(code)
    return code


if __name__ == "__main__":
    main()
