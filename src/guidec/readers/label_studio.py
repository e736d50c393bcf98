"""Label Studio JSON export (``exportType=JSON``): a list of tasks (or one task object).

Geometry is in percent of ``original_width``/``original_height`` and converted to pixels:
``rectanglelabels``/``rectangle`` (x, y = top-left *before* rotation; LS rotates about that
corner, clockwise in degrees; the table stores the box about its centre with the same angle),
``polygonlabels``/``polygon`` (points [[x, y], ...]), ``ellipselabels``/``ellipse`` (centre and
radii), ``keypointlabels``/``keypoint`` (one POINTS row per point; with a spec, the points of
guidec's own ``keypoints.<schema>`` controls join their instance box as one KEYPOINTS row, see
:func:`_skeletons`), ``brushlabels``/``brush``
(LS's own bit-packed RGBA RLE, decoded to a COCO RLE). Per-region results (``choices``,
``textarea``, ``number``, ``rating``, ``taxonomy``, ``labels``) share their region's ``id`` and
become that row's attributes, named by ``from_name`` (``car__occlusion`` -> ``occlusion``:
guidec's Label Studio target prefixes per-class controls with the class). A ``textarea``
that is not an attribute of the spec becomes the row's ``text`` (transcription). Results
with no region are image-level: attributes of the image row. The task's other ``data`` fields
(scalars beside the image: store, site, region) are image attributes named ``data.<key>``.

One image row per (task, annotation); the image key is the task id, or ``task/annotation``
when a task has several annotations. Cancelled annotations and predictions are skipped.
Row locations are JSON pointers ``/<task>/annotations/<a>/result/<r>``.
"""

from __future__ import annotations

import functools
import math
import os
from typing import Any

import numpy as np

from guidec import masks
from guidec.names import unique_identifiers
from guidec.readers import Reader
from guidec.readers._codes import V006, V007, V008, V009, V013, V014, V015
from guidec.readers._common import HUGE, load_json
from guidec.table import AnnotationTable, Shape, TableBuilder, concat_tables

NAME = "label_studio"
KEYPOINTS_PREFIX = "keypoints."  # guidec's KeyPointLabels controls: keypoints.<schema>

GEOMETRY = {
    "rectanglelabels": Shape.BOX, "rectangle": Shape.BOX,
    "polygonlabels": Shape.POLYGON, "polygon": Shape.POLYGON,
    "ellipselabels": Shape.ELLIPSE, "ellipse": Shape.ELLIPSE,
    "keypointlabels": Shape.POINTS, "keypoint": Shape.POINTS,
    "brushlabels": Shape.MASK, "brush": Shape.MASK,
}
PER_REGION = {"choices", "textarea", "number", "rating", "taxonomy", "labels", "datetime"}


def _detect(path: str, head: bytes, is_dir: bool) -> bool:
    if is_dir:
        return False
    h = head.lstrip()
    if h[:1] == b"[":
        return True
    return h[:1] == b"{" and b'"annotations"' in head and (
        b'"data"' in head or b'"result"' in head) and b'"images"' not in head


def read(paths: list[str], ctx) -> AnnotationTable:
    from guidec.readers import label_studio_fast

    if not label_studio_fast.available():
        b = TableBuilder()
        for p in paths:
            read_file(p, ctx, b)
        return b.build()
    # the compiled scanner first (regular exports, a file at a time); this reader for the rest,
    # from the same bytes (a big file the mapped scan gave up on is read whole here)
    tables = []
    for p in paths:
        table, raw = label_studio_fast.read_file(p, _size(p), ctx)
        if table is None:
            b = TableBuilder()
            read_file(p, ctx, b, raw)
            table = b.build()
        tables.append(table)
    return concat_tables(tables)


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


# The control names guidec's Label Studio target uses whatever the spec holds: the object,
# one labels control per shape kind, the transcription, and the Filter above each labels
# control. An attribute never gets one of them.
FIXED_CONTROLS = ("image", "box", "rotated_box", "polygon", "mask", "polyline", "points",
                  "text_region", "transcription")


@functools.lru_cache(maxsize=64)
def _control_names(attributes: tuple[str, ...], schemas: tuple[str, ...]
                   ) -> tuple[dict[str, str], dict[str, str]]:
    schema_ctrl = {s: KEYPOINTS_PREFIX + i for s, i in unique_identifiers(schemas).items()}
    taken = {*FIXED_CONTROLS, *schema_ctrl.values()}
    taken |= {"filter_" + n for n in taken}
    ids = unique_identifiers(attributes)
    used = taken | set(ids.values())
    attr_ctrl = {a: i for a, i in ids.items() if i not in taken}
    for a in attributes:  # names of fixed controls get "attr_" in front
        if a not in attr_ctrl:
            cand, n = "attr_" + ids[a], 2
            while cand in used:
                cand = f"attr_{ids[a]}_{n}"
                n += 1
            used.add(cand)
            attr_ctrl[a] = cand
    return {a: attr_ctrl[a] for a in attributes}, schema_ctrl


def control_names(project) -> tuple[dict[str, str], dict[str, str]]:
    """``({attribute: control name}, {keypoint schema: control name})`` of guidec's Label
    Studio config for ``project``: identifiers derived from the names
    (:func:`guidec.names.unique_identifiers`; ``Leaf Color`` -> ``Leaf_Color``), ``attr_`` in
    front of an attribute named like a fixed control (``box`` -> ``attr_box``), and
    ``keypoints.<schema identifier>`` for keypoint schemas. A function of the spec's names
    alone, so the config and every reader agree."""
    return _control_names(tuple(project.attributes), tuple(project.keypoint_schemas))


@functools.lru_cache(maxsize=64)
def _reverse(attributes: tuple[str, ...], schemas: tuple[str, ...]
             ) -> tuple[dict[str, str], dict[str, str]]:
    a, s = _control_names(attributes, schemas)
    return {v: k for k, v in a.items()}, {v: k for k, v in s.items()}


def attribute_name(from_name: str, project) -> str:
    """The spec attribute a result's control names: the attribute guidec's Label Studio
    target made the control for (``Leaf_Color`` -> ``Leaf Color``, ``attr_box`` -> ``box``),
    an attribute of that very name (a config of the user's own), or an older per-class
    control (``car__occlusion`` -> ``occlusion``)."""
    if project is not None:
        by_ctrl = _reverse(tuple(project.attributes), tuple(project.keypoint_schemas))[0]
        if from_name in by_ctrl:
            return by_ctrl[from_name]
        if from_name in project.attributes:
            return from_name
    return from_name.split("__", 1)[1] if "__" in from_name else from_name


def schema_name(from_name: str, project) -> str | None:
    """The keypoint schema of guidec's ``keypoints.<schema>`` control, else None."""
    if project is None:
        return None
    by_ctrl = _reverse(tuple(project.attributes), tuple(project.keypoint_schemas))[1]
    if from_name in by_ctrl:
        return by_ctrl[from_name]
    rest = from_name[len(KEYPOINTS_PREFIX):]
    if from_name.startswith(KEYPOINTS_PREFIX) and rest in project.keypoint_schemas:
        return rest
    return None


def read_file(path: str, ctx, b: TableBuilder, raw: bytes | None = None) -> None:
    fi = b.add_file(path, NAME)
    doc = load_json(path, ctx, raw)
    del raw
    if doc is None:
        return
    tasks = [doc] if isinstance(doc, dict) else doc
    single = isinstance(doc, dict)
    if not isinstance(tasks, list):
        ctx.report(V006("a Label Studio export is a list of tasks", file=path))
        return
    for ti, task in enumerate(tasks):
        tptr = "" if single else f"/{ti}"
        if not isinstance(task, dict):
            ctx.report(V008("a task must be an object", file=path, path=_p(tptr)))
            continue
        _task(task, tptr, path, fi, ctx, b)


def _ident(v, what: str, where: tuple, path, ctx):
    """An id as Label Studio writes one (an integer or a string), else V008 and None."""
    if v is None or (type(v) in (int, str)):
        return v
    ctx.report(V008(f"{what} must be an integer or a string, not {type(v).__name__}",
                    file=path, path=where))
    return None


def _p(pointer: str) -> tuple:
    return tuple(int(x) if x.isdigit() else x for x in pointer.strip("/").split("/") if x)


def _image_name(data: dict) -> str | None:
    for key in ("image", "img", "url", "ocr"):
        v = data.get(key)
        if isinstance(v, str):
            return v
    for v in data.values():
        if isinstance(v, str):
            return v
    return None


def _task(task: dict, tptr: str, path, fi, ctx, b: TableBuilder) -> None:
    data = task.get("data")
    if not isinstance(data, dict):
        data = {k: v for k, v in task.items() if k not in ("annotations", "predictions")}
    name = _image_name(data)
    anns = task.get("annotations") or []
    if not isinstance(anns, list):
        ctx.report(V008("'annotations' must be a list", file=path, path=(*_p(tptr),
                                                                          "annotations")))
        anns = []
    anns = [(ai, a) for ai, a in enumerate(anns)
            if isinstance(a, dict) and not a.get("was_cancelled")]
    tid = _ident(task.get("id"), "a task's 'id'", (*_p(tptr), "id"), path, ctx)
    if tid is None:
        tid = _p(tptr)[0] if tptr else 0
    meta = _task_data(data, name)
    if not anns:
        b_img = b.add_image(tid, name, None, None, src_file=fi, pointer=tptr or "/")
        for k, v in meta.items():
            b.set_image_attribute(b_img, k, v)
        return
    for ai, a in anns:
        aid = _ident(a.get("id"), "an annotation's 'id'",
                     (*_p(tptr), "annotations", ai, "id"), path, ctx)
        several = len(anns) > 1
        key = f"{tid}/{ai if aid is None else aid}" if several else tid
        who = None
        if several:  # several annotators' labels of one image: each a view of its own
            by = a.get("completed_by")
            by = by.get("id", by.get("email")) if isinstance(by, dict) else by
            who = by if type(by) in (int, str) else (ai if aid is None else aid)
        aptr = f"{tptr}/annotations/{ai}"
        results = a.get("result")
        if not isinstance(results, list):
            ctx.report(V008("'result' must be a list", file=path, path=(*_p(aptr), "result")))
            results = []
        _annotation(key, name, results, aptr, path, fi, ctx, b, who,
                    scope=f"{ai if aid is None else aid}/" if several else "", meta=meta)


def _task_data(data: dict, name) -> dict:
    """The task's own metadata (``data`` beside the image: store, site, patient, region), as
    image attributes named ``data.<key>``: scalars only, the image's own field left out. The
    prefix keeps them apart from the spec's image attributes (labels), which results carry."""
    out = {}
    for k, v in data.items():
        if isinstance(v, bool | int | float | str) and not (isinstance(v, str) and v == name):
            out[f"data.{k}"] = v
    return out


def _annotation(key, name, results, aptr, path, fi, ctx, b: TableBuilder, who=None,
                scope: str = "", meta: dict | None = None) -> None:
    """One annotation (one annotator's labels) of a task: an image row and its regions.
    ``scope`` prefixes region ids where a task has several annotations (each annotator's
    regions may carry the same ids, copied from one prediction)."""
    size = None
    for r in results:
        if isinstance(r, dict) and _finite(r.get("original_width")) and _finite(
                r.get("original_height")) and r["original_width"] > 0 and \
                r["original_height"] > 0:
            size = (r["original_width"], r["original_height"])
            break
    if size is None and ctx.image_root and name:
        from guidec.imagesize import size_of_file

        size = size_of_file(os.path.join(ctx.image_root, os.path.basename(name)))
    w, h = (float(size[0]), float(size[1])) if size else (None, None)
    img_attrs: dict = {}
    b_img = b.add_image(key, name, w, h, src_file=fi, pointer=aptr, annotator=who)
    if w is None and any(isinstance(r, dict) and r.get("type") in GEOMETRY for r in results):
        ctx.report(V014("no original_width/original_height and no image found: percent "
                        "coordinates cannot be converted to pixels", file=path,
                        path=_p(aptr)))
    regions: dict = {}
    order: list = []
    extras: list = []
    for ri, r in enumerate(results):
        rptr = f"{aptr}/result/{ri}"
        if not isinstance(r, dict):
            ctx.report(V008("a result must be an object", file=path, path=_p(rptr)))
            continue
        t = r.get("type")
        if not isinstance(t, str):
            ctx.report(V008(f"a result's 'type' must be a string, not {type(t).__name__}",
                            file=path, path=(*_p(rptr), "type")))
            continue
        if t in GEOMETRY:
            rid = _ident(r.get("id"), "a result's 'id'", (*_p(rptr), "id"), path, ctx)
            rid = f"#{ri}" if rid is None else rid
            if rid in regions:
                extras.append((rid, r, rptr))
                continue
            regions[rid] = (r, rptr, {})
            order.append(rid)
        elif t in PER_REGION or t == "relation":
            extras.append((_ident(r.get("id"), "a result's 'id'", (*_p(rptr), "id"), path,
                                  ctx), r, rptr))
        else:
            ctx.report(V015(f"result type {t!r} is not read", file=path, path=_p(rptr)))
    proj = ctx.project
    texts: dict = {}
    for rid, r, _rptr in extras:
        if r.get("type") == "relation":
            continue
        target = regions.get(rid)
        where, attr, v = extra_result(r, target is not None, proj)
        if where == "image":
            img_attrs[attr] = v
        elif where == "text":
            texts[rid] = v
        elif where == "region":
            target[2][attr] = v
    for attr, v in {**(meta or {}), **img_attrs}.items():
        b.set_image_attribute(b_img, attr, v)
    skeletons, first, placed = _skeletons(regions, order, w, h, proj)
    for rid in order:
        if rid in placed:
            continue  # a point of a skeleton: part of its instance's row
        r, rptr, attrs = regions[rid]
        _region(r, f"{scope}{rid}" if scope else rid, rptr, attrs, texts.get(rid), b_img, w, h,
                path, fi, ctx, b, skeletons.get(rid))
    for key, (label, kps) in skeletons.items():
        if key in first:  # points outside every box of their class
            b.add_annotation(image_index=b_img, shape=Shape.KEYPOINTS, label=label,
                             keypoints=kps, src_file=fi, pointer=regions[first[key]][1])


def extra_result(r: dict, on_region: bool, proj) -> tuple[str | None, str, Any]:
    """Where a per-region result (choices, textarea, number, ...) goes: ``("image", attr,
    value)`` when it names no region of its annotation, ``("text", ...)`` for a region's
    textarea that is not a spec attribute (its transcription), ``("region", attr, value)``
    for the region's attribute ``attr``, ``(None, ...)`` when it is not read (a geometry or
    labels result on a region). One choice is its value; lines of text are joined."""
    t = r.get("type")
    value = r.get("value") if isinstance(r.get("value"), dict) else {}
    attr = attribute_name(str(r.get("from_name", t)), proj)
    v = value.get("text" if t == "textarea" else t)
    if t == "choices" and isinstance(v, list) and len(v) == 1:
        v = v[0]
    if t == "textarea" and isinstance(v, list):
        v = "\n".join(str(x) for x in v)
    if not on_region:
        return "image", attr, v
    if t == "textarea" and (proj is None or attr not in proj.attributes):
        return "text", attr, v
    if t in GEOMETRY or t == "labels":
        return None, attr, v
    return "region", attr, v


def point_owners(results: list, project) -> dict:
    """For one annotation's results: the id of each point of a ``keypoints.<schema>`` control
    -> the id of the box region it joins (``("boxless", schema)`` for points outside every
    box), by the same rule the reader groups them with."""
    size = next(((r["original_width"], r["original_height"]) for r in results
                 if isinstance(r, dict) and _finite(r.get("original_width"))
                 and _finite(r.get("original_height"))), None)
    if size is None or project is None:
        return {}
    regions: dict = {}
    order: list = []
    for ri, r in enumerate(results):
        if isinstance(r, dict) and r.get("type") in GEOMETRY:
            rid = r.get("id") if type(r.get("id")) in (int, str) else f"#{ri}"
            if rid not in regions:
                regions[rid] = (r, "", {})
                order.append(rid)
    owners: dict = {}
    _skeletons(regions, order, float(size[0]), float(size[1]), project, owners)
    return owners


def _skeletons(regions: dict, order: list, w, h, proj,
               owners: dict | None = None) -> tuple[dict, dict, set]:
    """Points of guidec's ``keypoints.<schema>`` controls, grouped into instances.

    guidec's Label Studio config draws a class's keypoints with one KeyPointLabels control per
    keypoint schema (labels = the schema's points) next to the class's instance box. Label
    Studio does not link a point to its box, so a point goes to the box its ``parentID``
    names, else to the smallest box of a class with that schema that contains it. Each box
    with points becomes one keypoints row (points in schema order, missing ones ``0, 0, 0``);
    points outside every box become one boxless row per schema. Returns ({box region id or
    ("orphan", first point id): (label, keypoints)}, ids of the points used).
    """
    if proj is None or w is None:
        return {}, {}, set()
    boxes: dict[str, list] = {}  # schema -> [(area, rid, x, y, w, h, angle, label)]
    points: list = []
    for rid in order:
        r = regions[rid][0]
        value = r.get("value") if isinstance(r.get("value"), dict) else {}
        t = r.get("type")
        if t == "rectanglelabels":
            labels = value.get("rectanglelabels")
            c = proj.lookup(labels[0]) if isinstance(labels, list) and labels and isinstance(
                labels[0], str) else None
            nums = [value.get(k) for k in ("x", "y", "width", "height")]
            if c is None or not c.keypoints or not all(_finite(v) for v in nums):
                continue
            rot = value.get("rotation") or 0
            bw, bh = nums[2] * w / 100, nums[3] * h / 100
            boxes.setdefault(c.keypoints, []).append((
                bw * bh, rid, nums[0] * w / 100, nums[1] * h / 100, bw, bh,
                math.radians(rot) if _finite(rot) else 0.0, labels[0]))
        elif t == "keypointlabels" and str(r.get("from_name", "")).startswith(KEYPOINTS_PREFIX):
            schema = schema_name(str(r["from_name"]), proj)
            ks = proj.keypoint_schemas.get(schema) if schema is not None else None
            labels = value.get("keypointlabels")
            if (ks is None or not isinstance(labels, list) or len(labels) != 1
                    or labels[0] not in ks.points or not _finite(value.get("x"))
                    or not _finite(value.get("y"))):
                continue  # read as a plain point: the rules report what is wrong with it
            points.append((rid, schema, ks, labels[0], value["x"] * w / 100,
                           value["y"] * h / 100, r.get("parentID")))
    out: dict = {}
    first: dict = {}  # a boxless row's key -> its first point (where it is reported)
    placed: set = set()
    for rid, schema, ks, name, x, y, parent in points:
        cands = sorted(boxes.get(schema, ()), key=lambda c: c[0])  # smallest box first
        owner = next((c for c in cands if c[1] == parent), None) or next(
            (c for c in cands if _inside(x, y, *c[2:7])), None)
        if owner is not None:
            key, label = owner[1], owner[7]
        else:
            key = ("boxless", schema)
            first.setdefault(key, rid)
            label = None
            if key not in out:  # the schema's class, when exactly one class uses it
                users = [c.name for c in proj.active_classes if c.keypoints == schema]
                label = users[0] if len(users) == 1 else None
        entry = out.setdefault(key, (label, [(0.0, 0.0, 0)] * len(ks.points)))
        i = ks.points.index(name)
        if entry[1][i][2]:
            continue  # the same point twice on one instance: the second stays a plain point
        entry[1][i] = (x, y, 2)
        placed.add(rid)
        if owners is not None:
            owners[rid] = key
    return out, first, placed


def _inside(px, py, x, y, bw, bh, th) -> bool:
    """Whether a point lies in a Label Studio box: top-left (x, y), turned by ``th`` radians
    clockwise about that corner (image y points down)."""
    dx, dy = px - x, py - y
    u = dx * math.cos(th) + dy * math.sin(th)
    v = -dx * math.sin(th) + dy * math.cos(th)
    return 0 <= u <= bw and 0 <= v <= bh


def _finite(v) -> bool:
    return type(v) in (int, float) and math.isfinite(v) and abs(v) <= HUGE


def _pct(v, scale) -> float | None:
    if type(v) not in (int, float) or isinstance(v, bool):
        return None
    if scale is None:
        return math.nan
    return v * scale / 100.0


def _region(r, rid, rptr, attrs, text, img, w, h, path, fi, ctx, b: TableBuilder,
            skeleton=None) -> None:
    t = r["type"]
    shape = GEOMETRY[t]
    value = r.get("value")
    where = _p(rptr)
    if not isinstance(value, dict):
        ctx.report(V007("result has no 'value'", file=path, path=where))
        return
    labels = value.get(t) if t.endswith("labels") else None
    label = None
    if isinstance(labels, list) and labels:
        label = labels[0]
        if len(labels) > 1:
            attrs = {**attrs, "_labels": list(labels)}
    rot = value.get("rotation", 0) or 0
    common = dict(image_index=img, label=label, ann_id=rid, attributes=attrs, text=text,
                  src_file=fi, pointer=rptr)
    nums = [value.get(k) for k in ("x", "y", "width", "height", "radiusX", "radiusY")
            if k in value] + [rot]
    bad = [v for v in nums if type(v) not in (int, float) or isinstance(v, bool)]
    if bad:
        ctx.report(V008(f"value holds {bad[0]!r:.40}, not a number", file=path,
                        path=(*where, "value")))
        return
    if any(not math.isfinite(v) or abs(v) > HUGE for v in nums):
        ctx.report(V009("value holds a NaN, infinite or huge number", file=path,
                        path=(*where, "value")))
        return
    sx = w if w is not None else None
    sy = h if h is not None else None
    if shape is Shape.BOX:
        x, y = _pct(value.get("x", 0), sx), _pct(value.get("y", 0), sy)
        bw, bh = _pct(value.get("width", 0), sx), _pct(value.get("height", 0), sy)
        if rot:
            th = math.radians(rot)
            cx = x + bw / 2 * math.cos(th) - bh / 2 * math.sin(th)
            cy = y + bw / 2 * math.sin(th) + bh / 2 * math.cos(th)
            x, y = cx - bw / 2, cy - bh / 2
        if skeleton is not None:  # an instance box with its points: one keypoints row
            b.add_annotation(shape=Shape.KEYPOINTS, bbox=(x, y, bw, bh), rotation=float(rot),
                             keypoints=skeleton[1], **common)
            return
        b.add_annotation(shape=Shape.ROTATED_BOX if rot else Shape.BOX, bbox=(x, y, bw, bh),
                         rotation=float(rot), **common)
    elif shape is Shape.ELLIPSE:
        cx, cy = _pct(value.get("x", 0), sx), _pct(value.get("y", 0), sy)
        rx, ry = _pct(value.get("radiusX", 0), sx), _pct(value.get("radiusY", 0), sy)
        b.add_annotation(shape=shape, bbox=(cx - rx, cy - ry, 2 * rx, 2 * ry),
                         rotation=float(rot), **common)
    elif shape is Shape.POLYGON:
        pts = value.get("points")
        ok = isinstance(pts, list) and all(
            isinstance(p, list) and len(p) == 2 and all(type(c) in (int, float) for c in p)
            for p in pts)
        if not ok:
            ctx.report(V008("points must be a list of [x, y] numbers", file=path,
                            path=(*where, "value", "points")))
            return
        ring = [(_pct(px, sx), _pct(py, sy)) for px, py in pts]
        b.add_annotation(shape=shape, rings=[ring], **common)
    elif shape is Shape.POINTS:
        b.add_annotation(shape=shape, rings=[[(_pct(value.get("x", 0), sx),
                                              _pct(value.get("y", 0), sy))]], **common)
    else:  # brush
        if value.get("format", "rle") != "rle" or not isinstance(value.get("rle"), list):
            ctx.report(V015("brush result without an 'rle' list is not read", file=path,
                            path=where))
            return
        if w is None:
            return
        try:
            mask = masks.decode_label_studio(value["rle"], int(w), int(h))
        except (masks.RleError, ValueError, TypeError, OverflowError) as exc:
            ctx.report(V013(f"brush RLE cannot be decoded: {exc}", file=path,
                            path=(*where, "value", "rle")))
            return
        ys, xs = np.nonzero(mask)
        bbox = ((float(xs.min()), float(ys.min()), float(xs.max() - xs.min() + 1),
                 float(ys.max() - ys.min() + 1)) if len(xs) else None)
        b.add_annotation(shape=shape, rle=masks.encode(mask), bbox=bbox, **common)


READER = Reader(
    name=NAME,
    description="Label Studio JSON export (percent coordinates, rotation, per-region "
                "results linked by id, brush RLE)",
    detect=_detect,
    read=read,
    extensions=(".json",),
)
