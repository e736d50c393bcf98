"""The compiled COCO scanner (readers/_cocoscan.c) against the general reader.

The scanner must give exactly the general reader's table for every file it accepts, and must
hand every other file to the general reader (return None), which reports the problems. These
tests read the same bytes both ways and compare every column and every finding.
"""

from __future__ import annotations

import json
import math
import os
import struct
import tempfile

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guidec.readers import coco_fast, read_delivery
from tests.budget import examples
from tests.readers.tables import assert_same_table

# the document strategies are big, so hypothesis warns that their repr is long; harmless
pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")

scanner = coco_fast._cocoscan
needs_scanner = pytest.mark.skipif(scanner is None and not os.environ.get("CI"),
                                   reason="the C scanner is not built in this install")


def test_scanner_is_built_in_ci():
    if os.environ.get("CI"):
        assert scanner is not None, "CI installs with GUIDEC_REQUIRE_EXTENSION=1"
    elif scanner is None:
        pytest.skip("the C scanner is not built in this install")


def _findings(result) -> list[tuple]:
    return [(d, d.extra) for d in result.diagnostics]


def read_both(raw: bytes):
    """(scanner accepted?, fast result, general result) for the same bytes."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "d.json")
        with open(path, "wb") as fh:
            fh.write(raw)
        fast = read_delivery([path], "coco")
        try:
            coco_fast._cocoscan = None
            slow = read_delivery([path], "coco")
        finally:
            coco_fast._cocoscan = scanner
    return scanner.scan(raw, orjson.loads) is not None, fast, slow


def assert_same(raw: bytes) -> bool:
    used, fast, slow = read_both(raw)
    assert _findings(fast) == _findings(slow)
    assert_same_table(fast.table, slow.table)
    return used


# --- documents with every field, in every form the reader meets -----------------------------
small = st.floats(min_value=-2000, max_value=2000, allow_nan=False)
number = st.one_of(st.integers(-5000, 5000), small, small.map(lambda x: round(x, 2)))
odd_number = st.one_of(number, st.sampled_from([1e9, -1e9, 1.5e9, 1e300, 2**53 + 1, 10**20]))
text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=8)
scalar = st.one_of(st.booleans(), st.none(), number, text)
attr_value = st.one_of(scalar, st.lists(scalar, max_size=3),
                       st.dictionaries(st.sampled_from("ab"), scalar, max_size=2))
ring = st.lists(number, min_size=0, max_size=12)


def maybe(strategy, *others):
    """A field that is usually the regular value, sometimes absent (the sentinel) or odd."""
    return st.one_of(strategy, strategy, strategy, st.just(ABSENT), *others)


ABSENT = object()

annotation = st.fixed_dictionaries({
    "id": maybe(st.integers(-3, 10**6), st.just("a1"), st.just(2**70)),
    "image_id": maybe(st.integers(0, 6), st.just("x")),
    "category_id": maybe(st.integers(0, 5), st.just(1.5), st.just(True)),
    "bbox": maybe(st.lists(number, min_size=4, max_size=4), st.none(),
                  st.lists(odd_number, min_size=3, max_size=5)),
    "area": maybe(number, st.none(), odd_number, st.just("big")),
    "iscrowd": maybe(st.integers(0, 1), st.none(), st.just(2), st.booleans()),
    "segmentation": maybe(
        st.lists(ring.map(lambda r: r[: len(r) // 2 * 2]), max_size=3),
        st.lists(ring, max_size=2), st.none(), ring,
        st.just({"counts": [0, 3, 4997], "size": [50, 100]}),
        st.just({"counts": "PP\\\\1", "size": [4, 4]}), st.just("poly")),
    "keypoints": maybe(st.lists(number, min_size=0, max_size=9).map(
        lambda k: k[: len(k) // 3 * 3]), st.none(), st.lists(odd_number, max_size=4)),
    "attributes": maybe(st.dictionaries(st.sampled_from(["occluded", "color", "rotation",
                                                         "näme", "a\"b"]),
                                        attr_value, max_size=3), st.none(), st.just([1])),
    "score": maybe(attr_value),
})
image = st.fixed_dictionaries({
    "id": maybe(st.integers(0, 6), st.just("img")),
    "file_name": maybe(text, st.none()),
    "width": maybe(st.integers(1, 4000), st.floats(1, 4000), st.none()),
    "height": maybe(st.integers(1, 4000), st.just(float("inf"))),
    "license": maybe(st.integers(0, 3)),
})
category = st.fixed_dictionaries({"id": st.integers(0, 5), "name": text,
                                  "supercategory": maybe(text)})
document = st.fixed_dictionaries({
    "images": maybe(st.lists(image, max_size=4)),
    "annotations": maybe(st.lists(annotation, max_size=6)),
    "categories": maybe(st.lists(category, max_size=4), st.just({})),
    "info": maybe(st.dictionaries(text, scalar, max_size=2)),
})


def render(value, draw, loose: bool = True) -> str:
    """JSON text of ``value`` with drawn key order, spacing, escapes and number spellings
    (``loose``: integers sometimes spelled as floats, ``1.0``)."""
    sp = draw(st.sampled_from(["", " ", "\n  ", "\t"]))
    if isinstance(value, dict):
        items = [(k, v) for k, v in value.items() if v is not ABSENT]
        items = draw(st.permutations(items)) if len(items) > 1 else items
        return "{" + sp + ("," + sp).join(
            render(k, draw) + sp + ":" + sp + render(v, draw, loose) for k, v in items) + sp + "}"
    if isinstance(value, list):
        return "[" + sp + ("," + sp).join(render(v, draw, loose) for v in value) + sp + "]"
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, int):
        return f"{value}.0" if loose and draw(st.booleans()) else str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return "1e999" if value > 0 else "-1e999"
        return draw(st.sampled_from([repr(value), f"{value:.17g}", f"{value:e}",
                                     f"{value:.3E}", f"{value:.20f}", f"{value:+.2e}"
                                     .lstrip("+")]))
    return json.dumps(value, ensure_ascii=draw(st.booleans()))


@st.composite
def coco_text(draw, docs=document, loose: bool = True) -> bytes:
    return render(draw(docs), draw, loose).encode("utf-8")


@needs_scanner
@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(coco_text())
def test_scanner_gives_the_general_readers_table_and_findings(raw):
    assert_same(raw)


clean_annotation = st.fixed_dictionaries({
    "id": st.integers(1, 10**6), "image_id": st.integers(1, 3), "category_id": st.integers(1, 3),
    "bbox": st.lists(number, min_size=4, max_size=4), "area": number,
    "iscrowd": st.integers(0, 1),
    "segmentation": st.lists(ring.map(lambda r: r[: len(r) // 2 * 2]), max_size=3),
    "keypoints": st.lists(number, max_size=9).map(lambda k: k[: len(k) // 3 * 3]),
    "attributes": st.dictionaries(st.sampled_from(["occluded", "color"]), attr_value),
})
clean_document = st.fixed_dictionaries({
    "images": st.just([{"id": i, "file_name": f"{i}.jpg", "width": 640, "height": 480}
                       for i in (1, 2, 3)]),
    "annotations": st.lists(clean_annotation, max_size=5),
    "categories": st.just([{"id": i, "name": f"c{i}"} for i in (1, 2, 3)]),
})


@needs_scanner
@settings(max_examples=examples(150), deadline=None)
@given(coco_text(clean_document, loose=False))
def test_regular_files_take_the_fast_path(raw):
    assert assert_same(raw), "the scanner handed a regular file to the general reader"


@needs_scanner
@settings(max_examples=examples(300), deadline=None)
@given(coco_text(clean_document, loose=False), st.data())
def test_damaged_bytes_never_change_the_outcome(raw, data):
    """Cut, insert or overwrite bytes: whatever the scanner accepts equals the general read,
    and nothing crashes."""
    at = data.draw(st.integers(0, len(raw)))
    kind = data.draw(st.sampled_from(["cut", "insert", "replace"]))
    junk = data.draw(st.binary(min_size=1, max_size=4)
                     | st.sampled_from([b'"', b"\\", b"\xc3", b"\xed\xa0\x80", b"{", b"]",
                                        b",", b"-", b".", b"e", b"\x00"]))
    if kind == "cut":
        raw = raw[:at] + raw[at + len(junk):]
    elif kind == "insert":
        raw = raw[:at] + junk + raw[at:]
    else:
        raw = raw[:at] + junk + raw[at + len(junk):]
    assert_same(raw)


def _bbox_values(token: str) -> list[float]:
    raw = ('{"images":[],"annotations":[{"id":1,"image_id":1,"category_id":1,"bbox":['
           + token + ",0,0,0]}]}").encode()
    cols = scanner.scan(raw, orjson.loads)
    return struct.unpack("4d", bytes(cols["bbox"]))


@needs_scanner
@settings(max_examples=examples(1000), deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False), st.data())
def test_numbers_are_read_exactly_as_python_reads_them(x, data):
    token = data.draw(st.sampled_from([repr(x), f"{x:.17g}", f"{x:e}", f"{x:.25e}",
                                       f"{x:.3f}", f"{x:.40g}"]))
    if "inf" in token or "nan" in token:
        return
    got = _bbox_values(token)[0]
    want = float(orjson.loads(token))  # the general path: "-0" is the integer 0
    assert struct.pack("d", got) == struct.pack("d", want), token


@needs_scanner
@pytest.mark.parametrize("token", ["0", "-0", "-0.0", "1E5", "1e+5", "123456789012345678",
                                   "1234567890123456789012", "0.1000000000000000055511151231",
                                   "9007199254740993", "2.2250738585072011e-308", "1e-400",
                                   "4.9e-324", "0.000000000000000000000000000001"])
def test_number_edge_cases(token):
    got = _bbox_values(token)[0]
    want = float(orjson.loads(token))
    assert struct.pack("d", got) == struct.pack("d", want)


@needs_scanner
@pytest.mark.parametrize("doc", [
    b'{"images":[],"annotations":[{"id":1,"id":2,"image_id":1,"category_id":1}]}',
    b'{"images":[],"annotations":[{"\\u0069d":1,"image_id":1,"category_id":1}]}',
    b'{"images":[],"annotations":[{"id":1,"image_id":1,"category_id":1,"caption":"x"}]}',
    b'{"images":[],"annotations":[{"id":1,"image_id":1,"category_id":1,"segmentation":[1,2]}]}',
    b'{"images":[],"annotations":[]} x',
    b'{"images":[],"annotations":[],"images":[]}',
    b'{"images":[],"annotations":[{"id":1,"image_id":1,"category_id":1,"x":"\xff"}]}',
    b'{"images":[],"annotations":[{"id":1,"image_id":1,"category_id":1,"x":' + b"[" * 600
    + b"]" * 600 + b"}]}",
    b'\xef\xbb\xbf{"images":[],"annotations":[]}',
    b'{"images":[],"annotations":[{"id":1,"image_id":1,"category_id":1,"bbox":[NaN,0,0,0]}]}',
    b'{"images":[],"annotations":[{"id":01,"image_id":1,"category_id":1}]}',
    b'{"annotations":[]}',
])
def test_irregular_files_go_to_the_general_reader(doc):
    assert scanner.scan(doc, orjson.loads) is None
    assert_same(doc)


@needs_scanner
def test_generated_train_like_file(tmp_path):
    import sys

    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "benchmarks"))
    import gen_coco

    doc, _defects = gen_coco.generate(300, 3000, seed=3)
    assert assert_same(orjson.dumps(doc))


@needs_scanner
@pytest.mark.corpus
def test_corpus_coco_files_read_the_same_both_ways(corpus):
    files = [p for p in sorted(corpus.rglob("*.json"))
             if p.stat().st_size < 5_000_000 and b'"annotations"' in p.read_bytes()[:4096]]
    assert len(files) >= 10
    fast = sum(assert_same(p.read_bytes()) for p in files)
    assert fast >= 10  # the real instance, keypoint and stuff files take the fast path


# --- streaming: big files are scanned from a memory map whose pages are given back -----------
def read_three(raw: bytes, monkeypatch):
    """(was the map used?, streamed, bytes-scanned, general) results for the same file."""
    calls = []
    real = coco_fast.from_mapped
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "d.json")
        with open(path, "wb") as fh:
            fh.write(raw)
        with monkeypatch.context() as m:
            m.setattr(coco_fast, "STREAM_MIN", 0)
            m.setattr(coco_fast, "RELEASE_EVERY", 1)  # after every element: the most releases
            m.setattr(coco_fast, "from_mapped", lambda *a: calls.append(a) or real(*a))
            streamed = read_delivery([path], "coco")
        fast = read_delivery([path], "coco")
        with monkeypatch.context() as m:
            m.setattr(coco_fast, "_cocoscan", None)
            slow = read_delivery([path], "coco")
    return bool(calls), streamed, fast, slow


@needs_scanner
def test_a_streamed_file_reads_as_its_bytes_do(monkeypatch):
    import sys

    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "benchmarks"))
    import gen_coco

    doc, _defects = gen_coco.generate(300, 3000, seed=4)
    raw = orjson.dumps(doc)
    assert len(raw) > 100 * 4096  # many pages given back on the way
    mapped, streamed, fast, slow = read_three(raw, monkeypatch)
    assert mapped
    assert _findings(streamed) == _findings(fast) == _findings(slow)
    assert_same_table(streamed.table, fast.table)
    assert_same_table(streamed.table, slow.table)


@needs_scanner
@settings(max_examples=examples(200), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(coco_text(clean_document, loose=False), st.data())
def test_a_streamed_damaged_file_reads_as_the_general_reader_reads_it(monkeypatch, raw, data):
    """The mapped path hands an irregular file to the general reader exactly as the bytes path
    does (and never crashes on an empty or cut file)."""
    at = data.draw(st.integers(0, len(raw)))
    raw = raw[:at] + data.draw(st.sampled_from([b"", b"{", b'"', b"\xc3", b"]"])) + raw[at + 1:]
    _, streamed, _, slow = read_three(raw, monkeypatch)
    assert _findings(streamed) == _findings(slow)
    assert_same_table(streamed.table, slow.table)


def test_an_empty_file_is_not_mapped(tmp_path):
    from guidec import inputs

    (tmp_path / "e.json").write_bytes(b"")
    assert inputs.map_file(str(tmp_path / "e.json")) is None
