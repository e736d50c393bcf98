"""The label-map PNG decoder against Pillow: corpus images and generated PNGs of every colour
type and bit depth a label map uses (and a clear refusal for the ones it does not)."""

from __future__ import annotations

import io
import zlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from PIL import Image

from guidec.readers.png import PngError, decode

# Pillow mode (and palette bits) -> what our decoder returns for it
MODES = ["1", "L", "I;16", "RGB", "RGBA", "P1", "P2", "P4", "P8"]


def _encode(pixels: np.ndarray, mode: str, optimize: bool) -> bytes:
    buf = io.BytesIO()
    if mode.startswith("P"):
        img = Image.fromarray(pixels.astype(np.uint8)).convert("P")
        img.putpalette([v for i in range(256) for v in (i, 255 - i, (7 * i) % 256)])
        img.save(buf, "PNG", bits=int(mode[1:]), optimize=optimize)
    elif mode == "I;16":
        Image.fromarray(pixels.astype(np.uint16)).save(buf, "PNG")  # mode I;16
    elif mode == "1":
        Image.fromarray(pixels.astype(bool)).save(buf, "PNG")
    else:
        Image.fromarray(pixels.astype(np.uint8)).save(buf, "PNG", optimize=optimize)
    return buf.getvalue()


@st.composite
def images(draw):
    mode = draw(st.sampled_from(MODES))
    h, w = draw(st.integers(1, 33)), draw(st.integers(1, 33))
    top = {"1": 1, "I;16": 65535, "P1": 1, "P2": 3, "P4": 15}.get(mode, 255)
    shape = (h, w, {"RGB": 3, "RGBA": 4}.get(mode, 0)) if mode in ("RGB", "RGBA") else (h, w)
    pixels = draw(arrays(np.int64, shape, elements=st.integers(0, top)))
    return mode, pixels, draw(st.booleans())


@settings(deadline=None)
@given(images())
def test_decoder_agrees_with_pillow_on_every_label_map_kind(case):
    mode, pixels, optimize = case
    data = _encode(pixels, mode, optimize)
    ours = decode(data)
    theirs = Image.open(io.BytesIO(data))
    want = np.asarray(theirs)
    assert ours.pixels.shape == want.shape
    assert (ours.pixels.astype(np.int64) == want.astype(np.int64)).all()
    if theirs.mode == "P":
        pal = np.asarray(theirs.getpalette()[:3 * len(ours.palette)]).reshape(-1, 3)
        assert (ours.palette == pal).all()


@pytest.mark.parametrize("mode", ["LA", "I;16B-RGB", "interlaced"])
def test_kinds_that_are_not_label_maps_are_refused_with_the_reason(mode):
    buf = io.BytesIO()
    if mode == "LA":
        Image.new("LA", (4, 4)).save(buf, "PNG")
        why = r"grey\+alpha"
    elif mode == "interlaced":  # Adam7, written by hand (Pillow does not write it)
        buf.write(_png(1, 1, 8, 0, b"\x00\x07", interlace=1))
        why = "interlaced"
    else:  # 16-bit colour, written by hand (Pillow writes only 8-bit RGB)
        raw = b"".join(b"\x00" + b"\x01\x02" * 3 * 2 for _ in range(2))
        buf.write(_png(2, 2, 16, 2, raw))
        why = "16-bit colour"
    data = buf.getvalue()
    Image.open(io.BytesIO(data)).load()  # a valid PNG: Pillow reads it
    with pytest.raises(PngError, match=why):
        decode(data)


def _png(w, h, depth, ctype, raw, extra=b"", interlace=0):
    def chunk(kind, body):
        return (len(body).to_bytes(4, "big") + kind + body
                + (zlib.crc32(kind + body) & 0xFFFFFFFF).to_bytes(4, "big"))
    ihdr = w.to_bytes(4, "big") + h.to_bytes(4, "big") + bytes([depth, ctype, 0, 0, interlace])
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + extra
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def test_palette_chunk_not_a_multiple_of_three_is_a_clear_error():
    def chunk(kind, body):
        return (len(body).to_bytes(4, "big") + kind + body
                + (zlib.crc32(kind + body) & 0xFFFFFFFF).to_bytes(4, "big"))
    data = _png(1, 1, 8, 3, b"\x00\x00", extra=chunk(b"PLTE", b"\x01\x02\x03\x04"))
    with pytest.raises(PngError, match="PLTE chunk of 4 bytes"):
        decode(data)


def test_corpus_pngs_decode_as_pillow_does(corpus):
    pngs = sorted(corpus.rglob("*.png"))
    assert len(pngs) >= 10
    compared = 0
    for path in pngs:
        data = path.read_bytes()
        try:
            img = Image.open(io.BytesIO(data))
            img.load()
        except Exception:
            with pytest.raises(PngError):
                decode(data)
            continue
        if img.format != "PNG":  # a JPEG named .png (sahi's demo data): refused, not guessed
            with pytest.raises(PngError, match="not a PNG file"):
                decode(data)
            continue
        try:
            ours = decode(data)
        except PngError as exc:  # a kind that is not a label map: said so, never guessed
            assert img.mode in ("LA", "I;16B", "RGB", "RGBA", "I", "P", "L", "I;16") and (
                "grey+alpha" in str(exc) or "16-bit" in str(exc) or "interlaced" in str(exc)
                or "transparency" in str(exc)), (path, img.mode, exc)
            continue
        assert (ours.pixels.astype(np.int64) == np.asarray(img).astype(np.int64)).all(), path
        compared += 1
    assert compared >= 10
