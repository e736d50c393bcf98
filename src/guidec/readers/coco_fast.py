"""COCO's fast path: the compiled scanner (``readers/_cocoscan.c``) reads a file's bytes
straight into the table's columns. It never reports anything: for anything irregular it returns
None and the general reader (:mod:`.coco`) reads the file and words every finding, so the two
paths give bit-identical tables (``tests/readers/test_cocoscan.py``).
"""

from __future__ import annotations

from operator import itemgetter

import numpy as np
import orjson

from guidec.readers._common import HUGE, RELEASE_EVERY, obj_array, scan_mapped
from guidec.readers._common import STREAM_MIN as STREAM_MIN  # the reader asks it here
from guidec.readers.coco import (
    NAME,
    _all_finite,
    _categories,
    _image_table,
    _labels,
    _map_keys,
    _rotation,
    _section,
    _shapes,
)
from guidec.table import AnnotationTable, SourceFile

try:  # without a C compiler at install time every file takes the general path
    from guidec.readers import _cocoscan
except ImportError:  # pragma: no cover - a build without a C compiler
    _cocoscan = None




def available() -> bool:
    return _cocoscan is not None


def from_scan(raw, path: str, report, release: int = 0) -> AnnotationTable | None:
    """The table of a COCO file's bytes, or None when the general reader must read it.
    ``raw`` is bytes, or a read-only ``mmap`` of the file when ``release`` > 0."""
    if _cocoscan is None:
        return None
    cols = _cocoscan.scan(raw, orjson.loads, release)
    return _from_columns(cols, raw, path, report) if cols is not None else None


def from_mapped(path: str, report) -> AnnotationTable | None:
    """Scan a big COCO file streaming from a memory map; None when the general reader must
    read it (an irregular file, an empty one)."""
    return scan_mapped(path, lambda mm: from_scan(mm, path, report, release=RELEASE_EVERY))


def _from_columns(c: dict, raw: bytes, path: str, report) -> AnnotationTable | None:
    """The table from the scanner's columns; None when a value needs the general path's
    findings (a huge or non-finite number, an odd polygon ring), which then reads the file."""
    def f64(key: str) -> np.ndarray:
        return np.frombuffer(c[key], dtype=np.float64)

    def i64(key: str) -> np.ndarray:
        return np.frombuffer(c[key], dtype=np.int64)

    n = c["n"]
    widths, heights = f64("image_width"), f64("image_height")
    bbox, area, values, kp = f64("bbox").reshape(n, 4), f64("area"), f64("values"), f64("kp")
    ring_len = i64("ring_len")
    with np.errstate(invalid="ignore"):  # NaN marks an absent box or area
        huge = bool((np.abs(bbox) > HUGE).any()) or bool((np.abs(area) > 1e18).any())
    if (huge or not _all_finite(widths) or not _all_finite(heights)
            or not _all_finite(values) or not _all_finite(kp) or (ring_len % 2).any()):
        return None

    # the spans the scanner kept as JSON (categories, RLE objects); parsed before anything is
    # reported, so a surprise here can still hand the file to the general reader
    mv = memoryview(raw)
    span = c["categories"]
    rle = np.full(n, None, dtype=object)
    try:
        cats = orjson.loads(mv[span[0]:span[1]]) if span else None
        for row, start, end in i64("rle").reshape(-1, 3).tolist():
            rle[row] = orjson.loads(mv[start:end])
        for row, obj in c.get("rle_objects", ()):  # parsed during a streaming scan
            rle[row] = obj
    except orjson.JSONDecodeError:
        return None
    declared = _categories(_section(cats, "categories", True, path, report), path, report)
    images, key_to_row = _image_table(i64("image_id_").tolist(), c["image_name"], widths,
                                      heights, path, report)
    has_rle = np.frombuffer(c["seg_kind"], dtype=np.uint8) == 2
    ring_offsets = np.zeros(len(ring_len) + 1, dtype=np.int64)
    np.cumsum(ring_len // 2, out=ring_offsets[1:])
    ann_ring_offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(i64("nrings"), out=ann_ring_offsets[1:])
    kp_offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(i64("kp_count") // 3, out=kp_offsets[1:])

    attributes = {}
    for name, rows, vals in sorted(c["attributes"], key=itemgetter(0)):
        col = np.full(n, None, dtype=object)
        col[np.frombuffer(rows, dtype=np.int64)] = obj_array(vals)
        attributes[name] = col
    label_id = i64("category_id")
    return AnnotationTable(
        files=[SourceFile(path, NAME, "/annotations/{}", "/images/{}")],
        images=images,
        declared_categories=declared,
        ann_id=obj_array(i64("id").tolist()),
        image_index=_map_keys(i64("image_id"), key_to_row, None, "image_id", path, report),
        label=_labels(label_id, declared),
        label_id=label_id,
        shape=_shapes(n, ann_ring_offsets, has_rle, kp_offsets),
        bbox=bbox,
        rotation=_rotation(attributes, n),
        area=area,
        iscrowd=np.frombuffer(c["iscrowd"], dtype=np.uint8).astype(bool),
        vertices=values.reshape(-1, 2),
        ring_offsets=ring_offsets,
        ann_ring_offsets=ann_ring_offsets,
        kp=kp.reshape(-1, 3),
        kp_offsets=kp_offsets,
        rle=rle,
        text=np.full(n, None, dtype=object),
        attributes=attributes,
        src_file=np.zeros(n, dtype=np.int32),
        src_line=np.full(n, -1, dtype=np.int32),
        src_index=np.arange(n, dtype=np.int64),
    )
