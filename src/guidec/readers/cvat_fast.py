"""CVAT's fast path: the compiled scanner (``readers/_cvatscan.c``) reads a CVAT for images 1.1
XML file's bytes straight into the table's columns, polygons as one flat vertex array. It never
reports anything about the file itself: for anything outside the regular subset it returns None
and the general reader (:mod:`.cvat`) reads the file and words every finding, so the two paths
give the same table and findings (``tests/readers/test_cvatscan.py``). The ``<meta>`` block is
read by the general reader's own code, from the span the scanner found, at its real line and
column; so are a mask's runs (``mask_rle``) and a shape's attributes when a checkbox of the
spec or a repeated name needs the general reader's rules (``attribute_values``). A value the
general reader would report (a mask it cannot decode, a skeleton point that is no sublabel)
hands the file to it.
"""

from __future__ import annotations

from itertools import pairwise

import numpy as np

from guidec import masks
from guidec.readers._common import RELEASE_EVERY, obj_array, scan_mapped
from guidec.readers._common import STREAM_MIN as STREAM_MIN  # the reader asks it here
from guidec.readers._xml import Element, parse_xml
from guidec.readers.cvat import (
    NAME,
    TRANSCRIPTION,
    _assignee,
    _checkbox_of,
    _meta,
    _project_has,
    _typed,
    attribute_values,
    mask_rle,
)
from guidec.table import AnnotationTable, ImageTable, Shape, SourceFile, constant

try:  # without a C compiler at install time every file takes the general path
    from guidec.readers import _cvatscan
except ImportError:  # pragma: no cover - a build without a C compiler
    _cvatscan = None



_RING_SHAPES = (int(Shape.POLYGON), int(Shape.POLYLINE), int(Shape.POINTS))


def available() -> bool:
    return _cvatscan is not None


class _Held:
    """A read context whose findings wait until the fast table is certain (the meta block's
    findings; should the table still go to the general reader, that one reports them)."""

    def __init__(self, project) -> None:
        self.project = project
        self.diagnostics: list = []

    def report(self, diag) -> None:
        self.diagnostics.append(diag)


def from_scan(raw, path: str, ctx, release: int = 0) -> AnnotationTable | None:
    """The table of a CVAT file's bytes, or None when the general reader must read it.
    ``raw`` is bytes, or a read-only ``mmap`` of the file when ``release`` > 0."""
    if _cvatscan is None:
        return None
    cols = _cvatscan.scan(raw, release)
    if cols is None:
        return None
    held = _Held(ctx.project)
    table = _from_columns(cols, raw, path, held)
    if table is not None:
        for d in held.diagnostics:
            ctx.report(d)
    return table


def from_mapped(path: str, ctx) -> AnnotationTable | None:
    """Scan a big CVAT file streaming from a memory map; None when the general reader must
    read it (an irregular file, an empty one)."""
    return scan_mapped(path, lambda mm: from_scan(mm, path, ctx, release=RELEASE_EVERY))


def _meta_root(cols: dict, raw, path: str, held: _Held) -> Element | None:
    """A root holding the file's ``<meta>`` element, parsed where it stands in the file (its
    lines and column kept), for the general reader's meta code; None when it does not parse."""
    root = Element("annotations", {}, 1, 1)
    span = cols["meta"]
    if span is None:
        return root
    start, end, line, col = span
    data = b"\n" * (line - 1) + b" " * (col - 1) + bytes(raw[start:end])
    meta = parse_xml(data, path, held)
    if meta is None:
        return None
    root.children.append(meta)
    return root


def _from_columns(c: dict, raw, path: str, held: _Held) -> AnnotationTable | None:
    root = _meta_root(c, raw, path, held)
    if root is None:
        return None
    declared = _Declared()
    meta = _meta(root, path, held, declared)
    who = _assignee(root)

    n = c["n"]
    m = len(c["image_key"])
    shape = np.frombuffer(c["shape"], dtype=np.int8)
    nverts = np.frombuffer(c["nverts"], dtype=np.int64)
    ring_rows = np.isin(shape, _RING_SHAPES)
    ring_offsets = np.zeros(int(ring_rows.sum()) + 1, dtype=np.int64)
    np.cumsum(nverts[ring_rows], out=ring_offsets[1:])
    ann_ring_offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(ring_rows, out=ann_ring_offsets[1:])
    labels = c["label"]
    widths = np.frombuffer(c["image_width"], dtype=np.float64)
    heights = np.frombuffer(c["image_height"], dtype=np.float64)
    image_index = np.frombuffer(c["image"], dtype=np.int64)
    bbox = np.frombuffer(c["bbox"], dtype=np.float64).reshape(n, 4)
    rle = _nones(n) if c["masks"] else constant(n)  # written where a row has a mask
    for row, *nums, runs in c["masks"]:  # decoded as the general reader does, or not at all
        img = image_index[row]
        w, h = float(widths[img]), float(heights[img])
        try:
            box, rle[row] = mask_rle(nums, runs, None if w != w else w, None if h != h else h)
        except (ValueError, masks.RleError):
            return None  # a finding (V013): the general reader words it
        bbox[row] = box
    kp, kp_offsets = _keypoints(c, shape, labels, meta, n)
    if kp is None:
        return None
    attributes, text = _attributes(c, labels, meta, held, n)

    images = ImageTable(
        key=obj_array(c["image_key"]),
        file_name=obj_array(c["image_name"]),
        width=widths,
        height=heights,
        src_file=np.zeros(m, dtype=np.int32),
        src_line=np.frombuffer(c["image_line"], dtype=np.int32),
        src_index=np.full(m, -1, dtype=np.int64),
        attributes={},
        annotator=np.full(m, who, dtype=object) if who is not None and m else None,
    )
    return AnnotationTable(
        files=[SourceFile(path, NAME)],
        images=images,
        ann_id=constant(n),
        image_index=image_index,
        label=obj_array(labels),
        label_id=constant(n, -1, np.int64),
        shape=shape,
        bbox=bbox,
        rotation=_rotation(np.frombuffer(c["rotation"], dtype=np.float64)),
        area=constant(n, np.nan, np.float64),
        iscrowd=np.zeros(n, dtype=bool),
        vertices=np.frombuffer(c["values"], dtype=np.float64).reshape(-1, 2),
        ring_offsets=ring_offsets,
        ann_ring_offsets=ann_ring_offsets,
        kp=kp,
        kp_offsets=kp_offsets,
        rle=rle,
        text=text,
        attributes=attributes,
        src_file=np.zeros(n, dtype=np.int32),
        src_line=np.frombuffer(c["line"], dtype=np.int32),
        src_index=np.frombuffer(c["col"], dtype=np.int64),
        declared_categories=dict(declared.declared_categories),
    )


def _keypoints(c: dict, shape: np.ndarray, labels: list, meta: dict, n: int):
    """The keypoints and their offsets of the skeleton rows, as the general reader's
    ``_shape`` orders them (by the skeleton label's sublabels in the meta); (None, None) when
    a point is not one of them (a finding, V008, of the general reader)."""
    offsets = np.zeros(n + 1, dtype=np.int64)
    skeleton_rows = np.flatnonzero(shape == int(Shape.KEYPOINTS)).tolist()
    if not skeleton_rows:
        return np.zeros((0, 3), dtype=np.float64), offsets
    points: dict[int, dict] = {}
    for row, label, x, y, v in c["skeleton"]:
        points.setdefault(row, {})[label] = (x, y, v)
    kps: list[tuple] = []
    counts = np.zeros(n, dtype=np.int64)
    for row in skeleton_rows:
        pts = points.get(row, {})
        names = (meta.get(labels[row]) or {}).get("sublabels") or list(pts)
        if any(name not in names for name in pts):
            return None, None
        kps.extend(pts.get(name, (0.0, 0.0, 0)) for name in names)
        counts[row] = len(names)
    np.cumsum(counts, out=offsets[1:])
    return np.asarray(kps, dtype=np.float64).reshape(-1, 3), offsets


def _rotation(rot: np.ndarray) -> np.ndarray:
    """The rotation column; a constant one (no memory per row) when no shape is turned (every
    value +0.0, the usual case)."""
    if rot.any() or np.signbit(rot).any():
        return rot
    return constant(len(rot), 0.0, np.float64)


def _nones(n: int) -> np.ndarray:
    """An object column of ``n`` Nones (numpy fills a new object array with None)."""
    return np.empty(n, dtype=object)


class _Declared:
    """What :func:`.cvat._meta` writes its labels into (a builder's ``declared_categories``)."""

    def __init__(self) -> None:
        self.declared_categories: dict = {}


def _attributes(c: dict, labels: list, meta: dict, ctx: _Held,
                n: int) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """The attribute columns and the text column, as the general reader's ``_shape`` makes
    them from each shape's ``<attribute>`` children and its ``occluded`` flag."""
    names = c["attr_names"]
    rows = np.frombuffer(c["attr_row"], dtype=np.int64)
    which = np.frombuffer(c["attr_name"], dtype=np.int32)
    values = c["attr_values"]
    project = ctx.project
    keep_text = _project_has(ctx, TRANSCRIPTION)
    text = constant(n)  # a shape's transcription, read by the general reader's code below
    cells: dict[str, tuple[np.ndarray, np.ndarray]] = {}  # name -> (rows, values)

    simple = (not any(_checkbox_of(name, project) for name in names)
              and (keep_text or TRANSCRIPTION not in names)
              and not c["attr_repeated"])
    if simple:  # one value per name and shape, no checkbox to merge: column by column
        every = obj_array(values)
        # the attributes some meta label types as a number or a checkbox: their values are
        # converted shape by shape (by the shape's label), the others kept as text
        typed = {a for entry in meta.values() for a, spec in entry["attributes"].items()
                 if spec.get("input_type") in ("number", "checkbox")}
        for k, name in enumerate(names):
            sel = np.flatnonzero(which == k)
            col_rows = rows[sel]
            vals = every[sel]
            if name in typed:
                label_of = [labels[r] for r in col_rows.tolist()]
                input_type = {lab: (((meta.get(lab) or {}).get("attributes", {}).get(name))
                                    or {}).get("input_type") for lab in set(label_of)}
                vals = obj_array([_typed(v, input_type[lab])
                                  for v, lab in zip(vals.tolist(), label_of, strict=True)])
            cells[name] = (col_rows, vals)
    else:  # the general reader's own code, shape by shape
        text = _nones(n)
        out: dict[str, dict] = {}
        rows_l = rows.tolist()
        names_l = [names[k] for k in which.tolist()]
        cuts = [0, *(np.flatnonzero(np.diff(rows)) + 1).tolist(), len(rows_l)]
        for a, b in pairwise(cuts):
            if a == b:
                continue
            row = rows_l[a]
            attrs = attribute_values(zip(names_l[a:b], values[a:b], strict=True),
                                     meta.get(labels[row]), project)
            if TRANSCRIPTION in attrs and not keep_text:
                value = attrs.pop(TRANSCRIPTION)
                text[row] = None if value is None else str(value)
            for name, value in attrs.items():
                out.setdefault(name, {})[row] = value
        cells = {name: (np.fromiter(d.keys(), dtype=np.int64, count=len(d)),
                        obj_array(list(d.values()))) for name, d in out.items()}
    if _project_has(ctx, "occluded"):
        # CVAT's own flag, where no <attribute name="occluded"> says otherwise
        flag = np.frombuffer(c["occluded"], dtype=np.int8)
        given = cells.get("occluded", (np.zeros(0, dtype=np.int64), None))[0]
        fill = np.flatnonzero(flag >= 0)
        fill = fill[~np.isin(fill, given)]
        if len(fill):
            old_rows, old_vals = cells.get("occluded", (np.zeros(0, dtype=np.int64),
                                                        obj_array([])))
            cells["occluded"] = (np.concatenate([old_rows, fill]),
                                 np.concatenate([old_vals, obj_array((flag[fill] == 1)
                                                                     .tolist())]))
    columns = {}
    for name in sorted(cells):
        col_rows, vals = cells[name]
        col = _nones(n)
        col[col_rows] = vals
        columns[name] = col
    return columns, text
