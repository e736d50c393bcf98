"""The YOLO box-file path reads exactly what the row-by-row reader reads, or steps aside."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from guidec.readers import read_delivery, yolo
from guidec.writers.mask import encode_png
from tests.budget import examples
from tests.readers.tables import assert_same_table

TOKEN = st.one_of(
    st.floats(0, 1, allow_nan=False).map(lambda v: f"{v:.6f}"),
    st.sampled_from(["0", "1", "0.5", ".5", "5.", "1e-3", "+0.2", "-0.1", "1e999", "nan",
                     "x", "1_0", "0x1", "2", "12345678901", "0.25", "1.0"]))
CLASS = st.sampled_from(["0", "1", "2", "7", "25", "1.0", "-1", "007", "x"])


@st.composite
def label_file(draw) -> bytes:
    lines = []
    for _ in range(draw(st.integers(0, 8))):
        n = draw(st.sampled_from([4, 4, 4, 3, 5, 8, 10, 12, 16]))
        lines.append(" ".join([draw(CLASS), *[draw(TOKEN) for _ in range(n)]]))
        if draw(st.integers(0, 15)) == 0:
            lines.append(draw(st.sampled_from(["", "   ", "\t"])))
    sep = draw(st.sampled_from(["\n", "\r\n", " \n"]))
    end = draw(st.sampled_from(["", sep]))
    return (sep.join(lines) + end).encode()


def _read(folder, fast: bool):
    old = yolo.FAST
    yolo.FAST = fast
    try:
        r = read_delivery([str(folder)], "yolo")
        return r.table, [(d.code, d.message, d.line) for d in r.diagnostics]
    finally:
        yolo.FAST = old


@settings(max_examples=examples(200), deadline=None)
@given(files=st.lists(label_file(), min_size=1, max_size=3), names=st.booleans(),
       sized=st.booleans(), pose=st.booleans())
def test_label_files_read_the_same_both_ways(tmp_path_factory, files, names, sized, pose):
    root = tmp_path_factory.mktemp("yolo")
    (root / "labels").mkdir()
    (root / "images").mkdir()
    if names or pose:
        (root / "data.yaml").write_text("names: [car, bus, van]\n"
                                        + ("kpt_shape: [2, 3]\n" if pose else ""))
    for i, data in enumerate(files):
        (root / "labels" / f"{i}.txt").write_bytes(data)
        if sized:
            (root / "images" / f"{i}.png").write_bytes(encode_png(
                __import__("numpy").zeros((48, 64), dtype="uint8")))
    fast_t, fast_d = _read(root, True)
    slow_t, slow_d = _read(root, False)
    assert fast_d == slow_d
    assert_same_table(fast_t, slow_t)


def test_a_box_file_takes_the_fast_path():
    assert yolo._BOX_FILE.fullmatch(b"0 0.5 0.5 0.1 0.2\n1 .5 5. 1e-3 +0.2\n")
    assert not yolo._BOX_FILE.fullmatch(b"0 0.5 0.5 0.1\n")
    assert not yolo._BOX_FILE.fullmatch(b"1.0 0.5 0.5 0.1 0.2\n")
