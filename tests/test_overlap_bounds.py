"""Pairwise rules stay bounded: a pile of duplicate boxes is one finding per cluster naming its
members, the sweep is cut (and says so) instead of growing with the square of a pile, and one
image gets at most MAX_CLUSTERS_PER_IMAGE cluster findings plus a summary."""

from __future__ import annotations

import os
import tracemalloc

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guidec.table import Shape, TableBuilder
from guidec.validation import checks, run_rules
from guidec.validation.checks import MAX_CLUSTERS_PER_IMAGE, MAX_STEP, _copies
from guidec.view import load_project

SPEC = """\
guidec: 1
project: {id: t, title: T, version: 1.0.0}
classes:
  - {id: 1, name: product, shapes: [box]}
rules:
  - {id: dup, title: No duplicates, applies_to: [product], check: {max_iou_same_class: 0.8}}
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    path = tmp_path_factory.mktemp("s") / "spec.yaml"
    path.write_text(SPEC)
    return load_project(str(path))


def _table(boxes, image_of=lambda k: 0, images=1):
    b = TableBuilder()
    b.add_file("d.json", "coco", "/annotations/{}", "/images/{}")
    for i in range(images):
        b.add_image(i + 1, f"{i}.jpg", 4000, 4000, src_index=i)
    for k, box in enumerate(boxes):
        b.add_annotation(image_index=image_of(k), src_index=k, ann_id=k + 1, label="product",
                         label_id=1, shape=Shape.BOX, bbox=box)
    return b.build()


def test_five_thousand_identical_boxes_are_one_finding_in_bounded_memory(project):
    table = _table([(10, 10, 50, 50)] * 5000)
    tracemalloc.start()
    found = [d for d in run_rules(table, project) if d.code == "V405"]
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert len(found) == 1
    (d,) = found
    assert d.extra["annotation"] == 5000 and d.extra["count"] == 5000
    assert d.extra["members"][:3] == [1, 2, 3] and len(d.extra["members"]) == 100
    assert "and 4989 more" in d.message and "(5000 duplicates)" in d.message
    assert peak < 64 * 2**20  # n^2/2 pairs would be 12.5 million


def test_a_near_duplicate_pile_is_cut_and_said(project):
    boxes = [(10 + k * 0.001, 10, 50, 50) for k in range(3000)]
    found = [d for d in run_rules(_table(boxes), project) if d.code == "V405"]
    clusters = [d for d in found if "count" in d.extra]
    assert len(clusters) == 1 and clusters[0].extra["count"] == 3000
    cut = [d for d in found if "compared with its next" in d.message]
    assert len(cut) == 1 and cut[0].severity.label == "info"
    assert f"next {MAX_STEP} only" in cut[0].message


def test_one_image_gets_a_bounded_number_of_cluster_findings(project):
    n = MAX_CLUSTERS_PER_IMAGE + 10
    boxes = [(k * 100, 0, 50, 50) for k in range(n) for _ in range(2)]
    found = [d for d in run_rules(_table(boxes), project) if d.code == "V405"]
    assert len(found) == MAX_CLUSTERS_PER_IMAGE + 1
    assert found[-1].extra["annotation"] is None
    assert f"{n} clusters of duplicate boxes" in found[-1].message


def test_separate_piles_are_separate_clusters(project):
    boxes = [(0, 0, 50, 50)] * 3 + [(500, 500, 50, 50), (501, 500, 50, 50)]
    found = [d for d in run_rules(_table(boxes), project) if d.code == "V405"]
    assert [(d.extra["annotation"], d.extra["count"]) for d in found] == [(3, 3), (5, 2)]
    assert found[1].extra["other"] == 4


@pytest.mark.parametrize("table", [True, False], ids=["hash-table", "sorted"])
@pytest.mark.parametrize("mix", [None, 0], ids=["hashed", "every-hash-collides"])
@settings(max_examples=200, deadline=None)
@given(rows=st.lists(st.tuples(st.integers(0, 3), st.integers(0, 2),
                               st.sampled_from([0.0, -0.0, 1.0, 2.5]), st.sampled_from([0.0, 1.0]),
                               st.sampled_from([3.0, 4.0]), st.sampled_from([3.0, 7.25])),
                     max_size=40))
def test_exact_copies_get_the_lowest_row_of_their_group_as_representative(rows, mix, table):
    """``_copies`` is the grouping ``np.unique(axis=0)`` gave (same image, class and box; 0.0
    equals -0.0), with each group's lowest row as its representative; also when every row
    hashes alike and the exact sort must do the grouping; with the compiled hash table and
    with the stable sort that stands in for it."""
    if table and checks._factor is None and not os.environ.get("CI"):
        pytest.skip("guidec._columns is not built in this install")
    img = np.array([r[0] for r in rows], dtype=np.int64)
    cls = np.array([r[1] for r in rows], dtype=np.int64)
    boxes = np.array([r[2:] for r in rows], dtype=np.float64).reshape(-1, 4)
    key = np.concatenate([np.stack([img, cls], axis=1).astype(np.float64), boxes], axis=1)
    if len(rows):
        _, first, inverse = np.unique(key, axis=0, return_index=True, return_inverse=True)
        expected = first[inverse.reshape(-1)]
    else:
        expected = np.zeros(0, dtype=np.intp)
    saved = checks._MIX, checks.FIRST_EQUAL
    checks.FIRST_EQUAL = table
    if mix is not None:
        checks._MIX = np.uint64(mix)
    try:
        assert _copies(img, cls, boxes).tolist() == expected.tolist()
    finally:
        checks._MIX, checks.FIRST_EQUAL = saved


@settings(max_examples=100, deadline=None)
@given(keys=st.lists(st.sampled_from([0, 1, 2**63, 2**64 - 1, 12345, 0x9E3779B97F4A7C15])
                     | st.integers(0, 2**64 - 1), max_size=60))
def test_first_equal_is_the_lowest_position_of_each_key(keys):
    if checks._factor is None and not os.environ.get("CI"):
        pytest.skip("guidec._columns is not built in this install")
    arr = np.array(keys, dtype=np.uint64)
    got = np.frombuffer(checks._factor.first_equal(arr), dtype=np.int64).tolist()
    assert got == [keys.index(k) for k in keys]
