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
            ET.SubElement(el, "mutable").text = "True" if spec.mutable else "False"
            ET.SubElement(el, "input_type").text = _INPUT[spec.type]
            if spec.type == "enum":
                values = spec.value_names
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
            ET.SubElement(el, "default_value").text = _v(default)
            ET.SubElement(el, "values").text = "\n".join(values)


def _attrs(el: ET.Element, t: AnnotationTable, row: int) -> None:
    for k, v in attributes_of(t, row).items():
        ET.SubElement(el, "attribute", name=k).text = _v(v)


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
