"""What the running command reads: opened safely, bounded, and remembered.

:func:`open_regular` is the one way a command opens an input file: it opens without blocking
and refuses anything that is not a regular file (a FIFO or a device would hang the command or
read until memory runs out), symlinks to them included; :func:`read_bytes` adds a size bound
(:data:`max_bytes`, ``GUIDEC_MAX_FILE_BYTES`` or ``--max-file-size``) that a user can raise.

Every place that opens a file for a command notes it here: the spec loader (the spec and its
includes), the delivery readers, image sizes, the migration map. :mod:`guidec.output` refuses to
write a file that is one of them, by device and inode, so a symlink or a hard link to an input
counts as the input (and a file that does not exist yet can be no input). Noting costs one
``fstat`` of a file already open. ``guidec.cli.run`` starts each command with an empty
record (:func:`scope`).
"""

from __future__ import annotations

import contextlib
import errno
import functools
import itertools
import os
import stat
from collections.abc import Iterator, Sequence

from guidec import progress

#: Largest input file a command reads whole, unless raised (4 GiB: a COCO file four times
#: train2017's size is 1.3 GB).
DEFAULT_MAX_BYTES = 4 << 30


class InputRefused(OSError):
    """An input that is not read: not a regular file, or larger than the bound. An OSError, so
    every reader's "cannot read" path reports it with its reason (V001, Y001)."""


_limit: int | None = None  # --max-file-size of the running command


def set_limit(size: int | None) -> None:
    """The running command's ``--max-file-size`` (reset by :func:`scope`)."""
    global _limit
    _limit = size


def max_bytes() -> int:
    """The per-file bound: ``--max-file-size``, else ``GUIDEC_MAX_FILE_BYTES`` (bytes, or with
    K/M/G), else :data:`DEFAULT_MAX_BYTES`."""
    return _limit or parse_size(os.environ.get("GUIDEC_MAX_FILE_BYTES") or "") or \
        DEFAULT_MAX_BYTES


@functools.lru_cache(maxsize=64)  # read once a file: the same environment value each time
def parse_size(text: str) -> int | None:
    """``"512M"``, ``"8G"``, ``"1000000"`` -> bytes; None for an empty or bad value."""
    t = text.strip().upper().removesuffix("B")
    scale = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}.get(t[-1:], 1)
    digits = t[:-1] if scale > 1 else t
    try:
        value = float(digits)
    except ValueError:
        return None
    return int(value * scale) if value > 0 else None


def _refuse_irregular(st: os.stat_result) -> None:
    if not stat.S_ISREG(st.st_mode):
        kind = ("a FIFO (named pipe)" if stat.S_ISFIFO(st.st_mode) else
                "a device" if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode) else
                "a folder" if stat.S_ISDIR(st.st_mode) else
                "a socket" if stat.S_ISSOCK(st.st_mode) else "not a regular file")
        raise InputRefused(errno.EINVAL, f"{kind}, not a regular file: not read")


def open_regular(path: str):
    """``open(path, "rb")`` for a regular file only, without ever blocking on a FIFO."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        _refuse_irregular(os.fstat(fd))
        os.set_blocking(fd, True)
        fh = os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
    note(path, fh)
    return fh


def _open_input(path: str, limit: int | None) -> tuple[int, os.stat_result]:
    """A descriptor of the regular file ``path`` and its ``fstat``, recorded as an input of the
    running command; InputRefused (closed) for anything else, or for a file over ``limit``."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        st = os.fstat(fd)
        _refuse_irregular(st)
        _SEEN[(st.st_dev, st.st_ino)] = path
        if limit is not None and st.st_size > limit:
            raise InputRefused(errno.EFBIG, f"{st.st_size:,} bytes, over the {limit:,}-byte "
                               "limit (raise it with --max-file-size or GUIDEC_MAX_FILE_BYTES)")
    except BaseException:
        os.close(fd)
        raise
    return fd, st


def map_forked(fn, items: Sequence, jobs: int, min_items: int = 64, runs_per_job: int = 4,
               min_run: int = 1) -> list:
    """``[fn(x) for x in items]``, in order; with ``jobs`` > 1 and at least ``min_items``
    items, contiguous runs are done in forked worker processes (``fn`` and the items come
    along by the fork, nothing is pickled but the results). The inputs the workers read are
    recorded here too, so no output of the command lands on one of them."""
    global _FORKED
    import multiprocessing

    items = list(items)
    if jobs < 2 or len(items) < max(min_items, 2) or \
            "fork" not in multiprocessing.get_all_start_methods():
        return [fn(x) for x in items]
    size = max(min_run, -(-len(items) // (jobs * runs_per_job)))
    runs = [(k, min(k + size, len(items))) for k in range(0, len(items), size)]
    _FORKED = (fn, items)
    _known_to_parent()
    try:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            parts = pool.map(_forked_run, runs, chunksize=1)
    finally:
        _FORKED = None
    out: list = []
    for found, seen in parts:
        out.extend(found)
        remember(seen)
    return out


_FORKED: tuple | None = None  # (fn, items) for the forked workers of map_forked


class Forked:
    """``fn()`` computed in a forked child process while the caller goes on; :meth:`result`
    waits for it. ``fn`` and what it reads come along by the fork (nothing is pickled but the
    result); the inputs the child reads are recorded here too. A child that dies (killed, out of
    memory) raises BrokenProcessPool from :meth:`result`, never a hang; None from
    :meth:`start` where processes cannot be forked."""

    def __init__(self, pool, future):
        self._pool, self._future = pool, future

    @classmethod
    def start(cls, fn) -> Forked | None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        global _FORK_CALL
        if "fork" not in multiprocessing.get_all_start_methods():
            return None
        _FORK_CALL = fn
        _known_to_parent()
        try:
            pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))
            future = pool.submit(_forked_call)  # the child is forked here, _FORK_CALL set
        finally:
            _FORK_CALL = None
        return cls(pool, future)

    def result(self):
        try:
            out, seen_there = self._future.result()
        finally:
            self._pool.shutdown(wait=True)
        remember(seen_there)
        return out


_FORK_CALL = None  # the function a Forked child calls


def _forked_call():
    progress._ACTIVE = None  # the parent draws the progress line
    return _FORK_CALL(), _new_inputs()


def _forked_run(bounds: tuple[int, int]):
    progress._ACTIVE = None  # the parent draws the progress line
    fn, items = _FORKED
    return [fn(x) for x in items[bounds[0]:bounds[1]]], _new_inputs()


_KNOWN = 0  # in a forked process: how many of the inputs recorded its parent knows


def _known_to_parent() -> None:
    """Called by the parent just before it forks: the children inherit every input recorded
    so far, and send back only those they add (inputs are recorded in order)."""
    global _KNOWN
    _settle()  # the files kept aside count as known: the child must not send them back
    _KNOWN = len(_SEEN)


def _new_inputs() -> dict[tuple[int, int], str]:
    """The inputs this forked process recorded that its parent does not know yet: not the
    ones inherited by the fork (a delivery of 50,000 files is 100,000 of them, which the
    parent would unpickle again when the rules apart finish), nor those sent before."""
    global _KNOWN
    everything = seen()  # in the order recorded: the inherited ones first
    new = dict(itertools.islice(everything.items(), _KNOWN, None))
    _KNOWN = len(everything)
    return new


def map_file(path: str, limit: int | None = None):
    """A read-only memory map of a regular file (a ``mmap``, closed by the caller), with the
    refusals of :func:`read_bytes`; None for an empty file, which cannot be mapped. The file's
    pages are read on demand and can be given back as they are scanned (see
    ``readers.coco_fast``), so a file larger than memory can be read. The caller reports the
    bytes to the progress line once it has read them."""
    import mmap

    limit = limit or max_bytes()
    fd, st = _open_input(path, limit)
    try:
        if st.st_size == 0:
            return None
        return mmap.mmap(fd, 0, access=mmap.ACCESS_READ)
    finally:
        os.close(fd)


def read_bytes(path: str, limit: int | None = None) -> bytes:
    """The whole of a regular file, refusing one larger than ``limit`` (default
    :func:`max_bytes`) before reading it. One open, one ``fstat``, reads straight from the
    descriptor: delivery folders of 50,000 small files pay this 50,000 times."""
    limit = limit or max_bytes()
    fd, st = _open_input(path, limit)
    try:
        parts = []
        got = 0
        while True:  # a regular file: reads return what is there, then b"" at its end
            want = max(st.st_size - got + 1, 1 << 16)  # a size of 0 (/proc) still reads on
            chunk = os.read(fd, min(want, limit + 1 - got, 1 << 30))
            if not chunk:
                break
            parts.append(chunk)
            got += len(chunk)
            if got > limit:  # grew while read
                raise InputRefused(errno.EFBIG, f"over the {limit:,}-byte limit")
    finally:
        os.close(fd)
    data = parts[0] if len(parts) == 1 else b"".join(parts)
    prog = progress.active()
    if prog is not None:
        prog.read(len(data))
    return data


def read_head(path: str, size: int) -> bytes:
    """The first ``size`` bytes of a regular file (format sniffing), recording it as an
    input; one open, one ``fstat``, one read."""
    fd, _ = _open_input(path, None)
    try:
        return os.read(fd, size)
    finally:
        os.close(fd)


_SEEN: dict[tuple[int, int], str] = {}  # (device, inode) -> the path as the command named it


def note(path: str, fh=None) -> None:
    """Record ``path`` (open as ``fh``, when it is) as an input of the running command; a path
    that cannot be read is ignored: that was reported where it was read."""
    try:
        st = os.fstat(fh.fileno()) if fh is not None else os.stat(path)
    except (OSError, ValueError):
        return
    _SEEN[(st.st_dev, st.st_ino)] = path


# Files a compiled reader read, as (devices, inodes, paths) arrays a batch, made into entries
# of _SEEN only when asked (most commands never are): an entry of _SEEN written meanwhile
# wins over them, as it would had they been remembered at once.
_PENDING: list[tuple[object, object, list[str]]] = []


def _settle() -> None:
    pending = _PENDING[:]
    _PENDING.clear()
    for dev, ino, paths in pending:
        _add(dict(zip(zip(dev.tolist(), ino.tolist(), strict=True), paths, strict=True)))


def _add(records: dict[tuple[int, int], str]) -> None:
    if _SEEN.keys().isdisjoint(records):
        _SEEN.update(records)
        return
    for key, path in records.items():
        _SEEN.setdefault(key, path)


def seen() -> dict[tuple[int, int], str]:
    """The inputs recorded so far (a worker process hands them to its parent)."""
    _settle()
    return dict(_SEEN)


def remember(records: dict[tuple[int, int], str]) -> None:
    """Add inputs a worker process recorded (an input already known keeps its path)."""
    _settle()
    _add(records)


def remember_read(dev, ino, paths: list[str]) -> None:
    """Add the files a compiled reader read: ``dev[i]``, ``ino[i]`` (integer arrays, with
    ``tolist``) are those of ``paths[i]``; an input already known keeps its path."""
    if paths:
        _PENDING.append((dev, ino, paths))


def clash(path: str) -> str | None:
    """The input that writing ``path`` would overwrite, or None."""
    _settle()
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
    _PENDING.clear()
    set_limit(None)
    try:
        yield
    finally:
        _SEEN.clear()
        _PENDING.clear()
        set_limit(None)
