"""Labelbox ontology JSON: ``{"tools": [...], "classifications": [...]}``.

Tools become classes (rectangle -> box, polygon, raster-segmentation / superpixel -> mask,
point -> points, line -> polyline; named-entity and edge are I101), with their colour; a tool's
classifications become its attributes, global classifications image attributes. radio -> enum,
checklist -> multiple enum, text -> text; classifications nested under an option become
attributes with ``when: {parent: [option]}``.
"""

from __future__ import annotations

import json

from guidec.importing import I101, I102, Draft, color_of, read_text, unreadable
from guidec.importing._hosted import options_attribute

FORMAT = "labelbox"
TOOLS = {"rectangle": "box", "bbox": "box", "polygon": "polygon",
         "raster-segmentation": "mask", "superpixel": "mask", "point": "points",
         "line": "polyline"}


def detect(path: str, head: str) -> bool:
    return head.lstrip().startswith("{") and '"tools"' in head and '"tool"' in head


def _nested(o: dict):
    for c in o.get("options", []) or []:
        if isinstance(c, dict) and c.get("type") and c.get("name", c.get("instructions")):
            yield (c.get("name") or c.get("instructions"), c["type"], c.get("options") or [],
                   bool(c.get("required")))


def read(path: str, d: Draft) -> None:
    try:
        data = json.loads(read_text(path))
    except json.JSONDecodeError as exc:
        raise unreadable(path, f"not JSON: {exc.msg} (line {exc.lineno})") from None
    if not isinstance(data, dict) or not isinstance(data.get("tools"), list):
        raise unreadable(path, "no 'tools' list (a Labelbox ontology has one)")
    d.title = "Labelbox ontology"
    for i, t in enumerate(data["tools"]):
        if not isinstance(t, dict) or not isinstance(t.get("name"), str):
            d.lose(I101, f"tools[{i}] has no name; left out", ("tools", i))
            continue
        shape = TOOLS.get(t.get("tool")) if isinstance(t.get("tool"), str) else None
        if shape is None:
            d.lose(I101, f"tool {t['name']!r} is a {t.get('tool')!r}, which a spec cannot "
                   "draw; left out", ("tools", i))
            continue
        c = d.add_class(t["name"], where=("tools", i), shapes=[shape],
                        color=color_of(d, t.get("color"), f"tool {t['name']!r}",
                                       ("tools", i, "color")))
        lost = set(t) - {"tool", "name", "color", "classifications", "featureSchemaId",
                         "schemaNodeId", "required"}
        if lost:
            d.lose(I102, f"tool {t['name']!r}: {', '.join(sorted(lost))} not carried over",
                   ("tools", i))
        for j, cl in enumerate(t.get("classifications") or []):
            if not isinstance(cl, dict):
                continue
            name = cl.get("name") or cl.get("instructions")
            options_attribute(d, name, cl.get("type"), cl.get("options") or [],
                              required=bool(cl.get("required")), scope="object",
                              carrier=t["name"], where=("tools", i, "classifications", j),
                              nested=_nested)
        if not c.get("attributes"):
            c.pop("attributes", None)
    for j, cl in enumerate(data.get("classifications") or []):
        if isinstance(cl, dict):
            options_attribute(d, cl.get("name") or cl.get("instructions"), cl.get("type"),
                              cl.get("options") or [], required=bool(cl.get("required")),
                              scope="image", carrier=None, where=("classifications", j),
                              nested=_nested)
