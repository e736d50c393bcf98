"""The only code that writes output files: atomic, deterministic, and able to check for drift.

Targets return ``{relative path: text or bytes}``; :func:`write_tree` writes each file through a
temporary file in the same folder and ``os.replace`` so a reader never sees half a file, and
refuses paths that would leave the output folder. Nothing is written over a file the running
command read (:func:`refuse_inputs`). :func:`drift` compares instead of writing
(``guidec build --check``).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Mapping

from guidec import inputs
from guidec.diagnostics import GuidecError

Files = Mapping[str, str | bytes]


def to_bytes(content: str | bytes) -> bytes:
    if isinstance(content, bytes):
        return content
    if content and not content.endswith("\n"):
        content += "\n"
    return content.encode("utf-8")


def safe_join(root: str, rel: str) -> str:
    """``root/rel``, refusing absolute paths and '..' that would leave ``root``."""
    norm = rel.replace("\\", "/")
    if norm.startswith("/") or any(part == ".." for part in norm.split("/")) or "\0" in norm:
        raise GuidecError(f"refusing to write {rel!r}: outside the output folder")
    return os.path.join(root, *[p for p in norm.split("/") if p and p != "."])


def refuse_inputs(path: str) -> None:
    """Stop before writing over a file the running command read (:mod:`guidec.inputs`)."""
    hit = inputs.clash(path)
    if hit is not None:
        same = "" if os.path.abspath(hit) == os.path.abspath(path) else f" (the same file as {hit})"
        raise GuidecError(f"refusing to write {path}: it is an input of this command{same}; "
                          "choose another output path")


def write_atomic(path: str, data: bytes) -> None:
    refuse_inputs(path)
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".guidec-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_tree(root: str, files: Files) -> list[str]:
    """Write every file under ``root``; return the relative paths that changed. Nothing is
    written when ``root`` is a folder the command read, or any file would land on an input."""
    refuse_inputs(root)
    for rel in files:
        refuse_inputs(safe_join(root, rel))
    changed = []
    for rel in sorted(files):
        path = safe_join(root, rel)
        data = to_bytes(files[rel])
        try:
            with open(path, "rb") as fh:
                if fh.read() == data:
                    continue
        except OSError:
            pass
        write_atomic(path, data)
        changed.append(rel)
    return changed


def drift(root: str, files: Files) -> list[tuple[str, str]]:
    """``[(relative path, 'missing' | 'differs')]`` where ``root`` does not hold ``files``."""
    out = []
    for rel in sorted(files):
        path = safe_join(root, rel)
        try:
            with open(path, "rb") as fh:
                if fh.read() != to_bytes(files[rel]):
                    out.append((rel, "differs"))
        except OSError:
            out.append((rel, "missing"))
    return out
