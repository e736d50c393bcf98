"""The results reader's bulk path gives the table of its general loop, bit for bit, on regular
files and on irregular ones (which it hands to the loop); the corpus-free fuzz of the readers
keeps the findings."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

import guidec.readers.coco_results as cr
from guidec.readers import read_delivery
from tests.budget import examples
from tests.readers.tables import differences

num = st.one_of(st.integers(-50, 700), st.floats(-1e3, 1e3, allow_nan=False),
                st.sampled_from([0.5, 1e9, -0.0]))


@st.composite
def item(draw):
    it = {"image_id": draw(st.one_of(st.integers(0, 4), st.sampled_from(["a", "b"]))),
          "category_id": draw(st.integers(0, 90))}
    if draw(st.booleans()):
        it["score"] = draw(st.one_of(st.floats(0, 1), st.integers(0, 1)))
    if draw(st.booleans()):
        it["bbox"] = draw(st.lists(num, min_size=4, max_size=4))
    g = draw(st.sampled_from(["none", "poly", "rle", "empty"]))
    if g == "poly":
        it["segmentation"] = draw(st.lists(
            st.integers(3, 8).flatmap(lambda k: st.lists(num, min_size=2 * k, max_size=2 * k)),
            min_size=1, max_size=3))
    elif g == "rle":
        it["segmentation"] = {"counts": [3, 2, 11], "size": draw(st.sampled_from(
            [[4, 4], [2, 8], [4]]))}
    elif g == "empty":
        it["segmentation"] = []
    if draw(st.integers(0, 4)) == 0:
        it["keypoints"] = draw(st.lists(num, min_size=0, max_size=4).map(lambda v: v * 3))
    if draw(st.integers(0, 30)) == 0:  # irregular: the general loop's findings
        it[draw(st.sampled_from(["bbox", "score", "image_id", "keypoints"]))] = draw(
            st.sampled_from([None, "x", [1, 2], True, float("inf")]))
    return it


def _read(path, fast: bool):
    cr.FAST = fast
    try:
        r = read_delivery([str(path)])
    finally:
        cr.FAST = True
    return r


@settings(deadline=None, max_examples=examples(400))
@given(st.lists(item(), min_size=0, max_size=12))
def test_the_bulk_path_reads_what_the_loop_reads(tmp_path_factory, items):
    path = tmp_path_factory.mktemp("results") / "r.json"
    text = json.dumps(items)
    path.write_text(text if "Infinity" not in text else text.replace("Infinity", "1e999"))
    fast, slow = _read(path, True), _read(path, False)
    assert differences(fast.table, slow.table) == []
    assert [d.code for d in fast.diagnostics] == [d.code for d in slow.diagnostics]
    assert fast.table.files[0].pointers == slow.table.files[0].pointers


def test_a_regular_file_takes_the_bulk_path(tmp_path, monkeypatch):
    path = tmp_path / "r.json"
    path.write_text(json.dumps([{"image_id": 1, "category_id": 2, "bbox": [1, 2, 3, 4],
                                 "score": 0.5}]))
    calls = []
    monkeypatch.setattr(cr, "_geometry", lambda *a: calls.append(a))
    r = read_delivery([str(path)])
    assert len(r.table) == 1 and not calls and r.table.score.tolist() == [0.5]
