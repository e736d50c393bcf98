"""Derived columns the rules share, computed once and lazily, and the finding constructors.

Everything here is an array expression over the whole table. The few Python loops run over
*distinct* values (classes, attribute values, spec rules) or over findings, never over
annotations.
"""

from __future__ import annotations

import os
from functools import cached_property

import numpy as np

from guidec.codes import Code
from guidec.columns import distinct
from guidec.diagnostics import Diagnostic, Severity, did_you_mean
from guidec.labels import resolve_labels
from guidec.table import AnnotationTable, Shape
from guidec.validation.rings import RingColumns

# Shapes of the table, by the name the spec language uses.
SHAPE_NAMES = {int(s): s.spec_name for s in Shape}
# A class whose spec shapes include the key accepts these table shapes.
ACCEPTS = {
    "box": {Shape.BOX},
    "rotated_box": {Shape.ROTATED_BOX},
    "polygon": {Shape.POLYGON},
    "mask": {Shape.MASK},
    "polyline": {Shape.POLYLINE},
    "points": {Shape.POINTS},
    "keypoints": {Shape.KEYPOINTS},
    "text_region": {Shape.BOX, Shape.ROTATED_BOX, Shape.POLYGON},
}
EDGE_TOL = 0.5  # px: sub-pixel slack at the image border (rounding in exporters)


def pointer_path(pointer: str | None) -> tuple:
    if not pointer:
        return ()
    out: list[str | int] = []
    for part in pointer.lstrip("/").split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        out.append(int(part) if part.isdigit() else part)
    return tuple(out)


class Frame(RingColumns):
    def __init__(self, table: AnnotationTable, project, threads: int | None = None):
        self.t = table
        self.project = project
        self.n = len(table)
        self.threads = max(1, threads or min(2, os.cpu_count() or 1))

    # ----------------------------------------------------------------- classes
    @cached_property
    def resolution(self):
        """The class of every row, from the one class resolver (:mod:`guidec.labels`)."""
        return resolve_labels(self.t, self.project)

    @property
    def cls(self) -> np.ndarray:
        return self.resolution.cls

    @property
    def shown_label(self) -> np.ndarray:
        return self.resolution.shown

    def class_name(self, row: int) -> str | None:
        c = int(self.cls[row])
        if c >= 0:
            return self.project.classes[c].name
        s = self.shown_label[row]
        return None if s is None else str(s)

    def class_mask(self, names) -> np.ndarray:
        """Rows whose class is one of ``names`` (a rule's resolved classes)."""
        wanted = np.zeros(len(self.project.classes) + 1, dtype=bool)
        idx = {c.name: c.index for c in self.project.classes}
        for nm in names:
            if nm in idx:
                wanted[idx[nm]] = True
        return wanted[self.cls]  # -1 hits the extra False slot

    def per_class(self, values, dtype=object, fill=None) -> np.ndarray:
        """An array indexed by class index (+ a last slot for unknown, value ``fill``)."""
        values = list(values)
        arr = np.empty(len(values) + 1, dtype=dtype)
        for i, v in enumerate(values):  # per class; tuples stay cells of an object array
            arr[i] = v
        arr[-1] = fill
        return arr

    def factor(self, col: np.ndarray) -> tuple[list, np.ndarray]:
        """:func:`distinct` of a whole table column, computed once per column; the codes are
        kept in the smallest integer type that holds them (they only index)."""
        cache = self.__dict__.setdefault("_factors", {})
        key = id(col)
        if key not in cache:
            values, codes = distinct(col)
            codes = codes.astype(np.min_scalar_type(-max(len(values), 1)), copy=False)
            cache[key] = (col, (values, codes))  # keep col alive so its id stays unique
        return cache[key][1]

    # ----------------------------------------------------------------- images
    @cached_property
    def has_image(self) -> np.ndarray:
        return self.t.image_index >= 0

    @cached_property
    def img_wh(self) -> tuple[np.ndarray, np.ndarray]:
        im = self.t.images
        if len(im) == 0:
            nan = np.full(self.n, np.nan)
            return nan, nan.copy()
        idx = np.clip(self.t.image_index, 0, None)
        w = np.where(self.has_image, im.width[idx], np.nan)
        h = np.where(self.has_image, im.height[idx], np.nan)
        return w, h


    # ----------------------------------------------------------------- keypoints
    @cached_property
    def kp_n(self) -> np.ndarray:
        return np.diff(self.t.kp_offsets)

    @cached_property
    def kp_ann(self) -> np.ndarray:
        return np.repeat(np.arange(self.n), self.kp_n)

    # ----------------------------------------------------------------- masks
    @cached_property
    def rle(self):
        from guidec.masks import rle_columns

        return rle_columns(self.t.rle)

    # ----------------------------------------------------------------- boxes
    @cached_property
    def box_ok(self) -> np.ndarray:
        return np.isfinite(self.t.bbox).all(axis=1)

    @cached_property
    def extent_wh(self) -> tuple[np.ndarray, np.ndarray]:
        """Width and height of each annotation: its box, else its vertices' bounds."""
        b = self.t.bbox
        vb = self.vert_bounds
        w = np.where(self.box_ok, b[:, 2], vb[:, 2] - vb[:, 0])
        h = np.where(self.box_ok, b[:, 3], vb[:, 3] - vb[:, 1])
        return w, h

    @cached_property
    def shape_area(self) -> np.ndarray:
        """Area of each annotation's own geometry: mask pixels, polygon area or box area."""
        t = self.t
        area = np.where(self.box_ok, t.bbox[:, 2] * t.bbox[:, 3], np.nan)
        poly = self.nverts > 0
        area = np.where(poly & np.isin(t.shape, (Shape.POLYGON,)), self.poly_area, area)
        r = self.rle
        if len(r.rows):
            good = r.ok
            area[r.rows[good]] = r.area[good]
        return area

    @cached_property
    def turned(self) -> np.ndarray:
        """Rows whose box is rotated: their geometry is the turned rectangle, not its bounds."""
        return self.box_ok & (np.mod(self.t.rotation, 180) != 0)

    @cached_property
    def rotated_corners(self) -> np.ndarray:
        """(N, 4, 2) corners of every box turned by its rotation about the box centre."""
        b = self.t.bbox
        cx = b[:, 0] + b[:, 2] / 2
        cy = b[:, 1] + b[:, 3] / 2
        th = np.deg2rad(self.t.rotation)
        c, s = np.cos(th), np.sin(th)
        dx = np.array([-0.5, 0.5, 0.5, -0.5])[None, :] * b[:, 2:3]
        dy = np.array([-0.5, -0.5, 0.5, 0.5])[None, :] * b[:, 3:4]
        x = cx[:, None] + dx * c[:, None] - dy * s[:, None]
        y = cy[:, None] + dx * s[:, None] + dy * c[:, None]
        return np.stack([x, y], axis=-1)

    # ----------------------------------------------------------------- findings
    def where(self, row: int) -> dict:
        path, line, pointer = self.t.location(row)
        return {"file": path, "line": line, "path": pointer_path(pointer) if line is None else ()}

    def image_name(self, img: int):
        if img < 0:
            return None
        im = self.t.images
        name = im.file_name[img]
        return name if name is not None else im.key[img]

    def ann(self, code: Code, row: int, message: str, *, hint: str | None = None,
            severity: Severity | None = None, rule: str | None = None,
            **extra) -> Diagnostic:
        """A finding on annotation ``row``."""
        row = int(row)
        img = int(self.t.image_index[row])
        w = self.where(row)
        ident = {
            "image": _py(self.image_name(img)),
            "image_id": _py(self.t.images.key[img]) if img >= 0 else None,
            "annotation": _py(self.t.ann_id[row]),
            "class": self.class_name(row),
            "_row": row,
        }
        if rule is not None:
            ident["rule"] = rule
        ident.update(extra)
        d = Diagnostic(code.code, severity or code.severity, message, file=w["file"],
                       path=w["path"], line=w["line"], hint=hint, extra=ident)
        return d

    def img(self, code: Code, img: int, message: str, *, hint: str | None = None,
            severity: Severity | None = None, rule: str | None = None, **extra) -> Diagnostic:
        """A finding on image ``img`` (an index into the image table)."""
        img = int(img)
        path, line, pointer = self.t.image_location(img)
        ident = {
            "image": _py(self.image_name(img)),
            "image_id": _py(self.t.images.key[img]),
            "annotation": None,
            "class": None,
            "_image_row": img,
        }
        if rule is not None:
            ident["rule"] = rule
        ident.update(extra)
        return Diagnostic(code.code, severity or code.severity, message, file=path,
                          path=pointer_path(pointer) if line is None else (), line=line,
                          hint=hint, extra=ident)

    def ann_label(self, row: int) -> str:
        """How the delivery names the annotation, for messages: 'annotation 17'."""
        a = self.t.ann_id[row]
        if a is not None:
            return f"annotation {a}"
        return f"annotation #{int(row)}"

    def suggest(self, name: str) -> str | None:
        return did_you_mean(name, [c.name for c in self.project.active_classes])




def _py(v):
    """A JSON-friendly scalar."""
    if isinstance(v, np.generic):
        return v.item()
    return v




