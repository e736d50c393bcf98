"""The VOC fast paths read exactly what the general reader reads, or step aside.

Three ways to read a Pascal VOC file: the compiled scanner (readers/_vocscan.c, files read on
threads into columns), the Python fast path (regular expressions after an expat pass) and the
general reader (an element tree). Every VOC file of the corpus and every generated document
(regular ones and ones with each irregularity the fast paths must refuse) is read all three
ways: the same table, the same findings. Deliveries of many files are read with the scanner
on 1 and several threads, with the files of a folder walk claimed by the scanner (no second
read to sniff them) or given one by one: the same table and findings as without it.
"""

from __future__ import annotations

import os
import shutil

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guidec import inputs
from guidec.readers import ReadContext, _claim, detect_format, read_delivery, voc
from guidec.readers._common import in_file_order
from guidec.table import Shape, TableBuilder
from tests import conftest
from tests.budget import examples
from tests.readers.tables import assert_same_table

CORPUS = str(conftest.CORPUS)  # one lookup of ../shared/corpus for every test
scanner = voc._vocscan
needs_scanner = pytest.mark.skipif(scanner is None and not os.environ.get("CI"),
                                   reason="the C scanner is not built in this install")
MODES = ("scan", "fast", "general")


def test_scanner_is_built_in_ci():
    if os.environ.get("CI"):
        assert scanner is not None, "CI installs with GUIDEC_REQUIRE_EXTENSION=1"
    elif scanner is None:
        pytest.skip("the C scanner is not built in this install")


def _findings(diagnostics) -> list[tuple]:
    return [(d.code, d.message, d.file, d.line, d.col) for d in diagnostics]


class _Mode:
    """voc.FAST / voc.SCAN set for one way of reading, restored after."""

    def __init__(self, mode: str) -> None:
        self.fast, self.scan = {"scan": (True, True), "fast": (True, False),
                                "general": (False, False)}[mode]

    def __enter__(self):
        self.old = voc.FAST, voc.SCAN
        voc.FAST, voc.SCAN = self.fast, self.scan

    def __exit__(self, *exc):
        voc.FAST, voc.SCAN = self.old


def _read(path: str, mode: str, jobs: int = 1):
    with _Mode(mode):
        ctx = ReadContext(jobs=jobs)
        table = voc.read([path], ctx)
        return table, _findings(ctx.diagnostics)


def _scanned(path: str) -> bool:
    """Whether the compiled scanner takes the file."""
    c = scanner.scan([path], 1, inputs.max_bytes(), 65536)
    return c["status"] == b"\0"


def _all_ways(path: str) -> tuple[bool, bool]:
    """Read every way; assert they agree; whether the scanner and the fast path took it."""
    tables = {}
    for mode in MODES if scanner is not None else MODES[1:]:
        tables[mode] = _read(path, mode)
    general_t, general_d = tables.pop("general")
    for table, found in tables.values():
        assert found == general_d
        assert_same_table(table, general_t)
    with open(path, "rb") as fh:
        fast = voc._fast(fh.read()) is not None
    return (scanner is not None and _scanned(path)), fast


def _corpus_voc() -> list[str]:
    out = []
    for root, _dirs, files in os.walk(CORPUS):
        for f in files:
            if f.endswith(".xml"):
                p = os.path.join(root, f)
                with open(p, "rb") as fh:
                    if voc._ROOT.search(fh.read(4096)):
                        out.append(p)
    return sorted(out)


def test_every_corpus_voc_file_reads_the_same_every_way(corpus):
    files = _corpus_voc()
    assert files, f"no Pascal VOC file in {corpus}"
    taken = [_all_ways(p) for p in files]
    assert sum(f for _, f in taken) >= 3, f"the fast path took only {taken} of {len(files)}"
    if scanner is not None:
        assert sum(s for s, _ in taken) >= 3, f"the scanner took only {taken}"


# (regular values, irregular ones): a document draws from the second now and then
FLAG = (["0", "1", "Unspecified", "Frontal", "", " 1 ", "2", "a\tb", "\r\n1\r\n", "x>y"],
        ["x\r\ny", "]]>", "a]]b", "&amp;", "a\rb"])
COORD = (["1", "7", "12", "640", "007", "12.0", " 7 ", "\n\t9\n", "1000000000"],
         ["0", "12.5", "1e3", "nan", "x", "", "10000000000", "+4", "12.00", "0.0",
          "1000000001", "99999999999999999999", "1_0", "-0", "-3", "inf", "3.", ".0"])
NAME = (["car", "bus", " van ", "a b", "a\tb", "a\nb", "1", "0", "x>y"],
        ["", "Ä", "a\r\nb", "x&amp;y", "<![CDATA[car]]>", "car<!-- c -->", "car]]>"])
EXTRA = ([""],
         ["<part><name>hand</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>3</xmax>"
          "<ymax>3</ymax></bndbox></part>", "<attributes><attribute><name>color</name><value>"
          "red</value></attribute></attributes>", '<extra a="1"/>', "<note>&amp;</note>",
          "<name>dup</name>", "<![CDATA[x]]>", "<!-- a comment -->", "<pose>again</pose>",
          "<bndbox><xmin>1</xmin><ymin>1</ymin><xmax>2</xmax><ymax>2</ymax></bndbox>",
          "<actions><jumping>1</jumping></actions>", "junk text", "<?pi x?>", "<object/>"])
HEADER = (["", "<folder>VOC2007</folder>", "<folder/>", "<path>/a/b.jpg</path>",
           "<source><database>db</database><annotation>PASCAL</annotation><image>flickr"
           "</image></source>", "<owner><flickrid>x</flickrid><name>y</name></owner>",
           "<database/><annotation/><image/>", "<segmented>0</segmented>", "<segmented/>",
           "<source/>", "<folder>a]b>c</folder>", "<folder>\ta\r\nb</folder>"],
          ["<source><size><width>5</width><height>4</height></size></source>",
           "<depth>3</depth>", "<unknown>1</unknown>", "<filename>again.jpg</filename>",
           "<size><width>1</width><height>1</height></size>", "<!DOCTYPE annotation>",
           "<folder>a &lt; b</folder>", "<folder>a]]>b</folder>", "<folder>a\rb</folder>",
           "<source>text<database>db</database></source>"])
DECL = (["", '<?xml version="1.0"?>', '<?xml version="1.0" encoding="utf-8"?>',
         '<?xml version="1.1" encoding="UTF-8"?>'],
        ['<?xml version="1.0" encoding="latin-1"?>', "<!-- made by a tool -->",
         ' <?xml version="1.0"?>', "<?xml version='1.0'?>",
         '<?xml version="1.0" standalone="yes"?>', "\ufeff"])
FILENAME = (["a.jpg", "", " b c.png ", "  "], ["é.jpg", "x&amp;.jpg", "a\nb.jpg", "a\r\nb.jpg"])
SIZE = (["full", "none", "whole"], ["no-height", "float", "nan", "twice", "huge", "empty"])
NL = (["\n", "\n  ", "", "\r\n", "\t"], ["\r"])
END = (["\n", "", " \n\n"], ["\n<x/>", "x"])


@st.composite
def voc_doc(draw) -> bytes:
    """A VOC file: regular, or with irregularities the fast paths must leave to the general
    reader (or read as it does) here and there."""
    odds = draw(st.sampled_from([0, 0, 3, 8, 20]))  # chance in 100 of an irregular value

    def pick(choices) -> str:
        regular, irregular = choices
        return draw(st.sampled_from(irregular if odds and draw(st.integers(1, 100)) <= odds
                                    else regular))

    nl = pick(NL)
    parts = []
    decl = pick(DECL)
    parts.append(decl + draw(st.sampled_from(["\n", "", "  \n"])) if decl else "")
    parts.append(f"<annotation>{nl}")
    for _ in range(draw(st.integers(0, 2))):
        parts.append(pick(HEADER) + nl)
    if draw(st.booleans()):
        fn = pick(FILENAME)
        parts.append(f"<filename>{fn}</filename>{nl}" if fn != "  " else f"<filename/>{nl}")
    size = pick(SIZE)
    if size != "none":
        w = {"float": "640.5", "nan": "nan", "whole": "640.0", "huge": "20000000000",
             "empty": ""}.get(size, "640")
        h = "" if size == "no-height" else "<height>480</height>"
        if size == "twice":
            h += "<width>7</width>"
        parts.append(f"<size>{nl}<width>{w}</width>{h}<depth>3</depth></size>{nl}")
    for _ in range(draw(st.integers(0, 5))):
        obj = [f"<object>{nl}"]
        children = []
        if not odds or draw(st.integers(0, 30)):
            name = pick(NAME)
            children.append(f"<name>{name}</name>" if name or draw(st.booleans())
                            else "<name/>")
        for flag in ("pose", "truncated", "difficult", "occluded"):
            if draw(st.booleans()):
                v = pick(FLAG)
                children.append(f"<{flag}>{v}</{flag}>" if v or draw(st.booleans())
                                else f"<{flag}/>")
        if not odds or draw(st.integers(0, 30)):
            coords = [pick(COORD) for _ in range(4)]
            box = [f"<{t}>{v}</{t}>" for t, v in zip(("xmin", "ymin", "xmax", "ymax"), coords,
                                                     strict=True)]
            box = draw(st.permutations(box)) if draw(st.integers(0, 3)) == 0 else box
            children.append("<bndbox>" + nl.join(box) + "</bndbox>")
        children = draw(st.permutations(children)) if draw(st.integers(0, 3)) == 0 \
            else children
        obj.append(nl.join(children) + nl)
        obj.append(pick(EXTRA))
        obj.append(f"</object>{nl}")
        parts.append("".join(obj))
    parts.append("</annotation>" + pick(END))
    data = "".join(parts).encode("utf-8")
    if odds and draw(st.integers(0, 19)) == 0:  # damaged
        data = data[:draw(st.integers(0, len(data)))]
    return data


@settings(max_examples=examples(600), deadline=None)
@given(doc=voc_doc())
def test_generated_files_read_the_same_every_way(tmp_path_factory, doc):
    path = tmp_path_factory.mktemp("voc") / "a.xml"
    path.write_bytes(doc)
    _all_ways(str(path))


def test_the_fast_paths_take_regular_files(tmp_path):
    path = tmp_path / "a.xml"
    path.write_bytes(b'<?xml version="1.0"?>\n<annotation>\n  <filename>a.jpg</filename>\n'
                     b"  <size><width>640</width><height>480</height></size>\n"
                     b"  <object>\n    <name>car</name>\n    <difficult>0</difficult>\n"
                     b"    <bndbox><xmin>5</xmin><ymin>6</ymin><xmax>50</xmax><ymax>60</ymax>"
                     b"</bndbox>\n  </object>\n</annotation>\n")
    scanned, fast = _all_ways(str(path))
    assert fast and (scanned or scanner is None)
    table, found = _read(str(path), "scan")
    assert found == [] and table.label.tolist() == ["car"]
    assert table.bbox[0].tolist() == [4, 5, 46, 55]
    assert (table.src_line[0], table.src_index[0]) == (5, 3)
    assert table.attributes["difficult"].tolist() == [0]
    assert table.images.file_name.tolist() == ["a.jpg"]


@pytest.mark.parametrize("doc", [
    b"<annotation><source><size><width>5</width><height>4</height></size></source>"
    b"</annotation>",  # a size where the general reader does not look
    b"<annotation><source><filename>x.jpg</filename></source></annotation>",
    b"<annotation><size/><object><name>c</name><bndbox><xmin>1</xmin><ymin>1</ymin>"
    b"<xmax>2</xmax><ymax>2</ymax></bndbox></object></annotation>",  # a size without width
    b"<annotation><size></size><size><width>5</width><height>4</height></size></annotation>",
    b"<annotation><size><width>5</width><height>4</height></size><width>6</width>"
    b"</annotation>",
    b"<annotation>\r<object>\r<name>car</name>\r<bndbox><xmin>1</xmin><ymin>1</ymin>"
    b"<xmax>2</xmax><ymax>2</ymax></bndbox></object></annotation>",  # old Mac line ends
    b"<annotation>\r\n<object><name>a\r\nb</name><bndbox><xmin>1</xmin><ymin>1</ymin>"
    b"<xmax>2</xmax><ymax>2</ymax></bndbox></object></annotation>",  # CR LF in a name
    b"<annotation><filename>a\r\nb.jpg</filename></annotation>",
])
def test_documents_that_look_regular_to_a_regular_expression(tmp_path, doc):
    path = tmp_path / "a.xml"
    path.write_bytes(doc)
    _all_ways(str(path))


@needs_scanner
@pytest.mark.parametrize("doc", [
    b"<annotation><object><name>c</name><bndbox><xmin>0</xmin><ymin>1</ymin><xmax>2</xmax>"
    b"<ymax>2</ymax></bndbox></object></annotation>",  # 0-based: V046 from the Python reader
    b"<annotation><object><name>c</name><bndbox><xmin>1.5</xmin><ymin>1</ymin><xmax>2</xmax>"
    b"<ymax>2</ymax></bndbox></object></annotation>",  # a float: V020
    b"<annotation><object><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>2</xmax>"
    b"<ymax>2</ymax></bndbox></object></annotation>",  # no name: V007
    b"<annotation><object><name>c</name></object>",  # truncated: V002
    b"<annotation><size><width>640</width></size></annotation>",  # no height: V007
    b"<annotation><filename>a&amp;b.jpg</filename></annotation>",  # an entity
    b"<annotation><folder>a]]>b</folder></annotation>",  # not well-formed XML
    b"<annotation><folder>a\rb</folder></annotation>",  # a lone CR: a line break to XML
    b"\xef\xbb\xbf<annotation/>",  # a byte-order mark
])
def test_the_scanner_leaves_irregular_files_to_the_python_reader(tmp_path, doc):
    path = tmp_path / "a.xml"
    path.write_bytes(doc)
    assert not _scanned(str(path))
    _all_ways(str(path))


# ------------------------------------------------------------------ the scanner's files are VOC
TEXT = st.text(st.sampled_from([chr(c) for c in range(32, 127) if chr(c) not in "<&"]
                               + ["\t", "\n"]), max_size=40)


@st.composite
def regular_doc(draw) -> bytes:
    """A file of the scanner's shape with any text where VOC has text (JSON-looking names,
    CVAT's root name, ...), sometimes after a long run of whitespace."""
    leaves = "".join(f"<{t}>{draw(TEXT)}</{t}>" for t in draw(st.lists(st.sampled_from(
        ["folder", "path", "segmented", "database", "annotation", "image", "flickrid"]),
        max_size=4)))
    objects = "".join(
        f"<object><name>{draw(TEXT.filter(lambda s: s.strip()))}</name>"
        f"<pose>{draw(TEXT)}</pose><bndbox><xmin>{draw(st.integers(1, 10**9))}</xmin>"
        f"<ymin>1</ymin><xmax>2</xmax><ymax>{draw(st.integers(0, 10**9))}</ymax></bndbox>"
        "</object>" for _ in range(draw(st.integers(0, 3))))
    pad = " " * draw(st.sampled_from([0, 1, 65536 - 12, 65536 - 11, 70000]))
    decl = draw(st.sampled_from(["", '<?xml version="1.0"?>']))
    return (f"{decl}{pad}<annotation>{leaves}<filename>{draw(TEXT)}</filename>{objects}"
            f"</annotation>\n").encode()


@needs_scanner
@settings(max_examples=examples(300), deadline=None)
@given(doc=st.one_of(regular_doc(), voc_doc()))
def test_every_file_the_scanner_takes_is_one_detection_calls_voc(tmp_path_factory, doc):
    """A file the scanner claims in a folder walk is not sniffed: it must be one that
    detect_format (coco, coco_results, label_studio, cvat, voc, ... in that order) calls voc."""
    path = str(tmp_path_factory.mktemp("voc") / "a.xml")
    with open(path, "wb") as fh:
        fh.write(doc)
    if _scanned(path):
        assert detect_format(path) == "voc"


@needs_scanner
def test_the_scanner_takes_only_what_detection_can_see(tmp_path):
    """The root must start within the head that detection reads."""
    for pad, taken in ((65536 - 12, True), (65536 - 11, False)):
        path = tmp_path / f"{pad}.xml"
        path.write_bytes(b" " * pad + b"<annotation></annotation>")
        assert _scanned(str(path)) is taken
        _all_ways(str(path))


# ------------------------------------------------------------------ deliveries of many files
OTHER = {  # files of other formats (or of none) beside the VOC files of a folder
    "cvat.xml": b'<?xml version="1.0"?><annotations><version>1.1</version><image id="0" '
                b'name="x.jpg" width="4" height="4"><box label="car" xtl="0" ytl="0" xbr="2" '
                b'ybr="2" occluded="0"/></image></annotations>',
    "coco.json": b'{"images": [{"id": 1, "file_name": "y.jpg", "width": 4, "height": 4}], '
                 b'"annotations": [], "categories": [{"id": 1, "name": "car"}]}',
    "notes.xml": b"<notes>nothing to read</notes>",
    "README.txt": b"hello",
}


def _read_folder(folder: str, mode: str, jobs: int, input_format: str | None = None):
    with _Mode(mode):
        r = read_delivery([folder], input_format, jobs=jobs)
    return r.table, _findings(r.diagnostics), r.formats


@needs_scanner
@settings(max_examples=examples(40), deadline=None)
@given(docs=st.lists(st.one_of(voc_doc(), regular_doc()), min_size=1, max_size=14),
       others=st.lists(st.sampled_from(sorted(OTHER)), unique=True, max_size=3),
       batch=st.integers(1, 5), jobs=st.integers(2, 4))
def test_a_folder_reads_the_same_on_any_threads_with_or_without_the_scanner(
        tmp_path_factory, docs, others, batch, jobs):
    folder = tmp_path_factory.mktemp("delivery")
    os.makedirs(folder / "sub")
    for i, doc in enumerate(docs):  # some in a subfolder: the walk's order is kept
        (folder / ("sub" if i % 3 == 2 else "") / f"{i:02d}.xml").write_bytes(doc)
    for name in others:
        (folder / name).write_bytes(OTHER[name])
    old, voc.BATCH = voc.BATCH, batch
    try:
        general_t, general_d, general_f = _read_folder(str(folder), "general", 1)
        for mode, j in (("scan", 1), ("scan", jobs), ("fast", 1)):
            t, d, f = _read_folder(str(folder), mode, j)
            assert d == general_d
            assert f == general_f
            assert_same_table(t, general_t)
        # --input-format voc: no walk, no claim; the reader walks the folder itself
        general_t, general_d, _ = _read_folder(str(folder), "general", 1, "voc")
        t, d, _ = _read_folder(str(folder), "scan", jobs, "voc")
        assert d == general_d
        assert_same_table(t, general_t)
    finally:
        voc.BATCH = old


@needs_scanner
def test_a_walk_reads_the_regular_files_once(tmp_path, monkeypatch):
    """The scanner claims the regular files of a folder walk: they are not sniffed, and the
    reader takes what was scanned; the irregular ones are sniffed and read by Python."""
    regular = (b"<annotation><object><name>car</name><bndbox><xmin>1</xmin><ymin>1</ymin>"
               b"<xmax>2</xmax><ymax>2</ymax></bndbox></object></annotation>")
    for i in range(5):
        (tmp_path / f"{i}.xml").write_bytes(regular if i != 3 else regular.replace(
            b"<xmin>1<", b"<xmin>1.5<"))
    heads, scans = [], []
    real_head, real_scan = inputs.read_head, scanner.scan
    monkeypatch.setattr(inputs, "read_head", lambda p, n: heads.append(p) or real_head(p, n))
    monkeypatch.setattr(scanner, "scan", lambda paths, *a: scans.extend(paths) or
                        real_scan(paths, *a))
    with inputs.scope():
        r = read_delivery([str(tmp_path)], jobs=2)
        for i in (0, 1, 2, 4):  # a scanned file is an input: no output is written over it
            assert inputs.clash(str(tmp_path / f"{i}.xml")) == str(tmp_path / f"{i}.xml")
    assert heads == [str(tmp_path / "3.xml")]
    assert sorted(scans) == [str(tmp_path / f"{i}.xml") for i in range(5)]  # once each
    assert [c for c, *_ in _findings(r.diagnostics)] == ["V020"]
    assert r.table.src_file.tolist() == [0, 1, 2, 3, 4]
    assert [f.path for f in r.table.files] == [str(tmp_path / f"{i}.xml") for i in range(5)]


@needs_scanner
@pytest.mark.parametrize("irregular", [False, True])
@pytest.mark.parametrize("order", ["file first", "folder first", "twice"])
def test_files_and_folders_given_together_read_in_the_order_given(tmp_path, order, irregular):
    """A file given on its own is scanned by the reader, the folder's files by the walk's
    claim; the table keeps the order of the arguments, as the Python reader's does."""
    regular = (b"<annotation><object><name>%s</name><bndbox><xmin>1</xmin><ymin>1</ymin>"
               b"<xmax>2</xmax><ymax>2</ymax></bndbox></object></annotation>")
    folder = tmp_path / "d"
    folder.mkdir()
    for i in range(4):
        (folder / f"{i}.xml").write_bytes(regular % str(i).encode() if i != 2 or not irregular
                                         else regular.replace(b"<xmin>1<", b"<xmin>0<") % b"2")
    (tmp_path / "one.xml").write_bytes(regular % b"one")
    args = {"file first": [tmp_path / "one.xml", folder],
            "folder first": [folder, tmp_path / "one.xml"],
            "twice": [folder, folder / "1.xml"]}[order]
    args = [str(a) for a in args]
    with _Mode("general"):
        general = read_delivery(args, jobs=1)
    r = read_delivery(args, jobs=2)
    assert _findings(r.diagnostics) == _findings(general.diagnostics)
    assert_same_table(r.table, general.table)
    assert r.table.label.tolist()[0] == ("one" if order == "file first" else "0")


@needs_scanner
def test_claims_follow_the_registry(tmp_path):
    (tmp_path / "a.xml").write_bytes(b"<annotation></annotation>")
    (tmp_path / "b.xml").write_bytes(OTHER["cvat.xml"])
    (tmp_path / "c.json").write_bytes(OTHER["coco.json"])
    files = [str(tmp_path / n) for n in ("a.xml", "b.xml", "c.json")]
    from guidec.readers import READERS

    ctx = ReadContext()
    assert _claim(files, READERS.load(), ctx) == ["voc", None, None]
    assert ctx.claimed["voc"].paths == files[:1]


@needs_scanner
def test_the_progress_line_moves_between_batches(tmp_path, monkeypatch):
    from guidec import progress

    for i in range(5):
        (tmp_path / f"{i}.xml").write_bytes(
            b"<annotation><object><name>car</name><bndbox><xmin>1</xmin><ymin>1</ymin>"
            b"<xmax>2</xmax><ymax>2</ymax></bndbox></object></annotation>")
    monkeypatch.setattr(voc, "BATCH", 2)
    calls = []

    class Sink(progress.Progress):
        def read(self, nbytes, files=1):
            calls.append(("read", files))
            super().read(nbytes, files)

        def add_rows(self, n):
            calls.append(("rows", n))
            super().add_rows(n)

    with Sink(None) as prog:
        read_delivery([str(tmp_path)], jobs=1)
    assert calls[:6] == [("read", 2), ("rows", 2), ("read", 2), ("rows", 2), ("read", 1),
                         ("rows", 1)]
    assert (prog.files, prog.rows) == (5, 5)


def test_in_file_order_is_reading_every_file_in_order():
    """Tables of some files each (the scanner's, the Python reader's), put in reading order:
    the table of one builder reading every file in that order, rings and keypoints too."""
    def add_file(b: TableBuilder, k: int) -> None:
        fi = b.add_file(f"f{k}", "x")
        if k % 4 == 3:
            return  # a file that gave nothing
        img = b.add_image(f"i{k}", f"i{k}.jpg", 10, 10, src_file=fi, src_line=k)
        for j in range(k % 3):
            b.add_annotation(image_index=img, shape=Shape.POLYGON, label=f"c{j}",
                             rings=[[(k, j), (k + 1, j), (k, j + 1)]] * (j + 1),
                             src_file=fi, src_line=10 * k + j, attributes={"a": k})
            b.add_annotation(image_index=img, shape=Shape.KEYPOINTS, label="p",
                             keypoints=[(k, j, 2)] * (k % 2 + 1), src_file=fi,
                             attributes={"b": j} if k % 2 else None)
    order = [3, 0, 5, 1, 2, 6, 4, 7]  # where each file comes
    parts = [[0, 2, 5, 7], [1, 3, 4, 6]]  # which files each part read, in its order
    tables, ranks = [], []
    for part in parts:
        b = TableBuilder()
        for k in part:
            add_file(b, k)
        tables.append(b.build())
        ranks.append([order[k] for k in part])
    whole = TableBuilder()
    for k in sorted(range(8), key=order.__getitem__):
        add_file(whole, k)
    assert_same_table(in_file_order(tables, ranks), whole.build())
    assert np.array_equal(in_file_order(tables[:1], ranks[:1]).src_file, tables[0].src_file)


def test_the_scanner_path_needs_no_scanner(tmp_path, monkeypatch):
    """Without the extension, a folder reads as it does with it."""
    src = os.path.join(CORPUS, "github")
    folders = [os.path.join(r, "Annotations") for r, d, _ in os.walk(src) if "Annotations" in d]
    if not folders:
        pytest.skip("no VOC folder in the corpus")
    for folder in folders:
        dst = tmp_path / str(len(os.listdir(tmp_path)))
        shutil.copytree(folder, dst)
        with_t, with_d, _ = _read_folder(str(dst), "scan", 2)
        monkeypatch.setattr(voc, "_vocscan", None)
        without_t, without_d, _ = _read_folder(str(dst), "scan", 2)
        monkeypatch.setattr(voc, "_vocscan", scanner)
        assert with_d == without_d
        assert_same_table(with_t, without_t)
