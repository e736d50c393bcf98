"""PNG label maps (a folder): one PNG per delivered label map, repainted with the spec's
classes.

Grey label maps get each class's ``id`` as pixel value (8-bit, or 16-bit when an id exceeds
255); colour label maps (the input file was RGB/RGBA) get each class's ``color``, so a
migration re-codes colour-coded masks too. Rows are painted in table order (later rows win
where masks overlap); pixels no row covers stay 0 / black. Each row's mask is its COCO RLE.
"""

from __future__ import annotations

import os
import struct
import zlib

import numpy as np

from guidec import masks
from guidec.table import AnnotationTable
from guidec.writers import label_names

FORMAT = "mask"
SINGLE_FILE = False


def _chunk(tag: bytes, data: bytes) -> bytes:
    return (struct.pack(">I", len(data)) + tag + data
            + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF))


def encode_png(pixels: np.ndarray) -> bytes:
    """A PNG of a (H, W) uint8/uint16 grey or (H, W, 3) uint8 RGB array (filter 0)."""
    h, w = pixels.shape[:2]
    if pixels.ndim == 3:
        depth, ctype, rows = 8, 2, pixels.astype(np.uint8).reshape(h, w * 3)
    elif pixels.dtype == np.uint16:
        depth, ctype, rows = 16, 0, pixels.astype(">u2").view(np.uint8).reshape(h, w * 2)
    else:
        depth, ctype, rows = 8, 0, pixels.astype(np.uint8)
    raw = np.hstack([np.zeros((h, 1), np.uint8), rows]).tobytes()
    header = struct.pack(">IIBBBBB", w, h, depth, ctype, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(raw, 6)) + _chunk(b"IEND", b""))


def _was_rgb(path: str) -> bool:
    """Whether the delivered PNG was a colour label map (IHDR colour type 2 or 6)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(26)
    except OSError:
        return False
    return len(head) == 26 and head[25] in (2, 6)


def _hex(color: str) -> tuple[int, int, int]:
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


def write(t: AnnotationTable, project) -> dict[str, bytes]:
    names = label_names(t, project)
    colors = t.attributes.get("color")
    files: dict[str, bytes] = {}
    for fi, sf in enumerate(t.files):
        rows = np.flatnonzero(t.src_file == fi)
        rles = [t.rle[r] for r in rows if t.rle[r] is not None]
        if not rles:
            continue
        h, w = (int(x) for x in rles[0]["size"])
        rgb = _was_rgb(sf.path)
        ids = [project.by_name[n].id for n in names if n in project.by_name]
        wide = max(ids, default=0) > 255
        out = np.zeros((h, w, 3) if rgb else (h, w), dtype=np.uint16 if wide and not rgb
                       else np.uint8)
        for r in rows:
            rle = t.rle[r]
            if rle is None or [int(x) for x in rle["size"]] != [h, w]:
                continue
            m = masks.decode(rle)
            cls = project.by_name.get(names[r]) if names[r] else None
            if rgb:
                color = cls.color if cls else (colors[r] if colors is not None else None)
                if color:
                    out[m] = _hex(color)
            else:
                value = cls.id if cls else int(t.label_id[r])
                if value >= 0:
                    out[m] = value
        stem = os.path.splitext(os.path.basename(sf.path))[0]
        files[f"{stem}.png"] = encode_png(out)
    return files
