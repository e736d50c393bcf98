"""COCO JSON (instances, keypoints, panoptic-free detection files; cocodataset.org/#format-data).

Reads ``images``, ``annotations`` and ``categories``: boxes ``[x, y, w, h]``, polygons
(several rings per object), RLE masks (``counts`` list = uncompressed, string = compressed; kept
as delivered in the ``rle`` column), keypoints ``[x, y, v] * K``, ``iscrowd``, ``area`` and the
per-annotation ``attributes`` object that CVAT and others write. Categories become
``declared_categories``. Locations are JSON pointers (``/annotations/17``).

This module is the general path, which reads any file and words every finding; a file the
compiled scanner can take goes through :mod:`.coco_fast` first, and a panoptic file (annotations
with ``segments_info``) is read by :mod:`.coco_panoptic`.

Speed: at COCO train2017 scale this is the hot path. The file is parsed once with orjson (the
caller keeps the cyclic GC off), then every column is extracted with one list comprehension
and one numpy conversion; polygon coordinates are concatenated as Python lists and converted
once. Only when a column does not convert cleanly (missing key, wrong type, ragged box) does
that column fall back to a per-annotation pass that names every bad record.

Primary shape of a row: keypoints when the annotation has keypoints, else mask for RLE
segmentations, else polygon when it has rings, else box. The other geometry of the row (a
person's box and polygon next to its keypoints) stays in its columns.
"""

from __future__ import annotations

import os
from array import array
from itertools import chain
from operator import itemgetter

import numpy as np

from guidec import progress
from guidec.readers import Reader
from guidec.readers._codes import V006, V007, V008, V010, V011, V012, V015
from guidec.readers._common import (
    HUGE,
    bad_number_message,
    check_finite,
    load_json,
    non_finite,
    obj_array,
    read_bytes,
)
from guidec.table import AnnotationTable, ImageTable, Shape, SourceFile, concat_tables

NAME = "coco"


def _detect(path: str, head: bytes, is_dir: bool) -> bool:
    if is_dir or head.lstrip()[:1] != b"{":
        return False
    h = head
    return (b'"annotations"' in h or b'"images"' in h or b'"categories"' in h) and (
        b'"data"' not in h or b'"images"' in h)


def read(paths: list[str], ctx) -> AnnotationTable:
    return concat_tables([read_file(p, ctx) for p in paths])


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def read_file(path: str, ctx) -> AnnotationTable:
    from guidec.readers.coco_fast import STREAM_MIN, available, from_mapped, from_scan

    size, scanned = _size(path), False
    if available() and size >= STREAM_MIN:
        try:
            table = from_mapped(path, ctx.report)
            scanned = True
        except OSError:
            table = None  # read_bytes below reports why the file cannot be read
        if table is not None:
            prog = progress.active()
            if prog is not None:
                prog.read(size)
            return table
    raw = read_bytes(path, ctx)
    if raw is None:
        return _empty(path)
    # an irregular file the mapped scan gave up on goes straight to the general reader
    table = None if scanned else from_scan(raw, path, ctx.report)
    if table is not None:
        return table
    doc = load_json(path, ctx, raw)
    del raw
    if doc is None:
        return _empty(path)
    try:
        return read_doc(doc, path, ctx)
    finally:
        del doc


def _empty(path: str) -> AnnotationTable:
    from guidec.table import TableBuilder

    b = TableBuilder()
    b.add_file(path, NAME, "/annotations/{}", "/images/{}")
    return b.build()


# --------------------------------------------------------------------------------------------
def read_doc(doc, path: str, ctx) -> AnnotationTable:
    if not isinstance(doc, dict):
        ctx.report(V006(f"a COCO file is a JSON object; this one is a {type(doc).__name__}",
                        file=path))
        return _empty(path)
    report = ctx.report

    def section(name: str) -> list:
        return _section(doc.get(name), name, "annotations" in doc, path, report)

    declared = _categories(section("categories"), path, report)
    images, key_to_row = _images(section("images"), path, report)
    anns = section("annotations")
    if anns and isinstance(anns[0], dict) and "segments_info" in anns[0]:
        from guidec.readers.coco_panoptic import read_panoptic

        return read_panoptic(anns, images, key_to_row, declared, path, ctx)
    cols = _annotations(anns, path, report, key_to_row, declared)
    return AnnotationTable(
        files=[SourceFile(path, NAME, "/annotations/{}", "/images/{}")],
        images=images,
        declared_categories=declared,
        **cols,
    )



def _section(v, name: str, has_annotations: bool, path: str, report) -> list:
    if v is None:
        if name != "categories" or has_annotations:
            report(V007(f"the COCO file has no '{name}' list", file=path, path=(name,)))
        return []
    if not isinstance(v, list):
        report(V008(f"'{name}' must be a list, not {type(v).__name__}", file=path,
                    path=(name,)))
        return []
    return v


def _categories(cats: list, path: str, report) -> dict:
    declared: dict = {}
    names: dict[str, int] = {}
    for i, c in enumerate(cats):
        where = ("categories", i)
        if not isinstance(c, dict):
            report(V008("a category must be an object", file=path, path=where))
            continue
        cid, name = c.get("id"), c.get("name")
        if cid is None or name is None:
            missing = "id" if cid is None else "name"
            report(V007(f"category has no '{missing}'", file=path, path=where))
            continue
        if not isinstance(cid, int) or isinstance(cid, bool):
            report(V008(f"category id must be an integer, not {cid!r:.40}", file=path,
                        path=(*where, "id")))
            continue
        if not isinstance(name, str):
            report(V008(f"category name must be a string, not {name!r:.40}", file=path,
                        path=(*where, "name")))
            continue
        if cid in declared:
            report(V012(f"category id {cid} is declared twice ('{declared[cid]['name']}' and "
                        f"'{name}')", file=path, path=(*where, "id")))
            continue
        if name in names:
            report(V012(f"category name '{name}' is declared twice (ids {names[name]} and "
                        f"{cid})", file=path, path=(*where, "name")))
        names.setdefault(name, cid)
        entry = {k: v for k, v in c.items() if k != "id"}
        entry["index"] = i
        declared[cid] = entry
    return declared


def _images(imgs: list, path: str, report) -> tuple[ImageTable, dict]:
    m = len(imgs)
    keys: list = []
    names: list = []
    widths = np.full(m, np.nan)
    heights = np.full(m, np.nan)
    fast = True
    try:
        keys = [im["id"] for im in imgs]
        names = [im.get("file_name") for im in imgs]
        w = np.array([im.get("width") for im in imgs])
        h = np.array([im.get("height") for im in imgs])
        fast = (w.dtype.kind in "iuf" and h.dtype.kind in "iuf"
                and all(type(k) is int for k in keys)
                and all(type(n) is str for n in names))
        if fast:
            widths, heights = w.astype(np.float64), h.astype(np.float64)
            bad = check_finite(widths) | check_finite(heights)
            fast = not bad.any()
    except (KeyError, TypeError, AttributeError, ValueError):
        fast = False
    if not fast:
        keys, names = [], []
        for i, im in enumerate(imgs):
            where = ("images", i)
            if not isinstance(im, dict):
                report(V008("an image must be an object", file=path, path=where))
                keys.append(None)
                names.append(None)
                continue
            k = im.get("id")
            if k is None:
                report(V007("image has no 'id'", file=path, path=where))
            elif not isinstance(k, int | str) or isinstance(k, bool):
                report(V008(f"image id must be an integer or string, not {k!r:.40}",
                            file=path, path=(*where, "id")))
                k = None
            keys.append(k)
            fn = im.get("file_name")
            if fn is not None and not isinstance(fn, str):
                report(V008(f"file_name must be a string, not {fn!r:.40}", file=path,
                            path=(*where, "file_name")))
                fn = None
            names.append(fn)
            for field, arr in (("width", widths), ("height", heights)):
                v = im.get(field)
                if v is None:
                    report(V007(f"image has no '{field}'", file=path, path=where))
                elif type(v) not in (int, float):
                    report(V008(f"{field} must be a number, not {v!r:.40}", file=path,
                                path=(*where, field)))
                elif not np.isfinite(v) or abs(v) > 1e9:
                    report(non_finite(f"{field} is {bad_number_message(v)}", file=path,
                                      path=(*where, field)))
                else:
                    arr[i] = v
    table, key_to_row = _image_table(keys, names, widths, heights, path, report)
    table.attributes = _image_metadata(imgs)
    return table, key_to_row


#: The keys of a COCO image record; any other scalar is the image's metadata (a store, a site,
#: a region), kept as the image attribute ``data.<key>`` (as Label Studio task data is).
IMAGE_KEYS = frozenset({"id", "file_name", "width", "height", "license", "coco_url",
                        "flickr_url", "date_captured"})


def _image_metadata(imgs: list) -> dict:
    out: dict[str, list] = {}
    for i, im in enumerate(imgs):
        if not isinstance(im, dict):
            continue
        for k, v in im.items():
            if k in IMAGE_KEYS or not (v is None or isinstance(v, str | int | float | bool)):
                continue
            out.setdefault(f"data.{k}", [None] * len(imgs))[i] = v
    return {k: obj_array(v) for k, v in sorted(out.items())}


def _image_table(keys: list, names: list, widths, heights, path: str, report):
    m = len(keys)
    key_to_row: dict = {}
    for i, k in enumerate(keys):
        if k is None:
            continue
        if k in key_to_row:
            report(V011(f"image id {k!r} is used twice (images {key_to_row[k]} and {i}); "
                        "annotations go to the first", file=path, path=("images", i, "id")))
            continue
        key_to_row[k] = i
    table = ImageTable(
        key=obj_array(keys),
        file_name=obj_array(names),
        width=widths,
        height=heights,
        src_file=np.zeros(m, dtype=np.int32),
        src_line=np.full(m, -1, dtype=np.int32),
        src_index=np.arange(m, dtype=np.int64),
    )
    return table, key_to_row


# --------------------------------------------------------------------------------------------
def _annotations(anns: list, path: str, report, key_to_row: dict, declared: dict) -> dict:
    n = len(anns)
    ok = np.ones(n, dtype=bool)  # rows that are objects
    all_dicts = set(map(type, anns)) <= {dict}
    keys = set().union(*anns) if all_dicts else None
    # One C-level pass pulls every column out when each annotation has every key the file
    # uses (the usual export); otherwise one list comprehension per key.
    present = [k for k in _COLUMNS if keys is not None and k in keys]
    cols: dict | None = None
    if n and all_dicts and set(_REQUIRED) <= set(present):
        try:
            cols = dict(zip(present, zip(*map(itemgetter(*present), anns), strict=True),
                            strict=True))
        except KeyError:
            cols = None
    try:
        if not all_dicts:
            raise TypeError
        if cols is not None:
            ids, img_ids, cat_ids = (list(cols[k]) for k in _REQUIRED)
        else:
            ids = [a["id"] for a in anns]
            img_ids = [a["image_id"] for a in anns]
            cat_ids = [a["category_id"] for a in anns]
    except (KeyError, TypeError):
        ids, img_ids, cat_ids = _required_slow(anns, ok, path, report)

    # --- ids, references ---------------------------------------------------------------
    ann_id = obj_array(ids)
    image_index = _map_keys(img_ids, key_to_row, ok, "image_id", path, report)
    label_id = _int_column(cat_ids, ok, "category_id", path, report)
    label = _labels(label_id, declared)

    # --- boxes -------------------------------------------------------------------------
    get = _getter(anns, ok, keys, cols)
    bbox = _float_rows(get("bbox"), 4, "bbox", path, report)
    area = _float_column(get("area"), "area", path, report)
    iscrowd = _crowd(get("iscrowd"), path, report)

    # --- segmentation ------------------------------------------------------------------
    vertices, ring_offsets, ann_ring_offsets, rle, has_seg_rle = _segmentation(
        get("segmentation"), path, report)

    # --- keypoints -----------------------------------------------------------------------
    kp, kp_offsets = _keypoints(get("keypoints"), path, report)

    shape = _shapes(n, ann_ring_offsets, has_seg_rle, kp_offsets)
    nrings = np.diff(ann_ring_offsets)

    attributes = _attributes(get("attributes"), path, report)
    text = _text(get("caption"), n)
    if "caption" in (keys or ()):  # caption files: image-level text, no geometry
        captions = np.fromiter((t is not None for t in text), dtype=bool, count=n)
        shape[captions & np.isnan(bbox).all(axis=1) & (nrings == 0)] = Shape.TAG
    return dict(
        ann_id=ann_id,
        image_index=image_index,
        label=label,
        label_id=label_id,
        shape=shape,
        bbox=bbox,
        rotation=_rotation(attributes, n),
        area=area,
        iscrowd=iscrowd,
        vertices=vertices,
        ring_offsets=ring_offsets,
        ann_ring_offsets=ann_ring_offsets,
        kp=kp,
        kp_offsets=kp_offsets,
        rle=rle,
        text=text,
        attributes=attributes,
        src_file=np.zeros(n, dtype=np.int32),
        src_line=np.full(n, -1, dtype=np.int32),
        src_index=np.arange(n, dtype=np.int64),
    )


def _shapes(n: int, ann_ring_offsets, has_rle, kp_offsets) -> np.ndarray:
    shape = np.full(n, Shape.BOX, dtype=np.int8)
    shape[np.diff(ann_ring_offsets) > 0] = Shape.POLYGON
    shape[has_rle] = Shape.MASK
    shape[np.diff(kp_offsets) > 0] = Shape.KEYPOINTS
    # an annotation without box, rings, mask or keypoints keeps BOX with a NaN box: the
    # box rules report it
    return shape


_REQUIRED = ("id", "image_id", "category_id")
_COLUMNS = (*_REQUIRED, "bbox", "area", "iscrowd", "segmentation", "keypoints", "attributes",
            "caption")


def _getter(anns: list, ok: np.ndarray, keys: set | None, cols: dict | None):
    nothing = [None] * len(anns)
    if ok.all():
        def get(key: str) -> list:
            if keys is not None and key not in keys:
                return nothing
            if cols is not None and key in cols:
                return cols[key]
            return [a.get(key) for a in anns]
    else:
        def get(key: str) -> list:
            return [a.get(key) if isinstance(a, dict) else None for a in anns]
    return get


def _required_slow(anns, ok, path, report):
    ids, img_ids, cat_ids = [], [], []
    for i, a in enumerate(anns):
        where = ("annotations", i)
        if not isinstance(a, dict):
            report(V008("an annotation must be an object", file=path, path=where))
            ok[i] = False
            ids.append(None)
            img_ids.append(None)
            cat_ids.append(None)
            continue
        missing = [k for k in ("id", "image_id", "category_id") if k not in a]
        if missing:
            report(V007("annotation has no " + ", ".join(f"'{k}'" for k in missing),
                        file=path, path=where, annotation=a.get("id")))
        ids.append(a.get("id"))
        img_ids.append(a.get("image_id"))
        cat_ids.append(a.get("category_id"))
    return ids, img_ids, cat_ids


def _ints(values: list) -> np.ndarray | None:
    """int64 array when every value is a Python int (bool excluded), else None."""
    try:
        arr = np.frombuffer(array("q", values), dtype=np.int64) if values else np.zeros(
            0, dtype=np.int64)
    except (TypeError, OverflowError):
        return None
    if bool in set(map(type, values)):
        return None
    return arr


def _doubles(values) -> np.ndarray | None:
    """float64 array from an iterable of Python numbers, else None (str, None, huge int)."""
    try:
        return np.frombuffer(array("d", values), dtype=np.float64)
    except (TypeError, OverflowError):
        return None


def _all_finite(arr: np.ndarray) -> bool:
    if arr.size == 0:
        return True
    # min/max propagate NaN; no temporary arrays on the fast path
    return bool(arr.min() >= -HUGE) and bool(arr.max() <= HUGE)


def _map_keys(img_ids: list, key_to_row: dict, ok, field, path, report) -> np.ndarray:
    n = len(img_ids)
    int_keys = key_to_row and all(type(k) is int for k in key_to_row)
    if isinstance(img_ids, np.ndarray):  # from the scanner: int64 already
        arr = img_ids if int_keys else None
    else:
        arr = _ints(img_ids) if int_keys else None
    if arr is not None:
        try:
            kk = np.fromiter(key_to_row.keys(), dtype=np.int64, count=len(key_to_row))
        except OverflowError:  # an image id beyond int64: the dictionary path below
            arr = kk = None
    if arr is not None:
        rows = np.fromiter(key_to_row.values(), dtype=np.int64, count=len(key_to_row))
        lo, hi = int(kk.min()), int(kk.max())
        if hi - lo < 4 * len(kk) + 1024:  # dense ids (the usual case): a lookup table
            lut = np.full(hi - lo + 1, -1, dtype=np.int64)
            lut[kk - lo] = rows
            inside = (arr >= lo) & (arr <= hi)
            out = np.full(n, -1, dtype=np.int64)
            out[inside] = lut[arr[inside] - lo]
            return out
        order = np.argsort(kk)
        kk, rows = kk[order], rows[order]
        pos = np.searchsorted(kk, arr)
        pos[pos >= len(kk)] = 0
        found = kk[pos] == arr
        return np.where(found, rows[pos], -1).astype(np.int64)
    out = np.full(n, -1, dtype=np.int64)
    for i, k in enumerate(img_ids.tolist() if isinstance(img_ids, np.ndarray) else img_ids):
        if k is None:
            continue
        if not isinstance(k, int | str) or isinstance(k, bool):
            report(V008(f"{field} must be an integer or string, not {k!r:.40}", file=path,
                        path=("annotations", i, field)))
            continue
        out[i] = key_to_row.get(k, -1)
    return out


def _int_column(values: list, ok, field, path, report) -> np.ndarray:
    arr = _ints(values)
    if arr is not None:
        return arr
    out = np.full(len(values), -1, dtype=np.int64)
    for i, v in enumerate(values):
        if type(v) is int:
            out[i] = v if abs(v) < 2**62 else -1
        elif v is not None:
            report(V008(f"{field} must be an integer, not {v!r:.40}", file=path,
                        path=("annotations", i, field)))
    return out


def _labels(label_id: np.ndarray, declared: dict) -> np.ndarray:
    n = len(label_id)
    if n == 0:
        return np.empty(0, dtype=object)
    uniq, inverse = np.unique(label_id, return_inverse=True)
    names = obj_array([declared.get(int(u), {}).get("name") for u in uniq])
    return names[inverse.reshape(-1)]


def _float_rows(values: list, width: int, field, path, report) -> np.ndarray:
    """(n, width) float64 from a list of number lists; NaN where absent or bad."""
    n = len(values)
    arr = None
    if n and set(map(type, values)) == {list}:
        lens = np.fromiter(map(len, values), dtype=np.int64, count=n)
        if (lens == width).all():
            flat = _doubles(list(chain.from_iterable(values)))
            if flat is not None:
                arr = flat.reshape(n, width)
    elif not n:
        arr = np.zeros((0, width))
    if arr is not None and _all_finite(arr):
        return arr
    if arr is None:
        arr = np.full((n, width), np.nan)
        for i, v in enumerate(values):
            if v is None:
                continue
            if (not isinstance(v, list) or len(v) != width
                    or not all(type(x) in (int, float) for x in v)):
                report(V008(f"{field} must be a list of {width} numbers, not {v!r:.60}",
                            file=path, path=("annotations", i, field)))
                continue
            try:
                arr[i] = v
            except OverflowError:
                arr[i] = np.inf
        delivered = np.array([v is not None for v in values], dtype=bool)
    else:
        delivered = np.ones(n, dtype=bool)
        arr = arr.copy()
    with np.errstate(invalid="ignore"):
        bad = (~np.isfinite(arr) | (np.abs(arr) > HUGE)).any(axis=1) & delivered
    for i in np.flatnonzero(bad)[:1000]:
        v = values[i]
        if isinstance(v, list) and len(v) == width and all(type(x) in (int, float) for x in v):
            report(non_finite(f"{field} has a non-finite or huge value: {v!r:.80}",
                              file=path, path=("annotations", int(i), field)))
    arr[bad] = np.nan
    return arr


def _float_column(values: list, field, path, report) -> np.ndarray:
    n = len(values)
    arr = _doubles(values) if n else np.zeros(0)
    if arr is not None and _all_finite(arr):
        return arr
    if arr is None:
        arr = np.full(n, np.nan)
        for i, v in enumerate(values):
            if v is None:
                continue
            if type(v) not in (int, float):
                report(V008(f"{field} must be a number, not {v!r:.40}", file=path,
                            path=("annotations", i, field)))
                continue
            try:
                arr[i] = v
            except OverflowError:
                arr[i] = np.inf
    else:
        arr = arr.copy()
    with np.errstate(invalid="ignore"):
        bad = np.flatnonzero(~np.isfinite(arr) | (np.abs(arr) > 1e18))
    for i in bad[:1000]:
        if values[i] is not None and type(values[i]) in (int, float):
            report(non_finite(f"{field} is {bad_number_message(values[i])}", file=path,
                              path=("annotations", int(i), field)))
    arr[bad] = np.nan
    return arr


def _crowd(values: list, path, report) -> np.ndarray:
    n = len(values)
    arr = _ints(values)
    if arr is not None and (n == 0 or (arr.min() >= 0 and arr.max() <= 1)):
        return arr.astype(bool)
    out = np.zeros(n, dtype=bool)
    for i, v in enumerate(values):
        if v is None:
            continue
        if v in (0, 1) and type(v) in (int, bool):
            out[i] = bool(v)
        else:
            report(V008(f"iscrowd must be 0 or 1, not {v!r:.40}", file=path,
                        path=("annotations", i, "iscrowd")))
    return out


def _segmentation(segs: list, path, report):
    """Polygon rings into (vertices, ring_offsets, ann_ring_offsets); RLE dicts kept.

    Fast path: every per-annotation step is a C-level map/chain; the 20 M coordinates are
    unboxed once by ``array('d', ...)``.
    """
    n = len(segs)
    types = list(map(type, segs))
    rle = np.full(n, None, dtype=object)
    has_rle = np.zeros(n, dtype=bool)
    nrings = np.zeros(n, dtype=np.int64)
    other = [i for i, t in enumerate(types) if t is not list]
    slow_rows: list[int] = []
    if other:
        for i in other:
            if types[i] is dict:
                rle[i] = segs[i]
                has_rle[i] = True
            elif segs[i] is not None:
                slow_rows.append(i)
        poly_rows = np.flatnonzero(np.fromiter((t is list for t in types), dtype=bool,
                                               count=n))
        lists = [segs[i] for i in poly_rows]
    else:
        poly_rows = None
        lists = segs
    counts = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
    rings = list(chain.from_iterable(lists))
    if rings and not _all_lists(rings):
        # a flat coordinate list instead of a list of rings, or junk inside: row by row
        good = []
        for j, s in enumerate(lists):
            row = int(poly_rows[j]) if poly_rows is not None else j
            if all(type(r) is list for r in s):
                good.append(j)
            else:
                slow_rows.append(row)
                counts[j] = 0
        rings = list(chain.from_iterable(lists[j] for j in good))
    if poly_rows is None:
        nrings[:] = counts
    else:
        nrings[poly_rows] = counts
    lens = np.fromiter(map(len, rings), dtype=np.int64, count=len(rings))
    values = _unbox_rings(rings, int(lens.sum()))
    if values is None:
        values = _ring_values_slow(segs, nrings, lens, path, report)
    del rings
    for i in sorted(slow_rows):
        s = segs[i]
        if isinstance(s, list) and s and all(type(x) in (int, float) for x in s):
            report(V008("segmentation must be a list of rings (a list of coordinate lists); "
                        "this is a single flat list", file=path,
                        path=("annotations", i, "segmentation")))
        elif isinstance(s, list):
            report(V008("segmentation must be a list of rings, each a list of numbers",
                        file=path, path=("annotations", i, "segmentation")))
        else:
            report(V015(f"segmentation of an unknown form ({type(s).__name__}) is skipped",
                        file=path, path=("annotations", i, "segmentation")))
    # odd rings: drop the dangling value
    odd = np.flatnonzero(lens % 2 == 1)
    if len(odd):
        flat_off = np.zeros(len(lens) + 1, dtype=np.int64)
        np.cumsum(lens, out=flat_off[1:])
        ring_owner = np.repeat(np.arange(n), nrings)
        first_ring = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(nrings, out=first_ring[1:])
        keep = np.ones(len(values), dtype=bool)
        keep[flat_off[odd + 1] - 1] = False
        for r in odd[:1000]:
            row = int(ring_owner[r])
            report(V010(f"polygon ring has an odd number of values ({lens[r]}); the last one "
                        "is dropped", file=path,
                        path=("annotations", row, "segmentation", int(r - first_ring[row]))))
        values = values[keep]
        lens = lens - (lens % 2)
    if not _all_finite(values):
        bad = check_finite(values)
        ring_of_value = np.repeat(np.arange(len(lens)), lens)
        ring_owner = np.repeat(np.arange(n), nrings)
        rows = np.unique(ring_owner[ring_of_value[bad]])
        for row in rows[:1000]:
            report(non_finite("polygon has a NaN, infinite or huge coordinate", file=path,
                              path=("annotations", int(row), "segmentation")))
        values = np.where(bad, np.nan, values)
    vertices = values.reshape(-1, 2)
    ring_offsets = np.zeros(len(lens) + 1, dtype=np.int64)
    np.cumsum(lens // 2, out=ring_offsets[1:])
    ann_ring_offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(nrings, out=ann_ring_offsets[1:])
    return vertices, ring_offsets, ann_ring_offsets, rle, has_rle


_CHUNK = 65_536  # rings per conversion step: the temporary list stays a few MB


def _unbox_rings(rings: list, total: int) -> np.ndarray | None:
    """All ring values as one float64 array, or None if one is not a number.

    Chunked, so no list of all 20 M values ever exists next to the array (peak memory stays
    under the parse's); ``array('d', list)`` unboxes strictly (no str, no None) in C.
    """
    out = np.empty(total, dtype=np.float64)
    pos = 0
    for start in range(0, len(rings), _CHUNK):
        flat: list = []
        extend = flat.extend
        for r in rings[start:start + _CHUNK]:
            extend(r)
        part = _doubles(flat)
        if part is None or pos + len(part) > total:
            return None
        out[pos:pos + len(part)] = part
        pos += len(part)
    return out if pos == total else None


def _all_lists(rings: list) -> bool:
    # ``min(map(type))`` is not defined for types; count instead, at C speed
    return sum(map(list.__instancecheck__, rings)) == len(rings)


def _ring_values_slow(segs, nrings, lens, path, report) -> np.ndarray:
    """Per-value conversion that names the annotation holding a non-number."""
    out = np.empty(int(lens.sum()), dtype=np.float64)
    pos = 0
    for i, s in enumerate(segs):
        if not nrings[i]:
            continue
        for j, r in enumerate(s):
            bad = False
            for k, x in enumerate(r):
                if type(x) in (int, float):
                    try:
                        out[pos + k] = x
                    except OverflowError:
                        out[pos + k] = np.inf
                else:
                    out[pos + k] = np.nan
                    bad = True
            if bad:
                report(V008("polygon ring holds a value that is not a number", file=path,
                            path=("annotations", i, "segmentation", j)))
            pos += len(r)
    return out


def _keypoints(values: list, path, report):
    n = len(values)
    counts = np.zeros(n, dtype=np.int64)
    flat: list = []
    rows = [i for i, v in enumerate(values) if v is not None]
    for i in rows:
        v = values[i]
        if type(v) is not list or len(v) % 3:
            report(V008("keypoints must be a list of x, y, v triples"
                        + (f" (length {len(v)} is not a multiple of 3)"
                           if type(v) is list else ""), file=path,
                        path=("annotations", i, "keypoints")))
            continue
        if not all(type(x) in (int, float) for x in v):
            report(V008("keypoints hold a value that is not a number", file=path,
                        path=("annotations", i, "keypoints")))
            continue
        flat.extend(v)
        counts[i] = len(v) // 3
    kp = np.array(flat, dtype=np.float64).reshape(-1, 3) if flat else np.zeros((0, 3))
    bad = check_finite(kp).any(axis=1)
    if bad.any():
        owner = np.repeat(np.arange(n), counts)
        for row in np.unique(owner[bad])[:1000]:
            report(non_finite("keypoints hold a NaN, infinite or huge value", file=path,
                              path=("annotations", int(row), "keypoints")))
        kp[bad] = np.nan
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    return kp, offsets


def _attributes(values: list, path, report) -> dict[str, np.ndarray]:
    n = len(values)
    types = set(map(type, values))
    if types <= {type(None)}:
        return {}
    if types != {dict}:
        bad = [i for i, v in enumerate(values) if v is not None and type(v) is not dict]
        for i in bad[:1000]:
            report(V008(f"attributes must be an object, not {type(values[i]).__name__}",
                        file=path, path=("annotations", i, "attributes")))
        values = [v if type(v) is dict else None for v in values]
        names = set().union(*(v for v in values if v is not None))
    else:
        names = set().union(*values)
    out = {}
    for name in sorted(names, key=str):
        try:
            col = list(map(itemgetter(name), values))
        except (KeyError, TypeError):
            col = [v.get(name) if v is not None else None for v in values]
        out[str(name)] = obj_array(col)
    del n
    return out


def _rotation(attributes: dict, n: int) -> np.ndarray:
    """CVAT's COCO export puts a box's rotation (degrees) into attributes['rotation']."""
    col = attributes.get("rotation")
    if col is None:
        return np.zeros(n)
    out = np.zeros(n)
    for i, v in enumerate(col):
        if type(v) in (int, float) and np.isfinite(v):
            out[i] = v
    return out


def _text(values: list, n: int) -> np.ndarray:
    if set(map(type, values)) <= {type(None)}:
        return np.full(n, None, dtype=object)
    return obj_array([v if isinstance(v, str) else None for v in values])



READER = Reader(
    name=NAME,
    description="COCO JSON: images, annotations (box, polygon, RLE, keypoints, iscrowd, "
                "attributes), categories",
    detect=_detect,
    read=read,
    extensions=(".json",),
)

