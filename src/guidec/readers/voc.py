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

from guidec.codes import code
from guidec.readers import Reader
from guidec.readers._codes import V007, V008, V009
from guidec.readers._common import read_each
from guidec.readers._xml import Element, read_root
from guidec.table import AnnotationTable, Shape, TableBuilder

NAME = "voc"

V020 = code("V020")
V046 = code("V046")

_ROOT = re.compile(rb"<annotation[\s>]")


def _detect(path: str, head: bytes, is_dir: bool) -> bool:
    return not is_dir and bool(_ROOT.search(head))


def read(paths: list[str], ctx) -> AnnotationTable:
    return read_each(paths, ".xml", read_file, ctx)


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


def read_file(path: str, ctx, b: TableBuilder) -> None:
    fi = b.add_file(path, NAME)
    root = read_root(path, ctx, "annotation", "a VOC file")
    if root is None:
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
)
