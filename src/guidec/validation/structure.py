"""Structure: identifiers and references between annotations and images."""

from __future__ import annotations

import contextlib

import numpy as np

from guidec.columns import distinct, is_none
from guidec.validation import rule, vcode
from guidec.validation.frame import Frame

G = "structure"

V050 = vcode("V050", group=G)
V051 = vcode("V051", group=G)
V053 = vcode("V053", group=G)

def _id_codes(values: np.ndarray) -> np.ndarray:
    """Integer codes of an id column (ints directly, anything else factorized)."""
    cells = values.tolist()
    as_num = None
    if cells and type(cells[0]) is int:  # file names and string ids: no unicode array first
        with contextlib.suppress(TypeError, ValueError, OverflowError):
            as_num = np.array(cells)  # int64 when every id is an int (one C pass)
    if as_num is not None and as_num.dtype.kind in "iu" and as_num.shape == values.shape:
        return as_num.astype(np.int64, copy=False)
    _, inv = distinct(values)
    return inv.astype(np.int64)


def _repeats(group: np.ndarray, key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(positions that repeat an earlier (group, key), position of that first occurrence)."""
    if len(key) == 0:
        return np.zeros(0, np.intp), np.zeros(0, np.intp)
    if group[0] == group[-1] and (group == group[0]).all():
        order = np.argsort(key, kind="stable")  # one file: one sort key
    else:
        order = np.lexsort((np.arange(len(key)), key, group))
    g, k = group[order], key[order]
    same = np.concatenate(([False], (g[1:] == g[:-1]) & (k[1:] == k[:-1])))
    run_start = np.maximum.accumulate(np.where(~same, np.arange(len(order)), 0))
    dup = np.flatnonzero(same)
    return order[dup], order[run_start[dup]]


def _all_different(values: np.ndarray) -> bool:
    """True when no two cells are equal (the clean delivery's case, decided by one set instead
    of factorizing the column); False when some may be, or the cells cannot be hashed."""
    cells = values.tolist()
    try:
        return len(set(cells)) == len(cells)
    except TypeError:
        return False


@rule(V050, group=G)
def duplicate_annotation_ids(f: Frame):
    t = f.t
    rows = np.flatnonzero(~is_none(t.ann_id))
    if len(rows) < 2 or _all_different(t.ann_id[rows]):
        return
    dup, first = _repeats(t.src_file[rows].astype(np.int64), _id_codes(t.ann_id[rows]))
    for r, r0 in zip(rows[dup], rows[first], strict=True):
        path, line, pointer = t.location(int(r0))
        where = f"line {line}" if line is not None else (pointer or path)
        yield f.ann(V050, r, f"annotation id {t.ann_id[r]!r} is already used at {where}")


@rule(V051, group=G)
def annotation_image_missing(f: Frame):
    for r in np.flatnonzero(~f.has_image):
        yield f.ann(V051, r, f"{f.ann_label(r)} refers to an image the delivery does not list")


@rule(V053, group=G)
def duplicate_image_files(f: Frame):
    """Duplicate image *ids* are the readers' V011; here: one file under two ids."""
    im = f.t.images
    if len(im) < 2:
        return
    rows = np.flatnonzero(~is_none(im.file_name))
    if _all_different(im.file_name[rows]):
        return
    key = _id_codes(im.key[rows]) if len(rows) else np.zeros(0, np.int64)
    # several annotators' copies of one image (Label Studio) are views, not duplicates
    who = (_id_codes(im.annotator[rows]) if im.annotator is not None and len(rows)
           else np.zeros(len(rows), np.int64))
    dup, first = _repeats(who, _id_codes(im.file_name[rows]))
    for i, i0, k, k0 in zip(rows[dup], rows[first], key[dup], key[first], strict=True):
        if k == k0:
            continue  # the same id twice: V011
        yield f.img(V053, i, f"image file {im.file_name[i]!r} is also listed as image id "
                             f"{im.key[i0]!r}")
