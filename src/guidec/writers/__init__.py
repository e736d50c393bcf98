"""Delivery writers: the shared annotation table -> files in a delivery format.

The inverse of :mod:`guidec.readers`. Each writer module defines ``FORMAT`` (the name readers put
in ``SourceFile.format``), ``SINGLE_FILE`` (one file, or a folder of files) and
``write(table, project) -> {relative path: bytes}``; only :mod:`guidec.output` touches disk.
Categories, label names and keypoint names come from the resolved project the table is written
for (after ``guidec migrate``, the new spec).
"""

from __future__ import annotations

import math
from types import ModuleType

import numpy as np

from guidec.labels import resolve_labels
from guidec.registry import Registry
from guidec.table import AnnotationTable, Shape

WRITERS: Registry[ModuleType] = Registry("writer", __name__, attribute="FORMAT")


def load_writers() -> dict[str, ModuleType]:
    return dict(WRITERS.items())


# ---------------------------------------------------------------------------- helpers
def boxes(t: AnnotationTable) -> np.ndarray:
    """(N, 4) x, y, w, h: the declared box, else the bounds of the rings or keypoints."""
    out = t.bbox.copy()
    missing = np.isnan(out).any(axis=1)
    if not missing.any():
        return out
    for row in np.flatnonzero(missing):  # only rows without a declared box
        pts = [r for r in t.rings_of(int(row)) if len(r)]
        kp = t.keypoints_of(int(row))
        if len(kp):
            vis = kp[kp[:, 2] > 0, :2]
            if len(vis):
                pts.append(vis)
        if pts:
            allp = np.concatenate(pts)
            x0, y0 = allp.min(axis=0)
            x1, y1 = allp.max(axis=0)
            out[row] = (x0, y0, x1 - x0, y1 - y0)
    return out


def attributes_of(t: AnnotationTable, row: int) -> dict:
    return {k: _plain(v[row]) for k, v in sorted(t.attributes.items()) if v[row] is not None}


def image_attributes_of(t: AnnotationTable, img: int) -> dict:
    return {k: _plain(v[img]) for k, v in sorted(t.images.attributes.items())
            if v[img] is not None}


def _plain(v):
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, tuple):
        return list(v)
    return v


def num(x: float) -> float | int | None:
    """A JSON-friendly number: integral floats as int, others rounded to 1e-6 of a pixel; None
    (JSON null) for NaN or infinity, which JSON cannot hold (the delivery already had them)."""
    x = float(x)
    if not math.isfinite(x):
        return None
    r = round(x)
    return int(r) if abs(x - r) < 1e-9 else round(x, 6)


def fmt_num(x: float) -> str:
    v = num(x)
    return str(v)


def label_names(t: AnnotationTable, project) -> list[str | None]:
    """Label per row as the file will name it: the delivered label where there is one (an
    alias stays an alias), else the name of the class the one resolver gives the row's id."""
    res = resolve_labels(t, project)
    names = np.array([c.name for c in project.classes] + [None], dtype=object)
    out = t.label.copy()
    bare = np.equal(out, None)
    out[bare] = names[res.cls[bare]]
    return out.tolist()


def label_ids(t: AnnotationTable, project, res=None) -> np.ndarray:
    """Class id per row: the id of the class the one resolver gives the row, else the
    delivered id (``-1`` for none). ``res``: a resolution of ``t`` already made."""
    res = res if res is not None else resolve_labels(t, project)
    ids = np.array([c.id for c in project.classes] + [-1], dtype=np.int64)
    return np.where(res.cls >= 0, ids[res.cls], t.label_id)


SHAPE = Shape
