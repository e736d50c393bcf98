"""Pascal VOC XML: one ``<annotation>`` file per image.

``filename``, ``size/{width,height}``, and per ``object``: ``name``, ``bndbox`` (1-based,
inclusive pixel indexes -> COCO convention ``x = xmin - 1``, ``w = xmax - xmin + 1``),
``pose``, ``truncated``, ``difficult``, ``occluded`` (attributes when given; empty elements
as labelme writes them are absent), Datumaro's ``<attributes><attribute><name/><value/>``
and ``<part>`` boxes (rows of their own with attribute ``part_of`` = the object's index).
A file with an ``xmin`` or ``ymin`` of 0 was written by a 0-based exporter: its boxes are read
as 0-based and the file gets one V046 naming the convention (instead of every box being "beyond
the image" at coordinates the file never says). Float coordinates (labelme) are read as they
are and reported once per file (V020): VOC's
boxes are integer pixel indexes, so 254.38 says the file was converted from another format.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from xml.parsers import expat

import numpy as np

from guidec import inputs, progress
from guidec.codes import code
from guidec.readers import HEAD_BYTES, Reader
from guidec.readers._codes import V006, V007, V008, V009
from guidec.readers._common import in_file_order, list_files, obj_array, read_bytes, read_each
from guidec.readers._xml import Element, parse_xml
from guidec.table import AnnotationTable, Shape, SourceFile, TableBuilder, box_table

try:  # without a C compiler at install time every file takes the Python paths below
    from guidec.readers import _vocscan
except ImportError:  # pragma: no cover - a build without a C compiler
    _vocscan = None

NAME = "voc"
FAST = True  # tests turn it off to hold the fast paths to the general one
SCAN = True  # tests turn the compiled scanner off to hold it to the Python paths
#: Files the scanner reads at a time: between two batches the progress line moves.
BATCH = 4096

V020 = code("V020")
V046 = code("V046")

_ROOT = re.compile(rb"<annotation[\s>]")


def _detect(path: str, head: bytes, is_dir: bool) -> bool:
    return not is_dir and bool(_ROOT.search(head))


def read(paths: list[str], ctx) -> AnnotationTable:
    if not (FAST and SCAN and _vocscan is not None):
        return read_each(paths, ".xml", read_file, ctx)
    done = ctx.claimed.pop(NAME, None)
    if done is not None and paths == done.paths:  # a walk's files, all of them scanned
        return done.table()
    mine = set(done.paths) if done is not None else set()
    files = []
    for p in paths:  # a claimed path is a file: no stat to tell
        if p in mine:
            files.append(p)
        else:
            files += list_files([p], ".xml")
    scanned, fast_pos, pending = _Scanned(), [], list(range(len(files)))
    slow_pos = []
    if done is not None:
        pos = [i for i, f in enumerate(files) if f in mine]
        if [files[i] for i in pos] == done.paths:  # else (a file named twice): read again
            scanned, fast_pos = done, pos
            pending = [i for i, f in enumerate(files) if f not in mine]
            slow_pos = [i for i in pending if files[i] in done.refused]
            pending = [i for i in pending if files[i] not in done.refused]
    if pending:
        more, taken = _scan([files[i] for i in pending], ctx)
        scanned.extend(more)
        fast_pos += [i for i, t in zip(pending, taken, strict=True) if t]
        slow_pos = sorted(slow_pos + [i for i, t in zip(pending, taken, strict=True) if not t])
    tables, ranks = [scanned.table()], [fast_pos]
    if slow_pos:
        tables.append(read_each([files[i] for i in slow_pos], ".xml", read_file, ctx))
        ranks.append(slow_pos)
    return in_file_order(tables, ranks)  # a file given before a walk's files comes first


def _claim(files: list[str], ctx) -> list[bool]:
    """Reader.claim: the files of a folder walk the scanner reads as regular VOC, scanned
    once here (their reading in :func:`read` takes what was scanned)."""
    if not (FAST and SCAN and _vocscan is not None):
        return [False] * len(files)
    scanned, taken = _scan(files, ctx)
    ctx.claimed.setdefault(NAME, _Scanned()).extend(scanned)
    return taken


# ------------------------------------------------------------------------ the compiled scanner
# readers/_vocscan.c reads files on ctx.jobs threads and scans the regular ones (a strict
# subset of what the fast path below takes) into columns; it reports nothing, and every file
# it does not take is read by read_file. A test holds the three paths to one table.
@dataclass
class _Scanned:
    """What the scanner took: the files in order, and their columns batch by batch."""

    paths: list[str] = field(default_factory=list)
    parts: list[dict] = field(default_factory=list)
    refused: set[str] = field(default_factory=set)  # read, not taken: for read_file

    def extend(self, other: _Scanned) -> None:
        self.paths += other.paths
        self.parts += other.parts
        self.refused |= other.refused

    def table(self) -> AnnotationTable:
        """The table of the files scanned; it takes their columns (a column's batches are
        let go as soon as they are joined: less memory at once)."""
        parts = self.parts

        def cat(key: str) -> np.ndarray:
            return np.concatenate([p.pop(key) for p in parts]) if parts else np.zeros(0)

        counts = cat("objects").astype(np.int64)
        image_index = np.repeat(np.arange(len(self.paths), dtype=np.int64), counts)
        attributes = {}
        for flag in _FLAGS:
            if any(p["has_" + flag] for p in parts):
                attributes[flag] = cat(flag)
        return box_table(
            [SourceFile(p, NAME) for p in self.paths],
            file_name=cat("filename"), width=cat("width"), height=cat("height"),
            image_src_file=np.arange(len(self.paths)), image_src_line=cat("root_line"),
            image_index=image_index, label=cat("label"), bbox=cat("bbox"),
            attributes=attributes, src_file=image_index, src_line=cat("line"),
            src_index=cat("col"))


def _scan(files: list[str], ctx) -> tuple[_Scanned, list[bool]]:
    """Scan ``files`` in batches: what the scanner took, and whether it took each file."""
    out = _Scanned()
    taken: list[bool] = []
    threads = max(1, getattr(ctx, "jobs", 1))
    limit = inputs.max_bytes()
    prog = progress.active()
    for k in range(0, len(files), BATCH):
        batch = files[k:k + BATCH]
        c = _vocscan.scan(batch, threads, limit, HEAD_BYTES)
        ok = np.frombuffer(c["status"], dtype=np.uint8) == 0
        paths = [f for f, t in zip(batch, ok.tolist(), strict=True) if t]
        out.refused.update(f for f, t in zip(batch, ok.tolist(), strict=True) if not t)
        taken += ok.tolist()
        if not paths:
            continue
        inputs.remember_read(np.frombuffer(c["dev"], dtype=np.uint64),  # the files taken
                             np.frombuffer(c["ino"], dtype=np.uint64), paths)
        part = _columns(c, paths)
        out.paths += paths
        out.parts.append(part)
        if prog is not None:
            prog.read(int(np.frombuffer(c["nbytes"], dtype=np.int64)[ok].sum()),
                      files=len(paths))
            prog.add_rows(len(part["label"]))
    return out, taken


def _columns(c: dict, paths: list[str]) -> dict:
    """One batch's columns as the table holds them."""
    strings = c["strings"]
    names = obj_array(strings)
    values = obj_array([{"0": 0, "1": 1}.get(s, s) for s in strings] + [None])  # as _flag
    box = np.frombuffer(c["box"], dtype=np.float64).reshape(-1, 4)
    bbox = np.empty_like(box)  # 1-based inclusive pixel indexes -> x, y, w, h
    bbox[:, :2] = box[:, :2] - 1.0
    bbox[:, 2:] = box[:, 2:] - box[:, :2] + 1.0
    filename = c["filename"]
    for i, name in enumerate(filename):
        if name is None:  # as read_file names an image whose file gives no name
            filename[i] = os.path.splitext(os.path.basename(paths[i]))[0] + ".jpg"
    part = {
        "filename": obj_array(filename),
        "width": np.frombuffer(c["width"], dtype=np.float64),
        "height": np.frombuffer(c["height"], dtype=np.float64),
        "root_line": np.frombuffer(c["root_line"], dtype=np.int32),
        "objects": np.frombuffer(c["objects"], dtype=np.int64),
        "label": names[np.frombuffer(c["label"], dtype=np.int32)],
        "bbox": bbox,
        "line": np.frombuffer(c["line"], dtype=np.int32),
        "col": np.frombuffer(c["col"], dtype=np.int64),
    }
    for flag in _FLAGS:
        idx = np.frombuffer(c[flag], dtype=np.int32)
        part[flag] = values[idx]  # -1: the None after the values
        part["has_" + flag] = bool((idx >= 0).any())
    return part


def _float(el: Element | None, tag: str, path, ctx, where: Element) -> float | None:
    text = el.findtext(tag) if el is not None else None
    if text is None or text == "":
        ctx.report(V007(f"<{where.tag}> has no <{tag}>", file=path)
                   .with_position(where.line, where.col))
        return None
    try:
        v = float(text)
    except ValueError:
        ctx.report(V008(f"<{tag}> is not a number: {text!r:.40}", file=path)
                   .with_position(el.find(tag).line, el.find(tag).col))
        return None
    if v != v or abs(v) > 1e9:
        ctx.report(V009(f"<{tag}> is {text!r:.40}", file=path)
                   .with_position(el.find(tag).line, el.find(tag).col))
        return None
    return v


# ------------------------------------------------------------------------ the fast path
# A regular VOC file (ASCII; only the tags below; no attributes, comments, entities or
# processing instructions besides a UTF-8 XML declaration; integer coordinates, none of them 0;
# every object with a name and a full bndbox) is read by regular expressions after expat has
# judged it well-formed, without building an element tree. Anything else takes the general
# path below, which reports what is wrong; a test holds the two to the same table.
_HEADER_TAGS = frozenset(b"annotation folder filename path source database image flickrid "
                         b"owner name size width height depth segmented".split())
_OBJECT_LEAVES = frozenset(b"name pose truncated difficult occluded xmin ymin xmax ymax"
                           .split())
_CANON = re.compile(
    rb"<object>\s*<name>([^<]*)</name>\s*(?:<pose>([^<]*)</pose>\s*)?"
    rb"(?:<truncated>([^<]*)</truncated>\s*)?(?:<difficult>([^<]*)</difficult>\s*)?"
    rb"(?:<occluded>([^<]*)</occluded>\s*)?<bndbox>\s*<xmin>\s*([0-9]{1,10})\s*</xmin>\s*"
    rb"<ymin>\s*([0-9]{1,10})\s*</ymin>\s*<xmax>\s*([0-9]{1,10})\s*</xmax>\s*"
    rb"<ymax>\s*([0-9]{1,10})\s*</ymax>\s*</bndbox>\s*</object>")
_LEAF = re.compile(rb"<([A-Za-z_][\w.-]*)>([^<]*)</\1>")  # a leaf closed by its own tag
_TAG = re.compile(rb"<(/?)([A-Za-z_][\w.-]*)/?>")
_EMPTY = re.compile(rb"<([A-Za-z_][\w.-]*)/>")  # <pose/>: an empty leaf, as labelme writes
_NESTED = re.compile(rb"<(/?)([A-Za-z_][\w.-]*)(/?)>")
_DECL = re.compile(rb'<\?xml version="1\.[01]"(?: encoding="(?:utf-8|UTF-8)")?\?>')


def _whole(text: bytes) -> int:
    """A coordinate that is a whole number as VOC writes it (``12``, or ``12.0`` as Datumaro
    does); anything else raises ValueError (the general path reports floats once a file)."""
    try:
        return int(text)
    except ValueError:
        t = text.strip()
        if t.endswith(b".0"):
            return int(t[:-2])
        raise


_FLAG_VALUES: dict[bytes, int | str] = {b"0": 0, b"1": 1}  # and each other text once


def _flag(t: bytes) -> int | str:
    v = _FLAG_VALUES.get(t)
    if v is None:
        v = t.decode()
        if len(_FLAG_VALUES) < 4096:
            _FLAG_VALUES[t] = v
    return v


def _flags(pose, truncated, difficult, occluded) -> dict | None:
    """The VOC flags an object states (an empty one is absent), as the general path reads
    them: ``0``/``1`` as integers, other text as text."""
    attrs = {}
    if pose and (pose := pose.strip()):
        attrs["pose"] = _flag(pose)
    if truncated and (truncated := truncated.strip()):
        attrs["truncated"] = _flag(truncated)
    if difficult and (difficult := difficult.strip()):
        attrs["difficult"] = _flag(difficult)
    if occluded and (occluded := occluded.strip()):
        attrs["occluded"] = _flag(occluded)
    return attrs or None


def _canonical(data: bytes, start: int) -> list | None:
    """Objects written in the classic layout (name, the flags in VOC's order, bndbox of
    plain whole numbers), all matched in C; None when any object is laid out otherwise."""
    out = []
    for m in _CANON.finditer(data, start):
        name, pose, truncated, difficult, occluded, x0, y0, x1, y1 = m.groups()
        name = name.strip()
        x0, y0, x1, y1 = int(x0), int(y0), int(x1), int(y1)
        if not name or not x0 or not y0 or max(x0, y0, x1, y1) > 1e9:
            return None
        out.append((m.start(), m.end(), name.decode(), _flags(pose, truncated, difficult,
                                                              occluded), (x0, y0, x1, y1)))
    return out if len(out) == data.count(b"<object>", start) else None


def _general(data: bytes, start: int) -> list | None:
    """Objects with their leaves in any order (and labelme's empty ``<pose/>``), one
    dictionary each; None when one is not regular."""
    out = []
    last = start
    while True:
        pos = data.find(b"<object>", last)
        if pos < 0:
            return out
        end = data.find(b"</object>", pos)
        if end < 0:
            return None
        last = end + 9
        body = data[pos + 8:end]
        leaves = _LEAF.findall(body)
        empties = _EMPTY.findall(body) if b"/>" in body else ()
        d = dict(leaves)
        for tag in empties:
            d[tag] = b""
        if body.count(b"<") != 2 * len(leaves) + len(empties) + 2 \
                or len(d) != len(leaves) + len(empties) or not d.keys() <= _OBJECT_LEAVES \
                or b"<bndbox>" not in body:
            return None
        try:
            x0, y0 = _whole(d[b"xmin"]), _whole(d[b"ymin"])
            x1, y1 = _whole(d[b"xmax"]), _whole(d[b"ymax"])
            name = d[b"name"].strip()
        except (KeyError, ValueError):
            return None
        if not name or not x0 or not y0 or not (-1e9 <= x0 <= 1e9 and -1e9 <= y0 <= 1e9
                                               and -1e9 <= x1 <= 1e9 and -1e9 <= y1 <= 1e9):
            return None
        out.append((pos, last, name.decode(), _flags(d.get(b"pose"), d.get(b"truncated"),
                                                     d.get(b"difficult"), d.get(b"occluded")),
                    (x0, y0, x1, y1)))


def _fast(data: bytes) -> tuple | None:
    """(file name, width, height, line of <annotation>, [(line, col, name, attrs, box)]) of a
    regular VOC file, else None."""
    if not data.isascii() or b"&" in data or b"<!" in data:
        return None
    if b"\r" in data and data.count(b"\r") != data.count(b"\r\n"):
        return None  # a lone CR: a line break to XML, not to the line counts below
    start = 0
    head = data.lstrip()
    if head.startswith(b"<?"):
        m = _DECL.match(head)
        if m is None:
            return None
        start = len(data) - len(head) + m.end()
    if b"<?" in data[start:]:
        return None
    try:
        expat.ParserCreate().Parse(data, True)
    except expat.ExpatError:
        return None
    found = _canonical(data, start)
    if found is None:
        found = _general(data, start)
        if found is None:
            return None
    objects = []
    gaps = []
    last = start
    line, seen = 1, 0  # newlines counted up to `seen`
    for pos, end, name, attrs, box in found:
        gaps.append(data[last:pos])
        last = end
        line += data.count(b"\n", seen, pos)
        seen = pos
        col = pos - (data.rfind(b"\n", 0, pos) + 1) + 1
        objects.append((line, col, name, attrs, box))
    gaps.append(data[last:])
    header = b"".join(gaps)
    tags = _TAG.findall(header)  # the declaration is not in it: gaps start after it
    if header.count(b"<") != len(tags) or not tags or tags[0] != (b"", b"annotation") \
            or tags[-1] != (b"/", b"annotation") \
            or any(t not in _HEADER_TAGS for _, t in tags):
        return None
    leaves = {}
    for tag, text in _LEAF.findall(header):
        if tag in (b"filename", b"width", b"height"):
            if tag in leaves:
                return None
            leaves[tag] = text.strip()
    stack: list[bytes] = []  # filename and size where the general reader looks: in the root
    sizes = 0
    for close, tag, empty in _NESTED.findall(header):
        if close:
            stack.pop()
            continue
        if (tag in (b"filename", b"size") and len(stack) != 1) or (
                tag in (b"width", b"height") and stack[1:] != [b"size"]):
            return None
        sizes += tag == b"size"
        if not empty:
            stack.append(tag)
    w = h = None
    if sizes > 1:
        return None
    if sizes:
        try:
            w, h = float(leaves[b"width"]), float(leaves[b"height"])
        except (KeyError, ValueError):
            return None
        if not (abs(w) <= 1e9 and abs(h) <= 1e9):
            return None
    if b"\r" in data and (b"\r" in leaves.get(b"filename", b"") or any(
            "\r" in name or any("\r" in v for v in (attrs or {}).values()
                                if isinstance(v, str)) for _, _, name, attrs, _ in objects)):
        return None  # XML reads a CR in a value as LF
    root_pos = data.index(b"<annotation>", start)
    root_line = data.count(b"\n", 0, root_pos) + 1
    return leaves.get(b"filename", b"").decode(), w, h, root_line, objects


def read_file(path: str, ctx, b: TableBuilder) -> None:
    fi = b.add_file(path, NAME)
    data = read_bytes(path, ctx)
    if data is None:
        return
    fast = _fast(data) if FAST else None
    if fast is not None:
        name, w, h, root_line, objects = fast
        name = name or os.path.splitext(os.path.basename(path))[0] + ".jpg"
        img = b.add_image(name, name, w, h, src_file=fi, src_line=root_line)
        b.add_boxes(img, [o[2] for o in objects],
                    [(x0 - 1.0, y0 - 1.0, x1 - x0 + 1.0, y1 - y0 + 1.0)
                     for *_, (x0, y0, x1, y1) in objects],
                    [o[3] for o in objects], src_file=fi,
                    src_lines=[o[0] for o in objects], src_indexes=[o[1] for o in objects])
        return
    root = parse_xml(data, path, ctx)
    if root is None:
        return
    if root.tag != "annotation":
        ctx.report(V006(f"a VOC file has root <annotation>, not <{root.tag}>", file=path)
                   .with_position(root.line, root.col))
        return
    name = root.findtext("filename") or os.path.splitext(os.path.basename(path))[0] + ".jpg"
    size = root.find("size")
    w = h = None
    if size is not None:
        w = _float(size, "width", path, ctx, size)
        h = _float(size, "height", path, ctx, size)
    img = b.add_image(name, name, w, h, src_file=fi, src_line=root.line)
    floats = []
    zero = _zero_based(root)
    if zero is not None:
        ctx.report(V046(f"{zero.tag} is 0: this file counts pixels from 0, Pascal VOC from 1; "
                        "its boxes are read as 0-based", file=path)
                   .with_position(zero.line, zero.col))
    origin = 0.0 if zero is not None else 1.0
    for obj_index, obj in enumerate(root.findall("object")):
        row = _box(obj, path, ctx, b, img, fi, floats, {}, origin=origin)
        for part in obj.findall("part"):
            _box(part, path, ctx, b, img, fi, floats, {"part_of": obj_index}, parent=row,
                 origin=origin)
    if floats:
        el = floats[0]
        ctx.report(V020(f"{len(floats)} box coordinate(s) are not integers, e.g. "
                        f"{el.text.strip()!r:.30}", file=path).with_position(el.line, el.col))


_FLAGS = ("pose", "truncated", "difficult", "occluded")


def _zero_based(root: Element) -> Element | None:
    """The first ``xmin``/``ymin`` of 0 in the file: a 0-based exporter (VOC counts from 1)."""
    for obj in root.findall("object"):
        for el in (obj, *obj.findall("part")):
            bb = el.find("bndbox")
            for tag in ("xmin", "ymin"):
                v = bb.find(tag) if bb is not None else None
                try:
                    if v is not None and float(v.text) == 0:
                        return v
                except (TypeError, ValueError):
                    continue
    return None


def _box(obj: Element, path, ctx, b, img, fi, floats, extra: dict, parent=None,
         origin: float = 1.0):
    label = obj.findtext("name")
    if not label:
        ctx.report(V007("<object> has no <name>", file=path).with_position(obj.line, obj.col))
    attrs = dict(extra)
    for flag in _FLAGS:
        t = obj.findtext(flag)
        if t:
            attrs[flag] = int(t) if t in ("0", "1") else t
    holder = obj.find("attributes")
    for a in holder.findall("attribute") if holder is not None else []:
        an, av = a.findtext("name"), a.findtext("value")
        if an:
            attrs[an] = av
    bb = obj.find("bndbox")
    if bb is None:
        ctx.report(V007(f"<{obj.tag}> has no <bndbox>", file=path)
                   .with_position(obj.line, obj.col))
        return None
    vals = [_float(bb, t, path, ctx, bb) for t in ("xmin", "ymin", "xmax", "ymax")]
    if None in vals:
        return None
    for t in ("xmin", "ymin", "xmax", "ymax"):
        el = bb.find(t)
        if not float(el.text).is_integer() or ("." in el.text and not el.text.strip().endswith(
                ".0")):
            floats.append(el)
    xmin, ymin, xmax, ymax = vals
    return b.add_annotation(image_index=img, shape=Shape.BOX, label=label or None,
                            bbox=(xmin - origin, ymin - origin, xmax - xmin + 1,
                                  ymax - ymin + 1),
                            attributes=attrs, src_file=fi, src_line=obj.line,
                            src_index=obj.col)


READER = Reader(
    name=NAME,
    description="Pascal VOC XML (one file per image; 1-based inclusive boxes, parts, flags)",
    detect=_detect,
    read=read,
    extensions=(".xml",),
    claim=_claim,
)
