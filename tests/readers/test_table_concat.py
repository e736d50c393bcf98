"""Reading several files of several formats gives the same rows as reading each alone."""

from __future__ import annotations

import json

import numpy as np

from guidec.readers import read_delivery

from .test_coco import BASE
from .test_other_formats import LS
from .test_xml_formats import CVAT


def _rows(t):
    out = []
    for i in range(len(t)):
        img = t.image_index[i]
        out.append((
            t.ann_id[i], t.label[i], int(t.label_id[i]), int(t.shape[i]),
            tuple(np.nan_to_num(t.bbox[i], nan=-1).tolist()),
            tuple(tuple(r.ravel().tolist()) for r in t.rings_of(i)),
            tuple(t.keypoints_of(i).ravel().tolist()),
            None if img < 0 else t.images.key[img],
            t.location(i),
            tuple(sorted((k, repr(v[i])) for k, v in t.attributes.items() if v[i] is not None)),
        ))
    return out


def test_concatenation_keeps_every_row_intact(tmp_path):
    coco = tmp_path / "a.json"
    coco.write_text(json.dumps(BASE), encoding="utf-8")
    cvat = tmp_path / "b.xml"
    cvat.write_text(CVAT, encoding="utf-8")
    ls = tmp_path / "c.json"
    ls.write_text(json.dumps(LS), encoding="utf-8")
    parts = [read_delivery([str(p)]).table for p in (coco, ls, cvat)]
    together = read_delivery([str(cvat), str(coco), str(ls)])
    assert together.formats == {str(coco): "coco", str(ls): "label_studio", str(cvat): "cvat"}
    t = together.table
    expected = [row for p in parts for row in _rows(p)]  # registry order: coco, LS, cvat
    assert _rows(t) == expected
    assert len(t.images) == sum(len(p.images) for p in parts)
    assert [t.image_location(i) for i in range(len(t.images))] == [
        p.image_location(i) for p in parts for i in range(len(p.images))]
