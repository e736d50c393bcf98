"""Label Studio's fast path: the compiled scanner (``readers/_lsscan.c``) reads an export's
bytes straight into columns, and this module turns them into the table with whole-column
arithmetic (percent to pixels, boxes, ellipses, polygon vertices as one flat array). It never
reports anything: for anything irregular the scanner or :func:`_from_columns` returns None and
the general reader (:mod:`.label_studio`) reads the file and words every finding, so the two
paths give identical tables (``tests/readers/test_lsscan.py``).

Big files are scanned from a memory map whose pages are given back as the scan passes them
(``_common.RELEASE_EVERY``), so the file is never resident as a whole.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import orjson

from guidec.readers._common import HUGE, RELEASE_EVERY, STREAM_MIN, obj_array, scan_mapped
from guidec.table import AnnotationTable, ImageTable, Shape, SourceFile

try:  # without a C compiler at install time every file takes the general path
    from guidec.readers import _lsscan
except ImportError:  # pragma: no cover - a build without a C compiler
    _lsscan = None

__all__ = ["STREAM_MIN", "available", "read_file"]

K_BOX, K_POLYGON, K_ELLIPSE, K_POINT = 1, 2, 3, 4


def available() -> bool:
    return _lsscan is not None


def read_file(path: str, size: int, ctx) -> tuple[AnnotationTable | None, bytes | None]:
    """``(table, None)`` of one export, or ``(None, bytes)`` when the general reader must read
    it: the file's bytes when they were read whole (so it reads them once), None when it
    reads the file itself (a big file, an unreadable one: it reports why)."""
    from guidec import inputs, progress
    from guidec.readers.label_studio import NAME, extra_result

    if _lsscan is None:
        return None, None
    if size >= STREAM_MIN:
        try:
            cols = scan_mapped(path, lambda mm: _lsscan.scan(mm, orjson.loads, RELEASE_EVERY))
        except OSError:  # the general reader reads it again and says why
            return None, None
        raw = None
        if cols is not None:
            prog = progress.active()
            if prog is not None:  # read_bytes reports the bytes it reads itself
                prog.read(size)
    else:
        try:
            raw = inputs.read_bytes(path)
        except OSError:
            return None, None
        cols = _lsscan.scan(raw, orjson.loads)
    table = None if cols is None else _from_columns(cols, path, NAME, extra_result, ctx)
    return (table, None) if table is not None else (None, raw)


class Pointers(Sequence):
    """The JSON pointers of an export's image and region rows (``SourceFile.pointers``), made
    when asked for: ``/<task>``, ``/<task>/annotations/0``, ``.../result/<r>``. Equal to the
    list of the same strings."""

    __slots__ = ("_ann", "_res", "_task")

    def __init__(self, task: np.ndarray, ann: np.ndarray, res: np.ndarray):
        self._task, self._ann, self._res = task, ann, res

    def __len__(self) -> int:
        return len(self._task)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        t, a, r = int(self._task[i]), int(self._ann[i]), int(self._res[i])
        if a < 0:
            return f"/{t}"
        return f"/{t}/annotations/{a}" if r < 0 else f"/{t}/annotations/{a}/result/{r}"

    def __eq__(self, other) -> bool:
        if isinstance(other, Pointers | list):
            return len(self) == len(other) and list(self) == list(other)
        return NotImplemented

    __hash__ = None

    def __repr__(self) -> str:
        return f"Pointers({len(self)})"


def _annotators(c: dict, img_task: np.ndarray, m: int):
    """(image keys, annotator column or None, region ids) as the general reader makes them
    where a task has several annotations (several annotators' labels of one image, each an
    image row of its own): key ``<task>/<annotation id>``, the annotator from
    ``completed_by``, region ids scoped ``<annotation id>/<region id>``."""
    key = obj_array(c["image_key"])
    ann_id = obj_array(c["ann_id"])
    counts = np.bincount(img_task, minlength=int(img_task[-1]) + 1 if m else 0)
    several = np.flatnonzero(counts[img_task] > 1)
    if not len(several):
        return key, None, ann_id
    annotator = np.full(m, None, dtype=object)
    ai = np.frombuffer(c["image_ann"], dtype=np.int64)
    aids, bys = c["image_aid"], c["image_by"]
    nrows = np.frombuffer(c["image_rows"], dtype=np.int64)
    first = np.concatenate(([0], np.cumsum(nrows)[:-1]))
    for img in several.tolist():
        aid = aids[img]
        label = int(ai[img]) if aid is None else aid
        key[img] = f"{key[img]}/{label}"
        by = bys[img]
        by = by.get("id", by.get("email")) if isinstance(by, dict) else by
        annotator[img] = by if type(by) in (int, str) else label
        for row in range(int(first[img]), int(first[img] + nrows[img])):
            ann_id[row] = f"{label}/{ann_id[row]}"
    return key, annotator, ann_id


def _from_columns(c: dict, path: str, name: str, extra_result, ctx) -> AnnotationTable | None:
    def f64(key: str) -> np.ndarray:
        return np.frombuffer(c[key], dtype=np.float64)

    def i64(key: str) -> np.ndarray:
        return np.frombuffer(c[key], dtype=np.int64)

    kind = np.frombuffer(c["kind"], dtype=np.uint8)
    n = len(kind)
    nums = f64("nums").reshape(n, 7)
    width, height = f64("image_width"), f64("image_height")
    m = len(width)
    per_image = i64("image_rows")
    image_index = np.repeat(np.arange(m, dtype=np.int64), per_image)
    if not n and not m:
        return None
    w, h = width[image_index], height[image_index]
    # what the general reader reports: a value that is not finite or huge (V009), geometry
    # with no image size (V014); sizes from image files, keypoint skeletons of a spec
    if (not np.isfinite(nums).all() or (np.abs(nums) > HUGE).any()
            or np.isnan(w).any() or not np.isfinite(f64("points")).all()):
        return None
    if ctx.image_root and (np.isnan(width) & (i64("image_ann") >= 0)).any():
        return None
    proj = ctx.project
    if proj is not None and proj.keypoint_schemas and (kind == K_POINT).any():
        return None

    x, y = nums[:, 0] * w / 100.0, nums[:, 1] * h / 100.0
    bw, bh = nums[:, 2] * w / 100.0, nums[:, 3] * h / 100.0
    rx, ry = nums[:, 4] * w / 100.0, nums[:, 5] * h / 100.0
    rot = nums[:, 6]
    rot = np.where(rot == 0, 0.0, rot)  # -0.0 is "no rotation" too
    box, ell = kind == K_BOX, kind == K_ELLIPSE
    bbox = np.full((n, 4), np.nan)
    bbox[box] = np.stack([x[box], y[box], bw[box], bh[box]], axis=1)
    bbox[ell] = np.stack([x[ell] - rx[ell], y[ell] - ry[ell], 2 * rx[ell], 2 * ry[ell]], axis=1)
    for row in np.flatnonzero(box & (rot != 0)).tolist():  # rotated about the top-left corner
        th = math.radians(float(rot[row]))
        bx, by, bw_, bh_ = (float(v) for v in bbox[row])
        cx = bx + bw_ / 2 * math.cos(th) - bh_ / 2 * math.sin(th)
        cy = by + bw_ / 2 * math.sin(th) + bh_ / 2 * math.cos(th)
        bbox[row, 0], bbox[row, 1] = cx - bw_ / 2, cy - bh_ / 2
    shape = np.full(n, int(Shape.BOX), dtype=np.int8)
    shape[box & (rot != 0)] = int(Shape.ROTATED_BOX)
    shape[kind == K_POLYGON] = int(Shape.POLYGON)
    shape[ell] = int(Shape.ELLIPSE)
    shape[kind == K_POINT] = int(Shape.POINTS)
    rotation = np.where(box | ell, rot, 0.0)

    # polygon points from the flat array, a keypoint's own x, y: one ring a row
    npts = i64("npts")
    has_ring = (kind == K_POLYGON) | (kind == K_POINT)
    ring_len = npts[has_ring]
    ring_offsets = np.zeros(len(ring_len) + 1, dtype=np.int64)
    np.cumsum(ring_len, out=ring_offsets[1:])
    ann_ring_offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(has_ring, out=ann_ring_offsets[1:])
    # in place, a coordinate at a time: a file's biggest column is converted without copies
    vertices = f64("points").reshape(-1, 2)  # percent, polygon rows only (a writable buffer)
    ring_rows = np.flatnonzero(has_ring)
    point_rows = np.flatnonzero(kind == K_POINT)
    if len(point_rows):  # a keypoint's x, y is its ring's one vertex
        is_point = np.repeat(kind[ring_rows] == K_POINT, ring_len)
        pct = np.empty((len(is_point), 2), dtype=np.float64)
        pct[~is_point] = vertices
        pct[is_point] = nums[point_rows, :2]
        vertices = pct
    for axis, size in enumerate((w, h)):  # as _pct: v * size / 100.0
        vertices[:, axis] *= np.repeat(size[ring_rows], ring_len)
    vertices /= 100.0

    # the pointer list: each image row, then its regions (the general reader's order)
    img_ptr = np.arange(m, dtype=np.int64) + np.concatenate(([0], np.cumsum(per_image)[:-1]))
    row_ptr = np.arange(n, dtype=np.int64) + np.repeat(np.arange(1, m + 1), per_image)
    total = n + m
    task = np.empty(total, dtype=np.int64)
    ann = np.empty(total, dtype=np.int64)
    res = np.full(total, -1, dtype=np.int64)
    img_task, img_ann = i64("image_task"), i64("image_ann")
    task[img_ptr] = img_task
    ann[img_ptr] = img_ann
    task[row_ptr] = img_task[image_index]
    ann[row_ptr] = img_ann[image_index]
    res[row_ptr] = i64("result")

    img_attrs = {}
    for col_name, rows, vals in c["data"]:
        col = np.full(m, None, dtype=object)
        col[np.frombuffer(rows, dtype=np.int64)] = obj_array(vals)
        img_attrs[col_name] = col
    # per-region and image-level results, by the general reader's own rule, in file order
    attributes: dict[str, np.ndarray] = {}
    text = np.full(n, None, dtype=object)
    for img, row, r in c["extras"]:
        where, attr, v = extra_result(r, row >= 0, proj)
        if where == "image":
            col = img_attrs.get(attr)
            if col is None:
                col = img_attrs[attr] = np.full(m, None, dtype=object)
            col[img] = v
        elif where == "text":
            text[row] = v
        elif where == "region":
            col = attributes.get(attr)
            if col is None:
                col = attributes[attr] = np.full(n, None, dtype=object)
            col[row] = v
    img_attrs = dict(sorted(img_attrs.items()))
    attributes = dict(sorted(attributes.items()))
    key, annotator, ann_id = _annotators(c, img_task, m)
    images = ImageTable(
        key=key, file_name=obj_array(c["image_name"]),
        width=width.copy(), height=height.copy(), src_file=np.zeros(m, dtype=np.int32),
        src_line=np.full(m, -1, dtype=np.int32), src_index=img_ptr, attributes=img_attrs,
        annotator=annotator)
    return AnnotationTable(
        files=[SourceFile(path, name, None, None, Pointers(task, ann, res))],
        images=images,
        ann_id=ann_id,
        image_index=image_index,
        label=obj_array(c["label"]),
        label_id=np.full(n, -1, dtype=np.int64),
        shape=shape,
        bbox=bbox,
        rotation=rotation,
        area=np.full(n, np.nan),
        iscrowd=np.zeros(n, dtype=bool),
        vertices=vertices,
        ring_offsets=ring_offsets,
        ann_ring_offsets=ann_ring_offsets,
        kp=np.zeros((0, 3), dtype=np.float64),
        kp_offsets=np.zeros(n + 1, dtype=np.int64),
        rle=np.full(n, None, dtype=object),
        text=text,
        attributes=attributes,
        src_file=np.zeros(n, dtype=np.int32),
        src_line=np.full(n, -1, dtype=np.int32),
        src_index=row_ptr,
    )
