"""Tiny image writers for reader tests (valid PNG headers, no Pillow)."""

from __future__ import annotations

import struct
import zlib


def png_bytes(width: int, height: int, rows: list[bytes] | None = None, color_type: int = 0,
              palette: bytes | None = None, filter_type: int = 0, depth: int = 8) -> bytes:
    """An 8-bit (or ``depth=16``) PNG; ``rows`` are raw scanlines (without the filter byte;
    16-bit samples big-endian)."""
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[color_type] * (depth // 8)
    if rows is None:
        rows = [bytes(width * channels)] * height

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    raw = b"".join(bytes([filter_type]) + _filter(r, rows[i - 1] if i else None, filter_type,
                                                   channels)
                   for i, r in enumerate(rows))
    out = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, depth,
                                                           color_type, 0, 0, 0))
    if palette is not None:
        out += chunk(b"PLTE", palette)
    return out + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def _filter(row: bytes, prev: bytes | None, ft: int, bpp: int) -> bytes:
    prev = prev or bytes(len(row))
    out = bytearray(len(row))
    for i, x in enumerate(row):
        a = row[i - bpp] if i >= bpp else 0
        b = prev[i]
        c = prev[i - bpp] if i >= bpp else 0
        if ft == 0:
            p = 0
        elif ft == 1:
            p = a
        elif ft == 2:
            p = b
        elif ft == 3:
            p = (a + b) // 2
        else:
            pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
            p = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
        out[i] = (x - p) & 0xFF
    return bytes(out)
