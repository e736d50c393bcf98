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


def encode_png(pixels: np.ndarray, palette: np.ndarray | None = None) -> bytes:
    """A PNG of a (H, W) uint8/uint16 grey, (H, W) uint8 palette indexes with ``palette``
    ((n, 3) uint8), or (H, W, 3|4) uint8 RGB(A) array (filter 0)."""
    h, w = pixels.shape[:2]
    plte = b""
    if pixels.ndim == 3:
        ch = pixels.shape[2]
        depth, ctype, rows = 8, 6 if ch == 4 else 2, pixels.astype(np.uint8).reshape(h, w * ch)
    elif palette is not None:
        depth, ctype, rows = 8, 3, pixels.astype(np.uint8)
        plte = _chunk(b"PLTE", np.asarray(palette, dtype=np.uint8).tobytes())
    elif pixels.dtype == np.uint16:
        depth, ctype, rows = 16, 0, pixels.astype(">u2").view(np.uint8).reshape(h, w * 2)
    else:
        depth, ctype, rows = 8, 0, pixels.astype(np.uint8)
    raw = np.hstack([np.zeros((h, 1), np.uint8), rows]).tobytes()
    header = struct.pack(">IIBBBBB", w, h, depth, ctype, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + plte
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


# ---------------------------------------------------------------------------- rewrite
def rewrite(t: AnnotationTable, edits, source) -> dict[str, bytes]:
    """The delivered label maps with only the values the map changes recoded: a class's
    value (id, or ``id * 1000 + instance`` in instance maps) or colour becomes its new
    class's, a dropped class's pixels become background (0 / black). Pixels of values the
    old spec does not know, instances, the palette, bit depth and alpha are kept; a file
    nothing changes in is copied byte for byte."""
    from guidec.diagnostics import GuidecError
    from guidec.labels import resolve_labels
    from guidec.readers import png as pngmod

    res = resolve_labels(t, edits.old)
    out: dict[str, bytes] = {}
    for fi, sf in enumerate(t.files):
        data = source(sf.path)
        lut: dict[int, int] = {}
        png = None
        for r in np.flatnonzero(t.src_file == fi).tolist():
            k = int(res.cls[r])
            if k < 0:
                continue
            oc = edits.old.classes[k]
            e = edits.rows.get(r)
            to = None if e is not None and e.drop else edits.dest.get(oc.name)
            nc = edits.new.by_name.get(to) if to else None
            if png is None:
                png = pngmod.decode(data)
            if png.pixels.ndim == 3:
                said = t.label[r] if isinstance(t.label[r], str) and t.label[r].startswith(
                    "#") else oc.color
                old_v = int(said[1:7], 16)
                new_v = int(nc.color[1:7], 16) if nc else 0
            else:
                inst = int(t.instance_id[r]) if t.instance_id is not None else -1
                old_v = inst if inst >= 0 else int(t.label_id[r])
                new_v = (nc.id * 1000 + inst % 1000 if inst >= 0 else nc.id) if nc else 0
            if new_v != old_v:
                lut[old_v] = new_v
        if not lut:
            out[sf.path] = data
            continue
        pix = png.pixels
        if pix.ndim == 3:
            rgb = pix[:, :, :3].astype(np.uint32)
            keys = (rgb[:, :, 0] << 16) | (rgb[:, :, 1] << 8) | rgb[:, :, 2]
        else:
            keys = pix.astype(np.uint32)
        new_keys = keys.copy()
        for a, b in lut.items():
            new_keys[keys == a] = b
        if pix.ndim == 3:
            recoded = pix.copy()
            for ch, shift in enumerate((16, 8, 0)):
                recoded[:, :, ch] = (new_keys >> shift) & 0xFF
            out[sf.path] = encode_png(recoded.astype(np.uint8))
            continue
        top = int(new_keys.max(initial=0))
        if png.palette is not None:
            if top >= len(png.palette):
                raise GuidecError(f"{sf.path}: value {top} is beyond the palette of "
                                  f"{len(png.palette)} colours; give --output-format or widen "
                                  "the palette")
            out[sf.path] = encode_png(new_keys.astype(np.uint8), png.palette)
        elif top > 255 or pix.dtype == np.uint16:
            out[sf.path] = encode_png(new_keys.astype(np.uint16))
        else:
            out[sf.path] = encode_png(new_keys.astype(np.uint8))
    return out
