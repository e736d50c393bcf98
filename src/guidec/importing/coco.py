"""COCO ``categories`` (a whole COCO file, ``{"categories": [...]}`` or a bare list).

``id`` and ``name`` are kept; ``supercategory`` becomes the parent class (a category of that
name when there is one, else a new class; a supercategory equal to the name is a root).
``keypoints`` and ``skeleton`` (1-based) become a keypoint schema named after the category.
COCO has no flip pairs, colours or attributes.
"""

from __future__ import annotations

import json

from guidec.importing import I102, I106, Draft, read_text, unreadable

FORMAT = "coco"


def detect(path: str, head: str) -> bool:
    s = head.lstrip()
    return (s.startswith(("{", "[")) and '"categories"' in head) or (
        s.startswith("[") and '"supercategory"' in head)


def read(path: str, d: Draft) -> None:
    try:
        data = json.loads(read_text(path))
    except json.JSONDecodeError as exc:
        raise unreadable(path, f"not JSON: {exc.msg} (line {exc.lineno})") from None
    cats = data.get("categories") if isinstance(data, dict) else data
    if not isinstance(cats, list):
        raise unreadable(path, "no 'categories' list")
    if isinstance(data, dict) and ("annotations" in data or "images" in data):
        d.lose(I102, "images and annotations are not read (only categories); "
               "infer from them with --from-delivery")
    d.title = "COCO categories"
    rows = [c for c in cats if isinstance(c, dict) and isinstance(c.get("name"), str)]
    if len(rows) != len(cats):
        d.lose(I102, f"{len(cats) - len(rows)} categories without a name are left out",
               ("categories",))
    names = {c["name"] for c in rows}
    lost: set[str] = set()
    for i, c in enumerate(rows):
        lost |= set(c) - {"id", "name", "supercategory", "keypoints", "skeleton"}
        sup = c.get("supercategory")
        parent = None
        if isinstance(sup, str) and sup and sup != c["name"]:
            parent = d.find_class(sup)
            if parent is None and sup not in names:
                parent = d.add_class(sup)
        fields: dict = {"id": c.get("id")}
        kps = c.get("keypoints")
        if isinstance(kps, list) and kps:
            points = [str(p) for p in kps]
            schema: dict = {"points": points}
            edges = []
            for e in c.get("skeleton") or []:
                if (isinstance(e, list) and len(e) == 2
                        and all(isinstance(v, int) and 1 <= v <= len(points) for v in e)):
                    edges.append([points[e[0] - 1], points[e[1] - 1]])
                else:
                    d.lose(I106, f"category {c['name']!r}: skeleton edge {e!r} is not two "
                           f"point numbers 1..{len(points)}; left out", ("categories", i))
            if edges:
                schema["skeleton"] = edges
            d.keypoint_schemas[c["name"]] = schema
            fields.update(shapes=["box", "keypoints"], keypoints=c["name"])
        if parent is not None and sup in names and d.find_class(c["name"]) is None:
            pass
        existing = d.find_class(c["name"])
        if existing is not None:  # created earlier as another's supercategory
            existing.update({k: v for k, v in fields.items() if v is not None})
        else:
            d.add_class(c["name"], parent, ("categories", i), **fields)
    # a category named as a later category's supercategory became a root: move children
    if lost:
        d.lose(I102, f"category fields {', '.join(sorted(lost))} not carried over",
               ("categories",))
    d.exports = ["coco"]
