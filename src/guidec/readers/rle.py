"""Run-length masks: COCO (uncompressed and compressed ``counts``), CVAT and Label Studio.

The table keeps every mask as COCO RLE, ``{"counts": [...] | "...", "size": [h, w]}``:
column-major runs that start with zeros. Readers convert CVAT's row-major box-local RLE and
Label Studio's bit-packed RGBA RLE into it, so rules decode one format only.
"""

from __future__ import annotations

import numpy as np


class RleError(ValueError):
    """A run-length encoding that cannot be decoded."""


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


def decode_compressed(s: str) -> list[int]:
    """pycocotools' compressed ``counts`` string -> run lengths (maskApi.c rleFrString)."""
    counts: list[int] = []
    p, n = 0, len(s)
    while p < n:
        x, k, more = 0, 0, True
        while more:
            if p >= n:
                raise RleError("compressed RLE ends inside a number")
            c = ord(s[p]) - 48
            if c < 0 or c > 63:
                raise RleError(f"character {s[p]!r} is not valid in a compressed RLE")
            x |= (c & 0x1F) << (5 * k)
            more = bool(c & 0x20)
            p += 1
            k += 1
            if not more and (c & 0x10):
                x |= -1 << (5 * k)
        if len(counts) > 2:
            x += counts[-2]
        counts.append(x)
    return counts


def counts_of(rle: dict) -> list[int]:
    c = rle.get("counts")
    if isinstance(c, str):
        return decode_compressed(c)
    if isinstance(c, bytes):
        return decode_compressed(c.decode("ascii"))
    if isinstance(c, list) and all(type(v) is int for v in c):
        return c
    raise RleError("counts must be a list of integers or a compressed string")


def decode(rle: dict) -> np.ndarray:
    """COCO RLE -> (h, w) bool mask."""
    h, w = rle["size"]
    counts = np.asarray(counts_of(rle), dtype=np.int64)
    if (counts < 0).any() or counts.sum() != h * w:
        raise RleError(f"runs sum to {int(counts.sum())}, not h*w = {h * w}")
    values = np.zeros(len(counts), dtype=bool)
    values[1::2] = True
    return np.repeat(values, counts).reshape(w, h).T


def area(rle: dict) -> int:
    counts = counts_of(rle)
    return int(sum(counts[1::2]))


def from_cvat(values: list[int], left: int, top: int, width: int, height: int,
              img_w: int, img_h: int) -> dict:
    """CVAT mask ``rle`` (row-major over the mask's box, zeros first) -> COCO RLE of the
    whole image. Pixels of the box that fall outside the image are cut off."""
    counts = np.asarray(values, dtype=np.int64)
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
