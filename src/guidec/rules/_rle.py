"""Run-length masks (COCO RLE) as columns: size, total of the counts and foreground area.

Uncompressed counts (lists) are concatenated and summed with ``reduceat``; compressed counts
(COCO's 6-bit, delta-coded ASCII strings, ``maskApi.c`` ``rleFrString``) are decoded for all
masks at once in numpy. Only a malformed mask takes a slow path, to say what is wrong with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import chain
from operator import itemgetter

import numpy as np


@dataclass
class RleColumns:
    rows: np.ndarray  # annotation rows that carry an RLE
    ok: np.ndarray  # bool: well formed
    problem: np.ndarray  # object: why not well formed, None when ok
    h: np.ndarray  # float64 size[0], nan when missing
    w: np.ndarray  # float64 size[1]
    total: np.ndarray  # int64 sum of counts
    area: np.ndarray  # int64 foreground pixels (odd runs)


def rle_columns(col: np.ndarray) -> RleColumns:
    rows = np.flatnonzero(~np.equal(col, None))
    k = len(rows)
    out = RleColumns(rows, np.ones(k, bool), np.full(k, None, object), np.full(k, np.nan),
                     np.full(k, np.nan), np.zeros(k, np.int64), np.zeros(k, np.int64))
    if k == 0:
        return out
    objs = col[rows]
    try:
        sizes = list(map(itemgetter("size"), objs))
        counts = list(map(itemgetter("counts"), objs))
        hw = np.array(sizes, dtype=np.float64).reshape(k, 2)
    except (TypeError, KeyError, ValueError, IndexError):
        sizes, counts, hw = _slow_parts(objs, out)
    out.h[:] = hw[:, 0]
    out.w[:] = hw[:, 1]
    cobj = np.empty(k, dtype=object)
    cobj[:] = counts
    types = np.frompyfunc(type, 1, 1)(cobj)
    is_list = np.equal(types, list) & out.ok
    is_str = (np.equal(types, str) | np.equal(types, bytes)) & out.ok
    bad = out.ok & ~is_list & ~is_str
    out.ok[bad] = False
    out.problem[bad] = "'counts' is neither a list of integers nor a compressed string"
    if is_list.any():
        _uncompressed(out, np.flatnonzero(is_list), cobj)
    if is_str.any():
        _compressed(out, np.flatnonzero(is_str), cobj)
    return out


def _slow_parts(objs, out: RleColumns):
    """Sizes and counts, marking malformed masks (only when the fast path failed)."""
    sizes, counts = [], []
    hw = np.full((len(objs), 2), np.nan)
    for i, o in enumerate(objs):
        if not isinstance(o, dict):
            out.ok[i] = False
            out.problem[i] = "the mask is not an object with 'size' and 'counts'"
            sizes.append(None)
            counts.append(None)
            continue
        size = o.get("size")
        counts.append(o.get("counts"))
        sizes.append(size)
        try:
            h, w = (float(x) for x in size)
            hw[i] = h, w
        except (TypeError, ValueError):
            out.ok[i] = False
            out.problem[i] = f"'size' must be [height, width], not {size!r}"
    return sizes, counts, hw


def _uncompressed(out: RleColumns, idx: np.ndarray, cobj: np.ndarray) -> None:
    lists = cobj[idx]
    lens = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
    try:
        flat = np.fromiter(chain.from_iterable(lists), dtype=np.float64, count=int(lens.sum()))
    except (TypeError, ValueError):
        for j, i in enumerate(idx):  # only for a malformed delivery
            if not all(isinstance(x, int | float) and not isinstance(x, bool) for x in lists[j]):
                out.ok[i] = False
                out.problem[i] = "'counts' holds values that are not numbers"
        keep = out.ok[idx]
        if keep.any():
            _uncompressed(out, idx[keep], cobj)
        return
    _sum_runs(out, idx, flat, lens)


def _sum_runs(out: RleColumns, idx: np.ndarray, flat: np.ndarray, lens: np.ndarray) -> None:
    starts = np.concatenate(([0], np.cumsum(lens)[:-1]))
    pos = np.arange(len(flat)) - np.repeat(starts, lens)
    neg = flat < 0
    frac = flat != np.floor(flat)
    owner = np.repeat(np.arange(len(idx)), lens)
    bad = np.zeros(len(idx), dtype=bool)
    bad[owner[neg | frac | ~np.isfinite(flat)]] = True
    total = np.bincount(owner, weights=np.nan_to_num(flat), minlength=len(idx))
    fg = np.bincount(owner, weights=np.where(pos % 2 == 1, np.nan_to_num(flat), 0.0),
                     minlength=len(idx))
    out.total[idx] = total.astype(np.int64)
    out.area[idx] = fg.astype(np.int64)
    bi = idx[bad]
    out.ok[bi] = False
    out.problem[bi] = "'counts' holds negative or fractional run lengths"


def _compressed(out: RleColumns, idx: np.ndarray, cobj: np.ndarray) -> None:
    strs = [s.decode("latin-1") if isinstance(s, bytes) else s for s in cobj[idx]]
    lens = np.fromiter(map(len, strs), dtype=np.int64, count=len(strs))
    raw = np.frombuffer("".join(strs).encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    owner_c = np.repeat(np.arange(len(idx)), lens)
    c = raw - 48
    bad = np.zeros(len(idx), dtype=bool)
    bad[owner_c[(c < 0) | (c > 63)]] = True
    c = np.clip(c, 0, 63)
    more = (c & 0x20) != 0
    # a string must end on a complete number
    ends_c = np.cumsum(lens) - 1
    nonempty = lens > 0
    if len(c):
        truncated = np.zeros(len(idx), dtype=bool)
        truncated[nonempty] = more[ends_c[nonempty]]
        bad |= truncated
    else:
        _sum_runs(out, idx, np.zeros(0), np.zeros(len(idx), np.int64))
        out.ok[idx[bad]] = False
        return
    is_end = ~more
    is_end[ends_c[nonempty]] = True  # never let a number run into the next mask
    tok = np.concatenate(([0], np.cumsum(is_end)[:-1]))
    tok_start = np.flatnonzero(np.concatenate(([True], is_end[:-1])))
    kpos = np.arange(len(c)) - tok_start[tok]
    bad[owner_c[kpos > 11]] = True
    kpos = np.minimum(kpos, 11)
    chunk = (c & 0x1F) << (5 * kpos)
    x = np.add.reduceat(chunk, tok_start)
    last = np.flatnonzero(is_end)
    neg = (c[last] & 0x10) != 0
    x = np.where(neg, x - (np.int64(1) << (5 * (kpos[last] + 1))), x)
    tok_owner = owner_c[tok_start]
    ntok = np.bincount(tok_owner, minlength=len(idx))
    first_tok = np.concatenate(([0], np.cumsum(ntok)[:-1]))
    m = np.arange(len(x)) - first_tok[tok_owner]
    # cnts[m] = x[m] + cnts[m-2] for m > 2: running sums over odd m and over even m >= 2
    parity = np.where(m == 0, 2, m % 2)
    order = np.lexsort((m, parity, tok_owner))
    xs = x[order]
    grp = tok_owner[order] * 3 + parity[order]
    cs = np.cumsum(xs)
    gstart = np.flatnonzero(np.concatenate(([True], grp[1:] != grp[:-1])))
    glen = np.diff(np.concatenate((gstart, [len(xs)])))
    base = np.repeat(cs[gstart] - xs[gstart], glen)
    cnts = np.empty_like(x)
    cnts[order] = cs - base
    _sum_runs(out, idx, cnts.astype(np.float64), ntok)
    out.ok[idx[bad]] = False
    out.problem[idx[bad]] = "compressed 'counts' is not a valid COCO RLE string"


def encode_counts(counts) -> str:
    """COCO's compressed string of a list of run lengths (for tests and fixtures)."""
    out = []
    for i, value in enumerate(counts):
        x = int(value)
        if i > 2:
            x -= int(counts[i - 2])
        more = True
        while more:
            c = x & 0x1F
            x >>= 5
            more = x != -1 if c & 0x10 else x != 0
            if more:
                c |= 0x20
            out.append(chr(c + 48))
    return "".join(out)
