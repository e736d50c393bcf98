"""Encord ontology JSON: ``{"objects": [...], "classifications": [...]}``.

Objects become classes by ``shape`` (bounding_box -> box, rotatable_bounding_box ->
rotated_box, polygon, polyline, point -> points, bitmask -> mask; skeleton with its template
from ``skeleton_templates`` -> keypoints), with ``color``; their attributes (radio -> enum,
checklist -> multiple enum, text) become the class's attributes, ``dynamic`` ones mutable;
options' nested attributes get ``when``. Classifications become image attributes.
"""

from __future__ import annotations

import json

from guidec.importing import I101, Draft, color_of, read_text, unreadable
from guidec.importing._hosted import options_attribute

FORMAT = "encord"
SHAPES = {"bounding_box": "box", "rotatable_bounding_box": "rotated_box", "polygon": "polygon",
          "polyline": "polyline", "point": "points", "bitmask": "mask"}


def detect(path: str, head: str) -> bool:
    return head.lstrip().startswith("{") and '"objects"' in head and '"shape"' in head


def _nested(o: dict):
    for a in o.get("options", []) or []:
        if isinstance(a, dict) and a.get("type") and a.get("name"):
            yield a["name"], a["type"], a.get("options") or [], bool(a.get("required"))


def _attrs(d: Draft, attrs: list, carrier: str | None, scope: str, where: tuple) -> list[str]:
    keys = []
    for j, a in enumerate(attrs or []):
        if not isinstance(a, dict):
            continue
        key = options_attribute(d, a.get("name"), a.get("type"), a.get("options") or [],
                                required=bool(a.get("required")), scope=scope,
                                carrier=carrier, where=(*where, j), nested=_nested)
        if key:
            if a.get("dynamic"):
                d.attributes[key]["mutable"] = True
            keys.append(key)
    return keys


def _edges(tpl: dict, names: dict[str, str]) -> list[list[str]]:
    """``skeletonEdges: {from: {to: {...}}}`` (keys are the template's node keys)."""
    out = []
    edges = tpl.get("skeletonEdges")
    for a, tos in sorted(edges.items()) if isinstance(edges, dict) else []:
        for b in sorted(tos) if isinstance(tos, dict) else []:
            if str(a) in names and str(b) in names:
                out.append([names[str(a)], names[str(b)]])
    return out


def read(path: str, d: Draft) -> None:
    try:
        data = json.loads(read_text(path))
    except json.JSONDecodeError as exc:
        raise unreadable(path, f"not JSON: {exc.msg} (line {exc.lineno})") from None
    if not isinstance(data, dict) or not isinstance(data.get("objects"), list):
        raise unreadable(path, "no 'objects' list (an Encord ontology has one)")
    d.title = "Encord ontology"
    templates = data.get("skeleton_templates") or {}
    for i, o in enumerate(data["objects"]):
        if not isinstance(o, dict) or not isinstance(o.get("name"), str):
            d.lose(I101, f"objects[{i}] has no name; left out", ("objects", i))
            continue
        shape = o.get("shape")
        fields: dict = {"color": color_of(d, o.get("color"), f"object {o['name']!r}",
                                          ("objects", i, "color"))}
        if shape == "skeleton":
            tpl = templates.get(o["name"]) if isinstance(templates, dict) else None
            pts = tpl.get("skeleton") if isinstance(tpl, dict) else None
            nodes = (list(pts.items()) if isinstance(pts, dict) else list(enumerate(pts or [])))
            by_key = {str(k): p.get("name") for k, p in nodes if isinstance(p, dict)}
            names = list(by_key.values())
            if names and all(isinstance(n, str) for n in names):
                schema: dict = {"points": names}
                edges = _edges(tpl, by_key)
                if edges:
                    schema["skeleton"] = edges
                d.keypoint_schemas[o["name"]] = schema
                fields.update(shapes=["box", "keypoints"], keypoints=o["name"])
            else:
                d.lose(I101, f"object {o['name']!r}: skeleton template not found in "
                       "skeleton_templates; read as a box", ("objects", i))
                fields["shapes"] = ["box"]
        elif isinstance(shape, str) and shape in SHAPES:
            fields["shapes"] = [SHAPES[shape]]
        else:
            d.lose(I101, f"object {o['name']!r} has shape {shape!r}, which a spec cannot draw; "
                   "left out", ("objects", i))
            continue
        c = d.add_class(o["name"], where=("objects", i), **fields)
        _attrs(d, o.get("attributes") or [], o["name"], "object", ("objects", i, "attributes"))
        if not c.get("attributes"):
            c.pop("attributes", None)
    for j, cl in enumerate(data.get("classifications") or []):
        if isinstance(cl, dict):
            _attrs(d, cl.get("attributes") or [], None, "image", ("classifications", j))
