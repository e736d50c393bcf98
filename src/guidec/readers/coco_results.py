"""pycocotools' *results* format: what detectors write and COCOeval reads.

A JSON list of ``{image_id, category_id, bbox | segmentation | keypoints, score}``. It used to
be taken for a Label Studio export (a list too) and pass with nothing read. Each item is a row
with its ``score``; images are known only by id (one image row per distinct ``image_id``, sized
by an RLE mask's ``size`` where one says it). Locations are JSON pointers (``/17``).
"""

from __future__ import annotations

import math

from guidec.readers import Reader
from guidec.readers._codes import V006, V007, V008, V009, V010
from guidec.readers._common import HUGE, load_json
from guidec.table import AnnotationTable, Shape, TableBuilder

NAME = "coco_results"


def _detect(path: str, head: bytes, is_dir: bool) -> bool:
    if is_dir or head.lstrip()[:1] != b"[":
        return False
    return (b'"image_id"' in head and b'"category_id"' in head and b'"data"' not in head
            and b'"annotations"' not in head and b'"result"' not in head)


def read(paths: list[str], ctx) -> AnnotationTable:
    b = TableBuilder()
    for p in paths:
        read_file(p, ctx, b)
    return b.build()


def _number(v) -> bool:
    return type(v) in (int, float) and math.isfinite(v) and abs(v) <= HUGE


_NUMERIC = {int, float}


def _numbers(seq: list) -> bool:
    """Every item an int or a float (not a bool), finite and within HUGE — at C speed: a
    finite sum rules out inf and NaN (inf - inf is NaN), so only the extremes need a look."""
    if not seq:
        return True
    if not set(map(type, seq)) <= _NUMERIC:
        return False
    try:
        return math.isfinite(sum(seq)) and max(seq) <= HUGE and min(seq) >= -HUGE
    except OverflowError:  # an int too large for a float
        return False


def read_file(path: str, ctx, b: TableBuilder) -> None:
    fi = b.add_file(path, NAME, "/{}", None)
    doc = load_json(path, ctx)
    if doc is None:
        return
    if not isinstance(doc, list):
        ctx.report(V006(f"a results file is a JSON list; this one is a {type(doc).__name__}",
                        file=path))
        return
    images: dict = {}
    for i, item in enumerate(doc):
        where = (i,)
        if not isinstance(item, dict):
            ctx.report(V008(f"result {i} is a {type(item).__name__}, not an object", file=path,
                            path=where))
            continue
        missing = [k for k in ("image_id", "category_id") if k not in item]
        if missing:
            ctx.report(V007(f"result {i} has no {' or '.join(missing)}", file=path, path=where))
            continue
        image_id, cid = item["image_id"], item["category_id"]
        if type(image_id) not in (int, str) or type(cid) is not int:
            ctx.report(V008(f"result {i}: image_id must be an integer or a string and "
                            "category_id an integer", file=path, path=where))
            continue
        score = item.get("score")
        if score is not None and not _number(score):
            ctx.report((V009 if type(score) in (int, float) else V008)(
                f"result {i}: score {score!r:.40} is not a finite number", file=path,
                path=(*where, "score")))
            score = None
        row = _geometry(item, i, path, ctx)
        if row is None:
            continue
        if image_id not in images:
            size = (row.get("rle") or {}).get("size")
            h, w = (size if isinstance(size, list) and len(size) == 2
                    and all(_number(v) for v in size) else (None, None))
            images[image_id] = b.add_image(image_id, None, w, h, src_file=fi)
        b.add_annotation(image_index=images[image_id], label_id=cid, src_file=fi,
                         pointer=f"/{i}", score=score, **row)


def _geometry(item: dict, i: int, path, ctx) -> dict | None:
    """The row's shape and geometry: keypoints, else a segmentation, else the box."""
    where = (i,)
    out: dict = {}
    bbox = item.get("bbox")
    if bbox is not None:
        if not (isinstance(bbox, list) and len(bbox) == 4 and _numbers(bbox)):
            ctx.report(V008(f"result {i}: bbox must be [x, y, w, h] numbers", file=path,
                            path=(*where, "bbox")))
            return None
        out.update(shape=Shape.BOX, bbox=bbox)
    seg = item.get("segmentation")
    if isinstance(seg, dict):
        out.update(shape=Shape.MASK, rle=seg)
    elif isinstance(seg, list) and seg:
        rings = []
        for r, ring in enumerate(seg):
            if not (isinstance(ring, list) and _numbers(ring)):
                ctx.report(V008(f"result {i}: a polygon ring is not a list of numbers",
                                file=path, path=(*where, "segmentation", r)))
                return None
            if len(ring) % 2:
                ctx.report(V010(f"result {i}: a polygon ring has {len(ring)} values",
                                file=path, path=(*where, "segmentation", r)))
                return None
            rings.append(list(zip(ring[0::2], ring[1::2], strict=True)))
        out.update(shape=Shape.POLYGON, rings=rings)
    kp = item.get("keypoints")
    if kp is not None:
        if not (isinstance(kp, list) and len(kp) % 3 == 0 and _numbers(kp)):
            ctx.report(V008(f"result {i}: keypoints must be [x, y, v] * K numbers", file=path,
                            path=(*where, "keypoints")))
            return None
        out.update(shape=Shape.KEYPOINTS,
                   keypoints=[tuple(kp[k:k + 3]) for k in range(0, len(kp), 3)])
    if "shape" not in out:
        ctx.report(V007(f"result {i} has no bbox, segmentation or keypoints", file=path,
                        path=where))
        return None
    return out


READER = Reader(
    name=NAME,
    description="pycocotools results: a JSON list of {image_id, category_id, bbox | "
                "segmentation | keypoints, score} (model predictions)",
    detect=_detect,
    read=read,
    extensions=(".json",),
)
