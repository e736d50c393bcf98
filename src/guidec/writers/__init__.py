"""Delivery writers: the shared annotation table -> files in a delivery format.

The inverse of :mod:`guidec.readers`. Each writer module defines ``FORMAT`` (the name readers put
in ``SourceFile.format``), ``SINGLE_FILE`` (one file, or a folder of files) and
``write(table, project) -> {relative path: bytes}``; only :mod:`guidec.writer` touches disk.
Categories, label names and keypoint names come from the resolved project the table is written
for (after ``guidec migrate``, the new spec).
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

import numpy as np

from guidec.table import AnnotationTable, Shape


def load_writers() -> dict[str, ModuleType]:
    out = {}
    for info in pkgutil.iter_modules(__path__, __name__ + "."):
        if info.name.rsplit(".", 1)[1].startswith("_"):
            continue
        mod = importlib.import_module(info.name)
        if hasattr(mod, "FORMAT"):
            out[mod.FORMAT] = mod
    return out


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


def num(x: float) -> float | int:
    """A JSON-friendly number: integral floats as int, others rounded to 1e-6 of a pixel."""
    x = float(x)
    r = round(x)
    return int(r) if abs(x - r) < 1e-9 else round(x, 6)


def fmt_num(x: float) -> str:
    v = num(x)
    return str(v)


def label_names(t: AnnotationTable, project) -> list[str | None]:
    """Class name per row: the label, else the project's name for the label id."""
    out = []
    by_id = project.by_id
    for lab, lid in zip(t.label.tolist(), t.label_id.tolist(), strict=True):
        if lab is None and lid >= 0 and lid in by_id:
            lab = by_id[lid].name
        out.append(lab)
    return out


def label_ids(t: AnnotationTable, project) -> list[int]:
    out = []
    for lab, lid in zip(t.label.tolist(), t.label_id.tolist(), strict=True):
        c = project.lookup(lab) if lab is not None else None
        out.append(c.id if c is not None else int(lid))
    return out


SHAPE = Shape
