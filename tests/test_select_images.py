"""select_images keeps exactly the chosen images and their annotations, ragged geometry
included: the selections of a partition, concatenated, are the table (property test)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from guidec.table import Shape, TableBuilder, select_images
from tests.budget import examples
from tests.readers.tables import differences


@st.composite
def tables(draw):
    b = TableBuilder()
    fi = b.add_file("d.json", "coco", "/annotations/{}")
    n_img = draw(st.integers(0, 6))
    for k in range(n_img):
        b.add_image(k, f"{k}.jpg", 64, 48, src_file=fi, attributes={"store": k % 2})
    for r in range(draw(st.integers(0, 15))):
        kind = draw(st.sampled_from(["box", "poly", "kp"]))
        img = draw(st.integers(-1, max(n_img - 1, -1)))
        common = dict(image_index=img, label=draw(st.sampled_from(["a", "b"])), src_file=fi,
                      src_index=r, attributes={"occ": draw(st.sampled_from(["x", None]))})
        if kind == "box":
            b.add_annotation(shape=Shape.BOX, bbox=(1, 2, 3, 4), **common)
        elif kind == "poly":
            rings = [[(float(i), float(j)) for i, j in draw(st.lists(
                st.tuples(st.integers(0, 9), st.integers(0, 9)), min_size=3, max_size=5))]
                for _ in range(draw(st.integers(1, 2)))]
            b.add_annotation(shape=Shape.POLYGON, rings=rings, **common)
        else:
            kps = [(1.0, 2.0, 2.0)] * draw(st.integers(1, 3))
            b.add_annotation(shape=Shape.KEYPOINTS, keypoints=kps, **common)
    return b.build()


@settings(deadline=None, max_examples=examples(300))
@given(tables(), st.data())
def test_a_selection_holds_its_images_and_their_rows(t, data):
    keep = np.array(data.draw(st.lists(st.booleans(), min_size=len(t.images),
                                       max_size=len(t.images))), dtype=bool)
    sub = select_images(t, keep)
    assert sub.images.key.tolist() == t.images.key[keep].tolist()
    rows = [r for r in range(len(t)) if t.image_index[r] >= 0 and keep[t.image_index[r]]]
    assert len(sub) == len(rows)
    for new, old in enumerate(rows):
        assert sub.images.key[sub.image_index[new]] == t.images.key[t.image_index[old]]
        assert [r.tolist() for r in sub.rings_of(new)] == [r.tolist() for r in t.rings_of(old)]
        assert sub.keypoints_of(new).tolist() == t.keypoints_of(old).tolist()
        if t.attributes:
            assert sub.attributes["occ"][new] == t.attributes["occ"][old]
    # all images of a table without orphan rows: the table itself
    if (t.image_index >= 0).all():
        assert differences(select_images(t, np.ones(len(t.images), bool)), t) == []
