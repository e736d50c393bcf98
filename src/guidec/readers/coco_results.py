"""pycocotools' *results* format: what detectors write and COCOeval reads.

A JSON list of ``{image_id, category_id, bbox | segmentation | keypoints, score}``. It used to
be taken for a Label Studio export (a list too) and pass with nothing read. Each item is a row
with its ``score``; images are known only by id (one image row per distinct ``image_id``, sized
by an RLE mask's ``size`` where one says it). Locations are JSON pointers (``/17``).
"""

from __future__ import annotations

import math
from itertools import chain
from operator import itemgetter

import numpy as np

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
    if FAST and _fast(doc, fi, b):
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


FAST = True  # tests turn it off to hold the fast path to the general one
_NONE = type(None)


def _fast(doc: list, fi: int, b: TableBuilder) -> bool:
    """Every item of a regular results file into the builder in bulk; False (nothing added)
    when any item needs the general loop's findings. Same rows, in the same order."""
    n = len(doc)
    if not n or set(map(type, doc)) != {dict}:
        return False
    try:
        iid = list(map(itemgetter("image_id"), doc))
        cid = list(map(itemgetter("category_id"), doc))
    except KeyError:
        return False
    if set(map(type, cid)) != {int} or not set(map(type, iid)) <= {int, str}:
        return False
    if not (min(cid) > -(2**62) and max(cid) < 2**62):
        return False
    score = [x.get("score") for x in doc]
    bbox = [x.get("bbox") for x in doc]
    seg = [x.get("segmentation") for x in doc]
    kp = [x.get("keypoints") for x in doc]
    if not set(map(type, score)) <= {int, float, _NONE} or not _numbers(
            [v for v in score if v is not None]):
        return False
    if not set(map(type, bbox)) <= {list, _NONE} or not set(map(type, seg)) <= {
            list, dict, _NONE} or not set(map(type, kp)) <= {list, _NONE}:
        return False
    boxes = [v for v in bbox if v is not None]
    if any(len(v) != 4 for v in boxes) or not _numbers(list(chain.from_iterable(boxes))):
        return False
    kps = [v for v in kp if v is not None]
    if any(len(v) % 3 for v in kps) or not _numbers(list(chain.from_iterable(kps))):
        return False
    polys = [v for v in seg if type(v) is list and v]
    rings = list(chain.from_iterable(polys))
    if set(map(type, rings)) - {list} or any(len(r) % 2 or len(r) < 6 for r in rings) \
            or not _numbers(list(chain.from_iterable(rings))):
        return False
    shape = [Shape.KEYPOINTS if k is not None else Shape.MASK if type(g) is dict
             else Shape.POLYGON if type(g) is list and g else Shape.BOX if x is not None
             else None for x, g, k in zip(bbox, seg, kp, strict=True)]
    if None in shape:
        return False  # an item without geometry: V007 from the general loop
    images: dict = {}
    for i, key in enumerate(iid):
        if key not in images:
            row = doc[i]
            g = row.get("segmentation")
            size = g.get("size") if type(g) is dict else None
            h, w = (size if isinstance(size, list) and len(size) == 2
                    and all(_number(v) for v in size) else (None, None))
            images[key] = b.add_image(key, None, w, h, src_file=fi)
    # as the loop: a row keeps its mask or polygon parts under keypoints too
    poly = [type(g) is list and len(g) > 0 for g in seg]
    ring_vals = [r for g, p in zip(seg, poly, strict=True) if p for r in g]
    flat = np.fromiter(chain.from_iterable(ring_vals), dtype=np.float64,
                       count=sum(map(len, ring_vals)))
    kp_rows = [k if k is not None else () for k in kp]
    b.add_many(
        image_index=[images[k] for k in iid], label_id=cid, shape=shape, bbox=bbox,
        score=score, rle=[g if type(g) is dict else None for g in seg],
        vertices=flat.reshape(-1, 2),
        ring_lens=np.fromiter((len(r) // 2 for r in ring_vals), dtype=np.int64,
                              count=len(ring_vals)),
        rings_per_row=np.fromiter((len(g) if p else 0 for g, p in zip(seg, poly, strict=True)),
                                  dtype=np.int64, count=n),
        kp=np.fromiter(chain.from_iterable(kp_rows), dtype=np.float64,
                       count=sum(map(len, kp_rows))).reshape(-1, 3),
        kp_per_row=np.fromiter((len(k) // 3 for k in kp_rows), dtype=np.int64, count=n),
        src_file=fi, pointers=[f"/{i}" for i in range(n)])
    return True


READER = Reader(
    name=NAME,
    description="pycocotools results: a JSON list of {image_id, category_id, bbox | "
                "segmentation | keypoints, score} (model predictions)",
    detect=_detect,
    read=read,
    extensions=(".json",),
)
