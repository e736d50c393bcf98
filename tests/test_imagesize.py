import struct
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from guidec.imagesize import image_format, size_of_bytes, size_of_file
from tests.budget import examples
from tests.site_specs import png_bytes

IMG = Path(__file__).parent / "fixtures" / "site" / "playbook" / "img"


def test_png_from_ihdr():
    assert size_of_bytes(png_bytes(37, 21)) == (37, 21)
    assert size_of_file(str(IMG / "text.png")) == (448, 172)


def test_real_jpeg_from_sof_marker():
    # rocket.jpg (scikit-image, CC0) has APP segments before its SOF0 marker.
    assert size_of_file(str(IMG / "rocket.jpg")) == (640, 427)
    assert image_format((IMG / "rocket.jpg").read_bytes()) == "jpeg"


def test_jpeg_with_fill_bytes_and_progressive_sof2():
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00" + b"\x00" * 9
    sof2 = b"\xff\xff\xc2" + struct.pack(">HBHH", 11, 8, 300, 500) + b"\x03\x01\x22\x00"
    assert size_of_bytes(b"\xff\xd8" + app0 + sof2) == (500, 300)


def test_jpeg_skips_dht_marker_which_is_not_a_frame():
    dht = b"\xff\xc4" + struct.pack(">H", 6) + b"\x00" * 4
    sof0 = b"\xff\xc0" + struct.pack(">HBHH", 11, 8, 10, 20) + b"\x01\x01\x11"
    assert size_of_bytes(b"\xff\xd8\xff" + dht[1:] + sof0) == (20, 10)


def test_gif_webp_bmp_headers():
    assert size_of_bytes(b"GIF89a" + struct.pack("<HH", 33, 44) + b"\x00" * 8) == (33, 44)
    vp8x = b"RIFF\x00\x00\x00\x00WEBPVP8X" + b"\x00" * 8 + (99).to_bytes(3, "little") + \
        (49).to_bytes(3, "little")
    assert size_of_bytes(vp8x) == (100, 50)
    bmp = b"BM" + b"\x00" * 16 + struct.pack("<ii", 12, -7) + b"\x00" * 10
    assert size_of_bytes(bmp) == (12, 7)


def test_truncated_and_foreign_files_give_none(tmp_path):
    data = (IMG / "rocket.jpg").read_bytes()
    assert size_of_bytes(data[:200]) is None  # cut before the SOF marker
    assert size_of_bytes(png_bytes(5, 5)[:20]) is None  # cut inside IHDR
    assert size_of_bytes(b"<svg xmlns='http://www.w3.org/2000/svg'/>") is None
    assert size_of_bytes(b"") is None
    assert size_of_bytes(png_bytes(1, 1).replace(b"IHDR", b"IHDX")) is None
    assert size_of_file(str(tmp_path / "absent.png")) is None


def test_zero_sized_image_is_rejected():
    sof0 = b"\xff\xc0" + struct.pack(">HBHH", 11, 8, 0, 20) + b"\x01\x01\x11"
    assert size_of_bytes(b"\xff\xd8" + sof0) is None


@settings(max_examples=examples(300), deadline=None)
@given(st.binary(max_size=64), st.sampled_from([b"", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff",
                                               b"GIF89a", b"RIFF\x00\x00\x00\x00WEBP", b"BM"]))
def test_never_raises_on_arbitrary_bytes(tail, head):
    size = size_of_bytes(head + tail)
    assert size is None or (size[0] > 0 and size[1] > 0)


@settings(max_examples=examples(100), deadline=None)
@given(st.integers(min_value=0, max_value=2000))
def test_every_truncation_of_a_real_jpeg_is_safe(cut):
    data = (IMG / "rocket.jpg").read_bytes()
    assert size_of_bytes(data[:cut]) in (None, (640, 427))
