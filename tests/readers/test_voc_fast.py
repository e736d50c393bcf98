"""The VOC fast path reads exactly what the general reader reads, or steps aside.

Every VOC file of the corpus and every generated document (regular ones and ones with each
irregularity the fast path must refuse) is read twice, with the fast path and without: the
same table, the same findings.
"""

from __future__ import annotations

import os

from hypothesis import given, settings
from hypothesis import strategies as st

from guidec.readers import ReadContext, voc
from guidec.table import TableBuilder
from tests import conftest
from tests.budget import examples
from tests.readers.tables import assert_same_table

CORPUS = str(conftest.CORPUS)  # one lookup of ../shared/corpus for every test


def _read(path: str, fast: bool):
    old = voc.FAST
    voc.FAST = fast
    try:
        ctx = ReadContext()
        b = TableBuilder()
        voc.read_file(path, ctx, b)
        return b.build(), [(d.code, d.message, d.line, d.col) for d in ctx.diagnostics]
    finally:
        voc.FAST = old


def _both(path: str) -> bool:
    """Read both ways; assert they agree; whether the fast path took the file."""
    fast_t, fast_d = _read(path, True)
    slow_t, slow_d = _read(path, False)
    assert fast_d == slow_d
    assert_same_table(fast_t, slow_t)
    with open(path, "rb") as fh:
        return voc._fast(fh.read()) is not None


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


def test_every_corpus_voc_file_reads_the_same_both_ways(corpus):
    files = _corpus_voc()
    assert files, f"no Pascal VOC file in {corpus}"
    taken = sum(_both(p) for p in files)
    assert taken >= 3, f"the fast path took only {taken} of {len(files)} corpus files"


FLAG = st.sampled_from(["0", "1", "Unspecified", "Frontal", "", " 1 ", "2"])
COORD = st.one_of(st.integers(-5, 700).map(str), st.sampled_from(
    ["0", "12.5", "1e3", "nan", " 7 ", "x", "", "10000000000", "+4", "007"]))


@st.composite
def voc_doc(draw) -> bytes:
    """A VOC file: mostly regular, sometimes with one of the irregularities the fast path
    must leave to the general reader."""
    nl = draw(st.sampled_from(["\n", "\n  ", "", "\r\n"]))
    parts = []
    decl = draw(st.sampled_from(["", '<?xml version="1.0"?>', '<?xml version="1.0" '
                                 'encoding="utf-8"?>', '<?xml version="1.0" '
                                 'encoding="latin-1"?>', "<!-- made by a tool -->"]))
    parts.append(decl + "\n" if decl else "")
    parts.append(f"<annotation>{nl}<folder>VOC2007</folder>{nl}")
    if draw(st.booleans()):
        parts.append(f"<filename>{draw(st.sampled_from(['a.jpg', '', 'b c.png', 'é.jpg']))}"
                     f"</filename>{nl}")
    if draw(st.booleans()):
        parts.append("<source><database>db</database><annotation>PASCAL</annotation>"
                     f"</source>{nl}")
    size = draw(st.sampled_from(["full", "none", "no-height", "float", "nan"]))
    if size != "none":
        w = {"float": "640.0", "nan": "nan"}.get(size, "640")
        h = "" if size == "no-height" else "<height>480</height>"
        parts.append(f"<size><width>{w}</width>{h}<depth>3</depth></size>{nl}")
    for _ in range(draw(st.integers(0, 5))):
        obj = [f"<object>{nl}"]
        if draw(st.integers(0, 9)):
            obj.append(f"<name>{draw(st.sampled_from(['car', 'bus', ' van ', '', 'Ä']))}"
                       f"</name>{nl}")
        for flag in ("pose", "truncated", "difficult", "occluded"):
            if draw(st.booleans()):
                obj.append(f"<{flag}>{draw(FLAG)}</{flag}>{nl}")
        if draw(st.integers(0, 9)):
            coords = [draw(COORD) for _ in range(4)]
            obj.append("<bndbox>" + "".join(
                f"<{t}>{v}</{t}>" for t, v in zip(("xmin", "ymin", "xmax", "ymax"), coords,
                                                   strict=True)) + f"</bndbox>{nl}")
        extra = draw(st.sampled_from(["", "", "", "<part><name>hand</name><bndbox><xmin>1"
                                      "</xmin><ymin>1</ymin><xmax>3</xmax><ymax>3</ymax>"
                                      "</bndbox></part>", "<attributes><attribute><name>color"
                                      "</name><value>red</value></attribute></attributes>",
                                      '<extra a="1"/>', "<note>&amp;</note>", "<name>dup</name>",
                                      "<![CDATA[x]]>"]))
        obj.append(extra)
        obj.append(f"</object>{nl}")
        parts.append("".join(obj))
    parts.append("</annotation>\n")
    data = "".join(parts).encode("utf-8")
    if draw(st.integers(0, 19)) == 0:  # damaged
        data = data[:draw(st.integers(0, len(data)))]
    return data


@settings(max_examples=examples(300), deadline=None)
@given(doc=voc_doc())
def test_generated_files_read_the_same_both_ways(tmp_path_factory, doc):
    path = tmp_path_factory.mktemp("voc") / "a.xml"
    path.write_bytes(doc)
    _both(str(path))


def test_the_fast_path_takes_regular_files(tmp_path):
    path = tmp_path / "a.xml"
    path.write_bytes(b'<?xml version="1.0"?>\n<annotation>\n  <filename>a.jpg</filename>\n'
                     b"  <size><width>640</width><height>480</height></size>\n"
                     b"  <object>\n    <name>car</name>\n    <difficult>0</difficult>\n"
                     b"    <bndbox><xmin>5</xmin><ymin>6</ymin><xmax>50</xmax><ymax>60</ymax>"
                     b"</bndbox>\n  </object>\n</annotation>\n")
    assert _both(str(path))
    table, found = _read(str(path), True)
    assert found == [] and table.label.tolist() == ["car"]
    assert table.bbox[0].tolist() == [4, 5, 46, 55]
    assert (table.src_line[0], table.src_index[0]) == (5, 3)
    assert table.attributes["difficult"].tolist() == [0]
