"""The compiled CVAT scanner (readers/_cvatscan.c) against the general reader (readers/cvat.py).

The scanner must give exactly the general reader's table and findings for every file it
accepts, and hand every other file to the general reader (return None), which reports the
problems. These tests read the same bytes both ways and compare every column and finding.
"""

from __future__ import annotations

import os
import struct
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guidec.readers import cvat_fast, read_delivery
from tests.budget import examples
from tests.readers.tables import assert_same_table

pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")

scanner = cvat_fast._cvatscan
needs_scanner = pytest.mark.skipif(scanner is None and not os.environ.get("CI"),
                                   reason="the C scanner is not built in this install")

SPEC = """guidec: 1
project: {id: t, title: T, version: 1.0.0}
attributes:
  occluded: {type: bool}
  kind: {type: enum, values: [a, b, c], multiple: true}
classes:
  - {id: 1, name: car, attributes: [occluded, kind]}
  - {id: 2, name: person}
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    from guidec.view import load_project

    p = tmp_path_factory.mktemp("spec") / "spec.yaml"
    p.write_text(SPEC, encoding="utf-8")
    return load_project(str(p))


def test_scanner_is_built_in_ci():
    if os.environ.get("CI"):
        assert scanner is not None, "CI installs with GUIDEC_REQUIRE_EXTENSION=1"
    elif scanner is None:
        pytest.skip("the C scanner is not built in this install")


def _findings(result) -> list[tuple]:
    return [(d, d.extra) for d in result.diagnostics]


def read_both(raws: list[bytes], tmp, project=None, stream: bool = False):
    """(fast result, general result) for the same files; ``stream``: every file through the
    memory map, its pages given back after every image."""
    paths = []
    for i, raw in enumerate(raws):
        path = os.path.join(tmp, f"a{i}.xml")
        with open(path, "wb") as fh:
            fh.write(raw)
        paths.append(path)
    old = cvat_fast.STREAM_MIN, cvat_fast.RELEASE_EVERY
    try:
        if stream:
            cvat_fast.STREAM_MIN, cvat_fast.RELEASE_EVERY = 0, 1
        fast = read_delivery(paths, "cvat", project=project)
    finally:
        cvat_fast.STREAM_MIN, cvat_fast.RELEASE_EVERY = old
    try:
        cvat_fast._cvatscan = None
        slow = read_delivery(paths, "cvat", project=project)
    finally:
        cvat_fast._cvatscan = scanner
    return fast, slow


def assert_same(raw: bytes | list[bytes], tmp, project=None, stream: bool = False) -> bool:
    """The two paths agree; True when the scanner took every file."""
    raws = raw if isinstance(raw, list) else [raw]
    fast, slow = read_both(raws, tmp, project, stream)
    assert _findings(fast) == _findings(slow)
    assert_same_table(fast.table, slow.table)
    return all(scanner.scan(r) is not None for r in raws)


# --- documents -------------------------------------------------------------------------------
small = st.floats(min_value=-2000, max_value=2000, allow_nan=False)
number = st.one_of(st.integers(-5000, 5000), small, small.map(lambda x: round(x, 2)))
odd_token = st.sampled_from(["nan", "inf", "1e10", "-1e300", "1_0", " 3", "3 ", "", "x", "+.5",
                             "5.", ".5", "0x10", "1e", "--1", "1.2.3", "&#49;", "1&amp;"])
text = st.one_of(st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"),
                                      exclude_characters="\ufffe\uffff"), max_size=6),
                st.sampled_from(["a\tb", "a\nb", " x ", "\u00e9\U0001d11e"]))
label = st.sampled_from(["car", "person", "tree", "c&amp;d", "sm\u00f8rrebr\u00f8d", ""])


def spell(draw, x) -> str:
    if isinstance(x, str):
        return x
    if isinstance(x, int):
        return draw(st.sampled_from([str(x), f"{x}.0", f"{x:+d}", f"{x}e0"]))
    return draw(st.sampled_from([repr(x), f"{x:.2f}", f"{x:.17g}", f"{x:e}", f"{x:.3E}",
                                 f"{x:.20f}"]))


@st.composite
def numeric(draw, odd: bool) -> str:
    if odd and draw(st.integers(0, 9)) == 0:
        return draw(odd_token)
    return spell(draw, draw(number))


def escape(value: str) -> str:
    """Text as an attribute value in either quotes, or as element content."""
    return (value.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")
            .replace("'", "&apos;"))


@st.composite
def element(draw, tag: str, attrs: dict, children: list[str], odd: bool) -> str:
    """An element with drawn attribute order, quoting and spacing."""
    items = list(attrs.items())
    if len(items) > 1:
        items = draw(st.permutations(items))
    parts = []
    for k, v in items:
        q = draw(st.sampled_from(['"', "'"]))
        eq = draw(st.sampled_from(["=", " = ", "=\n"])) if odd else "="
        parts.append(f"{k}{eq}{q}{v}{q}")
    sep = draw(st.sampled_from([" ", "\n  ", "\t"])) if odd else " "
    head = f"<{tag}" + "".join(sep + p for p in parts)
    if not children and draw(st.booleans()):
        return head + draw(st.sampled_from(["/>", " />"]))
    inner = draw(st.sampled_from(["", "\n", "\n    "]))
    return head + ">" + inner + inner.join(children) + inner + f"</{tag}>"


@st.composite
def attribute_child(draw, odd: bool) -> str:
    name = draw(st.sampled_from(["doors", "parked", "note", "occluded", "kind:a", "kind:b",
                                 "transcription"]))
    value = draw(st.one_of(st.sampled_from(["4", "4.0", "1e3", "true", "False", "x", ""]),
                           text))
    body = escape(value)
    if odd and draw(st.integers(0, 15)) == 0:
        body = draw(st.sampled_from(["&#65;", "<![CDATA[x]]>", "<!-- c -->", "<b/>", "a]]>b"]))
    if odd and draw(st.integers(0, 20)) == 0:
        return "<attribute>x</attribute>"
    return f'<attribute name="{name}">{body}</attribute>'


@st.composite
def shape(draw, odd: bool) -> str:
    tag = draw(st.sampled_from(["box", "box", "polygon", "polygon", "polyline", "points",
                                "ellipse", "tag", "mask", "skeleton"] + (["cuboid"] if odd
                                                                         else [])))
    attrs: dict[str, str] = {}
    if not odd or draw(st.integers(0, 20)):
        attrs["label"] = draw(label) if odd else draw(label.filter(bool))
    for k in draw(st.lists(st.sampled_from(["source", "z_order", "group_id", "occluded",
                                            "outside"]), unique=True, max_size=3)):
        attrs[k] = {"source": "manual", "z_order": "0", "group_id": "2", "outside": "0"}.get(
            k, draw(st.sampled_from(["0", "1", "true"])))
    if tag == "box":
        for k in ("xtl", "ytl", "xbr", "ybr"):
            if not odd or draw(st.integers(0, 30)):
                attrs[k] = draw(numeric(odd))
    elif tag == "ellipse":
        for k in ("cx", "cy", "rx", "ry"):
            attrs[k] = draw(numeric(odd))
    elif tag in ("polygon", "polyline", "points"):
        pts = draw(st.lists(st.tuples(numeric(odd), numeric(odd)), max_size=8))
        joined = ";".join(f"{x},{y}" for x, y in pts)
        if odd and draw(st.integers(0, 6)) == 0:
            joined = draw(st.sampled_from(["1,2,3", "1;2", " 1,2 ", "1,2;", ";1,2", "1,2;;3,4",
                                           "", "1,2\n3,4", "a,b"]))
        attrs["points"] = joined
    elif tag == "mask":
        mw, mh = draw(st.integers(1, 6)), draw(st.integers(1, 5))
        bits = draw(st.lists(st.booleans(), min_size=mw * mh, max_size=mw * mh))
        runs, value, count = [], False, 0
        for b in bits:  # row-major runs, zeros first
            if b != value:
                runs.append(count)
                value, count = b, 0
            count += 1
        runs.append(count)
        box = {"left": draw(st.integers(-3, 40)), "top": draw(st.integers(-3, 40)),
               "width": mw, "height": mh}
        for k, v in box.items():
            if not odd or draw(st.integers(0, 30)):
                attrs[k] = spell(draw, v)
        attrs["rle"] = ", ".join(map(str, runs))
        if odd and draw(st.integers(0, 5)) == 0:
            attrs["rle"] = draw(st.sampled_from(["", "1, x", "1.5, 2", "99", "-1, 3", "1,,2"]))
    kids = []
    if tag == "skeleton":
        if not odd:
            attrs["label"] = draw(st.sampled_from(["pose", "person"]))
        for _ in range(draw(st.integers(0, 3))):
            pa = {}
            name = draw(st.sampled_from(["nose", "eye"] + (["ear", None] if odd else [])))
            if name is not None:
                pa["label"] = name
            pts = draw(st.lists(st.tuples(numeric(odd), numeric(odd)), max_size=2))
            pa["points"] = ";".join(f"{x},{y}" for x, y in pts)
            for k in draw(st.lists(st.sampled_from(["outside", "occluded"]), unique=True)):
                pa[k] = draw(st.sampled_from(["0", "1"]))
            kids.append(draw(element("points", pa, [], odd)))
    if tag in ("box", "ellipse") and draw(st.booleans()):
        attrs["rotation"] = draw(st.sampled_from(["0", "0.00", "-0", "45", "12.5"]))
    children = draw(st.permutations(kids + draw(st.lists(attribute_child(odd), max_size=3))))
    return draw(element(tag, attrs, children, odd))


META = """<meta>
    <job><assignee><username>ann</username></assignee></job>
    <task>
      <labels>
        <label><name>car</name><type>rectangle</type><attributes>
          <attribute><name>doors</name><input_type>number</input_type><values>0
6
1</values></attribute>
          <attribute><name>parked</name><input_type>checkbox</input_type><values>false</values></attribute>
        </attributes></label>
        <label><name>person</name></label>
        <label><name>tree</name><parent>car</parent></label>
        <label><name>pose</name><type>skeleton</type></label>
        <label><name>nose</name><type>points</type><parent>pose</parent></label>
        <label><name>eye</name><type>points</type><parent>pose</parent></label>
      </labels>
    </task>
  </meta>"""
BAD_META = ["<meta><task><labels><label><type>x</type></label></labels></task></meta>",
            "<meta><task><labels><label><name>a</name></label><label><name>a</name></label>"
            "</labels></task></meta>", "<meta>&#65;</meta>", "<meta><x a='1' a='2'/></meta>",
            "<meta><!-- c --></meta>"]


@st.composite
def image(draw, odd: bool) -> str:
    attrs = {}
    def size() -> str:  # small, as a mask's decoding fills the whole image
        if odd and draw(st.booleans()):
            return draw(numeric(odd))
        return spell(draw, draw(st.integers(1, 120)))

    for k, v in (("id", str(draw(st.integers(0, 3)))), ("name", "img.jpg"),
                 ("width", size()), ("height", size())):
        if not odd or draw(st.integers(0, 8)):
            attrs[k] = v
    if odd and draw(st.integers(0, 8)) == 0:
        attrs["name"] = escape(draw(text))
    children = draw(st.lists(shape(odd), max_size=4))
    if draw(st.integers(0, 6)) == 0:
        children.insert(0, '<attribute name="weather">rain</attribute>')
    return draw(element("image", attrs, children, odd))


@st.composite
def cvat_text(draw, odd: bool = True) -> bytes:
    decl = draw(st.sampled_from(['<?xml version="1.0" encoding="utf-8"?>\n',
                                 "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n",
                                 '<?xml version="1.0"?>', ""]))
    if odd and draw(st.integers(0, 10)) == 0:
        decl = draw(st.sampled_from(['<?xml version="1.0" encoding="latin-1"?>\n',
                                     "\ufeff", '<?xml encoding="utf-8"?>', "<!-- c -->\n",
                                     '<!DOCTYPE a [<!ENTITY x "y">]>\n', " ",
                                     '<?xml version="1.1"?>']))
    parts = ["<version>1.1</version>"]
    meta = draw(st.sampled_from([META, META, "", "<meta/>"] + (BAD_META if odd else [])))
    if meta:
        parts.append(meta)
    parts += draw(st.lists(image(odd), max_size=4))
    if odd and draw(st.integers(0, 10)) == 0:
        parts.append(draw(st.sampled_from(['<track id="0" label="car"><box frame="0" '
                                           'outside="0" xtl="1" ytl="1" xbr="2" ybr="2"/>'
                                           "</track>", "<!-- c -->", "<?pi x?>",
                                           "<other>text</other>", "<meta/>"])))
    sep = draw(st.sampled_from(["\n  ", "", "\n\u00e9\u00e9 "]))  # text before: columns
    root = draw(st.sampled_from(["annotations", "annotations"] + (["annotation"] if odd
                                                                    else [])))
    doc = f"{decl}<{root}>{sep}" + sep.join(parts) + f"\n</{root}>\n"
    if odd and draw(st.integers(0, 10)) == 0:
        doc += draw(st.sampled_from(["x", "<a/>", "<!-- c -->"]))
    return doc.encode("utf-8")


# --- the two paths agree ---------------------------------------------------------------------
@needs_scanner
@settings(max_examples=examples(300), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(cvat_text())
def test_scanner_gives_the_general_readers_table_and_findings(tmp_path, raw):
    assert_same(raw, str(tmp_path))


@needs_scanner
@settings(max_examples=examples(150), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(cvat_text(odd=False))
def test_regular_files_take_the_fast_path(tmp_path, raw):
    assert assert_same(raw, str(tmp_path)), "the scanner handed a regular file to the general reader"


@needs_scanner
@settings(max_examples=examples(150), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(cvat_text())
def test_with_a_spec_occluded_and_checkboxes_read_the_same(tmp_path, project, raw):
    """A spec with an ``occluded`` attribute (CVAT's flag fills it) and a multi-valued enum
    (CVAT's checkboxes ``kind:a`` merge into it)."""
    assert_same(raw, str(tmp_path), project)


@needs_scanner
@settings(max_examples=examples(100), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(cvat_text(), min_size=2, max_size=3))
def test_several_files_read_as_one_delivery(tmp_path, raws):
    assert_same(raws, str(tmp_path))


@needs_scanner
@settings(max_examples=examples(300), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(cvat_text(odd=False), st.data())
def test_damaged_bytes_never_change_the_outcome(tmp_path, raw, data):
    """Cut, insert or overwrite bytes: whatever the scanner accepts equals the general read."""
    at = data.draw(st.integers(0, len(raw)))
    kind = data.draw(st.sampled_from(["cut", "insert", "replace"]))
    junk = data.draw(st.binary(min_size=1, max_size=3)
                     | st.sampled_from([b'"', b"'", b"<", b">", b"/", b"&", b"\xc3", b"\r",
                                        b"\xef\xbf\xbe", b"\xed\xa0\x80", b"]]>", b"=", b" ",
                                        b"\n", b"\x00", b";", b","]))
    if kind == "cut":
        raw = raw[:at] + raw[at + len(junk):]
    elif kind == "insert":
        raw = raw[:at] + junk + raw[at:]
    else:
        raw = raw[:at] + junk + raw[at + len(junk):]
    assert_same(raw, str(tmp_path))


@needs_scanner
@settings(max_examples=examples(100), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(cvat_text())
def test_a_streamed_file_reads_as_its_bytes_do(tmp_path, raw):
    """Through the memory map, its pages given back after every image."""
    assert_same(raw, str(tmp_path), stream=True)


# --- numbers ---------------------------------------------------------------------------------
def _box_x(token: str) -> float:
    raw = (f'<annotations><image id="0" name="a"><box label="c" xtl="{token}" ytl="0" '
           'xbr="1" ybr="1"/></image></annotations>').encode()
    cols = scanner.scan(raw)
    assert cols is not None, token
    return struct.unpack("4d", bytes(cols["bbox"]))[0]


@needs_scanner
@settings(max_examples=examples(1000), deadline=None)
@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False), st.data())
def test_numbers_are_read_exactly_as_float_reads_them(x, data):
    token = data.draw(st.sampled_from([repr(x), f"{x:.17g}", f"{x:e}", f"{x:.25e}", f"{x:.3f}",
                                       f"{x:.40g}", f"{x:.2f}"]))
    if abs(float(token)) > 1e9:
        return
    assert struct.pack("d", _box_x(token)) == struct.pack("d", float(token)), token


@needs_scanner
@pytest.mark.parametrize("token", ["0", "-0", "-0.0", "+0", "1E5", "1e+5", "007", "5.", ".5",
                                   "123456789", "0.1000000000000000055511151231",
                                   "9007199254740993e-10", "2.2250738585072011e-308",
                                   "1e-400", "4.9e-324", "0.000000000000000000000000000001",
                                   "999999999.99999999999", "1000000000"])
def test_number_edge_cases(token):
    assert struct.pack("d", _box_x(token)) == struct.pack("d", float(token))


@needs_scanner
@pytest.mark.parametrize("doc", [
    b'<annotations><image id="0" name="a"><box label="c" xtl="nan" ytl="0" xbr="1" ybr="1"/>'
    b"</image></annotations>",
    b'<annotations><image id="0" name="a"><box label="c" xtl="1e10" ytl="0" xbr="1" ybr="1"/>'
    b"</image></annotations>",
    b'<annotations><image id="0" name="a"><box label="c" ytl="0" xbr="1" ybr="1"/>'
    b"</image></annotations>",
    b'<annotations><image id="0" name="a"><box label="" xtl="0" ytl="0" xbr="1" ybr="1"/>'
    b"</image></annotations>",
    b'<annotations><image id="0" id="1"/></annotations>',
    b'<annotations><image id="0"></annotations>',
    b"<annotations><image id='0'/></annotations><x/>",
    b'<annotations><image id="0" name="&#65;"/></annotations>',
    b"<annotations>\r\n<image/></annotations>",
    b"\xef\xbb\xbf<annotations/>",
    b"<annotations><!-- c --></annotations>",
    b'<annotations><image name="a"><cuboid label="c" xtl1="0"/></image></annotations>',
    b'<annotations><image name="a"><skeleton label="c"><points label="p"/></skeleton>'
    b"</image></annotations>",  # a point without points="": V007
    b'<annotations><track id="0"/></annotations>',
    b"<annotations><meta/><meta/></annotations>",
    b"<annotations>\xff</annotations>",
    b"<annotations>\xef\xbf\xbe</annotations>",
    b"<annotations>a]]>b</annotations>",
    b'<annotations><image name="a"x="1"/></annotations>',
    b'<annotation><image name="a"/></annotation>',
    b"<annotations>" + b"<x>" * 60 + b"</x>" * 60 + b"</annotations>",
])
def test_irregular_files_go_to_the_general_reader(doc, tmp_path):
    assert scanner.scan(doc) is None
    assert_same(doc, str(tmp_path))


@needs_scanner
@pytest.mark.parametrize("doc", [
    b'<annotations><image name="a"><mask label="c" rle="1, 2" left="0" top="0" width="1" '
    b'height="3"/></image></annotations>',  # no image size
    b'<annotations><image name="a" width="4" height="4"><mask label="c" rle="1, 3" left="0" '
    b'top="0" width="1" height="3"/></image></annotations>',  # runs sum to 4, not 3
    b'<annotations><image name="a" width="4" height="4"><mask label="c" rle="1, x" left="0" '
    b'top="0" width="1" height="3"/></image></annotations>',
    b'<annotations><meta><task><labels><label><name>s</name></label><label><name>a</name>'
    b"<parent>s</parent></label></labels></task></meta><image name='a'><skeleton label='s'>"
    b"<points label='b' points='1,2'/></skeleton></image></annotations>",  # b: not a sublabel
])
def test_shapes_the_general_reader_reports_are_handed_to_it(doc, tmp_path):
    """The scanner takes a mask's runs as text and a skeleton's points as they come; decoding
    the runs (V013) or ordering the points (V008) fails, so the general reader reads it."""
    from guidec.readers import ReadContext

    assert scanner.scan(doc) is not None
    assert cvat_fast.from_scan(doc, "a.xml", ReadContext()) is None
    assert_same(doc, str(tmp_path))
    assert [d.code for d in read_both([doc], str(tmp_path))[1].diagnostics] in (["V013"],
                                                                                ["V008"])


# --- real files ------------------------------------------------------------------------------
@needs_scanner
def test_the_readers_own_fixture(tmp_path):
    from tests.readers.test_xml_formats import CVAT

    raw = CVAT.encode()
    assert scanner.scan(raw) is None  # it holds a cuboid
    assert_same(raw, str(tmp_path))
    regular = "\n".join(line for line in CVAT.splitlines() if "<cuboid" not in line)
    assert "<mask" in regular and "<skeleton" in regular
    assert assert_same(regular.encode(), str(tmp_path))


@needs_scanner
def test_generated_benchmark_delivery(tmp_path):
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "benchmarks"))
    import bench_formats

    folder = str(tmp_path / "cvat")
    bench_formats.generate_cvat(folder, 60, 8)
    for name in ("annotations.xml", "boxes.xml"):
        with open(os.path.join(folder, name), "rb") as fh:
            raw = fh.read()
        assert assert_same(raw, str(tmp_path))
        assert assert_same(raw, str(tmp_path), stream=True)


@needs_scanner
@pytest.mark.corpus
def test_corpus_cvat_files_read_the_same_both_ways(corpus, tmp_path):
    files = [p for p in sorted(corpus.rglob("*.xml"))
             if p.stat().st_size < 5_000_000 and b"<annotations" in p.read_bytes()[:4096]]
    assert len(files) >= 2
    for p in files:
        assert_same(p.read_bytes(), str(tmp_path))


@needs_scanner
def test_more_labels_than_the_scanner_keeps(tmp_path):
    """Beyond its cache of label strings the scanner makes a new one each time: same table."""
    shapes = "".join(f'<tag label="c{i % 1500}"/><box label="c{i % 7}" xtl="1" ytl="2" '
                     f'xbr="3" ybr="4"/>' for i in range(3000))
    raw = f'<annotations><image id="0" name="a">{shapes}</image></annotations>'.encode()
    assert assert_same(raw, str(tmp_path))


def test_attribute_values_share_strings_beyond_and_below_the_cache(tmp_path):
    """Short attribute values met again are one str (a column of 400,000 "good" is not 400,000
    strings); past the cache's 1,024 values and above its 64 bytes, new ones: same table."""
    long = "x" * 65
    shapes = "".join(f'<box label="c" xtl="1" ytl="2" xbr="3" ybr="4">'
                     f'<attribute name="q">{"good" if i % 2 else f"v{i}"}</attribute>'
                     f'<attribute name="n">{long}</attribute></box>' for i in range(2600))
    raw = f'<annotations><image id="0" name="a">{shapes}</image></annotations>'.encode()
    assert assert_same(raw, str(tmp_path))
    values = scanner.scan(raw)["attr_values"]
    goods = [v for v in values if v == "good"]
    assert len(goods) == 1300 and len({id(v) for v in goods}) == 1
    assert len({id(v) for v in values if v == long}) > 1  # not cached, still equal


@pytest.mark.parametrize(("turn", "constant"), [("", True), (' rotation="0"', True),
                                                (' rotation="-0"', True),  # read as 0
                                                (' rotation="30"', False)])
def test_rotation_column_is_constant_when_no_shape_turns(tmp_path, turn, constant):
    raw = (f'<annotations><image id="0" name="a"><box label="c" xtl="1" ytl="2" xbr="3" '
           f'ybr="4"{turn}/><box label="c" xtl="1" ytl="2" xbr="3" ybr="4"/></image>'
           '</annotations>').encode()
    assert assert_same(raw, str(tmp_path))
    fast, _ = read_both([raw], str(tmp_path))
    assert (fast.table.rotation.strides == (0,)) == constant
