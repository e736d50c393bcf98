"""Image width and height from the file header: PNG (IHDR), JPEG (SOF markers), GIF, WebP, BMP.

No Pillow: the playbook site and the readers only need the size. Every function returns ``None``
for a file it cannot read as an image (unknown format, truncated header, zero size) instead of
raising, so a bad example image becomes a diagnostic, not a traceback.
"""

from __future__ import annotations

import os
import struct

from guidec import inputs

#: Extensions tried for an image named without one (YOLO names images by their label's stem).
IMAGE_EXTS = (".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".webp", ".gif")


def find_image(name: str, root: str) -> str | None:
    """The file under ``root`` an image name of the delivery means: the name as a path under
    ``root``, else its base name; a name without an extension (YOLO) with one of
    :data:`IMAGE_EXTS`. A name that leads out of ``root`` (absolute, ``..``) means nothing."""
    name = str(name).replace("\\", "/")
    base = os.path.basename(name)
    for cand in (name, base):
        if not cand or cand.startswith("/") or ".." in cand.split("/"):
            continue
        p = os.path.join(root, cand)
        if os.path.isfile(p):
            return p
        if not os.path.splitext(cand)[1]:
            for ext in IMAGE_EXTS:
                if os.path.isfile(p + ext):
                    return p + ext
    return None

_PNG_SIG = b"\x89PNG\r\n\x1a\n"
# JPEG start-of-frame markers carry the size: SOF0-SOF15 except DHT (C4), JPG (C8), DAC (CC).
_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
_HEAD = 64 * 1024  # JPEG markers before SOF (EXIF thumbnails) can be long; read more if needed


def size_of_bytes(data: bytes) -> tuple[int, int] | None:
    """``(width, height)`` of an image held in ``data``, or ``None``."""
    size = _sniff(data)
    if size is None or size[0] <= 0 or size[1] <= 0:
        return None
    return size


def size_of_file(path: str) -> tuple[int, int] | None:
    """``(width, height)`` of the image file at ``path``, or ``None`` if unreadable."""
    try:
        head = inputs.read_head(path, 4096)  # enough for PNG, GIF, WebP, BMP, most JPEGs
        if head[:2] == b"\xff\xd8" and _sniff(head) is None and len(head) == 4096:
            head = inputs.read_head(path, _HEAD)
            if _sniff(head) is None and len(head) == _HEAD:
                head = inputs.read_bytes(path)  # the SOF lies past a large APP segment
    except OSError:
        return None
    return size_of_bytes(head)


def image_format(data: bytes) -> str | None:
    """``png``, ``jpeg``, ``gif``, ``webp``, ``bmp`` from the magic bytes, or ``None``."""
    if data.startswith(_PNG_SIG):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data[:2] == b"BM":
        return "bmp"
    return None


def _sniff(data: bytes) -> tuple[int, int] | None:
    kind = image_format(data)
    try:
        if kind == "png":
            return _png(data)
        if kind == "jpeg":
            return _jpeg(data)
        if kind == "gif":
            return struct.unpack("<HH", data[6:10])
        if kind == "webp":
            return _webp(data)
        if kind == "bmp":
            w, h = struct.unpack("<ii", data[18:26])
            return w, abs(h)
    except (struct.error, IndexError, ValueError):
        return None
    return None


def _png(data: bytes) -> tuple[int, int] | None:
    # signature, then the first chunk must be IHDR: length(4) type(4) width(4) height(4)
    if data[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", data[16:24])


def _jpeg(data: bytes) -> tuple[int, int] | None:
    i, n = 2, len(data)
    while i + 4 <= n:
        if data[i] != 0xFF:
            return None  # lost sync: not a marker where one must be
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker in (0x01, *range(0xD0, 0xD8)):  # TEM, RSTn: no length
            i += 2
            continue
        if marker in (0xD9, 0xDA):  # EOI, SOS before any SOF: no size in the header
            return None
        (length,) = struct.unpack(">H", data[i + 2:i + 4])
        if length < 2:
            return None
        if marker in _SOF:
            # length(2) precision(1) height(2) width(2)
            h, w = struct.unpack(">HH", data[i + 5:i + 9])
            return w, h
        i += 2 + length
    return None


def _webp(data: bytes) -> tuple[int, int] | None:
    chunk = data[12:16]
    if chunk == b"VP8X":
        w = int.from_bytes(data[24:27], "little") + 1
        h = int.from_bytes(data[27:30], "little") + 1
        return w, h
    if chunk == b"VP8 ":
        if data[23:26] != b"\x9d\x01\x2a":
            return None
        w, h = struct.unpack("<HH", data[26:30])
        return w & 0x3FFF, h & 0x3FFF
    if chunk == b"VP8L":
        if data[20] != 0x2F:
            return None
        b = int.from_bytes(data[21:25], "little")
        return (b & 0x3FFF) + 1, ((b >> 14) & 0x3FFF) + 1
    return None
