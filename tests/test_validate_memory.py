"""Peak memory of ``guidec validate``: the ring columns need no next-vertex column over every
vertex (areas, spreads and perimeters equal those of the whole-column version they replace),
the rules derive no column a spec does not ask for, constant table columns take no memory,
factor codes take the smallest integers."""

from __future__ import annotations

import dataclasses
import os
from itertools import pairwise

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guidec.table import Shape, TableBuilder, concat_tables, constant
from guidec.validation import checks, frame, rings
from guidec.view import load_project
from tests.budget import examples

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture(scope="module")
def project():
    return load_project(os.path.join(ROOT, "specs", "retail-shelf", "spec.yaml"))


coord = st.integers(-50, 50).map(float) | st.floats(-100, 100, allow_nan=False)
ring = st.lists(st.tuples(coord, coord), min_size=0, max_size=9)
# an annotation: a polygon of one or more parts (some empty), or a box (no rings)
annotation = st.lists(ring, min_size=1, max_size=3) | st.none()


def _table(annotations):
    b = TableBuilder()
    b.add_file("d.json", "coco", "/annotations/{}", "/images/{}")
    b.add_image(1, "a.jpg", 1000, 1000, src_index=0)
    for j, parts in enumerate(annotations):
        if parts is None:
            b.add_annotation(image_index=0, shape=Shape.BOX, label="product", ann_id=j,
                             bbox=(1.0, 2.0, 3.0, 4.0), src_index=j)
        else:
            b.add_annotation(image_index=0, shape=Shape.POLYGON, label="shelf", ann_id=j,
                             rings=parts, src_index=j)
    return b.build()


def _whole_next(t) -> np.ndarray:
    """The next-vertex column over every vertex, as the rules derived it before."""
    nxt = np.arange(1, len(t.vertices) + 1)
    ro = t.ring_offsets
    nonempty = np.diff(ro) > 0
    nxt[ro[1:][nonempty] - 1] = ro[:-1][nonempty]
    return nxt


def _brute_next(t) -> list[int]:
    out = []
    ro = t.ring_offsets.tolist()
    for a, b in pairwise(ro):
        out.extend([*range(a + 1, b), a][:b - a])
    return out


@settings(max_examples=examples(200), deadline=None)
@given(st.lists(annotation, min_size=1, max_size=8), st.sampled_from([1, 3, 1 << 18]))
def test_ring_columns_equal_the_whole_column_version(project, annotations, chunk):
    t = _table(annotations)
    f = frame.Frame(t, project)
    v, ro = t.vertices, t.ring_offsets
    every = np.arange(len(v))
    assert f._next_of(every).tolist() == _brute_next(t) == _whole_next(t).tolist()
    # ring areas, block by block as the rules make them (blocks of `chunk` vertices)
    old, rings.CHUNK_VERTICES = rings.CHUNK_VERTICES, chunk
    try:
        area = f.ring_area
    finally:
        rings.CHUNK_VERTICES = old
    nxt = _whole_next(t)
    want = np.zeros(len(ro) - 1)
    for r in np.flatnonzero(np.diff(ro) > 0):
        x, y, n = v[ro[r]:ro[r + 1], 0], v[ro[r]:ro[r + 1], 1], nxt[ro[r]:ro[r + 1]]
        want[r] = 0.5 * abs(np.add.reduce(x * v[n, 1] - v[n, 0] * y))
    assert area.tolist() == pytest.approx(want.tolist(), rel=1e-12, abs=1e-9)
    # spreads and perimeters take the next vertex of the vertices they ask for only
    all_rings = np.arange(len(ro) - 1)
    lens = np.diff(ro)
    if lens.sum():
        idx = np.concatenate([np.arange(ro[r], ro[r + 1]) for r in all_rings])
        first = v[np.repeat(ro[:-1], lens)]
        a, b = v[idx] - first, v[nxt[idx]] - first
        tri = np.abs(a[:, 0] * b[:, 1] - a[:, 1] * b[:, 0])
        spread = 0.5 * np.bincount(np.repeat(all_rings, lens), weights=tri,
                                   minlength=len(all_rings))
        assert f.ring_spread(all_rings).tolist() == spread.tolist()
    rows = np.arange(f.n)
    seg = np.hypot(*(v[nxt] - v).T)
    per = np.bincount(np.repeat(rows, f.nverts), weights=seg, minlength=f.n)
    assert f.perimeter_of(rows).tolist() == per.tolist()


def test_a_ring_with_a_nan_is_no_candidate_in_any_block(project, monkeypatch):
    monkeypatch.setattr(rings, "CHUNK_VERTICES", 2)
    square = [(0.0, 0.0), (4.0, 0.0), (4.0, 4.0), (0.0, 4.0)]
    t = _table([[square], [[*square[:3], (float("nan"), 4.0)]], [square]])
    assert not rings._all_finite(t.vertices)
    assert rings._all_finite(t.vertices[:4])
    assert frame.Frame(t, project)._candidate_rings.tolist() == [0, 2]


SIZES = """guidec: 1
project: {id: sizes, title: Sizes, version: 1.0.0}
classes:
  - {id: 1, name: product, shapes: [box]}
  - {id: 2, name: shelf, shapes: [polygon]}
rules:
  - {id: side, title: Side, applies_to: [product], check: {min_box_side: 4}}
  - {id: area, title: Area, applies_to: [shelf], check: {min_area: 10}}
"""


def test_no_rule_no_extents_or_areas(tmp_path):
    """The box-shape and area checks derive their columns only for a spec rule that tests
    them: without one, no per-annotation extents, areas, or ring areas are made."""
    (tmp_path / "spec.yaml").write_text(SIZES)
    sized = load_project(str(tmp_path / "spec.yaml"))
    t = _table([[[(0.0, 0.0), (4.0, 0.0), (4.0, 4.0)]], None])
    f = frame.Frame(t, dataclasses.replace(sized, rules=()))
    assert list(checks.box_shape(f)) == [] and list(checks.area(f)) == []
    assert not {"extent_wh", "shape_area", "poly_area", "ring_area"} & set(vars(f))
    f = frame.Frame(t, sized)
    assert [d.code for d in checks.box_shape(f)] == ["V400"]  # the 3x4 box
    assert [d.code for d in checks.area(f)] == ["V401"]  # the triangle of area 8
    assert {"extent_wh", "shape_area", "ring_area"} <= set(vars(f))


def test_constant_column_takes_no_memory_and_refuses_writes():
    col = constant(1_000_000, -1, np.int64)
    assert col.strides == (0,) and col.shape == (1_000_000,)
    assert col[123] == -1 and (col[[0, 5]] == -1).all()
    with pytest.raises(ValueError):
        col[0] = 3
    nones = constant(3)
    assert nones.dtype == object and nones.tolist() == [None, None, None]
    t = _table([None, None])
    t.ann_id = constant(2)
    both = concat_tables([t, t])  # a new, ordinary column
    assert both.ann_id.tolist() == [None] * 4 and both.ann_id.flags.writeable


def test_factor_codes_are_the_smallest_integers(project):
    t = _table([None] * 300)
    f = frame.Frame(t, project)
    few = np.array(["a", None, "b"] * 100, dtype=object)
    many = np.array([f"v{i}" for i in range(300)], dtype=object)
    values, codes = f.factor(few)
    assert codes.dtype == np.int8 and values == ["a", None, "b"]
    assert [values[c] for c in codes] == few.tolist()
    values, codes = f.factor(many)
    assert codes.dtype == np.int16 and [values[c] for c in codes] == many.tolist()
    assert f.factor(few)[1] is f.factor(few)[1]  # once per column


def test_column_builders_leave_unfilled_columns_constant():
    """add_columns (YOLO) and box_table (VOC) give the columns their formats never fill as
    constant columns: the values of an ordinary column, no memory per row."""
    from guidec.table import SourceFile, box_table

    b = TableBuilder()
    b.add_file("a.txt", "yolo")
    b.add_image("a", "a.jpg", 10, 10, src_file=0)
    b.add_columns(image_index=np.zeros(3, np.int64), label=np.array(["x"] * 3, dtype=object),
                  label_id=np.full(3, -1), shape=np.full(3, int(Shape.BOX)),
                  bbox=np.ones((3, 4)), src_file=np.zeros(3), src_line=np.arange(3),
                  vertices=np.zeros((0, 2)), rings_per_row=np.zeros(3, np.int64),
                  ring_lens=np.zeros(0, np.int64))
    t = b.build()
    v = box_table([SourceFile("a.xml", "voc")], file_name=np.array(["a.jpg"], dtype=object),
                  width=[10.0], height=[10.0], image_src_file=[0], image_src_line=[1],
                  image_index=np.zeros(3, np.int64), label=np.array(["x"] * 3, dtype=object),
                  bbox=np.ones((3, 4)), attributes={}, src_file=np.zeros(3),
                  src_line=np.arange(3), src_index=np.arange(3))
    for table in (t, v):
        for name in ("ann_id", "area", "rle", "text"):
            assert getattr(table, name).strides == (0,), name
        assert table.ann_id.tolist() == table.rle.tolist() == table.text.tolist() == [None] * 3
        assert np.isnan(table.area).all() and (table.label_id == -1).all()
    assert t.src_index.tolist() == [-1] * 3 and t.instance_id is None and t.score is None
