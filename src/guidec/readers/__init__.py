"""Delivery readers: every supported label format -> one :class:`~guidec.table.AnnotationTable`.

Public API::

    result = read_delivery(["deliveries/b03.json"])            # format detected by content
    result = read_delivery(["yolo/"], "yolo", image_root="yolo/images")
    result.table        # AnnotationTable (all files concatenated)
    result.diagnostics  # V001-V049 findings about the files themselves

    detect_format("annotations.xml")  # -> "cvat"
    READERS["coco"].description

One module per format defines ``READER = Reader(...)``; :data:`_MODULES` below is the one place
they are registered. Readers never raise on bad input: they append diagnostics (with file and
line, or a JSON pointer) and read what they can. Only an unusable *argument* (an unknown
``input_format``) raises :class:`~guidec.diagnostics.GuidecError`. Inputs are only read.
"""

from __future__ import annotations

import gc
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from guidec import inputs, progress
from guidec.diagnostics import Diagnostic, GuidecError, Severity
from guidec.readers._codes import V001, V003, V022, V049
from guidec.registry import Registry
from guidec.table import AnnotationTable, concat_tables

__all__ = [
    "READERS",
    "ReadContext",
    "ReadResult",
    "Reader",
    "detect_format",
    "read_delivery",
]

# The registry: one module per format, in detection order (most specific first).
_MODULES = ("coco", "coco_results", "label_studio", "cvat", "voc", "yolo", "mask")


@dataclass
class ReadResult:
    table: AnnotationTable
    diagnostics: list[Diagnostic]
    # format name per input path, as detected or given
    formats: dict[str, str] = field(default_factory=dict)


@dataclass
class ReadContext:
    """What a reader gets besides its paths; it appends findings to ``diagnostics``."""

    image_root: str | None = None
    project: Any = None  # guidec.view.Project or None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    jobs: int = 1  # worker processes for readers of one file per image (see read_each)
    # what readers read of a folder walk when they claimed its files (Reader.claim), by
    # reader name, for their read to take instead of reading the files again
    claimed: dict[str, Any] = field(default_factory=dict)
    sizes: dict[str, int] = field(default_factory=dict)  # of files, for the progress line

    def report(self, diag: Diagnostic) -> None:
        self.diagnostics.append(diag)


@dataclass(frozen=True)
class Reader:
    name: str  # the --input-format value
    description: str
    # content sniffing: (path, first bytes of the file or b"" for a folder, is_dir) -> bool
    detect: Callable[[str, bytes, bool], bool]
    # read all paths of this format -> one table; findings go to ctx.diagnostics
    read: Callable[[list[str], ReadContext], AnnotationTable]
    # paths (file names) this reader takes when a folder is expanded; None = the folder itself
    extensions: tuple[str, ...] = ()
    # optional: (files of a folder walk with these extensions, ctx) -> for each, whether this
    # reader takes it. A reader that reads many files faster whole than a sniff of each head
    # costs (a compiled scanner) reads them here, once, before any is sniffed, and keeps what
    # it read in ctx.claimed[name] for its read. It may only take files that detect_format
    # calls its format (a test holds every such reader to that); the others are sniffed.
    claim: Callable[[list[str], ReadContext], list[bool]] | None = None


READERS: Registry[Reader] = Registry("reader", __name__, modules=_MODULES, attribute="READER",
                                   key=lambda r: r.name)


HEAD_BYTES = 65536  # COCO files may open with a long "info"/"licenses" block


def _head(path: str) -> bytes:
    return inputs.read_head(path, HEAD_BYTES)


def detect_format(path: str, is_dir: bool | None = None) -> str:
    """The format of one file or folder, from its content; raises GuidecError (V001/V003).
    ``is_dir``: when the caller knows (a folder walk), no ``stat`` to learn it."""
    readers = READERS.load()
    if is_dir is None:
        is_dir = os.path.isdir(path)
    try:
        head = b"" if is_dir else _head(path)
    except OSError as exc:
        d = V001(f"cannot read: {exc.strerror or exc}", file=path)
        raise GuidecError(f"cannot read {path}", [d]) from None
    for reader in readers.values():
        if reader.detect(path, head, is_dir):
            return reader.name
    names = ", ".join(readers)
    d = V003(f"cannot tell the delivery format of this {'folder' if is_dir else 'file'}; "
             f"give it with --input-format ({names})", file=path)
    raise GuidecError(f"unknown delivery format: {path}", [d])


def _expand(path: str, readers: dict[str, Reader], ctx: ReadContext) -> list[tuple[str, str]]:
    """(format, file) pairs for one argument; a folder no reader takes whole is walked."""
    try:
        return [(detect_format(path), path)]
    except GuidecError as exc:
        if not os.path.isdir(path):
            ctx.diagnostics.extend(exc.diagnostics)
            return []
    exts = tuple({e for r in readers.values() for e in r.extensions})
    candidates = []
    for root, dirs, files in os.walk(path):
        dirs.sort()
        base = os.path.join(root, "")  # names of a walk are plain: no join for each
        candidates.extend(base + name for name in sorted(files) if name.lower().endswith(exts))
    prog = progress.active()
    if prog is not None and prog.on:  # the claims below read most of the delivery
        files, nbytes = _sizes(candidates, ("",), ctx.sizes)
        prog.expect(prog.total_files + files, prog.total_bytes + nbytes)
    claimed = _claim(candidates, readers, ctx)
    rest = [f for f, fmt in zip(candidates, claimed, strict=True) if fmt is None]
    if rest:
        sniffed = iter(_detect_files(rest, ctx.jobs))
        claimed = [fmt if fmt is not None else next(sniffed) for fmt in claimed]
    # a folder may hold other files (README, images): those detect as nothing, are left out
    # and said (V022), once per folder
    out, left = [], []
    for fmt, f in zip(claimed, candidates, strict=True):
        (left if fmt is None else out).append((fmt, f))
    if not out:
        ctx.report(V003("no delivery file of a known format in this folder", file=path))
    else:
        _report_left_out([f for _, f in left], ctx)
    return out


def _report_left_out(files: list[str], ctx: ReadContext, show: int = 5) -> None:
    """V022 for the files of a folder walk that no reader recognizes, one per folder."""
    by_folder: dict[str, list[str]] = {}
    for f in files:
        by_folder.setdefault(os.path.dirname(f), []).append(os.path.basename(f))
    for folder, names in by_folder.items():
        more = f" and {len(names) - show:,} more" if len(names) > show else ""
        what = (f"{len(names):,} files with a delivery extension are" if len(names) > 1
                else "1 file with a delivery extension is")
        ctx.report(V022(f"{what} not read, no reader recognizes the content: "
                        + ", ".join(names[:show]) + more, file=folder))


def read_delivery(
    paths: list[str],
    input_format: str | None = None,
    *,
    image_root: str | None = None,
    project=None,
    jobs: int = 1,
) -> ReadResult:
    """Read delivery files/folders into one table.

    ``input_format`` forces one reader for every path (see :data:`READERS`); otherwise each
    path is detected by content. ``image_root`` is where images are looked up to learn sizes
    (YOLO, masks) when the delivery does not state them; by default next to the labels.
    ``project`` (a resolved spec) lets readers map class indexes and colours to names.
    ``jobs``: worker processes for readers of one file per image (VOC, label maps); the
    table and the findings are the same for any number.
    """
    readers = READERS.load()
    if input_format is not None and input_format not in readers:
        raise GuidecError(f"unknown input format {input_format!r}; expected one of: "
                          + ", ".join(readers))
    ctx = ReadContext(image_root=image_root, project=project, jobs=max(1, jobs))
    groups: dict[str, list[str]] = {}
    formats: dict[str, str] = {}
    given = {os.fspath(p) for p in paths}
    for p in paths:
        p = os.fspath(p)
        inputs.note(p)  # a delivery folder too: nothing is written into it as a whole
        if input_format is not None:
            if not os.path.exists(p):
                ctx.report(V001("no such file or folder", file=p))
                continue
            pairs = [(input_format, p)]
        elif not os.path.exists(p):
            ctx.report(V001("no such file or folder", file=p))
            continue
        else:
            pairs = _expand(p, readers, ctx)
        for fmt, f in pairs:
            groups.setdefault(fmt, []).append(f)
            formats[f] = fmt
    prog = progress.active()
    if prog is not None and prog.on:
        prog.expect(*_to_read(groups, readers, ctx.sizes))
    tables = []
    was_enabled = gc.isenabled()
    gc.disable()  # parsing creates millions of acyclic objects; the cyclic GC only slows it
    try:
        for fmt in readers:  # registry order: deterministic
            if fmt in groups:
                tables.append(readers[fmt].read(groups[fmt], ctx))
                if prog is not None:  # what the format's reader built, whatever it reported
                    prog.add_rows(sum(len(t) for t in tables) - prog.rows)
    finally:
        if was_enabled:
            gc.enable()
    table = concat_tables(tables)
    _builtin_attributes(table, project)
    # a folder read whole can only be one of the paths given (a walk adds files): no stat
    # for each of 50,000 files
    folders = [p for p in formats if p in given and os.path.isdir(p)]
    _read_nothing(table, formats, ctx, folders)
    return ReadResult(table, ctx.diagnostics, _files_read(formats, table, folders))


def _claim(files: list[str], readers: dict[str, Reader], ctx: ReadContext) -> list[str | None]:
    """The format of each file of a folder walk that a reader claims (Reader.claim), in
    registry order; None for the files left to sniff."""
    out: list[str | None] = [None] * len(files)
    for reader in readers.values():
        if reader.claim is None or not reader.extensions:
            continue
        idx = [i for i, f in enumerate(files)
               if out[i] is None and f.lower().endswith(reader.extensions)]
        if not idx:
            continue
        for i, taken in zip(idx, reader.claim([files[i] for i in idx], ctx), strict=True):
            if taken:
                out[i] = reader.name
    return out


def _detect_one(path: str) -> str | None:
    try:
        return detect_format(path, is_dir=False)
    except GuidecError:
        return None


def _detect_files(files: list[str], jobs: int) -> list[str | None]:
    """The format of each file of a folder walk (None: no reader's), sniffed in ``jobs``
    forked workers when there are many: each reads the head of every file, which is most of
    a small file's cost. The result is that of one process, in order."""
    from guidec.readers._common import PARALLEL_MIN

    return inputs.map_forked(_detect_one, files, jobs, min_items=PARALLEL_MIN,
                             min_run=PARALLEL_MIN // 2)


def _to_read(groups: dict[str, list[str]], readers: dict[str, Reader],
             known: dict[str, int] | None = None) -> tuple[int, int]:
    """(files, bytes) the readers will read, for a progress line: files as given, and in
    folders the files with the extensions their reader takes."""
    files = size = 0
    for fmt, paths in groups.items():
        f, b = _sizes(paths, tuple(readers[fmt].extensions) or ("",), known)
        files += f
        size += b
    return files, size


def _sizes(paths: list[str], ext: tuple[str, ...],
           known: dict[str, int] | None = None) -> tuple[int, int]:
    """(files, bytes) of ``paths``, folders walked for the files ending in ``ext``; the size
    of a file in ``known`` is not asked again, and those asked are added to it."""
    files = size = 0
    known = {} if known is None else known
    for p in paths:
        if p not in known:
            try:
                st = os.stat(p)
            except OSError:
                continue
            if stat.S_ISDIR(st.st_mode):
                for root, _dirs, names in os.walk(p):
                    for name in names:
                        if name.lower().endswith(ext):
                            try:
                                size += os.path.getsize(os.path.join(root, name))
                                files += 1
                            except OSError:
                                pass
                continue
            known[p] = st.st_size
        size += known[p]
        files += 1
    return files, size


def _files_read(formats: dict[str, str], table: AnnotationTable,
                folders: list[str]) -> dict[str, str]:
    """What was read, file by file: a folder a reader took whole (YOLO) counts as the files
    it read in it, not as one."""
    out = dict(formats)
    for folder in folders:
        inside = {sf.path: sf.format for sf in table.files
                  if sf.path.startswith(folder.rstrip(os.sep) + os.sep)}
        if inside:
            del out[folder]
            out.update(inside)
    return out


def _read_nothing(table: AnnotationTable, formats: dict[str, str], ctx: ReadContext,
                  folders: list[str]) -> None:
    """V049 for every file a reader took that gave no image and no annotation (``[]``, ``{}``,
    a results file read as the wrong format): a gate never passes on what it did not read. A
    file whose reading already failed with an error is not reported twice."""
    n = len(table.files)
    held = (np.bincount(table.src_file, minlength=n)[:n]
            + np.bincount(table.images.src_file, minlength=n)[:n])
    files = table.files
    holding = {files[i].path for i in np.flatnonzero(held).tolist()}  # a file read twice: either
    failed = {d.file for d in ctx.diagnostics if d.severity == Severity.ERROR}
    folders = set(folders)
    for path, fmt in formats.items():
        if path not in holding and path not in failed and not (
                path in folders and _is_dir_holding(path, holding)):
            ctx.report(V049(f"the {fmt} reader found no image and no annotation in this "
                            "file: it is empty, or not the format it looks like", file=path))


def _is_dir_holding(path: str, holding: set[str]) -> bool:
    """A folder read whole (a YOLO dataset) holds what its files hold."""
    if not os.path.isdir(path):
        return False
    prefix = os.path.join(path, "")
    return any(p.startswith(prefix) for p in holding)


# Fields that formats carry for every object whether the program uses them or not (VOC's
# flags, CVAT's occluded/rotation in its COCO export). With a spec they stay attributes only
# when the spec defines an attribute of that name, so a VOC delivery is not flagged for
# 'difficult' on every box; without a spec they are kept.
FORMAT_FIELDS = frozenset({"occluded", "rotation", "truncated", "difficult", "pose", "part_of",
                           "z_order", "group_id", "keyframe", "track_id", "outside"})
_TRUE = {1, "1", "true", "True", "yes"}  # 1 == True
_FALSE = {0, "0", "false", "False", "no"}


def _builtin_attributes(table: AnnotationTable, project) -> None:
    if project is None:
        return
    defined = getattr(project, "attributes", {}) or {}
    for name in list(table.attributes):
        attr = defined.get(name)
        if attr is None:
            if name in FORMAT_FIELDS:
                del table.attributes[name]
            continue
        if getattr(attr, "type", None) == "bool":  # VOC/CVAT write 0/1 and "true"/"false"
            col = table.attributes[name]
            if set(map(type, col)) <= {bool, type(None)}:  # JSON booleans already (C speed)
                continue
            for i, v in enumerate(col):
                if v is None or v is True or v is False:
                    continue
                try:
                    if v in _TRUE:
                        col[i] = True
                    elif v in _FALSE:
                        col[i] = False
                except TypeError:  # unhashable (a list): leave it for the rules to report
                    pass
