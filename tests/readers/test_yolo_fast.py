"""The YOLO fast paths read exactly what the row-by-row reader reads, or step aside.

Three ways to read one delivery: the compiled scanner (readers/_yoloscan.c, on threads), the
numpy paths (``SCAN`` off), the row-by-row path (``FAST`` off). Every test reads the same
files all three ways and compares the table and the findings.
"""

from __future__ import annotations

import math
import os
import struct

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guidec import imagesize, inputs
from guidec.readers import read_delivery, yolo
from guidec.writers.mask import encode_png
from tests.budget import examples
from tests.readers.tables import assert_same_table

scanner = yolo._yoloscan
needs_scanner = pytest.mark.skipif(scanner is None and not os.environ.get("CI"),
                                   reason="the C scanner is not built in this install")

CLEAN = st.one_of(
    st.floats(0, 1, allow_nan=False).map(lambda v: f"{v:.6f}"),
    st.floats(-1e9, 1e9, allow_nan=False).map(repr),
    st.sampled_from(["0", "1", "0.5", ".5", "5.", "1e-3", "+0.2", "-0.1", "2", "0.25", "1.0",
                     "-0", "00.50", "1E+2", "1e-400", "0." + "3" * 40, "0.1234567890123456789",
                     "4.9e-324", "1e9", "1e22", "123456789012345e-22"]))
ODD = st.one_of(st.floats(-1e12, 1e12).map(repr), st.sampled_from([
    "1e999", "nan", "x", "1_0", "0x1", "12345678901", "1e", ".", "+", "inf", "-Infinity",
    "9" * 30, "1000000000.0000001", "٣", "0.5\u00a0"]))
CLASS = st.sampled_from(["0", "1", "2", "7", "25", "007", "123456789"])
ODD_CLASS = st.sampled_from(["1.0", "-1", "x", "+1", "1_0", "1234567890", "٣"])
SEP = st.sampled_from([" ", " ", " ", "\t", "  ", " \t"])


@st.composite
def label_file(draw) -> bytes:
    """A label file, regular (the scanner's) more often than not."""
    odd = draw(st.integers(0, 2)) == 0  # irregular tokens and separators allowed

    def pick(clean, other):
        return draw(other if odd and draw(st.integers(0, 5)) == 0 else clean)

    lines = []
    for _ in range(draw(st.integers(0, 8))):
        # 4: box, 8: oriented box, 4-point polygon or pose [2, 2], 10: pose [2, 3] or
        # [3, 2], 7: pose [1, 3], 12/16: polygons
        n = draw(st.sampled_from([4, 4, 4, 3, 5, 8, 8, 8, 10, 10, 7, 12, 16, 0, 6]))
        sep = draw(SEP)
        lead = draw(st.sampled_from(["", "", "", " ", "\t"]))
        lines.append(lead + sep.join([pick(CLASS, ODD_CLASS),
                                      *[pick(CLEAN, ODD) for _ in range(n)]]))
        if draw(st.integers(0, 12)) == 0:
            lines.append(pick(st.sampled_from(["", "   ", "\t"]),
                              st.sampled_from(["\x0b", "\x0c", "\u2028"])))
    sep = pick(st.sampled_from(["\n", "\n", "\r\n", " \n"]), st.sampled_from(["\r", "\x85"]))
    end = draw(st.sampled_from(["", sep]))
    data = (sep.join(lines) + end).encode()
    return pick(st.sampled_from([b"", b"", b"", b"\xef\xbb\xbf"]),
                st.sampled_from([b"\xff", b"\x00"])) + data


def _read(paths, fast: bool, scan: bool = True, jobs: int = 1):
    old = yolo.FAST, yolo.SCAN
    yolo.FAST, yolo.SCAN = fast, scan
    try:
        r = read_delivery([str(p) for p in paths], "yolo", jobs=jobs)
        return r.table, [(d.code, d.message, d.file, d.line) for d in r.diagnostics]
    finally:
        yolo.FAST, yolo.SCAN = old


def _same_all_ways(paths, jobs: int = 1):
    """The table and findings of the three paths (the scanner on ``jobs`` threads)."""
    fast_t, fast_d = _read(paths, True, scan=True, jobs=jobs)
    numpy_t, numpy_d = _read(paths, True, scan=False)
    slow_t, slow_d = _read(paths, False, scan=False)
    assert fast_d == numpy_d == slow_d
    assert_same_table(fast_t, slow_t)
    assert_same_table(numpy_t, slow_t)
    return fast_t, fast_d


@settings(max_examples=examples(300), deadline=None)
@given(files=st.lists(label_file(), min_size=1, max_size=4), names=st.booleans(),
       sized=st.sampled_from(["png", "png", "jpeg", "none", "bad"]),
       pose=st.sampled_from([None, None, "[2, 3]", "[2, 2]", "[3, 2]", "[1, 3]"]),
       jobs=st.sampled_from([1, 2, 3]))
def test_label_files_read_the_same_every_way(tmp_path_factory, files, names, sized, pose, jobs):
    root = tmp_path_factory.mktemp("yolo")
    (root / "labels").mkdir()
    (root / "images").mkdir()
    if names or pose:
        (root / "data.yaml").write_text("names: [car, bus, van]\n"
                                        + (f"kpt_shape: {pose}\n" if pose else ""))
    for i, data in enumerate(files):
        (root / "labels" / f"{i}.txt").write_bytes(data)
        if sized == "png":
            (root / "images" / f"{i}.png").write_bytes(encode_png(
                np.zeros((48, 64), dtype="uint8")))
        elif sized == "jpeg":
            (root / "images" / f"{i}.JPG").write_bytes(_jpeg(64 + i, 40))
        elif sized == "bad":
            (root / "images" / f"{i}.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    _same_all_ways([root], jobs=jobs)


def test_label_files_given_one_by_one_read_the_same(tmp_path):
    (tmp_path / "a.txt").write_text("0 0.5 0.5 0.1 0.2\n1 0.1 0.1 0.2 0.1 0.2 0.2 0.3 0.1\n")
    (tmp_path / "b.txt").write_bytes(b"0 0.5 0.5 0.1 nan\n")
    (tmp_path / "a.png").write_bytes(encode_png(np.zeros((10, 20), dtype="uint8")))
    table, found = _same_all_ways([tmp_path / "a.txt", tmp_path / "b.txt", tmp_path / "c.txt"])
    assert sorted((c, line) for c, _, _, line in found) == [("V001", None), ("V009", 1), ("V019", None)]
    assert len(table) == 2


def _jpeg(w: int, h: int, *apps: int) -> bytes:
    """A JPEG header: SOI, APP0 segments of ``apps`` bytes (100), SOF0 with the size."""
    return (b"\xff\xd8" + b"".join(b"\xff\xe0" + struct.pack(">H", app + 2) + b"\0" * app
                                  for app in apps or (100,))
            + b"\xff\xc0\x00\x11\x08" + struct.pack(">HH", h, w) + b"\x03" + b"\0" * 9
            + b"\xff\xd9")


def _corpus_yolo_datasets(corpus) -> list:
    return sorted(p.parent for p in corpus.rglob("data.yaml")
                  if "yolo" in str(p).lower() and (p.parent / "labels").is_dir())


def test_corpus_yolo_datasets_read_the_same_every_way(corpus):
    datasets = _corpus_yolo_datasets(corpus)
    assert datasets, "the corpus has YOLO datasets (datumaro's test assets)"
    rows = 0
    for d in datasets:
        table, _ = _same_all_ways([d], jobs=2)
        rows += len(table)
    assert rows > 0


@needs_scanner
@settings(max_examples=examples(300), deadline=None)
@given(tokens=st.lists(st.one_of(
    st.floats(-1e9, 1e9, allow_nan=False).map(repr),
    st.floats(-1e9, 1e9, allow_nan=False).map(lambda v: f"{v:.17e}"),
    st.floats(-1e9, 1e9, allow_nan=False).map(lambda v: f"{v:.{abs(hash(v)) % 25}f}"),
    st.floats(0, 1, allow_nan=False, allow_subnormal=True).map(lambda v: f"{v:.30g}"),
    st.from_regex(r"\A[-+]?(?:[0-9]{1,12}(?:\.[0-9]{0,25})?|\.[0-9]{1,25})(?:[eE][-+]?[0-9]{1,3})?\Z")),
    min_size=1, max_size=40))
def test_numbers_are_the_floats_python_reads(tmp_path_factory, tokens):
    path = tmp_path_factory.mktemp("n") / "l.txt"
    path.write_text("0 " + " ".join(tokens) + "\n")
    status, *_, values = scanner.scan([str(path)], 1 << 20, 1)
    want = [float(t) for t in tokens]
    if all(math.isfinite(v) and abs(v) <= 1e9 for v in want):
        assert status == b"\0"
        got = np.frombuffer(values, dtype=np.float64).tolist()
        assert [struct.pack("<d", v) for v in got] == [struct.pack("<d", v) for v in want]
    else:
        assert status == b"\2"  # the Python path reads it and reports the value


@needs_scanner
@settings(max_examples=examples(500), deadline=None)
@given(head=st.sampled_from([b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", b"\xff\xd8\xff", b"\xff\xd8",
                             b"GIF89a", b"GIF87a", b"RIFF\0\0\0\0WEBPVP8X", b"RIFF\0\0\0\0WEBPVP8 ",
                             b"RIFF\0\0\0\0WEBPVP8L", b"BM", b""]),
       body=st.binary(max_size=40), jpeg=st.booleans())
def test_header_sizes_are_those_of_imagesize(head, body, jpeg):
    data = head + (_jpeg(len(body) + 1, 7, len(body))[2:] if jpeg and head == b"\xff\xd8"
                   else body)
    got = scanner.header_size(data)
    assert got is None or got == imagesize.size_of_bytes(data[:4096])


@needs_scanner
def test_header_sizes_of_the_corpus_images_are_those_of_imagesize(corpus, tmp_path):
    paths = sorted(str(p) for p in corpus.rglob("*")
                   if p.suffix.lower() in yolo.IMAGE_EXT and p.is_file())[:3000]
    for name, apps in (("exif.jpg", (6000,)), ("huge-exif.jpg", (65000,)),
                       ("past.jpg", (40000, 40000))):
        paths.append(str(tmp_path / name))  # the frame header past the first 4096 bytes
        (tmp_path / name).write_bytes(_jpeg(30, 20, *apps))
    w, h, _, _ = scanner.sizes(paths, 2)
    w, h = np.frombuffer(w, np.int64).tolist(), np.frombuffer(h, np.int64).tolist()
    known = 0
    for p, x, y in zip(paths, w, h, strict=True):
        if x > 0:
            known += 1
            assert (x, y) == imagesize.size_of_file(p), p
    assert known >= 0.8 * len(paths)  # most corpus images are sized in C
    # within 64 KiB: read as size_of_file reads it; past it, size_of_file reads the file
    assert w[-3:] == [30, 30, -1] and imagesize.size_of_file(paths[-1]) == (30, 20)


@needs_scanner
def test_the_files_read_are_inputs(tmp_path):
    (tmp_path / "labels").mkdir()
    (tmp_path / "images").mkdir()
    (tmp_path / "labels" / "a.txt").write_text("0 0.5 0.5 0.1 0.2\n")
    (tmp_path / "images" / "a.png").write_bytes(encode_png(np.zeros((4, 4), dtype="uint8")))
    with inputs.scope():
        _read([tmp_path], True)
        for name in ("labels/a.txt", "images/a.png"):
            assert inputs.clash(str(tmp_path / name)) is not None, name


def test_a_box_file_takes_the_fast_path():
    assert yolo._BOX_FILE.fullmatch(b"0 0.5 0.5 0.1 0.2\n1 .5 5. 1e-3 +0.2\n")
    assert not yolo._BOX_FILE.fullmatch(b"0 0.5 0.5 0.1\n")
    assert not yolo._BOX_FILE.fullmatch(b"1.0 0.5 0.5 0.1 0.2\n")


def test_many_files_read_the_same_on_threads_in_batches(tmp_path, monkeypatch):
    rng = np.random.default_rng(3)
    (tmp_path / "labels").mkdir()
    (tmp_path / "images").mkdir()
    (tmp_path / "data.yaml").write_text("names: [a, b]\n")
    for i in range(300):
        rows = []
        for _ in range(rng.integers(0, 4)):
            n = rng.choice([4, 8, 12, 3])
            rows.append(" ".join([str(rng.integers(0, 3)), *map(str, rng.random(n).round(4))]))
        if i % 97 == 5:
            rows.append("1 nan 0.5 0.5 0.5")
        (tmp_path / "labels" / f"{i:03d}.txt").write_text("\n".join(rows))
        if i % 50:
            (tmp_path / "images" / f"{i:03d}.png").write_bytes(
                encode_png(np.zeros((3 + i % 7, 5), dtype="uint8")))
    for extra in ("x.png", "y.jpg"):  # images without labels: images with no objects
        (tmp_path / "images" / extra).write_bytes(encode_png(np.zeros((2, 2), dtype="uint8")))
    monkeypatch.setattr(yolo, "BATCH", 32)
    one = _read([tmp_path], True, jobs=1)
    three = _read([tmp_path], True, jobs=3)
    assert one[1] == three[1] and len(one[1]) >= 9
    assert len(one[0].images) == 302
    assert_same_table(one[0], three[0])
    _same_all_ways([tmp_path], jobs=2)


def test_files_the_scanner_does_not_read_are_reported_as_before(tmp_path):
    """Over the size limit, not a regular file: the Python reader's findings, every way."""
    (tmp_path / "labels").mkdir()
    (tmp_path / "labels" / "big.txt").write_text("0 0.5 0.5 0.1 0.2\n" * 40)
    (tmp_path / "labels" / "small.txt").write_text("0 0.5 0.5 0.1 0.2\n")
    os.mkfifo(tmp_path / "labels" / "pipe.txt")
    (tmp_path / "labels" / "dir.txt").mkdir()
    old = inputs._limit
    inputs.set_limit(100)
    try:
        _, found = _same_all_ways([tmp_path], jobs=2)
    finally:
        inputs.set_limit(old)
    assert sorted((c, os.path.basename(f)) for c, _, f, _ in found if c != "V019") == [
        ("V001", "big.txt"), ("V001", "pipe.txt")]


@pytest.mark.parametrize("kpt", ["[2, 2]", "[2, 3]", None])
def test_pose_and_oriented_rows_take_the_columns_too(tmp_path, kpt):
    (tmp_path / "labels").mkdir()
    (tmp_path / "images").mkdir()
    (tmp_path / "data.yaml").write_text("names: [a, b]\n" + (f"kpt_shape: {kpt}\n" if kpt else ""))
    rows = {"[2, 2]": "0 0.5 0.5 0.2 0.2 0 0.5 0 0\n1 0.5 0.5 0.2 0.2 0.3 0.4 0.5 0\n",
            "[2, 3]": "0 0.5 0.5 0.2 0.2 0 0.5 1 0.2 0.1 2\n",
            None: "0 0.1 0.1 0.4 0.2 0.3 0.5 0.05 0.4\n1 0.5 0.5 0.1 0.1\n"}[kpt]
    (tmp_path / "labels" / "a.txt").write_text(rows)
    (tmp_path / "images" / "a.png").write_bytes(encode_png(np.zeros((30, 50), dtype="uint8")))
    table, found = _same_all_ways([tmp_path])
    assert found == [] and len(table) == 2 - (kpt == "[2, 3]")
    if kpt == "[2, 2]":  # visibility 0 only where both coordinates are 0
        assert table.kp[:, 2].tolist() == [2.0, 0.0, 2.0, 2.0]
    if kpt is None:
        assert table.rotation[0] != 0 and table.shape.tolist() == [2, 1]


SPEC = """guidec: 1
project: {id: p, title: P, version: 1.0.0}
classes:
  - {id: 1, name: car, color: "#ff0000"}
  - {id: 2, name: bus, color: "#00ff00"}
"""


def test_the_report_is_that_of_one_thread(cli, write, tmp_path):
    """validate --jobs N: the same report, byte for byte, as --jobs 1 (threads, batches)."""
    spec = write("spec.yaml", SPEC)
    rng = np.random.default_rng(11)
    root = tmp_path / "delivery"
    (root / "labels").mkdir(parents=True)
    (root / "images").mkdir()
    (root / "data.yaml").write_text("names: [car, bus, tram]\n")  # tram: not in the spec
    for i in range(400):
        rows = [" ".join([str(rng.integers(0, 3)), *map(str, rng.random(4).round(3))])
                for _ in range(rng.integers(0, 5))]
        if i % 61 == 3:
            rows.append("0 0.5 nan 0.1 0.1")  # V009
        if i % 89 == 7:
            rows.append("1 0.5 0.5")  # V017
        (root / "labels" / f"{i:04d}.txt").write_text("\n".join(rows) + "\n")
        if i % 37:  # some images missing: V019
            (root / "images" / f"{i:04d}.png").write_bytes(
                encode_png(np.zeros((20 + i % 5, 30), dtype="uint8")))
    one = cli("validate", "--spec", spec, root, "--format", "json", "--jobs", "1")
    two = cli("validate", "--spec", spec, root, "--format", "json", "--jobs", "2")
    assert one.code == two.code == 1
    assert one.out == two.out and "V009" in one.out and "V017" in one.out and "V019" in one.out


@pytest.mark.parametrize("labels", [False, True])
def test_a_dataset_without_label_files_reads_the_same(tmp_path, labels):
    """Images only (and an empty labels/ folder): images with no objects, every way."""
    (tmp_path / "images").mkdir()
    if labels:
        (tmp_path / "labels").mkdir()
    (tmp_path / "data.yaml").write_text("names: [a]\n")
    (tmp_path / "images" / "a.png").write_bytes(encode_png(np.zeros((3, 4), dtype="uint8")))
    table, found = _same_all_ways([tmp_path], jobs=2)
    assert len(table.images) == 1 and len(table) == 0 and found == []


def test_images_given_elsewhere_read_the_same(tmp_path):
    """--images: the label files' images in another folder, every way."""
    (tmp_path / "d").mkdir()
    (tmp_path / "pics").mkdir()
    (tmp_path / "d" / "a.txt").write_text("0 0.5 0.5 0.1 0.2\n")
    (tmp_path / "d" / "b.txt").write_text("0 0.5 0.5 0.1 0.2 0.3 0.3\n")
    (tmp_path / "pics" / "a.PNG").write_bytes(encode_png(np.zeros((8, 6), dtype="uint8")))
    (tmp_path / "pics" / "a.jpeg").write_bytes(_jpeg(10, 20))  # .jpeg comes before .PNG
    got = {}
    for way in ((True, True), (True, False), (False, False)):
        old = yolo.FAST, yolo.SCAN
        yolo.FAST, yolo.SCAN = way
        try:
            r = read_delivery([str(tmp_path / "d" / "a.txt"), str(tmp_path / "d" / "b.txt")],
                              "yolo", image_root=str(tmp_path / "pics"), jobs=2)
        finally:
            yolo.FAST, yolo.SCAN = old
        got[way] = r
        assert r.table.images.width.tolist()[0] == 10.0
    first = got[(True, True)]
    for r in got.values():
        assert_same_table(r.table, first.table)
        assert r.diagnostics == first.diagnostics


def _os_walk(root: str) -> list:
    """What yolo._walk stands for: os.walk, folders sorted, each folder's other entries
    sorted, and which of them are files (links to files included)."""
    out = []
    for r, dirs, files in os.walk(root):
        dirs.sort()
        out.append((r, sorted(files),
                    frozenset(f for f in files if os.path.isfile(os.path.join(r, f)))))
    return out


@settings(max_examples=examples(60), deadline=None)
@given(tree=st.lists(st.tuples(
    st.sampled_from(["", "a", "a/b", "labels", "labels/x", "images", "b", "a/c"]),
    st.sampled_from(["f.txt", "g.png", "classes.txt", "h", ".txt", "z.TXT"]),
    st.sampled_from(["file", "file", "dirlink", "filelink", "broken", "fifo"])),
    max_size=14))
def test_the_folder_walk_is_that_of_os_walk(tmp_path_factory, tree):
    """One listing of each folder a run (yolo._walk) finds what os.walk finds: the same
    folders in the same order (links to folders listed, not entered), the same names, and
    which are files, with links, broken links and FIFOs among them."""
    root = tmp_path_factory.mktemp("walk")
    (root / "a").mkdir()
    for folder, name, kind in tree:
        d = root / folder
        d.mkdir(parents=True, exist_ok=True)
        p = d / name
        if p.exists() or p.is_symlink():
            continue
        if kind == "file":
            p.write_text("0 0.5 0.5 0.1 0.1\n")
        elif kind == "dirlink":
            p.symlink_to(root / "a", target_is_directory=True)
        elif kind == "filelink":
            target = root / "target.bin"
            target.write_bytes(b"x")
            p.symlink_to(target)
        elif kind == "broken":
            p.symlink_to(root / "nowhere")
        else:
            os.mkfifo(p)
    for scan in (True, False):  # the compiled listing and os.scandir's
        if scan and scanner is None and not os.environ.get("CI"):
            continue
        saved, yolo.SCAN = yolo.SCAN, scan
        try:
            assert yolo._walk(str(root)) == _os_walk(str(root)), scan
            assert yolo._walk(str(root / "missing")) == []
        finally:
            yolo.SCAN = saved


@needs_scanner
def test_the_compiled_listing_keeps_names_os_walk_keeps(tmp_path):
    """Names that are not UTF-8 come back as os.fsdecode gives them; a folder that cannot be
    listed is no folder (None), as for os.walk."""
    odd = os.fsdecode(b"caf\xe9.txt")
    (tmp_path / odd).write_text("0 0.5 0.5 0.1 0.1\n")
    (tmp_path / "sub").mkdir()
    files, dirs, other = scanner.entries(str(tmp_path))
    assert sorted(files) == sorted(["caf\udce9.txt"]) and dirs == ["sub"] and other == []
    assert yolo._walk(str(tmp_path)) == _os_walk(str(tmp_path))
    assert scanner.entries(str(tmp_path / "missing")) is None
    assert scanner.entries(str(tmp_path / odd)) is None  # a file, not a folder


@settings(max_examples=examples(300), deadline=None)
@given(st.text(st.sampled_from(".tx-a"), max_size=8).map(lambda s: s + ".txt")
       | st.text(st.sampled_from(".tx-a"), max_size=8))
def test_a_label_file_stem_is_that_of_splitext(name):
    assert yolo._stem(name) == os.path.splitext(name)[0]


@needs_scanner
def test_a_scanner_error_on_its_thread_reaches_the_reader(tmp_path, monkeypatch):
    """The files are read on a thread of their own while the images are looked up: an error
    there is raised to the command as it would be without the thread, and nothing hangs."""
    (tmp_path / "labels").mkdir()
    for i in range(40):
        (tmp_path / "labels" / f"{i}.txt").write_text("0 0.5 0.5 0.1 0.2\n")
    monkeypatch.setattr(yolo, "BATCH", 8)
    calls = []

    def scan(batch, limit, threads):
        calls.append(len(batch))
        if len(calls) == 2:
            raise MemoryError("no memory for the columns")
        return scanner.scan(batch, limit, threads)

    monkeypatch.setattr(yolo._yoloscan, "scan", scan)
    with pytest.raises(MemoryError, match="no memory for the columns"):
        _read([tmp_path], True, jobs=2)
    assert calls[:2] == [8, 8]


@settings(max_examples=examples(200), deadline=None)
@given(st.lists(st.tuples(st.integers(0, 12), st.booleans()), max_size=30),
       st.sampled_from([1, 2, 3, 5, 64]), st.integers(0, 3))
def test_vertices_compacted_and_scaled_in_place(rows, block, skip):
    """_compact and _scale (block by block, in the values' own memory) give the vertices the
    whole-array expressions give: values[poly rows] and x, y times each ring's image size."""
    old = yolo.BLOCK
    yolo.BLOCK = block
    try:
        counts = np.array([2 * k + 1 for k, _ in rows], dtype=np.int64)  # values a row + 1
        poly = np.array([p for _, p in rows], dtype=bool)
        values = np.arange(skip + int((counts - 1).sum()), dtype=np.float64) * 1.5 + 0.25
        lo = skip  # the rows' span starts after other rows' values
        keep = np.repeat(poly, counts - 1)
        want = values[lo:][keep].reshape(-1, 2).copy()
        before = values[:lo].copy()
        ring_lens = (counts[poly] - 1) // 2
        sx = np.linspace(1, 3, len(ring_lens)) if len(ring_lens) else np.zeros(0)
        sy = sx * 7
        want[:, 0] *= np.repeat(sx, ring_lens)
        want[:, 1] *= np.repeat(sy, ring_lens)
        nv = yolo._compact(values, lo, len(values), keep)
        got = values[lo:lo + nv].reshape(-1, 2)
        yolo._scale(got, ring_lens, sx, sy)
    finally:
        yolo.BLOCK = old
    assert got.tolist() == want.tolist()
    assert values[:lo].tolist() == before.tolist()  # nothing before the span is touched


@pytest.mark.parametrize("scan", [True, False], ids=["compiled", "scandir"])
def test_a_folder_that_cannot_be_listed_is_a_finding(tmp_path, monkeypatch, scan):
    """Its label files were not read: V001 on the folder, never a delivery that passes."""
    if scan and scanner is None and not os.environ.get("CI"):
        pytest.skip("the C scanner is not built in this install")
    for sub in ("labels/a", "labels/b"):
        (tmp_path / sub).mkdir(parents=True)
        (tmp_path / sub / "x.txt").write_text("0 0.5 0.5 0.1 0.2\n")
    blocked = str(tmp_path / "labels" / "b")
    if scan:
        real = scanner.entries
        monkeypatch.setattr(yolo._yoloscan, "entries",
                            lambda top: None if top == blocked else real(top))
    else:
        real = yolo._entries
        monkeypatch.setattr(yolo, "_entries", lambda top: None if top == blocked else real(top))
    table, found = _read([tmp_path], True, scan=scan)
    assert ("V001", "cannot list this folder: the files in it were not read", blocked,
            None) in found
    assert [f.path for f in table.files] == [str(tmp_path / "labels" / "a" / "x.txt")]
