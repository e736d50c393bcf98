"""Helpers shared by readers: guarded file and JSON loading, number checks, image sizes."""

from __future__ import annotations

import json
import math
import os

import numpy as np
import orjson

from guidec import inputs, progress
from guidec.readers._codes import V001, V002, V005, V009
from guidec.table import AnnotationTable, TableBuilder, concat_tables

MAX_DEPTH = 256  # JSON/XML nesting no annotation format needs more than a dozen of
HUGE = 1e9  # larger than any pixel coordinate of a real image


def read_bytes(path: str, ctx) -> bytes | None:
    try:
        return inputs.read_bytes(path)
    except OSError as exc:
        ctx.report(V001(f"cannot read: {exc.strerror or exc}", file=path))
        return None


#: Single-file deliveries at least this large (COCO, CVAT, Label Studio) are scanned from a
#: memory map whose pages are given back as the scan passes them, every RELEASE_EVERY bytes:
#: the file is never resident as a whole. (Each reader module binds the two names, so a test
#: can lower them for one format.)
STREAM_MIN = 64 << 20
RELEASE_EVERY = 32 << 20


def scan_mapped(path: str, scan):
    """``scan(mm)`` over a read-only memory map of the regular file ``path``, read in order,
    closed afterwards; None for an empty file (which cannot be mapped). Refusals and OS errors
    raise as from :func:`guidec.inputs.map_file`."""
    import contextlib
    import mmap

    mm = inputs.map_file(path)
    if mm is None:
        return None
    with contextlib.suppress(AttributeError, OSError):  # a hint: read ahead, pages in order
        mm.madvise(mmap.MADV_SEQUENTIAL)
    try:
        return scan(mm)
    finally:
        with contextlib.suppress(BufferError):  # a view still alive: the collector closes it
            mm.close()


class Ahead:
    """Calls made in order on one thread of their own while the reader's Python goes on (the
    compiled scanner lets go of the interpreter while it reads), or, when ``on`` is False,
    when their result is asked for. ``submit`` returns the function that gives the result."""

    def __init__(self, on: bool) -> None:
        self.pool = None
        if on:
            from concurrent.futures import ThreadPoolExecutor

            self.pool = ThreadPoolExecutor(1, thread_name_prefix="guidec-scan")

    def submit(self, fn, *args):
        if self.pool is None:
            return lambda: fn(*args)
        held = [self.pool.submit(fn, *args)]
        # the result is asked for once: the future is let go, so is the result with the caller
        return lambda: held.pop().result()

    def __enter__(self) -> Ahead:
        return self

    def __exit__(self, *exc) -> None:
        if self.pool is not None:  # an error: the calls not started are not made
            self.pool.shutdown(wait=True, cancel_futures=True)


#: Below this many files a delivery is read in one process (starting workers costs more).
PARALLEL_MIN = 256

#: A dask.distributed scheduler the per-file readers send their files to (``--scheduler``).
_SCHEDULER: str | None = None


def set_scheduler(address: str | None) -> None:
    """Read deliveries of many files on the workers of the dask.distributed scheduler at
    ``address`` (None: on this machine)."""
    global _SCHEDULER
    _SCHEDULER = address or None


def read_each(paths: list[str], suffix: str, read_file, ctx) -> AnnotationTable:
    """Read every file (folders walked in sorted order, files ending in ``suffix``) into one
    table with ``read_file(path, ctx, builder)``: the loop every per-file reader shares.

    With ``ctx.jobs`` > 1 and many files, contiguous runs of the sorted files are read in
    worker processes (forked, so the spec and the reader come along without pickling) and
    their tables joined in order: each file is read on its own, so the table and the findings
    are those of one process, in the same order."""
    files = list_files(paths, suffix)
    if _SCHEDULER is not None and files:
        return _read_on_cluster(files, read_file, ctx, _SCHEDULER)
    jobs = min(getattr(ctx, "jobs", 1), len(files) // (PARALLEL_MIN // 2) or 1)
    if jobs > 1 and len(files) >= PARALLEL_MIN and "fork" in _start_methods():
        return _read_in_workers(files, read_file, ctx, jobs)
    b = TableBuilder()
    prog = progress.active()
    for f in files:
        before = b.rows
        read_file(f, ctx, b)
        if prog is not None:
            prog.add_rows(b.rows - before)
    return b.build()


def list_files(paths: list[str], suffix: str) -> list[str]:
    """The files a per-file reader reads: each path, folders walked in sorted order for the
    files ending in ``suffix``."""
    files = []
    for p in paths:
        if os.path.isdir(p):
            for root, dirs, names in os.walk(p):
                dirs.sort()
                files.extend(os.path.join(root, f) for f in sorted(names)
                             if f.lower().endswith(suffix))
        else:
            files.append(p)
    return files


def in_file_order(tables: list[AnnotationTable], ranks: list) -> AnnotationTable:
    """One table from parts that each read some of a reader's files (a compiled fast path,
    the Python reader for the rest): ``ranks[k][j]`` is where ``tables[k].files[j]`` comes in
    the reading order. Files, their images and their rows are put in that order, each file's
    own images and rows keeping theirs: the table that reading every file in order into one
    TableBuilder gives."""
    from guidec.table import ImageTable

    t = concat_tables(tables)
    rank = np.concatenate([np.asarray(r, dtype=np.int64) for r in ranks] or
                          [np.zeros(0, dtype=np.int64)])
    if len(rank) != len(t.files):
        raise ValueError(f"{len(rank)} ranks for {len(t.files)} files")
    if len(rank) < 2 or bool((np.diff(rank) > 0).all()):
        return t
    files = np.argsort(rank, kind="stable")  # new position -> old
    new_file = np.empty_like(files)
    new_file[files] = np.arange(len(files))
    im = t.images
    imgs = np.argsort(new_file[im.src_file], kind="stable")
    new_img = np.empty(len(imgs) + 1, dtype=np.int64)  # the last: -1 (no image) stays -1
    new_img[imgs] = np.arange(len(imgs))
    new_img[-1] = -1
    rows = np.argsort(new_file[t.src_file], kind="stable")
    # ragged columns: the rings (and their vertices) and keypoints of each row, in row order
    rings = _ranges(t.ann_ring_offsets[:-1][rows], np.diff(t.ann_ring_offsets)[rows])
    ring_len = np.diff(t.ring_offsets)[rings]
    verts = _ranges(t.ring_offsets[:-1][rings], ring_len)
    kp_len = np.diff(t.kp_offsets)[rows]
    kps = _ranges(t.kp_offsets[:-1][rows], kp_len)

    def offsets(lengths: np.ndarray) -> np.ndarray:
        out = np.zeros(len(lengths) + 1, dtype=np.int64)
        np.cumsum(lengths, out=out[1:])
        return out

    images = ImageTable(
        key=im.key[imgs], file_name=im.file_name[imgs], width=im.width[imgs],
        height=im.height[imgs], src_file=new_file[im.src_file[imgs]].astype(np.int32),
        src_line=im.src_line[imgs], src_index=im.src_index[imgs],
        attributes={k: v[imgs] for k, v in im.attributes.items()},
        annotator=im.annotator[imgs] if im.annotator is not None else None)
    return AnnotationTable(
        files=[t.files[i] for i in files.tolist()],
        images=images,
        ann_id=t.ann_id[rows],
        image_index=new_img[t.image_index[rows]],
        label=t.label[rows], label_id=t.label_id[rows], shape=t.shape[rows],
        bbox=t.bbox[rows], rotation=t.rotation[rows], area=t.area[rows],
        iscrowd=t.iscrowd[rows],
        vertices=t.vertices[verts], ring_offsets=offsets(ring_len),
        ann_ring_offsets=offsets(np.diff(t.ann_ring_offsets)[rows]),
        kp=t.kp[kps], kp_offsets=offsets(kp_len),
        rle=t.rle[rows], text=t.text[rows],
        attributes={k: v[rows] for k, v in t.attributes.items()},
        src_file=new_file[t.src_file[rows]].astype(np.int32),
        src_line=t.src_line[rows], src_index=t.src_index[rows],
        declared_categories=t.declared_categories,
        instance_id=t.instance_id[rows] if t.instance_id is not None else None,
        score=t.score[rows] if t.score is not None else None,
    )


def _ranges(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """The indexes ``starts[i] .. starts[i] + counts[i]`` one range after the other."""
    counts = np.asarray(counts, dtype=np.int64)
    ends = np.cumsum(counts)
    total = int(ends[-1]) if len(ends) else 0
    return (np.repeat(np.asarray(starts, dtype=np.int64) - (ends - counts), counts)
            + np.arange(total, dtype=np.int64))


def _start_methods() -> list[str]:
    import multiprocessing

    return multiprocessing.get_all_start_methods()


_WORK: tuple | None = None  # (chunks, read_file, ctx) for the forked workers


def _read_run(files: list[str], read_file, sub):
    """Read a contiguous run of files into its own table (in a worker): the table, the
    findings, the file count and their bytes."""
    b = TableBuilder()
    for f in files:
        read_file(f, sub, b)
    nbytes = sum(os.path.getsize(f) for f in files if os.path.isfile(f))
    return b.build(), sub.diagnostics, len(files), nbytes


def _read_chunk(i: int):
    progress._ACTIVE = None  # the parent draws, from what each run reports
    chunks, read_file, ctx = _WORK
    table, diags, n, nbytes = _read_run(chunks[i], read_file,
                                        type(ctx)(image_root=ctx.image_root, project=ctx.project))
    return table, diags, inputs.seen(), n, nbytes


def _read_remote(files: list[str], read_file, context_type, image_root, project):
    """A task on a dask worker: the same run, in a process that shares nothing with ours."""
    return _read_run(files, read_file, context_type(image_root=image_root, project=project))


def _read_on_cluster(files: list[str], read_file, ctx, address: str) -> AnnotationTable:
    """Read ``files`` in contiguous runs on the dask.distributed workers at ``address`` and
    join their tables in order, exactly as ``_read_in_workers`` does on this machine: every
    file is read on its own, so the table and the findings are those of one process. The
    workers must see the files at the same paths (a shared file system) and run the same
    guidec version."""
    from guidec.diagnostics import GuidecError
    from guidec.table import concat_tables

    try:
        from distributed import Client
    except ImportError:
        raise GuidecError("--scheduler needs dask.distributed: pip install 'guidec[dask]'"
                          ) from None
    try:
        timeout = float(os.environ.get("GUIDEC_SCHEDULER_TIMEOUT", "10"))
        client = Client(address, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise GuidecError(f"cannot reach the dask scheduler at {address}: {exc}") from None
    prog = progress.active()
    try:
        threads = max(1, sum(client.nthreads().values()))
        # several runs a worker thread: the load evens out, and the progress line moves
        size = max(1, -(-len(files) // (threads * 8)))
        chunks = [files[k:k + size] for k in range(0, len(files), size)]
        futures = client.map(_read_remote, chunks, read_file=read_file,
                             context_type=type(ctx), image_root=ctx.image_root,
                             project=ctx.project, pure=False)
        parts = []
        for fut in futures:  # in order: the joined table is that of one process
            part = fut.result()
            parts.append(part)
            if prog is not None:
                prog.read(part[3], files=part[2])
                prog.add_rows(len(part[0]))
    finally:
        client.close()
    for _table, diags, _n, _bytes in parts:
        ctx.diagnostics.extend(diags)
    return concat_tables([p[0] for p in parts])


def _read_in_workers(files: list[str], read_file, ctx, jobs: int) -> AnnotationTable:
    import multiprocessing

    global _WORK
    from guidec.table import concat_tables

    # a few runs a worker, so that a progress line moves while they read
    size = max(PARALLEL_MIN // 2, -(-len(files) // (jobs * 8)))
    chunks = [files[k:k + size] for k in range(0, len(files), size)]
    _WORK = (chunks, read_file, ctx)
    prog = progress.active()
    parts = []
    try:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            for part in pool.imap(_read_chunk, range(len(chunks)), chunksize=1):
                parts.append(part)
                if prog is not None:
                    prog.read(part[4], files=part[3])
                    prog.add_rows(len(part[0]))
    finally:
        _WORK = None
    for _table, diags, seen, _n, _bytes in parts:
        ctx.diagnostics.extend(diags)
        inputs.remember(seen)
    return concat_tables([p[0] for p in parts])


def _line_col(text: bytes, pos: int) -> tuple[int, int]:
    pos = max(0, min(pos, len(text)))
    line = text.count(b"\n", 0, pos) + 1
    col = pos - (text.rfind(b"\n", 0, pos) + 1) + 1
    return line, col


def load_json(path: str, ctx, raw: bytes | None = None):
    """Parse a JSON file; on failure report V002/V005 with line:col and return None.

    orjson first (fast, strict). Files written by Python's ``json.dump`` may hold ``NaN`` or
    ``Infinity``, which orjson refuses: those are re-read with the standard library, and the
    non-finite numbers are reported later by the reader (V009) where they are used.
    """
    if raw is None:
        raw = read_bytes(path, ctx)
        if raw is None:
            return None
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        first = exc
    msg = str(first)
    if "depth" in msg.lower() or "recursion" in msg.lower():
        line, col = _line_col(raw, first.pos)
        ctx.report(V005("JSON nests deeper than 1024 levels", file=path).with_position(line, col))
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, col = _line_col(raw, exc.start)
        ctx.report(V002(f"not UTF-8 text (byte 0x{raw[exc.start]:02x})", file=path)
                   .with_position(line, col))
        return None
    try:
        data = json.loads(text)  # accepts NaN / Infinity / big integers
    except json.JSONDecodeError as exc:
        ctx.report(V002(f"invalid JSON: {exc.msg}", file=path).with_position(exc.lineno,
                                                                              exc.colno))
        return None
    except RecursionError:
        ctx.report(V005("JSON nests too deep to read", file=path))
        return None
    if _too_deep(data):
        ctx.report(V005(f"JSON nests deeper than {MAX_DEPTH} levels", file=path))
        return None
    return data


def _too_deep(data, limit: int = MAX_DEPTH) -> bool:
    stack = [(data, 0)]
    while stack:
        v, d = stack.pop()
        if d > limit:
            return True
        if isinstance(v, dict):
            stack.extend((x, d + 1) for x in v.values() if isinstance(x, dict | list))
        elif isinstance(v, list):
            stack.extend((x, d + 1) for x in v if isinstance(x, dict | list))
    return False


def is_number(v) -> bool:
    return (type(v) is int or type(v) is float) and not isinstance(v, bool)


def finite_number(v) -> bool:
    return is_number(v) and math.isfinite(v) and abs(v) <= HUGE


def bad_number_message(v) -> str:
    if is_number(v):
        if isinstance(v, float) and math.isnan(v):
            return "NaN"
        if isinstance(v, float) and math.isinf(v):
            return "infinite"
        return f"{v!r} is too large for a pixel coordinate"
    return f"{type(v).__name__} {v!r:.40} is not a number"


def check_finite(values: np.ndarray) -> np.ndarray:
    """Boolean mask of entries that are NaN, infinite or larger than HUGE."""
    with np.errstate(invalid="ignore"):
        return ~np.isfinite(values) | (np.abs(values) > HUGE)


def non_finite(msg: str, **kw):
    return V009(msg, **kw)


def rel(path: str, base: str) -> str:
    try:
        return os.path.relpath(path, base)
    except ValueError:
        return path


def obj_array(values) -> np.ndarray:
    """A 1-D object array even when the values are lists (``np.array`` would nest them)."""
    return np.fromiter(values, dtype=object, count=len(values))
