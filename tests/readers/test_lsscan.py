"""The compiled Label Studio scanner (readers/_lsscan.c) against the general reader.

The scanner must give exactly the general reader's table for every export it accepts, and
hand every other export to the general reader (return None), which reports the problems.
These tests read the same bytes both ways (the second time with the extension switched off,
which is also what an install without a C compiler does) and compare every column and every
finding.
"""

from __future__ import annotations

import functools
import json
import os
import struct
import tempfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guidec.readers import label_studio_fast, read_delivery
from guidec.view import load_project
from tests.budget import examples
from tests.conftest import SPECS
from tests.readers.tables import assert_same_table
from tests.readers.test_cocoscan import ABSENT, maybe, number, render, text

pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")


@functools.cache
def DASHCAM():  # a constant, loaded once when first needed
    return load_project(str(SPECS / "dashcam" / "spec.yaml"))

scanner = label_studio_fast._lsscan
needs_scanner = pytest.mark.skipif(scanner is None and not os.environ.get("CI"),
                                   reason="the C scanner is not built in this install")


def test_scanner_is_built_in_ci():
    if os.environ.get("CI"):
        assert scanner is not None, "CI installs with GUIDEC_REQUIRE_EXTENSION=1"
    elif scanner is None:
        pytest.skip("the C scanner is not built in this install")


def _findings(result) -> list[tuple]:
    return [(d, d.extra) for d in result.diagnostics]


def read_both(files: list[bytes], project=None):
    """(scanner accepted every file?, fast result, general result) for the same bytes."""
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for i, raw in enumerate(files):
            paths.append(os.path.join(tmp, f"export{i}.json"))
            with open(paths[-1], "wb") as fh:
                fh.write(raw)
        taken = []
        real = label_studio_fast.read_file

        def spy(*args):
            out = real(*args)
            taken.append(out[0] is not None)
            return out

        label_studio_fast.read_file = spy
        try:
            fast = read_delivery(paths, "label_studio", project=project)
        finally:
            label_studio_fast.read_file = real
        try:
            label_studio_fast._lsscan = None
            slow = read_delivery(paths, "label_studio", project=project)
        finally:
            label_studio_fast._lsscan = scanner
    return bool(taken) and all(taken), fast, slow


def assert_same(*files: bytes, project=None) -> bool:
    used, fast, slow = read_both(list(files), project)
    assert _findings(fast) == _findings(slow)
    assert_same_table(fast.table, slow.table)
    # the pointers of every row and image, as the findings would print them
    t, s = fast.table, slow.table
    assert [t.location(r) for r in range(len(t))] == [s.location(r) for r in range(len(s))]
    assert ([t.image_location(i) for i in range(len(t.images))]
            == [s.image_location(i) for i in range(len(s.images))])
    return used


# --- exports with every field, in every form the reader meets --------------------------------
pct = st.one_of(st.integers(0, 100), st.floats(0, 100), st.floats(-5, 105).map(lambda v: round(v, 3)))
odd = st.sampled_from(["12", None, True, 1e12, -1e10, 2**70, [1]])
label = st.sampled_from(["car", "person", "Straße", "a\"b"])
labels = maybe(st.lists(label, min_size=1, max_size=1), st.just([]), st.lists(label, max_size=3),
               st.just("car"), st.just([1]))
point = st.lists(pct, min_size=2, max_size=2)
points = maybe(st.lists(point, max_size=10), st.just([[1, 2, 3]]), st.just([["a", 1]]),
               st.just([]), st.just("pts"))
rid = maybe(st.sampled_from(["r1", "r2", "r3", "Ä4"]), st.integers(0, 3), st.none(), st.just(1.5),
            st.just("es\\u0063"))
size = maybe(st.sampled_from([640, 480, 1280.0, 333.5]), st.just(0), st.just(-5), st.just("640"),
             st.none(), st.just(2e9))


@st.composite
def result(draw):
    kind = draw(st.sampled_from(["rectanglelabels", "rectanglelabels", "polygonlabels",
                                 "polygonlabels", "ellipselabels", "keypointlabels", "rectangle",
                                 "polygon", "ellipse", "keypoint", "relation", "choices",
                                 "brushlabels", "textarea", "unknown", 7]))
    none = st.just(ABSENT)
    value = {k: draw(v) for k, v in {
        "x": maybe(pct, odd), "y": maybe(pct, odd), "width": maybe(pct, odd),
        "height": maybe(pct, odd),
        "rotation": st.one_of(none, st.just(0), st.just(0.0), st.just(-0.0),
                              st.sampled_from([15, 30.5, -90]), st.none()),
        "points": points if kind in ("polygonlabels", "polygon") else none,
        "radiusX": maybe(pct) if "ellipse" in str(kind) else none,
        "radiusY": maybe(pct) if "ellipse" in str(kind) else none,
        "closed": st.one_of(none, st.booleans()),
    }.items()}
    if isinstance(kind, str) and kind.endswith("labels"):
        value[kind] = draw(labels)
    if kind == "choices":
        value = {"choices": draw(st.sampled_from([["yes"], ["a", "b"], [], "x"]))}
    if kind == "textarea":
        value = {"text": draw(st.sampled_from([["line"], ["a", "b"], "t", [1]]))}
    r = {"type": kind, "value": draw(st.one_of(st.just(value), st.just(value), st.just(ABSENT),
                                                 st.just("v"))),
         "id": draw(rid), "from_name": draw(st.sampled_from(["box", "occluded", "color", "car__occluded"])),
         "to_name": "image", "original_width": draw(size), "original_height": draw(size),
         "origin": draw(st.one_of(st.just(ABSENT), st.just("manual")))}
    if kind == "relation":
        r = {"type": "relation", "from_id": "r1", "to_id": "r2", "direction": "right",
             "id": draw(st.one_of(st.just(ABSENT), rid))}
    return r


@st.composite
def task(draw, results=None):
    results = results or st.lists(result(), max_size=5)
    ann = {"id": draw(maybe(st.integers(1, 99), st.just("a"), st.just(1.5))),
           "result": draw(maybe(results, st.none(), st.just({}))),
           "was_cancelled": draw(maybe(st.just(False), st.just(True), st.none())),
           "completed_by": draw(maybe(st.integers(1, 3), st.just({"id": 2}))),
           "lead_time": draw(maybe(number))}
    data = {"image": draw(maybe(text, st.just(7))),
            "site": draw(maybe(text, st.integers(-3, 3), st.floats(-1, 1), st.booleans(),
                               st.none(), st.just([1, 2]), st.just(10**20))),
            "url": draw(maybe(text))}
    t = {"id": draw(maybe(st.integers(0, 50), st.just("t1"), st.none(), st.just(True))),
         "data": draw(maybe(st.just(data), st.just(data), st.just("d"))),
         "annotations": draw(maybe(st.lists(st.just(ann), max_size=1),
                                   st.lists(st.just(ann), min_size=2, max_size=2),
                                   st.none(), st.just([1]))),
         "predictions": draw(maybe(st.just([]), st.just([{"result": []}]))),
         "meta": draw(maybe(st.just({}), st.just({"k": [1, {"a": None}]})))}
    return t


@st.composite
def export(draw, tasks=None, loose: bool = True) -> bytes:
    doc = draw(tasks if tasks is not None else st.one_of(st.lists(task(), max_size=4), task(), st.just([])))
    return render(doc, draw, loose).encode("utf-8")


@needs_scanner
@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(export())
def test_scanner_gives_the_general_readers_table_and_findings(raw):
    assert_same(raw)


# regular exports: every one must take the fast path
clean_value = st.fixed_dictionaries({"x": pct, "y": pct, "width": pct, "height": pct,
                                     "rotation": st.sampled_from([0, 0, 0, 12.5, -30])})


@st.composite
def clean_result(draw, i):
    kind = draw(st.sampled_from(["rectanglelabels", "polygonlabels", "ellipselabels",
                                 "keypointlabels", "rectangle", "polygon"]))
    value = draw(clean_value)
    if "polygon" in kind:
        value = {"points": draw(st.lists(point, max_size=8)), "closed": True}
    if "ellipse" in kind:
        value |= {"radiusX": draw(pct), "radiusY": draw(pct)}
    if kind.endswith("labels"):
        value[kind] = [draw(label)]
    return {"original_width": 640, "original_height": 480, "image_rotation": 0,
            "value": value, "id": draw(st.one_of(st.just(f"r{i}"), st.just(i))),
            "from_name": "x", "to_name": "image", "type": kind}


@st.composite
def clean_extra(draw, n):
    """A per-region result naming one of the n regions (r<k> or k), or an image-level one."""
    kind = draw(st.sampled_from(["choices", "textarea", "number", "taxonomy"]))
    value = {"choices": {"choices": draw(st.sampled_from([["yes"], ["a", "b"]]))},
             "textarea": {"text": draw(st.sampled_from([["l1"], ["l1", "l2"]]))},
             "number": {"number": draw(st.integers(0, 9))},
             "taxonomy": {"taxonomy": [["a", "b"]]}}[kind]
    r = {"type": kind, "value": value, "to_name": "image",
         "from_name": draw(st.sampled_from(["occluded", "time_of_day", "weather", "note",
                                            "car__occluded"]))}
    if n and draw(st.booleans()):
        k = draw(st.integers(0, n - 1))
        r["id"] = draw(st.sampled_from([f"r{k}", k]))
    return r


@st.composite
def clean_task(draw, i):
    n = draw(st.integers(0, 5))
    results = [draw(clean_result(k)) for k in range(n)]
    for _ in range(draw(st.integers(0, 3))):
        results.insert(draw(st.integers(0, len(results))), draw(clean_extra(n)))
    n = len(results)
    return {"id": i + 1, "data": {"image": f"/data/{i}.jpg", "site": draw(st.sampled_from(
        ["a", "b", 3, 2.5, True]))},
        "annotations": ([{"id": i, "result": results, "was_cancelled": False}] if n else [])
        + [{"id": draw(st.sampled_from([i + 100, f"a{i}"])), "result": results[:1],
            "completed_by": draw(st.sampled_from([1, "e@x", {"id": 3}, {"email": "m@x"}, [1],
                                                  None, 2.5]))}
           for _ in range(draw(st.integers(0, 2)))],
        "predictions": []}


@st.composite
def clean_export(draw):
    k = draw(st.integers(1, 4))
    return [draw(clean_task(i)) for i in range(k)]


@needs_scanner
@settings(max_examples=examples(150), deadline=None)
@given(export(clean_export(), loose=False))
def test_regular_exports_take_the_fast_path(raw):
    assert assert_same(raw), "the scanner handed a regular export to the general reader"


@needs_scanner
@settings(max_examples=examples(100), deadline=None)
@given(export(clean_export(), loose=False))
def test_regular_exports_with_a_spec(raw):
    """With a spec, a result's control names its attribute (time_of_day, weather), and a
    textarea that is no attribute is its region's text."""
    assert assert_same(raw, project=DASHCAM())


@needs_scanner
@settings(max_examples=examples(200), deadline=None)
@given(export(clean_export(), loose=False), st.data())
def test_damaged_bytes_never_change_the_outcome(raw, data):
    at = data.draw(st.integers(0, len(raw)))
    kind = data.draw(st.sampled_from(["cut", "insert", "replace"]))
    junk = data.draw(st.binary(min_size=1, max_size=4)
                     | st.sampled_from([b'"', b"\\", b"\xc3", b"{", b"]", b",", b"-", b".",
                                        b"e", b"\x00", b"1e999", b"null"]))
    if kind == "cut":
        raw = raw[:at] + raw[at + len(junk):]
    elif kind == "insert":
        raw = raw[:at] + junk + raw[at:]
    else:
        raw = raw[:at] + junk + raw[at + len(junk):]
    assert_same(raw)


@needs_scanner
@settings(max_examples=examples(60), deadline=None)
@given(export(clean_export(), loose=False), export(clean_export(), loose=False), export())
def test_several_files_read_together(a, b, c):
    """Files are scanned one at a time and their tables joined: the same table as the
    general reader's one pass over all of them, whichever path each file takes."""
    assert_same(a, b, c)


def _box(rid, **value):
    return {"original_width": 640, "original_height": 480, "id": rid, "type": "rectanglelabels",
            "from_name": "box", "to_name": "image",
            "value": {"x": 10, "y": 20, "width": 30, "height": 40, "rectanglelabels": ["car"],
                      **value}}


def _export(*results, **task) -> bytes:
    return json.dumps([{"id": 1, "data": {"image": "a.jpg"}, **task,
                        "annotations": [{"id": 1, "result": list(results)}]}]).encode()


@needs_scanner
@pytest.mark.parametrize("raw, fast", [
    (_export(_box("a"), _box("b", rotation=30)), True),
    (_export(_box("a"), _box("a")), False),  # one region id twice
    (_export(_box("a", rectanglelabels=["car", "bus"])), False),  # two labels: _labels
    (_export(_box("a"), {"id": "a", "type": "choices", "value": {"choices": ["x"]},
                         "from_name": "occluded", "to_name": "image"}), True),
    (_export({"id": "a", "type": "textarea", "value": {"text": ["l1", "l2"]},
              "from_name": "transcription", "to_name": "image"}, _box("a"),
             {"type": "choices", "value": {"choices": ["day", "night"]}, "from_name": "time",
              "to_name": "image"},
             {"id": "zz", "type": "number", "value": {"number": 3}, "from_name": "n",
              "to_name": "image"},
             {"id": "a", "type": "rating", "value": {"rating": 4}, "from_name": "q",
              "to_name": "image"},
             {"id": "a", "type": "rating", "value": {"rating": 5}, "from_name": "q",
              "to_name": "image"}), True),  # text, an image choice, a later value wins
    (_export(_box("a"), {"id": "a", "type": "choices", "value": "x",
                         "from_name": "occluded", "to_name": "image"}), False),
    (_export(_box("a", x=float("inf"))).replace(b"Infinity", b"1e999"), False),
    (_export(_box("a", width=2e9)), False),  # V009
    (_export({**_box("a"), "original_width": None}), False),  # V014: no size
    (_export(_box("a"), data={"image": "a.jpg", "site": "north", "n": 3}), True),
    (b"\xef\xbb\xbf" + _export(_box("a")), False),  # a BOM: orjson refuses, json reads
    (_export(_box("a"))[1:-1], False),  # one task object, not a list
    (json.dumps([{"id": 1, "data": {"image": "a.jpg"}, "annotations": [
        {"id": 1, "result": [_box("a")], "completed_by": 7},
        {"result": [_box("a"), _box(3)], "completed_by": {"email": "b@x"}},
        {"id": 1, "result": [_box("a")], "was_cancelled": True}]}]).encode(), False),
    (json.dumps([{"id": 1, "data": {"image": "a.jpg"}, "annotations": [
        {"id": 1, "result": [_box("a")], "completed_by": 7},
        {"result": [_box("a"), _box(3)], "completed_by": {"email": "b@x"}}]}]).encode(),
     True),  # two annotators: an image row each, scoped region ids
])
def test_fixtures(raw, fast):
    assert assert_same(raw) is fast


@needs_scanner
def test_keypoints_with_a_pose_spec_take_the_general_path():
    """guidec's keypoints.<schema> controls join their instance box (test_ls_keypoints):
    with a spec that has keypoint schemas, keypoint exports go to the general reader."""
    from tests.readers.test_ls_keypoints import pose_results

    pose = load_project(str(SPECS / "human-pose" / "spec.yaml"))
    raw = json.dumps([{"id": 1, "data": {"image": "a.jpg"},
                       "annotations": [{"id": 1, "result": pose_results()}]}]).encode()
    assert_same(raw, project=pose)
    assert assert_same(raw)  # no spec: plain points, the fast path


@needs_scanner
def test_streaming_scan_gives_the_same_table(monkeypatch):
    """A big file is scanned from a memory map whose pages are given back as it goes."""
    rows = [_box(f"r{k}", x=k % 50, y=(k * 7) % 50) for k in range(40)]
    raw = json.dumps([{"id": t, "data": {"image": f"{t}.jpg"},
                       "annotations": [{"id": t, "result": rows}]} for t in range(300)]).encode()
    monkeypatch.setattr(label_studio_fast, "STREAM_MIN", 0)
    monkeypatch.setattr(label_studio_fast, "RELEASE_EVERY", 4096)
    assert assert_same(raw)


@pytest.mark.corpus
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_corpus_exports(corpus):
    ls = corpus / "pypi/label_studio-1.23.2/label_studio/tests"
    files = sorted([*ls.glob("test_suites/samples/*.json"), *ls.glob("data_manager/*.json")])
    assert files
    fast = [assert_same(f.read_bytes()) for f in files]
    assert any(fast)  # the regular ones (boxes with their size) take the fast path
    assert assert_same(*(f.read_bytes() for f in files)) is all(fast)


digits = st.builds(lambda a, b: str(a) + b, st.integers(1, 9),
                   st.text("0123456789", min_size=0, max_size=20))


@st.composite
def decimal_text(draw) -> str:
    """Numbers as exporters write them: shortest round-trip doubles, and 1-21 significant
    digits with a decimal point anywhere and an optional exponent (midpoints between doubles
    among them)."""
    if draw(st.booleans()):
        return repr(draw(st.floats(allow_nan=False, allow_infinity=False)))
    s = draw(digits)
    at = draw(st.integers(0, len(s)))
    s = (s[:at] or "0") + "." + (s[at:] or "0")
    if draw(st.booleans()):
        s += draw(st.sampled_from(["e", "E", "e-", "e+"])) + str(draw(st.integers(0, 40)))
    return ("-" if draw(st.booleans()) else "") + s


@needs_scanner
@settings(max_examples=examples(300), deadline=None)
@given(st.lists(decimal_text(), min_size=1, max_size=50))
def test_numbers_convert_exactly(tokens):
    """The shared JSON number conversion (_json.h) gives Python's float for every token."""
    results = ",".join(
        f'{{"type":"rectangle","id":{i},"original_width":1,"original_height":1,'
        f'"value":{{"x":{t}}}}}' for i, t in enumerate(tokens))
    raw = f'[{{"data":{{"image":"a"}},"annotations":[{{"result":[{results}]}}]}}]'.encode()
    cols = scanner.scan(raw, json.loads)
    assert cols is not None
    got = struct.unpack(f"{7 * len(tokens)}d", cols["nums"])[0::7]
    assert [float(t).hex() for t in tokens] == [g.hex() for g in got]  # -0.0 too
