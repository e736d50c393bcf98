"""Label Studio JSON export (``exportType=JSON``): a list of tasks (or one task object).

Geometry is in percent of ``original_width``/``original_height`` and converted to pixels:
``rectanglelabels``/``rectangle`` (x, y = top-left *before* rotation; LS rotates about that
corner, clockwise in degrees; the table stores the box about its centre with the same angle),
``polygonlabels``/``polygon`` (points [[x, y], ...]), ``ellipselabels``/``ellipse`` (centre and
radii), ``keypointlabels``/``keypoint`` (one POINTS row per point), ``brushlabels``/``brush``
(LS's own bit-packed RGBA RLE, decoded to a COCO RLE). Per-region results (``choices``,
``textarea``, ``number``, ``rating``, ``taxonomy``, ``labels``) share their region's ``id`` and
become that row's attributes, named by ``from_name`` (``car__occlusion`` -> ``occlusion``:
guidec's Label Studio target prefixes per-class controls with the class). A ``textarea``
that is not an attribute of the spec becomes the row's ``text`` (transcription). Results
with no region are image-level: attributes of the image row.

One image row per (task, annotation); the image key is the task id, or ``task/annotation``
when a task has several annotations. Cancelled annotations and predictions are skipped.
Row locations are JSON pointers ``/<task>/annotations/<a>/result/<r>``.
"""

from __future__ import annotations

import math
import os

import numpy as np

from guidec.readers import Reader
from guidec.readers import rle as rlemod
from guidec.readers._codes import V006, V007, V008, V009, V013, V014, V015
from guidec.readers._common import HUGE, load_json
from guidec.table import AnnotationTable, Shape, TableBuilder

NAME = "label_studio"

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
    b = TableBuilder()
    for p in paths:
        read_file(p, ctx, b)
    return b.build()


def _attr_name(from_name: str, project) -> str:
    if project is not None and from_name in project.attributes:
        return from_name
    return from_name.split("__", 1)[1] if "__" in from_name else from_name


def read_file(path: str, ctx, b: TableBuilder) -> None:
    fi = b.add_file(path, NAME)
    doc = load_json(path, ctx)
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
    tid = task.get("id", _p(tptr)[0] if tptr else 0)
    if not anns:
        b.add_image(tid, name, None, None, src_file=fi, pointer=tptr or "/")
        return
    for ai, a in anns:
        key = tid if len(anns) == 1 else f"{tid}/{a.get('id', ai)}"
        aptr = f"{tptr}/annotations/{ai}"
        results = a.get("result")
        if not isinstance(results, list):
            ctx.report(V008("'result' must be a list", file=path, path=(*_p(aptr), "result")))
            results = []
        _annotation(key, name, results, aptr, path, fi, ctx, b)


def _annotation(key, name, results, aptr, path, fi, ctx, b: TableBuilder) -> None:
    size = None
    for r in results:
        if isinstance(r, dict) and r.get("original_width") and r.get("original_height"):
            size = (r["original_width"], r["original_height"])
            break
    if size is None and ctx.image_root and name:
        from guidec.imagesize import size_of_file

        size = size_of_file(os.path.join(ctx.image_root, os.path.basename(name)))
    w, h = (float(size[0]), float(size[1])) if size else (None, None)
    img_attrs: dict = {}
    b_img = b.add_image(key, name, w, h, src_file=fi, pointer=aptr)
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
        if t in GEOMETRY:
            rid = r.get("id", f"#{ri}")
            if rid in regions:
                extras.append((rid, r, rptr))
                continue
            regions[rid] = (r, rptr, {})
            order.append(rid)
        elif t in PER_REGION or t == "relation":
            extras.append((r.get("id"), r, rptr))
        else:
            ctx.report(V015(f"result type {t!r} is not read", file=path, path=_p(rptr)))
    proj = ctx.project
    texts: dict = {}
    for rid, r, _rptr in extras:
        t = r.get("type")
        if t == "relation":
            continue
        value = r.get("value") if isinstance(r.get("value"), dict) else {}
        attr = _attr_name(str(r.get("from_name", t)), proj)
        v = value.get("text" if t == "textarea" else t)
        if t == "choices" and isinstance(v, list) and len(v) == 1:
            v = v[0]
        if t == "textarea" and isinstance(v, list):
            v = "\n".join(str(x) for x in v)
        target = regions.get(rid)
        if target is None:
            img_attrs[attr] = v
            continue
        if t == "textarea" and (proj is None or attr not in proj.attributes):
            texts[rid] = v
            continue
        if t in GEOMETRY or t == "labels":
            continue
        target[2][attr] = v
    for attr, v in img_attrs.items():
        b.set_image_attribute(b_img, attr, v)
    for rid in order:
        r, rptr, attrs = regions[rid]
        _region(r, rid, rptr, attrs, texts.get(rid), b_img, w, h, path, fi, ctx, b)


def _pct(v, scale) -> float | None:
    if type(v) not in (int, float) or isinstance(v, bool):
        return None
    if scale is None:
        return math.nan
    return v * scale / 100.0


def _region(r, rid, rptr, attrs, text, img, w, h, path, fi, ctx, b: TableBuilder) -> None:
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
            mask = rlemod.decode_label_studio(value["rle"], int(w), int(h))
        except (rlemod.RleError, ValueError, TypeError, OverflowError) as exc:
            ctx.report(V013(f"brush RLE cannot be decoded: {exc}", file=path,
                            path=(*where, "value", "rle")))
            return
        ys, xs = np.nonzero(mask)
        bbox = ((float(xs.min()), float(ys.min()), float(xs.max() - xs.min() + 1),
                 float(ys.max() - ys.min() + 1)) if len(xs) else None)
        b.add_annotation(shape=shape, rle=rlemod.encode(mask), bbox=bbox, **common)


READER = Reader(
    name=NAME,
    description="Label Studio JSON export (percent coordinates, rotation, per-region "
                "results linked by id, brush RLE)",
    detect=_detect,
    read=read,
    extensions=(".json",),
)
