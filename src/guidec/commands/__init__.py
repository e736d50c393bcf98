"""One module per subcommand; :mod:`guidec.cli` discovers them.

A command module defines ``NAME``, ``HELP``, optional ``ORDER`` (for ``--help``),
``add_arguments(parser)`` and ``run(args, out, err) -> int``. Shared options live in
:mod:`guidec.commands._common`.
"""

from guidec.registry import Registry

#: Every command module, keyed by its ``NAME``.
COMMANDS: Registry = Registry("command", __name__, attribute="NAME")
