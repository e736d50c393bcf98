"""The only code that writes output files: atomic, deterministic, and able to check for drift.

Targets return ``{relative path: text or bytes}``; :func:`write_tree` builds the new tree in a
stage folder and swaps it in whole (:func:`write_atomic`, a temporary file and ``os.replace``,
for a single file) so a reader never sees half a file or half a tree, and
refuses paths that would leave the output folder. Nothing is written over a file the running
command read (:func:`refuse_inputs`). :func:`drift` compares instead of writing
(``guidec build --check``).
"""

from __future__ import annotations

import contextlib
import os
import shutil
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
    try:
        os.makedirs(folder, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".guidec-", suffix=".tmp")
    except OSError as exc:  # a file where a folder should be, no permission, no space
        raise GuidecError(f"cannot write {path}: {_why(exc)}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise GuidecError(f"cannot write {path}: {_why(exc)}") from None
        raise


def _why(exc: OSError) -> str:
    """The reason, in words, with the folder that is in the way when there is one."""
    import errno

    if exc.errno in (errno.ENOTDIR, errno.EEXIST) and exc.filename:
        return f"{exc.filename} is in the way (a file where a folder is needed)"
    return exc.strerror or str(exc)


STAGE = ".guidec-stage-"  # sibling folders a tree is built in before it replaces the old one
OLD = ".guidec-old-"


def write_tree(root: str, files: Files) -> list[str]:
    """Write every file under ``root``, atomically as a whole: return the relative paths that
    changed. Nothing is written when ``root`` is a folder the command read, or any file would
    land on an input.

    The new tree is staged in a sibling folder (the old tree's other files hard-linked in, so a
    ``--target`` subset keeps the rest, then the new files written), and exchanged with the old
    one by one ``renameat2(RENAME_EXCHANGE)`` where Linux has it, else two renames: a reader of
    ``root`` sees the old tree or the new one, never a mix. A killed run leaves only its stage
    folder, which the next run removes."""
    refuse_inputs(root)
    for rel in files:
        refuse_inputs(safe_join(root, rel))
    root = os.path.abspath(root)
    parent, name = os.path.split(root)
    try:
        os.makedirs(parent, exist_ok=True)
    except OSError as exc:
        raise GuidecError(f"cannot write {root}: {_why(exc)}") from None
    _remove_stale_stages(parent, name)
    if os.path.exists(root) and not os.path.isdir(root):
        raise GuidecError(f"cannot write {root}: it is a file, not a folder")
    changed = []
    for rel in sorted(files):
        try:
            with open(safe_join(root, rel), "rb") as fh:
                if fh.read() == to_bytes(files[rel]):
                    continue
        except OSError:
            pass
        changed.append(rel)
    if not changed:
        return changed
    try:
        stage = tempfile.mkdtemp(prefix=f".{name}{STAGE}", dir=parent)
    except OSError as exc:
        raise GuidecError(f"cannot write {root}: {_why(exc)}") from None
    try:
        linked = os.path.isdir(root)
        if linked:
            _link_tree(root, stage)
        made: set[str] = set()
        for rel in changed:
            _write_staged(safe_join(stage, rel), to_bytes(files[rel]), made, linked)
        os.chmod(stage, 0o755)
        _swap(stage, root)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    return changed


def _write_staged(path: str, data: bytes, made: set[str], linked: bool) -> None:
    """Write one file of a stage folder straight, no temporary file and rename of its own:
    nobody sees the stage until it replaces the tree whole. A file hard-linked in from the old
    tree is unlinked first, so the old tree keeps its content until the exchange. ``made``:
    the folders made so far (one ``makedirs`` per folder, not per file); ``linked``: the old
    tree's files are in the stage."""
    folder = os.path.dirname(path)
    try:
        if folder not in made:
            os.makedirs(folder, exist_ok=True)
            made.add(folder)
        if linked:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0),
                     0o644)
        try:
            os.fchmod(fd, 0o644) if hasattr(os, "fchmod") else None  # whatever the umask
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)
    except OSError as exc:  # a file where a folder should be, no space
        raise GuidecError(f"cannot write {path}: {_why(exc)}") from None


def _link_tree(src: str, dst: str) -> None:
    """``dst`` gets every file of ``src``, hard-linked (copied where links cannot be made)."""
    for folder, _dirs, names in os.walk(src):
        rel = os.path.relpath(folder, src)
        target = os.path.join(dst, rel) if rel != "." else dst
        os.makedirs(target, exist_ok=True)
        for n in names:
            a, b = os.path.join(folder, n), os.path.join(target, n)
            try:
                os.link(a, b, follow_symlinks=False)
            except OSError:
                shutil.copy2(a, b, follow_symlinks=False)


def _swap(stage: str, root: str) -> None:
    if not os.path.exists(root):
        os.rename(stage, root)
        return
    if _exchange(stage, root):
        shutil.rmtree(stage, ignore_errors=True)  # now the old tree
        return
    old = tempfile.mkdtemp(prefix=f".{os.path.basename(root)}{OLD}", dir=os.path.dirname(root))
    os.rmdir(old)
    os.rename(root, old)
    os.rename(stage, root)
    shutil.rmtree(old, ignore_errors=True)


def _exchange(a: str, b: str) -> bool:
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def _remove_stale_stages(parent: str, name: str) -> None:
    """Stage and old folders a killed run left beside ``name``."""
    try:
        entries = os.listdir(parent)
    except OSError:
        return
    for e in entries:
        if e.startswith((f".{name}{STAGE}", f".{name}{OLD}")):
            shutil.rmtree(os.path.join(parent, e), ignore_errors=True)


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


def refuse_inputs_in(root: str) -> None:
    """Stop before writing the folder ``root`` when it is an input of the running command,
    holds one (a spec, a delivery file) or lies inside a delivery folder the command read
    (the next read of that folder would take the outputs for delivery files)."""
    real = os.path.realpath(root)
    for path in sorted(inputs.seen().values()):
        p = os.path.realpath(path)
        if p == real:
            why = f"it is {path}, an input of this command"
        elif _within(p, real):
            why = f"it holds {path}, an input of this command"
        elif os.path.isdir(p) and _within(real, p):
            why = f"it is inside {path}, a folder this command read"
        else:
            continue
        raise GuidecError(f"refusing to write {root}: {why}; choose another output folder")


def _within(path: str, folder: str) -> bool:
    """``path`` lies strictly inside ``folder`` (both real paths)."""
    try:
        return path != folder and os.path.commonpath([path, folder]) == folder
    except ValueError:  # different drives (Windows)
        return False
