"""What the running command reads, so that nothing it writes lands on it.

Every place that opens a file for a command notes it here: the spec loader (the spec and its
includes), the delivery readers, image sizes, the migration map. :mod:`guidec.output` refuses to
write a file that is one of them, by device and inode, so a symlink or a hard link to an input
counts as the input (and a file that does not exist yet can be no input). Noting costs one
``fstat`` of a file already open. ``guidec.cli.run`` starts each command with an empty
record (:func:`scope`).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

_SEEN: dict[tuple[int, int], str] = {}  # (device, inode) -> the path as the command named it


def note(path: str, fh=None) -> None:
    """Record ``path`` (open as ``fh``, when it is) as an input of the running command; a path
    that cannot be read is ignored: that was reported where it was read."""
    try:
        st = os.fstat(fh.fileno()) if fh is not None else os.stat(path)
    except (OSError, ValueError):
        return
    _SEEN[(st.st_dev, st.st_ino)] = path


def clash(path: str) -> str | None:
    """The input that writing ``path`` would overwrite, or None."""
    if not _SEEN:
        return None
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return _SEEN.get((st.st_dev, st.st_ino))


@contextlib.contextmanager
def scope() -> Iterator[None]:
    """One command's record of inputs: empty before, forgotten after."""
    _SEEN.clear()
    try:
        yield
    finally:
        _SEEN.clear()
