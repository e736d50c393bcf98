"""CVAT labels: the project's labels JSON (Raw editor, API) or the ``<meta>`` labels of a CVAT
for images / video 1.1 XML export.

Label ``type``: rectangle -> box, polygon, mask, polyline, points; skeleton -> box and
keypoints with a schema named after the label (sublabels are the points, the SVG's lines the
edges); ``any`` -> every shape CVAT draws. ``tag`` labels: guidec's ``image:<attribute>`` tags
become image attributes, other tags the values of an image attribute ``tags``. Ellipse and
cuboid labels have no spec shape (I101). Attributes: select / radio -> enum (a first value
``__undefined__`` means required), checkboxes named ``attr:value`` -> a multiple enum, a
checkbox -> bool, number ``[min, max, step]`` -> integer or number, text -> text; ``mutable``
is kept.
"""

from __future__ import annotations

import json
import re

from guidec.importing import (
    I101,
    I102,
    I106,
    Draft,
    color_of,
    number_attribute,
    read_head,
    read_text,
    unreadable,
)

FORMAT = "cvat"
UNDEFINED = "__undefined__"
TYPES = {"rectangle": ["box"], "polygon": ["polygon"], "mask": ["mask"],
         "polyline": ["polyline"], "points": ["points"],
         "any": ["box", "polygon", "mask", "polyline", "points"]}
IMAGE_TAG = "image:"


def detect(path: str, head: str) -> bool:
    s = head.lstrip()
    if s.startswith("<?xml") or s.startswith("<annotations"):
        return "<annotations" in head
    if s.startswith("[") or s.startswith("{"):
        return '"input_type"' in head or ('"attributes"' in head and '"type"' in head
                                          and '"categories"' not in head
                                          and '"tools"' not in head
                                          and '"objects"' not in head
                                          and '"jobs"' not in head)
    return False


def labels_of(path: str) -> list:
    head = read_head(path).lstrip()
    if head.startswith("<"):
        from guidec.diagnostics import GuidecError
        from guidec.targets.cvat import read_labels_xml

        try:
            return read_labels_xml(path)
        except GuidecError as exc:
            raise unreadable(path, str(exc).split(": ", 1)[-1]) from None
    try:
        data = json.loads(read_text(path))
    except json.JSONDecodeError as exc:
        raise unreadable(path, f"not JSON: {exc.msg} (line {exc.lineno})") from None
    if isinstance(data, dict):
        data = data.get("labels", data.get("results"))
    if not isinstance(data, list):
        raise unreadable(path, "not a CVAT label list (a JSON list, or an object with "
                         "'labels')")
    return data


def read(path: str, d: Draft) -> None:
    labels = labels_of(path)
    d.title = "CVAT labels"
    tags: list[str] = []
    for i, lab in enumerate(labels):
        if not isinstance(lab, dict) or not isinstance(lab.get("name"), str):
            d.lose(I101, f"labels[{i}] is not a label with a name; left out", (i,))
            continue
        name = lab["name"]
        ltype = lab.get("type") or "any"
        ltype = ltype if isinstance(ltype, str) else repr(ltype)
        lost = set(lab) - {"name", "color", "type", "attributes", "sublabels", "svg", "id",
                           "parent_id", "has_parent", "project_id", "task_id"}
        if lost:
            d.lose(I102, f"label {name!r}: {', '.join(sorted(lost))} not carried over", (i,))
        if ltype == "tag":
            if name.startswith(IMAGE_TAG) and len(lab.get("attributes") or []) >= 1:
                for key, a in attributes(d, name, lab.get("attributes") or [], (i,)):
                    a["scope"] = "image"
                    d.add_attribute(key, a, name, (i,))
            else:
                tags.append(name)
                if lab.get("attributes"):
                    d.lose(I101, f"tag {name!r}: attributes of tags have no place in a spec "
                           "(tags become values of the image attribute 'tags')", (i,))
            continue
        if ltype not in TYPES and ltype != "skeleton":
            d.lose(I101, f"label {name!r} is a {ltype}, which a spec cannot draw; left out",
                   (i,))
            continue
        c: dict = {"shapes": list(TYPES.get(ltype, ["box", "keypoints"]))}
        color = color_of(d, lab.get("color"), f"label {name!r}", (i, "color"))
        if color:
            c["color"] = color
        keys = []
        for key, a in attributes(d, name, lab.get("attributes") or [], (i,)):
            if key == "transcription" and a["type"] == "text" and "polygon" in c["shapes"] \
                    and ltype == "polygon":
                c["shapes"] = ["text_region"]
                if a.get("default") not in (None, ""):
                    keys.append(d.add_attribute(key, a, name, (i,)))
                continue
            keys.append(d.add_attribute(key, a, name, (i,)))
        if keys:
            c["attributes"] = keys
        if ltype == "skeleton":
            schema = skeleton(d, name, lab, (i,))
            if schema:
                d.keypoint_schemas[name] = schema
                c["keypoints"] = name
            else:
                c["shapes"] = ["box"]
        d.add_class(name, where=(i,), **c)
    if tags:
        d.add_attribute("tags", {"type": "enum", "values": tags, "multiple": True,
                                 "scope": "image"})


def _nums(values: list) -> list[float] | None:
    try:
        out = [float(v) for v in values]
    except (TypeError, ValueError):
        return None
    return out if len(out) == 3 else None


def attributes(d: Draft, label: str, attrs: list, where: tuple):
    """(key, spec attribute) pairs of one label's CVAT attributes, in order."""
    groups: dict[str, list[dict]] = {}
    for a in attrs:
        if isinstance(a, dict) and a.get("input_type") == "checkbox" and ":" in str(
                a.get("name", "")):
            groups.setdefault(str(a["name"]).split(":", 1)[0], []).append(a)
    done: set[str] = set()
    for j, a in enumerate(attrs):
        if not isinstance(a, dict) or not isinstance(a.get("name"), str):
            d.lose(I101, f"label {label!r}: attribute {j} has no name; left out",
                   (*where, "attributes", j))
            continue
        name, it = a["name"], str(a.get("input_type", "")).lower()
        values = [str(v) for v in a.get("values") or []]
        default = a.get("default_value")
        default = "" if default is None else str(default)
        out: dict = {}
        prefix = name.split(":", 1)[0]
        if it == "checkbox" and prefix in groups and ":" in name:
            if prefix in done:
                continue
            done.add(prefix)
            members = groups[prefix]
            out = {"type": "enum", "values": [str(m["name"]).split(":", 1)[1] for m in members],
                   "multiple": True}
            chosen = [str(m["name"]).split(":", 1)[1] for m in members
                      if str(m.get("default_value")) == "true"]
            if chosen:
                out["default"] = chosen
            name = prefix
            a = members[0]
        elif it in ("select", "radio"):
            vals = [v for v in values if v != UNDEFINED]
            if not vals:
                d.lose(I101, f"label {label!r}: attribute {name!r} has no values; left out",
                       (*where, "attributes", j))
                continue
            out = {"type": "enum", "values": vals}
            if UNDEFINED in values:
                out["required"] = True
            elif default and default != vals[0]:
                out["default"] = default
        elif it == "checkbox":
            out = {"type": "bool"}
            if default == "true":
                out["default"] = True
        elif it == "number":
            nums = _nums(values)
            if nums is None:
                d.lose(I101, f"label {label!r}: number attribute {name!r} has values "
                       f"{values!r}, not [min, max, step]; read as text",
                       (*where, "attributes", j))
                out = {"type": "text"}
            else:
                lo, hi, step = nums
                try:
                    dv = float(default) if default else None
                except ValueError:
                    dv = None
                out = number_attribute(d, f"label {label!r}: attribute {name!r}", lo, hi, step,
                                       None if dv == lo else dv, (*where, "attributes", j))
        elif it == "text":
            out = {"type": "text"}
            if default:
                out["default"] = default
        else:
            d.lose(I101, f"label {label!r}: attribute {name!r} has input type {it!r}; "
                   "left out", (*where, "attributes", j))
            continue
        if a.get("mutable") is True:
            out["mutable"] = True
        yield name, out


def skeleton(d: Draft, name: str, lab: dict, where: tuple) -> dict | None:
    subs = [s for s in lab.get("sublabels") or [] if isinstance(s, dict)
            and isinstance(s.get("name"), str)]
    if not subs:
        d.lose(I106, f"skeleton {name!r} has no sublabels; read as a box label", where)
        return None
    points = [s["name"] for s in subs]
    for s in subs:
        if s.get("attributes"):
            d.lose(I102, f"skeleton {name!r}: attributes of point {s['name']!r} have no "
                   "place in a keypoint schema", where)
    svg = lab.get("svg") or ""
    node_name: dict[str, str] = {}
    ids = {str(s.get("id")): s["name"] for s in subs if s.get("id") is not None}
    for m in re.finditer(r"<circle\b([^>]*)>", svg):
        attrs = dict(re.findall(r'([\w-]+)="([^"]*)"', m.group(1)))
        nid = attrs.get("data-node-id")
        pname = attrs.get("data-label-name")
        if pname is None and attrs.get("data-label-id") in ids:
            pname = ids[attrs["data-label-id"]]
        if nid and pname is not None:
            node_name[nid] = _unescape(pname)
    edges = []
    for m in re.finditer(r"<line\b([^>]*)>", svg):
        attrs = dict(re.findall(r'([\w-]+)="([^"]*)"', m.group(1)))
        a, b = node_name.get(attrs.get("data-node-from", "")), node_name.get(
            attrs.get("data-node-to", ""))
        if a in points and b in points:
            edges.append([a, b])
        else:
            d.lose(I106, f"skeleton {name!r}: an SVG edge joins nodes "
                   f"{attrs.get('data-node-from')!r} and {attrs.get('data-node-to')!r}, not "
                   "two sublabels; left out", where)
    schema: dict = {"points": points}
    if edges:
        schema["skeleton"] = edges
    return schema


def _unescape(text: str) -> str:
    return (text.replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">")
            .replace("&#39;", "'").replace("&amp;", "&"))
