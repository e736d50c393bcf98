"""Masks: the one owner of run-length encodings and bitmaps.

The table keeps every mask as COCO RLE, ``{"counts": [...] | "...", "size": [h, w]}``:
column-major runs that start with zeros. This module encodes and decodes it (uncompressed lists
and COCO's compressed strings), converts the tools' own encodings into it (CVAT's row-major
box-local runs, Label Studio's bit-packed RGBA brush), and measures masks: area, bounds, IoU and
the boundary band of Boundary IoU. Whether a mask is well formed is decided here, once, by
:func:`rle_columns` for every mask of a table (rule V013 reports it) and by :class:`RleError`
for the tools' encodings a reader converts. Every operation is cross-checked against
pycocotools (and Boundary IoU against faster-coco-eval) in ``tests/test_masks.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import chain
from operator import itemgetter

import numpy as np


class RleError(ValueError):
    """A run-length encoding that cannot be decoded."""


# --------------------------------------------------------------------------- one mask

def encode(mask: np.ndarray) -> dict:
    """COCO uncompressed RLE of a 2-D boolean mask (column-major, zeros first)."""
    h, w = mask.shape
    flat = np.asarray(mask, dtype=bool).T.ravel()
    if flat.size == 0:
        return {"counts": [], "size": [int(h), int(w)]}
    change = np.flatnonzero(flat[1:] != flat[:-1]) + 1
    bounds = np.concatenate([[0], change, [flat.size]])
    runs = np.diff(bounds).tolist()
    if flat[0]:
        runs.insert(0, 0)
    return {"counts": [int(r) for r in runs], "size": [int(h), int(w)]}


def to_string(counts) -> str:
    """COCO's compressed ``counts`` string of a list of run lengths (maskApi.c rleToString)."""
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


def counts_of(rle: dict) -> np.ndarray:
    """The run lengths of a COCO RLE (either form), checked: RleError when malformed."""
    c = rle.get("counts")
    if isinstance(c, str | bytes):
        text = c.decode("latin-1") if isinstance(c, bytes) else c
        cnts, _, bad = _decode_strings([text])
        if bad[0]:
            raise RleError("compressed 'counts' is not a valid COCO RLE string")
        return cnts
    if isinstance(c, list) and all(type(v) is int for v in c):
        out = np.asarray(c, dtype=np.int64)
        if (out < 0).any():
            raise RleError("'counts' holds negative run lengths")
        return out
    raise RleError("counts must be a list of integers or a compressed string")


def _size(rle: dict) -> tuple[int, int]:
    try:
        h, w = (int(v) for v in rle["size"])
    except (KeyError, TypeError, ValueError, OverflowError):
        raise RleError("'size' must be [height, width]") from None
    if h < 0 or w < 0:
        raise RleError("'size' must not be negative")
    return h, w


def decode(rle: dict) -> np.ndarray:
    """COCO RLE -> (h, w) bool mask."""
    h, w = _size(rle)
    counts = counts_of(rle)
    if counts.sum() != h * w:
        raise RleError(f"runs sum to {int(counts.sum())}, not h*w = {h * w}")
    values = np.zeros(len(counts), dtype=bool)
    values[1::2] = True
    return np.repeat(values, counts).reshape(w, h).T


def area(rle: dict) -> int:
    return int(counts_of(rle)[1::2].sum())


def bounds(rle: dict) -> tuple[float, float, float, float]:
    """``[x, y, width, height]`` of the foreground, as pycocotools' ``toBbox`` (zeros when
    the mask is empty)."""
    h, _ = _size(rle)
    counts = counts_of(rle)
    return tuple(_bounds(counts, np.array([len(counts)]), np.array([h], float))[0].tolist())


def _fg_intervals(rle: dict) -> tuple[np.ndarray, np.ndarray]:
    """Start and end (exclusive) of every foreground run, in column-major pixel order."""
    counts = counts_of(rle)
    ends = np.cumsum(counts)
    starts = ends - counts
    fg = (np.arange(len(counts)) % 2 == 1) & (counts > 0)
    return starts[fg], ends[fg]


def intersection(a: dict, b: dict) -> int:
    """Foreground pixels two masks of one size share, from their runs (no bitmap)."""
    sa, ea = _fg_intervals(a)
    sb, eb = _fg_intervals(b)
    if not len(sa) or not len(sb):
        return 0
    # pixels of B before each point p: cover(p) = sum over B runs of clip(p - s, 0, e - s)
    cum = np.concatenate(([0], np.cumsum(eb - sb)))

    def covered_before(p: np.ndarray) -> np.ndarray:
        k = np.searchsorted(eb, p, side="right")  # B runs that end at or before p
        j = np.minimum(k, len(sb) - 1)
        part = np.where(k < len(sb), np.clip(p - sb[j], 0, eb[j] - sb[j]), 0)
        return cum[k] + part

    return int((covered_before(ea) - covered_before(sa)).sum())


def iou(a: dict, b: dict) -> float:
    """Intersection over union of two masks of one size (pycocotools ``iou``, not crowd);
    0.0 when both are empty."""
    if _size(a) != _size(b):
        raise RleError(f"masks of sizes {_size(a)} and {_size(b)} cannot be compared")
    inter = intersection(a, b)
    union = area(a) + area(b) - inter
    return inter / union if union else 0.0


def rasterize(rings, height: int, width: int) -> np.ndarray:
    """A (height, width) bool bitmap of the pixels whose centres lie inside ``rings`` (each an
    (n, 2) array of x, y; even-odd over all rings, so a hole given as a ring is left empty)."""
    h, w = int(height), int(width)
    toggles = np.zeros((h, w + 1), dtype=np.int32)
    ys = np.arange(h) + 0.5
    for ring in rings:
        p = np.asarray(ring, dtype=np.float64).reshape(-1, 2)
        if len(p) < 3 or not np.isfinite(p).all():
            continue
        x0, y0 = p[:, 0], p[:, 1]
        x1, y1 = np.roll(x0, -1), np.roll(y0, -1)
        lo, hi = np.minimum(y0, y1), np.maximum(y0, y1)
        # rows whose centre line crosses each edge (half-open, so a vertex counts once)
        cross = (ys[None, :] >= lo[:, None]) & (ys[None, :] < hi[:, None])
        e, row = np.nonzero(cross)
        if not len(e):
            continue
        t = (ys[row] - y0[e]) / (y1[e] - y0[e])
        x = x0[e] + t * (x1[e] - x0[e])
        col = np.clip(np.ceil(x - 0.5), 0, w).astype(np.int64)
        np.add.at(toggles, (row, col), 1)
    return (np.cumsum(toggles, axis=1)[:, :w] & 1).astype(bool)


def boundary(mask: np.ndarray, dilation: int) -> np.ndarray:
    """The inner boundary band of a bitmap (Cheng et al., Boundary IoU): the mask minus its
    erosion by a (2·dilation+1)² square, pixels outside the image counting as background."""
    m = np.asarray(mask, dtype=bool)
    d = max(1, int(dilation))
    h, w = m.shape
    padded = np.zeros((h + 2 * d + 1, w + 2 * d + 1), dtype=np.int32)
    padded[d + 1:d + 1 + h, d + 1:d + 1 + w] = m
    sat = padded.cumsum(0).cumsum(1)  # summed-area table, row 0 and column 0 are zero
    k = 2 * d + 1
    window = sat[k:, k:] - sat[:-k, k:] - sat[k:, :-k] + sat[:-k, :-k]
    eroded = window[:h, :w] == k * k
    return m & ~eroded


def boundary_dilation(height: int, width: int, ratio: float = 0.02) -> int:
    """Boundary IoU's band width: ``ratio`` of the image diagonal, at least one pixel."""
    return max(1, round(ratio * float(np.hypot(height, width))))


def boundary_iou(a: dict, b: dict, ratio: float = 0.02) -> float:
    """Boundary IoU of two masks of one image (as faster-coco-eval's boundary mode)."""
    ma, mb = decode(a), decode(b)
    d = boundary_dilation(*ma.shape, ratio=ratio)
    ba, bb = boundary(ma, d), boundary(mb, d)
    union = int((ba | bb).sum())
    return int((ba & bb).sum()) / union if union else 0.0


# --------------------------------------------------------------------------- table columns

@dataclass
class RleColumns:
    rows: np.ndarray  # annotation rows that carry an RLE
    ok: np.ndarray  # bool: well formed
    problem: np.ndarray  # object: why not well formed, None when ok
    h: np.ndarray  # float64 size[0], nan when missing
    w: np.ndarray  # float64 size[1]
    total: np.ndarray  # int64 sum of counts
    area: np.ndarray  # int64 foreground pixels (odd runs)
    bbox: np.ndarray  # (k, 4) float64 [x, y, w, h] of the foreground (pycocotools toBbox)


def rle_columns(col: np.ndarray) -> RleColumns:
    """Size, run total, area, bounds and validity of every mask of a table's ``rle`` column,
    at once: the one place that decides whether a mask is well formed (``problem``)."""
    rows = np.flatnonzero(~np.equal(col, None))
    k = len(rows)
    out = RleColumns(rows, np.ones(k, bool), np.full(k, None, object), np.full(k, np.nan),
                     np.full(k, np.nan), np.zeros(k, np.int64), np.zeros(k, np.int64),
                     np.full((k, 4), np.nan))
    if k == 0:
        return out
    objs = col[rows]
    try:
        sizes = list(map(itemgetter("size"), objs))
        counts = list(map(itemgetter("counts"), objs))
        hw = np.array(sizes, dtype=np.float64).reshape(k, 2)
    except (TypeError, KeyError, ValueError, IndexError, OverflowError):
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
            if not (0 <= h <= 1e9 and 0 <= w <= 1e9):
                raise ValueError
            hw[i] = h, w
        except (TypeError, ValueError, OverflowError):
            out.ok[i] = False
            out.problem[i] = f"'size' must be [height, width], not {str(size)[:60]}"
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
    good = ~bad & np.isfinite(out.h[idx]) & (out.h[idx] > 0)
    if good.any():
        keep = np.repeat(good, lens)
        out.bbox[idx[good]] = _bounds(flat[keep].astype(np.int64), lens[good], out.h[idx[good]])
    bi = idx[bad]
    out.ok[bi] = False
    out.problem[bi] = "'counts' holds negative or fractional run lengths"


def _compressed(out: RleColumns, idx: np.ndarray, cobj: np.ndarray) -> None:
    strs = [s.decode("latin-1") if isinstance(s, bytes) else s for s in cobj[idx]]
    cnts, ntok, bad = _decode_strings(strs)
    _sum_runs(out, idx, cnts.astype(np.float64), ntok)
    out.ok[idx[bad]] = False
    out.problem[idx[bad]] = "compressed 'counts' is not a valid COCO RLE string"


def _decode_strings(strs: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """COCO's compressed strings (6-bit, delta-coded, ``maskApi.c`` rleFrString), all at once:
    (run lengths of every string concatenated, runs per string, malformed per string). The
    only compressed-RLE decoder: :func:`counts_of` calls it with one string."""
    k = len(strs)
    lens = np.fromiter(map(len, strs), dtype=np.int64, count=k)
    raw = np.frombuffer("".join(strs).encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    owner_c = np.repeat(np.arange(k), lens)
    c = raw - 48
    bad = np.zeros(k, dtype=bool)
    bad[owner_c[(c < 0) | (c > 63)]] = True
    if not len(c):
        return np.zeros(0, np.int64), np.zeros(k, np.int64), bad
    c = np.clip(c, 0, 63)
    more = (c & 0x20) != 0
    # a string must end on a complete number
    ends_c = np.cumsum(lens) - 1
    nonempty = lens > 0
    bad[nonempty] |= more[ends_c[nonempty]]
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
    ntok = np.bincount(tok_owner, minlength=k)
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
    bad[tok_owner[cnts < 0]] = True
    return cnts, ntok, bad


def _bounds(counts: np.ndarray, lens: np.ndarray, h: np.ndarray) -> np.ndarray:
    """[x, y, w, h] of the foreground of masks given as concatenated run lengths, ``lens``
    runs each, of heights ``h`` (pycocotools' rleToBbox: a run that crosses a column makes the
    box span the whole height). All zeros for an empty mask."""
    k = len(lens)
    out = np.zeros((k, 4))
    if not len(counts):
        return out
    owner = np.repeat(np.arange(k), lens)
    starts_per = np.concatenate(([0], np.cumsum(lens)[:-1]))
    pos = np.arange(len(counts)) - np.repeat(starts_per, lens)
    glob = np.cumsum(counts)
    ends = glob - np.repeat(np.concatenate(([0], glob))[starts_per], lens)  # within each mask
    begins = ends - counts
    fg = (pos % 2 == 1) & (counts > 0)
    if not fg.any():
        return out
    o, b, e = owner[fg], begins[fg], ends[fg] - 1
    hh = h[o]
    x0, x1 = b // hh, e // hh
    y0 = np.where(x1 > x0, 0, b % hh)
    y1 = np.where(x1 > x0, hh - 1, e % hh)
    xmin, ymin = np.full(k, np.inf), np.full(k, np.inf)
    xmax, ymax = np.full(k, -np.inf), np.full(k, -np.inf)
    np.minimum.at(xmin, o, x0)
    np.maximum.at(xmax, o, x1)
    np.minimum.at(ymin, o, y0)
    np.maximum.at(ymax, o, y1)
    have = np.isfinite(xmin)
    out[have] = np.stack([xmin, ymin, xmax - xmin + 1, ymax - ymin + 1], axis=1)[have]
    return out


# --------------------------------------------------------------------------- tools' encodings

def from_cvat(values: list[int], left: int, top: int, width: int, height: int,
              img_w: int, img_h: int) -> dict:
    """CVAT mask ``rle`` (row-major over the mask's box, zeros first) -> COCO RLE of the
    whole image. Pixels of the box that fall outside the image are cut off."""
    try:
        counts = np.asarray(values, dtype=np.int64)
    except OverflowError:
        raise RleError("a run length is larger than any image") from None
    if width <= 0 or height <= 0:
        raise RleError(f"the mask's box is {width}x{height}")
    if (counts < 0).any() or counts.sum() != width * height:
        raise RleError(f"runs sum to {int(counts.sum())}, not width*height = "
                       f"{width * height}")
    bits = np.zeros(len(counts), dtype=bool)
    bits[1::2] = True
    local = np.repeat(bits, counts).reshape(height, width)
    full = np.zeros((img_h, img_w), dtype=bool)
    y0, x0 = max(top, 0), max(left, 0)
    y1, x1 = min(top + height, img_h), min(left + width, img_w)
    if y1 > y0 and x1 > x0:
        full[y0:y1, x0:x1] = local[y0 - top:y1 - top, x0 - left:x1 - left]
    return encode(full)
def decode_label_studio(rle: list[int], width: int, height: int) -> np.ndarray:
    """Label Studio brush RLE (bit-packed, RGBA) -> (height, width) bool mask (alpha > 0).

    Layout (label-studio-converter ``brush.decode_rle``): 32 bits value count, 5 bits word
    size - 1, four 4-bit run-length sizes - 1; then blocks of 1 flag bit, 2 bits selecting a
    run-length size, the run length - 1, and either one repeated word or that many words.
    """
    data = np.asarray(rle, dtype=np.int64)
    if data.size == 0 or (data < 0).any() or (data > 255).any():
        raise RleError("brush RLE must be a list of bytes")
    # the bit stream as a '0'/'1' string: each read is one int(..., 2) in C
    bits = (np.unpackbits(data.astype(np.uint8)) + 48).tobytes().decode("ascii")
    nbits = len(bits)
    pos = 0

    def read(k: int) -> int:
        nonlocal pos
        if pos + k > nbits:
            raise RleError("brush RLE is truncated")
        v = int(bits[pos:pos + k], 2)
        pos += k
        return v

    num = read(32)
    if num != width * height * 4:
        raise RleError(f"brush RLE holds {num} values, not width*height*4 = "
                       f"{width * height * 4}")
    word = read(5) + 1
    sizes = [read(4) + 1 for _ in range(4)]
    out = np.zeros(num, dtype=np.uint8)
    i = 0
    while i < num:
        repeat = read(1)
        j = i + 1 + read(sizes[read(2)])
        if j > num:
            raise RleError("brush RLE runs past the end of the image")
        if repeat:
            out[i:j] = read(word)
        else:
            for k in range(i, j):
                out[k] = read(word)
        i = j
    return out.reshape(height, width, 4)[:, :, 3] > 0
