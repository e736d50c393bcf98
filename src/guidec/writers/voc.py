"""Pascal VOC XML (a folder): ``Annotations/<image stem>.xml``, one object per annotation.

VOC boxes are 1-based and inclusive: ``xmin = x + 1``, ``xmax = x + w`` (the inverse of what
the reader does). Shapes other than boxes are written as their bounding box. Attributes go into
``<attributes><attribute><name/><value/></attribute></attributes>`` as CVAT's VOC export does.
"""

from __future__ import annotations

import os
from xml.etree import ElementTree as ET

import numpy as np

from guidec.table import AnnotationTable
from guidec.writers import attributes_of, boxes, fmt_num, label_names

FORMAT = "voc"
SINGLE_FILE = False


def _sub(parent: ET.Element, tag: str, text=None) -> ET.Element:
    e = ET.SubElement(parent, tag)
    if text is not None:
        e.text = str(text)
    return e


def write(t: AnnotationTable, project) -> dict[str, bytes]:
    names = label_names(t, project)
    bb = boxes(t)
    im = t.images
    rows_of: dict[int, list[int]] = {i: [] for i in range(len(im))}
    for row, img in enumerate(t.image_index.tolist()):
        if img >= 0:
            rows_of[img].append(row)
    files = {}
    for img, rows in rows_of.items():
        fname = str(im.file_name[img])
        root = ET.Element("annotation")
        _sub(root, "folder", os.path.dirname(fname))
        _sub(root, "filename", os.path.basename(fname))
        size = _sub(root, "size")
        _sub(size, "width", fmt_num(im.width[img]) if not np.isnan(im.width[img]) else "0")
        _sub(size, "height", fmt_num(im.height[img]) if not np.isnan(im.height[img]) else "0")
        _sub(size, "depth", 3)
        _sub(root, "segmented", 0)
        for row in rows:
            if np.isnan(bb[row]).any():
                continue
            x, y, w, h = bb[row]
            obj = _sub(root, "object")
            _sub(obj, "name", names[row])
            _sub(obj, "pose", "Unspecified")
            _sub(obj, "truncated", int(bool(attributes_of(t, row).get("truncated", False))))
            _sub(obj, "difficult", int(bool(attributes_of(t, row).get("difficult", False))))
            box = _sub(obj, "bndbox")
            _sub(box, "xmin", fmt_num(x + 1))
            _sub(box, "ymin", fmt_num(y + 1))
            _sub(box, "xmax", fmt_num(x + w))
            _sub(box, "ymax", fmt_num(y + h))
            attrs = {k: v for k, v in attributes_of(t, row).items()
                     if k not in ("truncated", "difficult")}
            if attrs:
                el = _sub(obj, "attributes")
                for k, v in attrs.items():
                    a = _sub(el, "attribute")
                    _sub(a, "name", k)
                    _sub(a, "value", _text(v))
        ET.indent(root)
        stem = os.path.splitext(os.path.basename(fname))[0]
        files[f"Annotations/{stem}.xml"] = ET.tostring(root, encoding="unicode").encode() + b"\n"
    return files


def _text(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, list):
        return ",".join(map(str, v))
    return str(v)


# ---------------------------------------------------------------------------- rewrite
_FLAGS = ("pose", "truncated", "difficult", "occluded")


def rewrite(t: AnnotationTable, edits, source) -> dict[str, bytes]:
    """The delivered VOC files with only the edits applied: an object's (or part's)
    ``<name>``, its attributes (the VOC flags in place, others in ``<attributes>``), and
    dropped objects. Everything else (size, source, segmented, boxes, order) is carried
    through."""
    from guidec.writers import _xml

    out: dict[str, bytes] = {}
    for fi, sf in enumerate(t.files):
        rows = edits.of_file(t, fi)
        data = source(sf.path)
        root = _xml.load(data, sf.path)
        where = _xml.index(root)
        for r, e in rows.items():
            hit = where.get((int(t.src_line[r]), int(t.src_index[r])))
            if hit is None:
                continue
            obj, parent = hit
            if e.drop:
                if parent is not None and obj in parent.children:
                    parent.children.remove(obj)
                continue
            if e.label is not None:
                name = obj.find("name") or _xml.child(obj, "name")
                name.text = e.label
            holder = obj.find("attributes")
            for k in e.del_attrs:
                obj.children = [c for c in obj.children if not (k in _FLAGS and c.tag == k)]
                if holder is not None:
                    holder.children = [a for a in holder.children
                                       if a.findtext("name") != k]
            for k, v in e.set_attrs.items():
                text = ("1" if v else "0") if isinstance(v, bool) else str(v)
                if k in _FLAGS:
                    (obj.find(k) or _xml.child(obj, k)).text = text
                    continue
                if holder is None:
                    holder = _xml.child(obj, "attributes")
                a = next((a for a in holder.children if a.findtext("name") == k), None)
                if a is None:
                    a = _xml.child(holder, "attribute")
                    _xml.child(a, "name", k)
                (a.find("value") or _xml.child(a, "value")).text = text
        out[sf.path] = _xml.dump(root)
    return out
