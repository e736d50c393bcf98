"""``guidec import --from-delivery``: a draft spec inferred from annotation files.

The files are read by guidec's delivery readers (any format ``guidec validate`` reads, detected
by content). The draft has: one class per label seen (its delivered id when the format has
one), the shapes seen per class, keypoint schemas (the count of points per instance; names
from COCO ``categories[].keypoints`` when declared), attributes with types inferred from their
values, the image sizes seen, and in the loss report the share of each class (I108).

Attribute types: all booleans (or the strings ``true``/``false``) -> bool; all whole numbers ->
integer; all numbers -> number; strings -> enum when the distinct values are at most 10 % of
the rows and at most 50 (LinkML schema-automator's rule), else text; lists of strings -> a
multiple enum under the same rule. Mixed values are text (I109).
"""

from __future__ import annotations

import math
import os
from collections import Counter

import numpy as np

from guidec.diagnostics import GuidecError
from guidec.importing import I101, I108, I109, Draft, Imported, finish, project_id
from guidec.table import Shape

ENUM_SHARE = 0.10
ENUM_MAX = 50
SIZES_MAX = 10  # more distinct image sizes than this: a min/max range instead of a list
SHAPE_ORDER = ("box", "rotated_box", "polygon", "mask", "polyline", "points", "keypoints",
               "text_region")


def import_delivery(paths: list[str], fmt: str | None = None) -> Imported:
    from guidec.readers import read_delivery

    result = read_delivery(list(paths), fmt)
    d = Draft(paths[0] if len(paths) == 1 else f"{paths[0]} (+{len(paths) - 1})",
              "delivery:" + ",".join(sorted(set(result.formats.values()))))
    d.losses.extend(result.diagnostics)
    t = result.table
    if len(t) == 0 and not t.declared_categories:
        raise GuidecError(f"{d.file}: no annotation and no class found in the delivery",
                          result.diagnostics)
    d.title = f"Draft from {os.path.basename(paths[0])}"
    d.summary = ("Inferred by guidec import --from-delivery: review every class, attribute "
                 "and range before use.")
    infer(d, t)
    return finish(d, project_id(paths[0]))


def _name_of(t, i: int) -> str | None:
    lab = t.label[i]
    if lab is not None:
        return str(lab)
    lid = int(t.label_id[i])
    cat = t.declared_categories.get(lid)
    if isinstance(cat, dict) and isinstance(cat.get("name"), str):
        return cat["name"]
    return None if lid < 0 else f"class {lid}"


def infer(d: Draft, t) -> None:
    n = len(t)
    names = [_name_of(t, i) for i in range(n)]
    shapes = t.shape.astype(int)
    counts = Counter(x for x in names if x is not None)
    unnamed = n - sum(counts.values())
    if unnamed:
        d.lose(I101, f"{unnamed} annotation(s) have no class (CVAT skeleton points, ...); "
               "left out")
    ids: dict[str, int] = {}
    for i in range(n):
        lid = int(t.label_id[i])
        if lid >= 0:
            ids.setdefault(names[i], lid)
    for cid, cat in sorted(t.declared_categories.items(), key=lambda kv: str(kv[0])):
        if isinstance(cat, dict) and isinstance(cat.get("name"), str) and not cat.get("parent"):
            ids.setdefault(cat["name"], cid if isinstance(cid, int) else None)
            counts.setdefault(cat["name"], 0)
    tags: list[str] = []
    kp_counts = np.diff(t.kp_offsets) if len(t.kp_offsets) else np.zeros(n, dtype=int)
    ellipses = 0
    for name in sorted(counts, key=lambda x: (ids.get(x, math.inf) if ids.get(x) is not None
                                              else math.inf, x)):
        rows = [i for i in range(n) if names[i] == name] if counts[name] else []
        kinds = set()
        for i in rows:
            s = Shape(shapes[i])
            if s == Shape.TAG:
                if name not in tags:
                    tags.append(name)
            elif s == Shape.ELLIPSE:
                ellipses += 1
            else:
                kinds.add(s.spec_name)
        if rows and not kinds and name in tags:
            continue
        c: dict = {"id": ids.get(name)}
        if kinds:
            c["shapes"] = sorted(kinds, key=SHAPE_ORDER.index)
        if "keypoints" in kinds:
            npts = Counter(int(kp_counts[i]) for i in rows if shapes[i] == Shape.KEYPOINTS)
            k = npts.most_common(1)[0][0]
            if len(npts) > 1:
                d.lose(I109, f"class {name!r}: instances have {len(npts)} different numbers of "
                       f"keypoints ({', '.join(map(str, sorted(npts)))}); the schema has {k}")
            cat = t.declared_categories.get(ids.get(name), t.declared_categories.get(name))
            pts = None
            if isinstance(cat, dict):
                pts = cat.get("keypoints") or cat.get("sublabels")
            schema: dict = {}
            if isinstance(pts, list) and len(pts) == k:
                edges = cat.get("skeleton") if isinstance(cat, dict) else None
                schema["skeleton"] = [[str(pts[a - 1]), str(pts[b - 1])] for a, b in (
                    e for e in edges or [] if isinstance(e, list) and len(e) == 2
                    and all(isinstance(v, int) and 1 <= v <= k for v in e))]
            else:
                pts = [f"kp{j}" for j in range(k)]
            d.keypoint_schemas[name] = {"points": [str(p) for p in pts],
                                        **({"skeleton": schema["skeleton"]}
                                           if schema.get("skeleton") else {})}
            c["keypoints"] = name
            if "box" not in kinds:
                c["shapes"] = sorted(kinds | {"box"}, key=SHAPE_ORDER.index)
        d.add_class(name, **c)
    if ellipses:
        d.lose(I101, f"{ellipses} ellipse annotation(s): a spec has no ellipse shape")
    # attributes
    for aname in sorted(t.attributes):
        col = t.attributes[aname]
        rows = [i for i in range(n) if col[i] is not None]
        if not rows:
            continue
        a = infer_type(d, aname, [col[i] for i in rows])
        key = d.add_attribute(aname, a)
        for cname in sorted({names[i] for i in rows if names[i] is not None}):
            c = d.find_class(cname)
            if c is not None and key not in c.setdefault("attributes", []):
                c["attributes"].append(key)
    texts = [i for i in range(n) if t.text[i] is not None]
    if texts:
        d.add_attribute("transcription", {"type": "text"})
        for cname in sorted({names[i] for i in texts if names[i] is not None}):
            c = d.find_class(cname)
            if c is not None and "transcription" not in c.setdefault("attributes", []):
                c["attributes"].append("transcription")
    for aname in sorted(t.images.attributes):
        col = t.images.attributes[aname]
        vals = [v for v in col if v is not None]
        if vals:
            a = infer_type(d, aname, vals)
            a["scope"] = "image"
            d.add_attribute(aname, a)
    if tags:
        d.add_attribute("tags", {"type": "enum", "values": tags, "multiple": True,
                                 "scope": "image"})
    # image sizes
    w, h = t.images.width, t.images.height
    ok = ~(np.isnan(w) | np.isnan(h))
    sizes = sorted({(int(a), int(b)) for a, b in zip(w[ok], h[ok], strict=True)})
    if sizes and len(sizes) <= SIZES_MAX:
        d.media["image_sizes"] = [list(s) for s in sizes]
    elif sizes:
        d.media["min_image_size"] = [min(s[0] for s in sizes), min(s[1] for s in sizes)]
        d.media["max_image_size"] = [max(s[0] for s in sizes), max(s[1] for s in sizes)]
    # shares
    total = sum(counts.values())
    for name, k in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        d.lose(I108, f"class {name!r}: {k} of {total} annotations "
               f"({100.0 * k / total if total else 0:.1f} %)")


def infer_type(d: Draft, name: str, values: list) -> dict:
    n = len(values)

    def enum_ok(distinct: int) -> bool:
        return distinct <= ENUM_SHARE * n and distinct <= ENUM_MAX

    if all(isinstance(v, bool) for v in values) or all(
            isinstance(v, str) and v.lower() in ("true", "false") for v in values):
        return {"type": "bool"}
    if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return {"type": "integer"}
    if all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
        return {"type": "number"}
    if all(isinstance(v, str) for v in values):
        distinct = sorted(set(values))
        if enum_ok(len(distinct)) and all(distinct):
            return {"type": "enum", "values": distinct}
        return {"type": "text"}
    if all(isinstance(v, list) and all(isinstance(x, str) for x in v) for v in values):
        distinct = sorted({x for v in values for x in v})
        if distinct and enum_ok(len(distinct)):
            return {"type": "enum", "values": distinct, "multiple": True}
        return {"type": "text"}
    kinds = sorted({type(v).__name__ for v in values})
    d.lose(I109, f"attribute {name!r}: values of types {', '.join(kinds)}; written as text")
    return {"type": "text"}
