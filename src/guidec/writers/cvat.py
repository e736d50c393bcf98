"""CVAT for images 1.1 XML (one file): meta labels from the spec, one ``<image>`` per image.

Boxes (with ``rotation``), polygons, polylines, points, skeletons (keypoints: v=0 -> outside,
v=1 -> occluded) and tags; attributes as ``<attribute name=...>value</attribute>``.
"""

from __future__ import annotations

from xml.etree import ElementTree as ET

import numpy as np

from guidec.table import AnnotationTable, Shape
from guidec.writers import attributes_of, boxes, label_names

FORMAT = "cvat"
SINGLE_FILE = True
DEFAULT_NAME = "annotations.xml"

_INPUT = {"enum": "select", "bool": "checkbox", "integer": "number", "number": "number",
          "text": "text"}


def _n(x: float) -> str:
    return f"{float(x):.2f}"


def _v(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, list):
        return ",".join(map(str, v))
    return str(v)


def _meta(root: ET.Element, project) -> None:
    task = ET.SubElement(ET.SubElement(root, "meta"), "task")
    ET.SubElement(task, "name").text = project.spec.project.title
    labels = ET.SubElement(task, "labels")
    for c in project.classes:
        label = ET.SubElement(labels, "label")
        ET.SubElement(label, "name").text = c.name
        ET.SubElement(label, "color").text = c.color
        ET.SubElement(label, "type").text = "skeleton" if c.keypoints else "any"
        attrs = ET.SubElement(label, "attributes")
        for a in c.attributes:
            spec = project.attributes[a]
            el = ET.SubElement(attrs, "attribute")
            ET.SubElement(el, "name").text = a
            for key, text in attribute_meta(spec):
                ET.SubElement(el, key).text = text


def attribute_meta(spec) -> list[tuple[str, str]]:
    """The fields of an attribute in CVAT's meta, in CVAT's order (after ``name``)."""
    if spec.type == "enum":
        values = list(spec.value_names)
    elif spec.type == "bool":
        values = ["false", "true"]
    elif spec.type in ("integer", "number"):  # CVAT: "min;max;step"
        lo = spec.min if spec.min is not None else 0
        hi = spec.max if spec.max is not None else 1_000_000
        values = [";".join(_v(int(x) if float(x).is_integer() else x)
                           for x in (lo, hi, spec.step or 1))]
    else:
        values = []
    default = spec.default if spec.default is not None else (
        values[0].split(";")[0] if values else "")
    return [("mutable", "True" if spec.mutable else "False"), ("input_type", _INPUT[spec.type]),
            ("default_value", _v(default)), ("values", "\n".join(values))]


def _attrs(el: ET.Element, t: AnnotationTable, row: int) -> None:
    attrs = attributes_of(t, row)
    for k, v in attrs.items():
        ET.SubElement(el, "attribute", name=k).text = _v(v)
    if t.text[row] is not None and "transcription" not in attrs:
        # the text attribute the CVAT target gives text regions
        ET.SubElement(el, "attribute", name="transcription").text = str(t.text[row])


def write(t: AnnotationTable, project, name: str = DEFAULT_NAME) -> dict[str, bytes]:
    root = ET.Element("annotations")
    ET.SubElement(root, "version").text = "1.1"
    _meta(root, project)
    names = label_names(t, project)
    bb = boxes(t)
    im = t.images
    rows_of: dict[int, list[int]] = {i: [] for i in range(len(im))}
    for row, img in enumerate(t.image_index.tolist()):
        if img >= 0:
            rows_of[img].append(row)
    for img, rows in rows_of.items():
        attrs = {"id": str(img), "name": str(im.file_name[img])}
        if not np.isnan(im.width[img]):
            attrs["width"] = str(int(im.width[img]))
        if not np.isnan(im.height[img]):
            attrs["height"] = str(int(im.height[img]))
        image = ET.SubElement(root, "image", attrs)
        for row in rows:
            label = names[row] or ""
            shape = int(t.shape[row])
            common = {"label": label, "source": "manual", "occluded": "0", "z_order": "0"}
            rings = t.rings_of(row)
            kp = t.keypoints_of(row)
            if len(kp) and label in project.by_name and project.by_name[label].keypoints:
                ks = project.keypoint_schemas[project.by_name[label].keypoints]
                el = ET.SubElement(image, "skeleton", {"label": label, "source": "manual",
                                                       "z_order": "0"})
                for pname, (x, y, v) in zip(ks.points, kp, strict=False):
                    ET.SubElement(el, "points", {
                        "label": pname, "source": "manual", "outside": "1" if v == 0 else "0",
                        "occluded": "1" if v == 1 else "0", "points": f"{_n(x)},{_n(y)}"})
            elif shape in (Shape.POLYGON, Shape.POLYLINE, Shape.POINTS, Shape.MASK) and rings:
                tag = {Shape.POLYLINE: "polyline", Shape.POINTS: "points"}.get(shape, "polygon")
                pts = ";".join(f"{_n(x)},{_n(y)}" for x, y in rings[0])
                el = ET.SubElement(image, tag, {**common, "points": pts})
            elif shape == Shape.TAG:
                el = ET.SubElement(image, "tag", {"label": label, "source": "manual"})
            elif not np.isnan(bb[row]).any():
                x, y, w, h = bb[row]
                el = ET.SubElement(image, "box", {
                    **common, "xtl": _n(x), "ytl": _n(y), "xbr": _n(x + w), "ybr": _n(y + h),
                    **({"rotation": _n(t.rotation[row])} if t.rotation[row] else {})})
            else:
                continue
            _attrs(el, t, row)
    ET.indent(root)
    text = '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode")
    return {name: (text + "\n").encode("utf-8")}


# ---------------------------------------------------------------------------- rewrite
def _rewrite_meta(root, edits) -> None:
    """The meta's labels under the new spec: renamed, retired and merged classes, removed
    attributes and keypoints, changed enum values, attributes and classes new in this
    version; everything else in the meta (ids, colours, segments, dumped dates) stays."""
    from guidec.writers import _xml

    old, new = edits.old, edits.new
    meta = root.find("meta")
    holders = [h for h in (meta.find("task"), meta.find("project"), meta.find("job"))
               if h is not None] if meta is not None else []
    attrs_map = edits.mapping.get("attributes", {})
    for holder in holders:
        labels = holder.find("labels")
        if labels is None:
            continue
        kept, names = [], set()
        parents = {}
        for lab in labels.findall("label"):
            name, parent = lab.findtext("name"), lab.findtext("parent")
            if parent:  # a skeleton's point
                oc = old.lookup(parent)
                to = edits.dest.get(oc.name) if oc else parent
                if to is None or name in edits.removed_points(oc.keypoints if oc else None):
                    continue
                if to != parent:
                    lab.find("parent").text = to
                kept.append(lab)
                continue
            oc = old.lookup(name) if name else None
            if oc is None:
                kept.append(lab)
                continue
            to = edits.dest.get(oc.name)
            if to is None or to in names:
                continue  # retired, or merged into a label already kept
            names.add(to)
            parents[to] = lab
            if to != name:
                lab.find("name").text = to
            holder_attrs = lab.find("attributes")
            nc = new.by_name[to]
            if holder_attrs is None and nc.attributes:
                holder_attrs = _xml.child(lab, "attributes")
            have = set()
            for a in list(holder_attrs.findall("attribute") if holder_attrs else []):
                an = a.findtext("name")
                entry = attrs_map.get(an or "")
                if entry and entry["kind"] == "removed":
                    holder_attrs.children.remove(a)
                    continue
                have.add(an)
                if entry and entry.get("values") and a.find("values") is not None:
                    a.find("values").text = "\n".join(new.attributes[an].value_names)
            for an in nc.attributes:
                if an not in have and an in new.attributes:
                    a = _xml.child(holder_attrs, "attribute")
                    _xml.child(a, "name", an)
                    for key, text in attribute_meta(new.attributes[an]):
                        _xml.child(a, key, text)
            kept.append(lab)
        for to in edits.new_classes:
            c = new.by_name.get(to)
            if c is None or c.deprecated or to in names:
                continue
            lab = _xml.child(labels, "label")
            _xml.child(lab, "name", c.name)
            _xml.child(lab, "color", c.color)
            _xml.child(lab, "type", "skeleton" if c.keypoints else "any")
            holder_attrs = _xml.child(lab, "attributes")
            for an in c.attributes:
                a = _xml.child(holder_attrs, "attribute")
                _xml.child(a, "name", an)
                for key, text in attribute_meta(new.attributes[an]):
                    _xml.child(a, key, text)
            kept.append(lab)
            if c.keypoints:
                for pname in new.keypoint_schemas[c.keypoints].points:
                    sub = _xml.child(labels, "label")
                    _xml.child(sub, "name", pname)
                    _xml.child(sub, "type", "points")
                    _xml.child(sub, "parent", c.name)
                    kept.append(sub)
        # a skeleton's points in the order of its new schema (the reader's keypoint order)
        order = {}
        for c in new.classes:
            if c.keypoints:
                pts = new.keypoint_schemas[c.keypoints].points
                order.update({(c.name, p): i for i, p in enumerate(pts)})
        subs = [lab for lab in kept if lab.findtext("parent")]
        subs.sort(key=lambda lab: (lab.findtext("parent"),
                                   order.get((lab.findtext("parent"), lab.findtext("name")), 1e9)))
        it = iter(subs)
        kept = [next(it) if lab.findtext("parent") else lab for lab in kept]
        labels.children = [c for c in labels.children if c.tag != "label"] + kept


def rewrite(t: AnnotationTable, edits, source) -> dict[str, bytes]:
    """The delivered CVAT XML with only the edits applied: a shape's (or its track's)
    ``label``, its ``<attribute>`` children, skeleton points the new schema no longer has,
    dropped shapes (a dropped track goes whole), and the meta's labels. Ids, frames, z-order,
    groups, sources, image attributes and everything else are carried through."""
    from guidec.writers import _xml

    out: dict[str, bytes] = {}
    for fi, sf in enumerate(t.files):
        data = source(sf.path)
        root = _xml.load(data, sf.path)
        where = _xml.index(root)
        for r, e in edits.of_file(t, fi).items():
            hit = where.get((int(t.src_line[r]), int(t.src_index[r])))
            if hit is None:
                continue
            el, parent = hit
            owner = parent if parent is not None and parent.tag == "track" else el
            if e.drop:
                holder = where.get((owner.line, owner.col), (None, None))[1]
                if holder is not None and owner in holder.children:
                    holder.children.remove(owner)
                continue
            if e.label is not None:
                owner.attrib["label"] = e.label
            for k in e.del_attrs:
                el.children = [c for c in el.children
                               if not (c.tag == "attribute" and c.get("name") == k)]
            for k, v in e.set_attrs.items():
                a = next((c for c in el.children if c.tag == "attribute"
                          and c.get("name") == k), None)
                if a is None:
                    a = _xml.child(el, "attribute", name=k)
                a.text = _v(v)
        # skeleton points (and video point sub-tracks) of removed keypoints
        for el, _parent in list(where.values()):
            if el.tag in ("skeleton", "track") and el.get("label"):
                oc = edits.old.lookup(el.get("label"))
                gone = edits.removed_points(oc.keypoints if oc else None)
                if gone:
                    el.children = [c for c in el.children if not (
                        c.tag in ("points", "track") and c.get("label") in gone)]
                entry = edits.mapping.get("keypoints", {}).get(oc.keypoints if oc else "")
                if entry and entry["permutation"] != list(range(len(entry["permutation"]))):
                    # points in the new schema's order (the reader's order without a meta)
                    rank = {p: i for i, p in enumerate(entry["points"])}
                    pts = sorted((c for c in el.children if c.tag in ("points", "track")),
                                 key=lambda c: rank.get(c.get("label"), len(rank)))
                    it = iter(pts)
                    el.children = [next(it) if c.tag in ("points", "track") else c
                                   for c in el.children]
        _rewrite_meta(root, edits)
        out[sf.path] = _xml.dump(root)
    return out
