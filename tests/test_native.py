"""rules/_native.c (the "winds once" ring test, the same-class box sweep) against the numpy
versions it replaces."""

from __future__ import annotations

import math
import os

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guidec.rules import frame
from guidec.table import Shape, TableBuilder
from guidec.view import load_project

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
native = frame._native


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


@settings(max_examples=200, deadline=None)
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
        frame._native = None
        want = frame.Frame(table, project).ring_star_simple
    finally:
        frame._native = native
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


@settings(max_examples=300, deadline=None)
@given(st.lists(box, max_size=40))
def test_box_sweep_native_and_numpy_agree(boxes):
    if native is None:
        pytest.skip("the C extensions are not built in this install")
    from guidec.rules import checks

    img = np.array([b[0] for b in boxes], dtype=np.int64)
    cls = np.array([b[1] for b in boxes], dtype=np.int64)
    xyxy = np.array([[x, y, x + w, y + h] for _, _, x, y, w, h in boxes],
                    dtype=np.float64).reshape(-1, 4)
    got = checks.same_class_pairs(img, cls, xyxy)
    try:
        checks._native = None
        want = checks.same_class_pairs(img, cls, xyxy)
    finally:
        checks._native = native
    for a, b in zip(got, want, strict=True):
        assert a.tolist() == b.tolist()
