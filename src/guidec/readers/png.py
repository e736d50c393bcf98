"""A small PNG decoder for label maps: 8-bit (and 1/2/4-bit palette/grey, 16-bit grey for
instance-id maps), non-interlaced.

Label maps need exact pixel values, nothing else: grey (class id per pixel), palette (index per
pixel, as Pascal VOC ships ``SegmentationClass``), RGB/RGBA (colour per pixel, COCO panoptic).
zlib does the inflating with an output cap (no decompression bombs); the None/Sub/Up filters
are vectorized with numpy, Average/Paeth run per byte. Chunk CRCs are checked. Anything
else (16-bit colour, interlaced, grey+alpha) raises :class:`PngError` with the reason.
"""

from __future__ import annotations

import struct
import zlib

import numpy as np

SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_PIXELS = 1 << 28


class PngError(ValueError):
    pass


class Png:
    __slots__ = ("color_type", "palette", "pixels")

    def __init__(self, pixels: np.ndarray, color_type: int, palette: np.ndarray | None):
        # (h, w) uint8 for grey/palette (uint16 for 16-bit grey), (h, w, 3|4) for RGB(A)
        self.pixels = pixels
        self.color_type = color_type
        self.palette = palette  # (n, 3) uint8 or None

    @property
    def height(self) -> int:
        return int(self.pixels.shape[0])

    @property
    def width(self) -> int:
        return int(self.pixels.shape[1])


def decode(data: bytes) -> Png:
    if not data.startswith(SIGNATURE):
        raise PngError("not a PNG file (bad signature)")
    pos = 8
    ihdr = None
    palette = None
    idat = []
    while True:
        if pos + 8 > len(data):
            raise PngError("truncated PNG (no IEND chunk)")
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        if len(body) != length or pos + 12 + length > len(data):
            raise PngError(f"truncated PNG (chunk {kind!r} cut off)")
        (crc,) = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        if zlib.crc32(kind + body) & 0xFFFFFFFF != crc:
            raise PngError(f"chunk {kind.decode('latin-1')!r} has a bad CRC (corrupt file)")
        pos += 12 + length
        if kind == b"IHDR":
            if length != 13:
                raise PngError("IHDR has the wrong length")
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"PLTE":
            if length % 3 or not length:
                raise PngError(f"PLTE chunk of {length} bytes is not a list of RGB entries "
                               "(a multiple of 3)")
            palette = np.frombuffer(body, dtype=np.uint8).reshape(-1, 3)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
    if ihdr is None:
        raise PngError("no IHDR chunk")
    w, h, depth, ctype, _comp, _filt, interlace = ihdr
    if w == 0 or h == 0 or w * h > MAX_PIXELS:
        raise PngError(f"image size {w}x{h} is empty or too large")
    if interlace:
        raise PngError("interlaced PNGs are not read; save the label map without interlacing")
    channels = {0: 1, 2: 3, 3: 1, 6: 4}.get(ctype)
    if channels is None:
        raise PngError(f"colour type {ctype} (grey+alpha) is not a label map")
    if depth == 16 and ctype != 0:
        raise PngError("16-bit colour PNGs are not read; a label map is grey (class or "
                       "instance ids, 8 or 16 bit), palette or 8-bit colour")
    if depth not in (1, 2, 4, 8, 16) or (depth < 8 and ctype not in (0, 3)):
        raise PngError(f"bit depth {depth} with colour type {ctype} is not valid")
    if ctype == 3 and palette is None:
        raise PngError("palette image without a PLTE chunk")
    stride = (w * channels * depth + 7) // 8
    expected = h * (stride + 1)
    z = zlib.decompressobj()
    try:
        raw = z.decompress(b"".join(idat), expected + 1)
    except zlib.error as exc:
        raise PngError(f"image data is corrupt ({exc})") from None
    if len(raw) < expected:
        raise PngError("image data is truncated")
    bpp = max(1, channels * depth // 8)
    rows = np.frombuffer(raw[:expected], dtype=np.uint8).reshape(h, stride + 1)
    out = np.zeros((h, stride), dtype=np.uint8)
    prev = np.zeros(stride, dtype=np.uint8)
    for y in range(h):
        ft = int(rows[y, 0])
        line = rows[y, 1:]
        if ft == 0:
            cur = line.copy()
        elif ft == 1:
            if stride % bpp == 0:  # running sum per channel, wrapping at 256
                cur = np.cumsum(line.reshape(-1, bpp), axis=0, dtype=np.uint8).reshape(-1)
            else:
                cur = _sub(line, bpp)
        elif ft == 2:
            cur = line + prev
        elif ft in (3, 4):
            cur = _slow(line, prev, bpp, ft)
        else:
            raise PngError(f"row {y} has an unknown filter type {ft}")
        out[y] = cur
        prev = out[y]
    if depth == 16:  # big-endian samples (grey only, checked above)
        pix = (out[:, 0::2].astype(np.uint16) << 8) | out[:, 1::2]
    elif depth < 8:
        bits = np.unpackbits(out, axis=1)[:, :w * depth].reshape(h, w, depth)
        weights = (1 << np.arange(depth - 1, -1, -1)).astype(np.uint8)
        pix = (bits * weights).sum(axis=2).astype(np.uint8)
    else:
        pix = out.reshape(h, w, channels) if channels > 1 else out
    return Png(pix, ctype, palette)


def _sub(line: np.ndarray, bpp: int) -> np.ndarray:
    out = bytearray(line.tobytes())
    for i in range(bpp, len(out)):
        out[i] = (out[i] + out[i - bpp]) & 0xFF
    return np.frombuffer(bytes(out), dtype=np.uint8)


def _slow(line: np.ndarray, prev: np.ndarray, bpp: int, ft: int) -> np.ndarray:
    raw = line.tobytes()
    up = prev.tobytes()
    out = bytearray(len(raw))
    for i in range(len(raw)):
        a = out[i - bpp] if i >= bpp else 0
        b = up[i]
        if ft == 3:
            out[i] = (raw[i] + ((a + b) >> 1)) & 0xFF
        else:
            c = up[i - bpp] if i >= bpp else 0
            pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
            p = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
            out[i] = (raw[i] + p) & 0xFF
    return np.frombuffer(bytes(out), dtype=np.uint8)
