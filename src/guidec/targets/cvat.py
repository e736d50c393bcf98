"""CVAT labels (``cvat/labels.json``): the project "Raw" label constructor / API format.

The same JSON goes into CVAT's Raw editor or ``labels`` of ``POST /api/projects``.
CVAT's server accepts things its web editor refuses (and that break annotation later), so
:func:`check_labels` enforces the editor's rules (T2xx) on any label list: ours before writing,
and the label definitions read back from real CVAT XML (:func:`read_labels_xml`).

Decisions:

- One label per active class; deprecated classes are left out. Hierarchy is flat (CVAT has no
  label tree); the class name carries it.
- ``type`` from the allowed shapes: box/rotated_box -> rectangle (CVAT rectangles rotate),
  polygon and text_region -> polygon, mask -> mask, polyline -> polyline, points -> points,
  keypoints -> skeleton; several kinds -> ``any``. A keypoint class is a skeleton even when it
  also allows other shapes (its box is the skeleton's own box; T208 warns about the others).
- Attributes: enum -> ``select`` (``values`` the enum; a required enum without default starts at
  CVAT's ``__undefined__`` value so annotators must choose); multi-valued enum -> one
  ``checkbox`` per value named ``<attribute>:<value>``; bool -> ``checkbox``; integer/number ->
  ``number`` with ``[min, max, step]``; text -> ``text`` with ``[default]``. Text regions get a
  text attribute ``transcription``.
- Image attributes: CVAT has no image-level attributes, only tags; each becomes a ``tag`` label
  ``image:<attribute>`` carrying that attribute (annotators add the tag once per image).
- Skeletons: sublabels are the schema's points (type ``points``), the SVG puts them on a circle
  in CVAT's 0-100 box with ``data-label-name`` and one ``line`` per skeleton edge.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import replace

from guidec.codes import code
from guidec.diagnostics import Diagnostic, GuidecError, Path
from guidec.spec.model import Attribute
from guidec.targets import TARGETS, Target
from guidec.targets._common import (
    TRANSCRIPTION,
    bool_text,
    class_attributes,
    divides,
    enum_default,
    fmt_num,
    image_attributes,
    json_text,
    number_range,
    per_project,
    transcription_mode,
)
from guidec.view import Project, ResolvedClass, assigned_color

LABEL_TYPES = ("any", "rectangle", "polygon", "polyline", "points", "ellipse", "cuboid", "mask",
               "skeleton", "tag")
INPUT_TYPES = ("select", "radio", "checkbox", "number", "text")
UNDEFINED = "__undefined__"  # CVAT's "no value chosen yet" for select attributes
SHAPE_TYPES = {"box": "rectangle", "rotated_box": "rectangle", "polygon": "polygon",
               "text_region": "polygon", "mask": "mask", "polyline": "polyline",
               "points": "points", "keypoints": "skeleton"}
COLOR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
MAX_NAME = 64
MAX_VALUE = 200
MAX_DEFAULT = 128

T201 = code("T201")
T202 = code("T202")
T203 = code("T203")
T204 = code("T204")
T205 = code("T205")
T206 = code("T206")
T207 = code("T207")
T208 = code("T208")
T210 = code("T210")
IMAGE_TAG = "image:"
T209 = code("T209")


# --------------------------------------------------------------------------- emit
def label_type(c: ResolvedClass) -> str:
    if "keypoints" in c.shapes and c.keypoints:
        return "skeleton"
    kinds = {SHAPE_TYPES[s] for s in c.shapes if s in SHAPE_TYPES and s != "keypoints"}
    if len(kinds) == 1:
        return kinds.pop()
    return "any"


def _attr(name: str, input_type: str, mutable: bool, default: str, values: list[str]) -> dict:
    return {"name": name, "input_type": input_type, "mutable": mutable,
            "default_value": default, "values": values}


def attribute_json(name: str, a: Attribute) -> list[dict]:
    """The CVAT attribute(s) for one spec attribute."""
    if a.type == "enum":
        values = list(a.value_names)
        if a.multiple:
            default = a.default if isinstance(a.default, list) else []
            return [_attr(f"{name}:{v}", "checkbox", a.mutable,
                          "true" if v in default else "false",
                          ["true" if v in default else "false"]) for v in values]
        default = enum_default(a)
        if default not in values:
            if a.required:
                values = [UNDEFINED, *values]
                default = UNDEFINED
            else:
                default = values[0]
        return [_attr(name, "select", a.mutable, default, values)]
    if a.type == "bool":
        d = bool_text(a.default)
        return [_attr(name, "checkbox", a.mutable, d, [d])]
    if a.type in ("integer", "number"):
        r = number_range(a)
        default = a.default if isinstance(a.default, int | float) and not isinstance(
            a.default, bool) else r.min
        default = min(max(float(default), r.min), r.max)
        return [_attr(name, "number", a.mutable, fmt_num(default),
                      [fmt_num(r.min), fmt_num(r.max), fmt_num(r.step)])]
    default = "" if a.default is None else str(a.default)
    return [_attr(name, "text", a.mutable, default, [default])]


def skeleton_svg(points: tuple[str, ...], edges: Iterable[tuple[int, int]]) -> str:
    """CVAT's skeleton template: nodes on a circle in a 0-100 box, edges as lines."""
    n = len(points)
    pos = []
    for i in range(n):
        if n == 1:
            pos.append((50.0, 50.0))
            continue
        ang = -math.pi / 2 + 2 * math.pi * i / n
        pos.append((round(50 + 40 * math.cos(ang), 2), round(50 + 40 * math.sin(ang), 2)))
    parts = []
    for a, b in edges:
        el = ET.Element("line", {
            "x1": fmt_num(pos[a][0]), "y1": fmt_num(pos[a][1]),
            "x2": fmt_num(pos[b][0]), "y2": fmt_num(pos[b][1]),
            "stroke": "black", "data-type": "edge",
            "data-node-from": str(a + 1), "data-node-to": str(b + 1), "stroke-width": "0.5"})
        parts.append(ET.tostring(el, encoding="unicode", short_empty_elements=False))
    for i, p in enumerate(points):
        el = ET.Element("circle", {
            "r": "1.5", "stroke": "black", "fill": "#b3b3b3",
            "cx": fmt_num(pos[i][0]), "cy": fmt_num(pos[i][1]), "stroke-width": "0.1",
            "data-type": "element node", "data-element-id": str(i + 1),
            "data-node-id": str(i + 1), "data-label-name": p})
        parts.append(ET.tostring(el, encoding="unicode", short_empty_elements=False))
    return "".join(parts)


@per_project
def labels_json(project: Project) -> list[dict]:
    """The CVAT label list (attribute dicts are shared between labels: treat as read-only)."""
    out = []
    made: dict[str, list[dict]] = {}
    for c in project.active_classes:
        attrs: list[dict] = []
        for name, a in class_attributes(project, c):
            if name not in made:
                made[name] = attribute_json(name, a)
            attrs.extend(made[name])
        mode = transcription_mode(project, c)
        if mode:
            ta = project.attributes.get(TRANSCRIPTION)
            default = "" if ta is None or ta.default is None else str(ta.default)
            attrs.append(_attr(TRANSCRIPTION, "text", False, default, [default]))
        label = {"name": c.name, "color": c.color, "type": label_type(c), "attributes": attrs}
        if label["type"] == "skeleton":
            ks = project.keypoint_schemas[c.keypoints]
            label["sublabels"] = [{"name": p, "type": "points", "attributes": []}
                                  for p in ks.points]
            label["svg"] = skeleton_svg(ks.points, ks.skeleton)
        out.append(label)
    for name, a in image_attributes(project):
        out.append({"name": IMAGE_TAG + name, "color": assigned_color(IMAGE_TAG + name),
                    "type": "tag", "attributes": attribute_json(name, a)})
    return out


# --------------------------------------------------------------------------- editor rules
def _num(text: object) -> float | None:
    if not isinstance(text, str):
        return None
    try:
        v = float(text)
    except ValueError:
        return None
    return v if math.isfinite(v) else None


def _check_attribute(attr: object, where: Path, file: str | None) -> Iterable[Diagnostic]:
    if not isinstance(attr, dict):
        yield T204("an attribute must be a JSON object", file=file, path=where)
        return
    name = attr.get("name")
    shown = name if isinstance(name, str) else "?"
    if not isinstance(name, str) or not name.strip():
        yield T204("attribute name must be a non-empty string", file=file, path=(*where, "name"))
    elif len(name) > MAX_NAME:
        yield T204(f"attribute name {name[:20]!r}... is longer than {MAX_NAME} characters",
                   file=file, path=(*where, "name"))
    it = attr.get("input_type")
    if not isinstance(it, str) or it.lower() not in INPUT_TYPES:
        yield T204(f"attribute {shown!r}: unknown input_type {it!r} (expected one of "
                   f"{', '.join(INPUT_TYPES)})", file=file, path=(*where, "input_type"))
        it = None
    else:
        it = it.lower()
    if not isinstance(attr.get("mutable"), bool):
        yield T204(f"attribute {shown!r}: mutable must be true or false",
                   file=file, path=(*where, "mutable"))
    values = attr.get("values")
    if not isinstance(values, list) or not values:
        yield T204(f"attribute {shown!r}: values must be a non-empty list",
                   file=file, path=(*where, "values"))
        return
    bad = False
    for i, v in enumerate(values):
        if not isinstance(v, str):
            yield T204(f"attribute {shown!r}: value {v!r} is not a string",
                       file=file, path=(*where, "values", i))
            bad = True
        elif "\n" in v or "\r" in v:
            yield T204(f"attribute {shown!r}: value {v!r} contains a newline (CVAT stores "
                       "values newline-joined)", file=file, path=(*where, "values", i))
            bad = True
        elif len(v) > MAX_VALUE:
            yield T204(f"attribute {shown!r}: a value is longer than {MAX_VALUE} characters",
                       file=file, path=(*where, "values", i))
    if bad:
        return
    trimmed = [v.strip() for v in values]
    # number values are [min, max, step], where step may equal min (CVAT bug #11034, fixed)
    if it != "number" and len(set(trimmed)) != len(trimmed):
        yield T204(f"attribute {shown!r}: values must be unique", file=file,
                   path=(*where, "values"))
    if it in ("select", "radio") and any(not t for t in trimmed):
        yield T204(f"attribute {shown!r}: a {it} value is empty", file=file,
                   path=(*where, "values"))
    rng = None
    if it == "number":
        nums = [_num(v) for v in values]
        if len(values) != 3 or any(n is None for n in nums):
            yield T205(f"attribute {shown!r}: number values must be three numbers "
                       f"[min, max, step], got {values!r}", file=file, path=(*where, "values"))
        else:
            lo, hi, step = nums
            if not lo < hi:
                yield T205(f"attribute {shown!r}: min {values[0]} is not below max {values[1]}",
                           file=file, path=(*where, "values"))
            elif not 0 < step <= hi - lo:
                yield T205(f"attribute {shown!r}: step {values[2]} must be above 0 and at most "
                           f"max - min ({fmt_num(hi - lo)})", file=file, path=(*where, "values"))
            elif not divides(lo, hi, step):
                yield T205(f"attribute {shown!r}: step {values[2]} does not divide the range "
                           f"{values[0]}..{values[1]}", file=file, path=(*where, "values"))
            else:
                rng = (lo, hi)
    if it == "checkbox" and any(t not in ("true", "false") for t in trimmed):
        yield T204(f"attribute {shown!r}: checkbox values are 'true' or 'false', got "
                   f"{values!r}", file=file, path=(*where, "values"))
    default = attr.get("default_value")
    if default is None or default == "":
        return
    if not isinstance(default, str):
        yield T206(f"attribute {shown!r}: default_value must be a string",
                   file=file, path=(*where, "default_value"))
        return
    if len(default) > MAX_DEFAULT:
        yield T206(f"attribute {shown!r}: default_value is longer than {MAX_DEFAULT} characters",
                   file=file, path=(*where, "default_value"))
    if it in ("select", "radio") and default not in values:
        yield T206(f"attribute {shown!r}: default {default!r} is not one of the values",
                   file=file, path=(*where, "default_value"))
    elif it == "checkbox" and default not in ("true", "false"):
        yield T206(f"attribute {shown!r}: checkbox default must be 'true' or 'false', got "
                   f"{default!r}", file=file, path=(*where, "default_value"))
    elif it == "number" and rng is not None:
        d = _num(default)
        if d is None or not rng[0] <= d <= rng[1]:
            yield T206(f"attribute {shown!r}: default {default!r} is outside "
                       f"{fmt_num(rng[0])}..{fmt_num(rng[1])}",
                       file=file, path=(*where, "default_value"))


def _check_attribute_memo(attr: object, where: Path, file: str | None,
                          memo: dict[int, tuple[object, list[Diagnostic]]]) -> list[Diagnostic]:
    """``_check_attribute``, once per attribute object (generated labels share them)."""
    hit = memo.get(id(attr))
    if hit is None or hit[0] is not attr:
        hit = (attr, list(_check_attribute(attr, (), file)))
        memo[id(attr)] = hit
    return [replace(d, path=(*where, *d.path)) for d in hit[1]]


def _check_label(label: object, where: Path, file: str | None,
                 sub: bool = False, memo: dict | None = None) -> Iterable[Diagnostic]:
    if not isinstance(label, dict):
        yield T201("a label must be a JSON object", file=file, path=where)
        return
    name = label.get("name")
    shown = name if isinstance(name, str) else "?"
    if not isinstance(name, str) or not name.strip():
        yield T201("label name must be a non-empty string", file=file, path=(*where, "name"))
    elif len(name) > MAX_NAME:
        yield T201(f"label name {name[:20]!r}... is longer than {MAX_NAME} characters "
                   "(CVAT truncates it)", file=file, path=(*where, "name"))
    color = label.get("color")
    if color not in (None, "") and (not isinstance(color, str) or not COLOR_RE.match(color)):
        yield T202(f"label {shown!r}: colour {color!r} is not '#rrggbb'",
                   file=file, path=(*where, "color"))
    ltype = label.get("type", "any")
    if ltype not in LABEL_TYPES:
        yield T203(f"label {shown!r}: unknown type {ltype!r} (expected one of "
                   f"{', '.join(LABEL_TYPES)})", file=file, path=(*where, "type"))
    if sub and ltype not in ("points", None):
        yield T207(f"sublabel {shown!r}: type must be 'points', got {ltype!r}",
                   file=file, path=(*where, "type"))
    attrs = label.get("attributes", [])
    if not isinstance(attrs, list):
        yield T204(f"label {shown!r}: attributes must be a list", file=file,
                   path=(*where, "attributes"))
        attrs = []
    seen: set[str] = set()
    for i, a in enumerate(attrs):
        yield from _check_attribute_memo(a, (*where, "attributes", i), file,
                                         memo if memo is not None else {})
        n = a.get("name") if isinstance(a, dict) else None
        if isinstance(n, str):
            key = n.strip()
            if key in seen:
                yield T204(f"label {shown!r}: attribute name {n!r} is used twice",
                           file=file, path=(*where, "attributes", i, "name"))
            seen.add(key)
    if ltype == "skeleton":
        subs = label.get("sublabels")
        if not isinstance(subs, list) or not subs:
            yield T207(f"skeleton {shown!r} has no sublabels", file=file,
                       path=(*where, "sublabels"))
            subs = []
        names: set[str] = set()
        ids: set[int] = set()
        for j, s in enumerate(subs):
            yield from _check_label(s, (*where, "sublabels", j), file, sub=True, memo=memo)
            if isinstance(s, dict) and isinstance(s.get("name"), str):
                key = s["name"].strip()
                if key in names:
                    yield T201(f"skeleton {shown!r}: sublabel name {s['name']!r} is used twice",
                               file=file, path=(*where, "sublabels", j, "name"))
                names.add(key)
                if isinstance(s.get("id"), int):
                    ids.add(s["id"])
        svg = label.get("svg")
        if not isinstance(svg, str) or not svg.strip():
            yield T207(f"skeleton {shown!r} has no svg", file=file, path=(*where, "svg"))
        else:
            for ref in re.findall(r'data-label-name="([^"]*)"', svg):
                ref = _unescape(ref)
                if ref.strip() not in names:
                    yield T207(f"skeleton {shown!r}: svg names sublabel {ref!r}, which is not "
                               "among its sublabels", file=file, path=(*where, "svg"))
            for ref in re.findall(r'data-label-id="(\d+)"', svg):
                if int(ref) not in ids:
                    yield T207(f"skeleton {shown!r}: svg refers to sublabel id {ref}, which is "
                               "not among its sublabels", file=file, path=(*where, "svg"))
    elif "sublabels" in label and label.get("sublabels"):
        yield T207(f"label {shown!r} has sublabels but is not a skeleton", file=file,
                   path=(*where, "sublabels"))


def _unescape(text: str) -> str:
    return (text.replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">")
            .replace("&amp;", "&"))


def check_labels(labels: object, file: str | None = None) -> list[Diagnostic]:
    """The CVAT web editor's rules over a label list (paths are JSON pointers into it)."""
    if not isinstance(labels, list):
        return [T201("CVAT labels must be a JSON list", file=file)]
    out: list[Diagnostic] = []
    seen: set[str] = set()
    memo: dict[int, tuple[object, list[Diagnostic]]] = {}
    for i, label in enumerate(labels):
        out.extend(_check_label(label, (i,), file, memo=memo))
        if isinstance(label, dict) and isinstance(label.get("name"), str):
            key = label["name"].strip()
            if key in seen:
                out.append(T201(f"label name {label['name']!r} is used twice", file=file,
                                path=(i, "name")))
            seen.add(key)
    return out


# --------------------------------------------------------------------------- CVAT XML
def read_labels_xml(path: str, display: str | None = None) -> list[dict]:
    """The label definitions in a CVAT for images/video 1.1 XML file, as CVAT label JSON.

    Sublabels (``<parent>``) go under their skeleton; ``<values>`` are newline-separated (a single
    line is split on whitespace, as older exports wrote); ``mutable`` True/False becomes a bool.
    """
    shown = display or path
    labels: list[dict] = []
    try:
        for _event, el in ET.iterparse(path, events=("end",)):
            if el.tag == "labels":
                labels = [_label_from_xml(lab) for lab in el.findall("label")]
                break
            if el.tag in ("image", "track"):
                break
    except (ET.ParseError, OSError) as exc:
        raise GuidecError(f"{shown}: cannot read CVAT XML: {exc}") from None
    parents = [lab for lab in labels if not lab.get("parent")]
    by_name = {lab["name"]: lab for lab in parents}
    for lab in labels:
        parent = lab.pop("parent", None)
        if parent:
            if parent in by_name:
                by_name[parent].setdefault("sublabels", []).append(lab)
            else:
                parents.append(lab)
    return parents


def _label_from_xml(el: ET.Element) -> dict:
    def text(node: ET.Element, key: str) -> str | None:
        child = node.find(key)
        return None if child is None else (child.text or "")

    label: dict = {"name": text(el, "name") or ""}
    color = text(el, "color")
    if color is not None:
        label["color"] = color
    label["type"] = text(el, "type") or "any"
    attrs = []
    for a in el.findall("attributes/attribute"):
        raw = text(a, "values") or ""
        values = raw.split("\n") if "\n" in raw else (raw.split() if raw.strip() else [""])
        mutable = (text(a, "mutable") or "False").strip()
        attrs.append({"name": text(a, "name") or "", "mutable": mutable == "True",
                      "input_type": (text(a, "input_type") or "").strip(),
                      "default_value": text(a, "default_value") or "", "values": values})
    label["attributes"] = attrs
    svg = text(el, "svg")
    if svg is not None:
        label["svg"] = svg
    parent = text(el, "parent")
    if parent:
        label["parent"] = parent
    return label


# --------------------------------------------------------------------------- target
@TARGETS.add
class Cvat(Target):
    name = "cvat"
    description = "CVAT labels JSON for the project's Raw label editor or API (labels.json)"

    def check(self, project: Project) -> list[Diagnostic]:
        out: list[Diagnostic] = []
        place = project.loaded.source.place
        for c in project.active_classes:
            # a skeleton has a bounding box of its own: box + keypoints is the COCO pattern
            lost = set(c.shapes) - {"keypoints", "box"}
            if label_type(c) == "skeleton" and lost:
                others = ", ".join(s for s in c.shapes if s in lost)
                out.append(place(T208(
                    f"class {c.name!r} allows {others} and keypoints; its CVAT label is a "
                    f"skeleton, so {others} cannot be drawn with it in CVAT",
                    path=(*c.spec_path, "shapes"))))
        used = {n for c in project.active_classes for n, _ in class_attributes(project, c)}
        for name, a in project.attributes.items():
            if name in used and a.type in ("integer", "number") and number_range(a).assumed:
                r = number_range(a)
                out.append(place(T209(
                    f"attribute {name!r} has no min/max; CVAT gets the range "
                    f"{fmt_num(r.min)}..{fmt_num(r.max)}", path=("attributes", name),
                    hint="give min and max")))
        for n, _ in image_attributes(project):
            c = project.by_name.get(IMAGE_TAG + n)
            if c is not None and not c.deprecated:
                out.append(place(T210(
                    f"class {c.name!r} has the name of the CVAT tag for image attribute {n!r}",
                    path=(*c.spec_path, "name"))))
        labels = labels_json(project)
        for d in check_labels(labels):
            out.append(_to_spec(project, labels, d))
        return out

    def emit(self, project: Project) -> dict[str, str | bytes]:
        return {"labels.json": json_text(labels_json(project))}


def _to_spec(project: Project, labels: list[dict], d: Diagnostic) -> Diagnostic:
    """Point a finding on generated labels back at the class (or attribute) in the spec."""
    if not d.path or not isinstance(d.path[0], int):
        return replace(d, file=project.loaded.path)
    label_name = labels[d.path[0]].get("name", "")
    c = project.by_name.get(label_name)
    path: Path = c.spec_path if c else ()
    if c is None and label_name.startswith(IMAGE_TAG):
        path = ("attributes", label_name[len(IMAGE_TAG):])
    elif len(d.path) > 2 and d.path[1] == "attributes" and c is not None:
        shown = labels[d.path[0]]["attributes"][d.path[2]]["name"]
        # "<attribute>:<value>" for a checkbox of a multi-valued enum (names may hold ':')
        a = next((n for n in project.attributes
                  if shown == n or shown.startswith(n + ":")), None)
        if a is not None:
            path = ("attributes", a)
    return project.loaded.source.place(replace(d, path=path, file=None,
                                               message=f"cvat: {d.message}"))
