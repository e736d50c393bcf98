"""validation/_native.c (the "winds once" ring test, the same-class box sweep) against the numpy
versions it replaces."""

from __future__ import annotations

import math
import os

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guidec.table import Shape, TableBuilder
from guidec.validation import frame, rings
from guidec.view import load_project
from tests.budget import examples

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
native = rings._native


@pytest.fixture(scope="module")
def project():
    return load_project(os.path.join(ROOT, "specs", "retail-shelf", "spec.yaml"))


def test_built_in_ci():
    if os.environ.get("CI"):
        assert native is not None, "CI installs with GUIDEC_REQUIRE_EXTENSION=1"
    elif native is None:
        pytest.skip("the C extensions are not built in this install")


coord = st.integers(-50, 50).map(float) | st.floats(-100, 100, allow_nan=False)


@st.composite
def rings(draw):
    kind = draw(st.sampled_from(["random", "star", "repeat", "line", "nan"]))
    if kind == "star":  # outlines around a centre: mostly simple, sometimes concave
        n = draw(st.integers(3, 12))
        radii = draw(st.lists(st.floats(1, 50), min_size=n, max_size=n))
        cx, cy = draw(coord), draw(coord)
        step = draw(st.sampled_from([1, -1]))
        pts = [(cx + r * math.cos(step * 2 * math.pi * k / n),
                cy + r * math.sin(step * 2 * math.pi * k / n)) for k, r in enumerate(radii)]
    else:
        pts = draw(st.lists(st.tuples(coord, coord), min_size=3, max_size=10))
        if kind == "repeat":
            k = draw(st.integers(0, len(pts) - 1))
            pts.insert(k, pts[k])
        elif kind == "line":
            pts = [(x, 2 * x + 1) for x, _ in pts]
        elif kind == "nan":
            pts[0] = (float("nan"), pts[0][1])
    return pts


@settings(max_examples=examples(200), deadline=None)
@given(st.lists(rings(), min_size=1, max_size=8))
def test_native_and_numpy_agree(project, polygons):
    if native is None:
        pytest.skip("the C extensions are not built in this install")
    b = TableBuilder()
    b.add_file("d.json", "coco", "/annotations/{}", "/images/{}")
    b.add_image(1, "a.jpg", 1000, 1000, src_index=0)
    for j, ring in enumerate(polygons):
        b.add_annotation(image_index=0, shape=Shape.POLYGON, label="shelf", ann_id=j,
                         rings=[ring], src_index=j)
    table = b.build()
    got = frame.Frame(table, project).ring_star_simple
    try:
        rings._native = None
        want = frame.Frame(table, project).ring_star_simple
    finally:
        rings._native = native
    assert got.tolist() == want.tolist()


def test_square_and_bow_tie(project):
    if native is None:
        pytest.skip("the C extensions are not built in this install")
    square = np.array([[0, 0], [4, 0], [4, 4], [0, 4]], dtype=float)
    bow_tie = np.array([[0, 0], [4, 4], [4, 0], [0, 4]], dtype=float)
    v = np.concatenate([square, bow_tie])
    ok = native.star_simple(v, np.array([0, 4, 8], dtype=np.int64), np.array([0, 1], np.int64))
    assert list(ok) == [1, 0]


box = st.tuples(st.integers(0, 3), st.integers(0, 2), coord, coord,
                st.floats(0, 30, allow_nan=False), st.floats(0, 30, allow_nan=False))


one_group = st.tuples(st.just(1), st.just(1), coord, coord, st.floats(0, 30, allow_nan=False),
                      st.floats(0, 30, allow_nan=False))


@settings(max_examples=examples(300), deadline=None)
@given(st.lists(box, max_size=40) | st.lists(one_group, min_size=17, max_size=80),
       st.sampled_from([64, 3, 1]))
def test_box_sweep_native_and_numpy_agree(boxes, max_step):
    """Small groups (insertion sort in C) and one big group (qsort), ties in x0 included; the
    comparisons cut at max_step, and the rows cut short, agree too."""
    if native is None:
        pytest.skip("the C extensions are not built in this install")
    from guidec.validation import checks

    img = np.array([b[0] for b in boxes], dtype=np.int64)
    cls = np.array([b[1] for b in boxes], dtype=np.int64)
    xyxy = np.array([[x, y, x + w, y + h] for _, _, x, y, w, h in boxes],
                    dtype=np.float64).reshape(-1, 4)
    got = checks.same_class_pairs(img, cls, xyxy, max_step)
    try:
        checks._native = None
        want = checks.same_class_pairs(img, cls, xyxy, max_step)
    finally:
        checks._native = native
    for a, b in zip(got, want, strict=True):
        assert a.tolist() == b.tolist()


grid = st.integers(0, 6).map(float)
nudge = st.sampled_from([0.0, 1e-15, -1e-15, 1e-9, 0.5])


@st.composite
def hard_rings(draw):
    """Rings where simplicity is decided by exact collinearity or touching: integer grids,
    grid points nudged by an ulp's worth, repeated and closing vertices."""
    n = draw(st.integers(3, 9))
    pts = [(draw(grid) + draw(nudge), draw(grid) + draw(nudge)) for _ in range(n)]
    if draw(st.booleans()):
        pts.append(pts[0])  # written closed
    if draw(st.booleans()):
        k = draw(st.integers(0, len(pts) - 1))
        pts.insert(k, pts[k])
    return pts


@settings(max_examples=examples(2000), deadline=None)
@given(st.lists(hard_rings() | rings(), min_size=1, max_size=6))
def test_certified_simple_rings_are_valid_for_geos(polygons):
    """simple_rings only answers 'certainly simple'; GEOS must agree on every such ring."""
    if native is None:
        pytest.skip("the C extensions are not built in this install")
    import shapely

    verts = np.array([p for ring in polygons for p in ring], dtype=np.float64).reshape(-1, 2)
    offsets = np.concatenate([[0], np.cumsum([len(r) for r in polygons])]).astype(np.int64)
    sure = np.frombuffer(native.simple_rings(verts, offsets, np.arange(len(polygons),
                                                                       dtype=np.int64)), bool)
    for ring, certified in zip(polygons, sure, strict=True):
        if certified:
            assert shapely.is_valid(shapely.Polygon(ring)), ring


def test_certifies_ordinary_outlines():
    if native is None:
        pytest.skip("the C extensions are not built in this install")
    square = [(0, 0), (4, 0), (4, 4), (0, 4)]
    l_shape = [(0, 0), (4, 0), (4, 1), (1, 1), (1, 4), (0, 4)]
    bow_tie = [(0, 0), (4, 4), (4, 0), (0, 4)]
    touching = [(0, 0), (4, 0), (2, 2), (4, 4), (0, 4), (2, 2)]  # pinched at (2, 2)
    polys = [square, l_shape, bow_tie, touching]
    verts = np.array([p for r in polys for p in r], dtype=np.float64)
    offsets = np.array([0, 4, 10, 14, 20], dtype=np.int64)
    assert list(native.simple_rings(verts, offsets, np.arange(4, dtype=np.int64))) == [1, 1, 0, 0]


@settings(max_examples=examples(200), deadline=None)
@given(st.lists(hard_rings() | rings(), min_size=1, max_size=80), st.integers(2, 5))
def test_certifying_on_threads_gives_the_one_thread_answer(polygons, threads):
    """Rings are certified on threads, each writing its own byte: any thread count gives the
    same bytes (with bad ring ids among them)."""
    if native is None:
        pytest.skip("the C extensions are not built in this install")
    verts = np.array([p for ring in polygons for p in ring], dtype=np.float64).reshape(-1, 2)
    offsets = np.concatenate([[0], np.cumsum([len(r) for r in polygons])]).astype(np.int64)
    ids = np.concatenate([np.arange(len(polygons)), [-1, len(polygons) + 3]]).astype(np.int64)
    one = native.simple_rings(verts, offsets, ids)
    assert native.simple_rings(verts, offsets, ids, threads) == one
    assert len(one) == len(ids) and one[-2:] == b"\0\0"
