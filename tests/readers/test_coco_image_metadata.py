"""COCO image metadata (a store, a site, a region beside id/file_name/width/height) is read as
the image attribute data.<key>, by the general reader (the compiled scanner hands such files
over; COCO's own image keys stay on the fast path), written back by the COCO writer, and used
by guidec handoff and split as the group key or a stratum."""

from __future__ import annotations

import io
import json

import orjson
import pytest

from guidec.cli import run
from guidec.readers import coco_fast, read_delivery
from guidec.table import image_metadata
from guidec.writers.coco import write
from tests.test_handoff import _spec


def _doc(images):
    return {"images": images,
            "annotations": [{"id": i + 1, "image_id": im["id"], "category_id": 1,
                             "bbox": [1, 1, 5, 5], "area": 25, "iscrowd": 0}
                            for i, im in enumerate(images)],
            "categories": [{"id": 1, "name": "product"}]}


def _img(i, **meta):
    return {"id": i, "file_name": f"{i}.jpg", "width": 64, "height": 48, **meta}


def test_metadata_is_read_as_data_attributes(tmp_path):
    doc = _doc([_img(1, store_id="s1", region="eu", license=3, coco_url="http://x"),
                _img(2, store_id="s2", nested={"a": 1}), _img(3)])
    (tmp_path / "d.json").write_text(json.dumps(doc))
    t = read_delivery([str(tmp_path / "d.json")]).table
    assert sorted(t.images.attributes) == ["data.region", "data.store_id"]  # no nested, no COCO keys
    assert image_metadata(t, "store_id") == ["s1", "s2", None]
    assert image_metadata(t, "region") == ["eu", None, None]


@pytest.mark.skipif(coco_fast._cocoscan is None, reason="the C scanner is not built here")
def test_the_scanner_keeps_coco_image_keys_and_hands_over_metadata():
    std = _doc([_img(1, license=3, coco_url="u", flickr_url="f", date_captured="2013")])
    meta = _doc([_img(1, store_id="s1")])
    assert coco_fast._cocoscan.scan(orjson.dumps(std), orjson.loads) is not None
    assert coco_fast._cocoscan.scan(orjson.dumps(meta), orjson.loads) is None
    lvis = _doc([_img(1, neg_category_ids=[3, 4], not_exhaustive_category_ids=[])])
    assert coco_fast._cocoscan.scan(orjson.dumps(lvis), orjson.loads) is not None


def test_the_coco_writer_writes_metadata_back(tmp_path):
    doc = _doc([_img(1, store_id="s1", shelf=4), _img(2, store_id="s2")])
    (tmp_path / "d.json").write_text(json.dumps(doc))
    from guidec.view import load_project
    from tests.conftest import SPECS

    project = load_project(str(SPECS / "retail-shelf" / "spec.yaml"))
    t = read_delivery([str(tmp_path / "d.json")], project=project).table
    (tmp_path / "out").mkdir()
    for name, data in write(t, project).items():
        (tmp_path / "out" / name).write_bytes(data)
    again = read_delivery([str(tmp_path / "out")]).table
    assert image_metadata(again, "store_id") == ["s1", "s2"]
    assert image_metadata(again, "shelf") == [4, None]


def test_handoff_finds_group_leakage_from_coco_metadata(tmp_path):
    spec = _spec(tmp_path)
    train = _doc([_img(1, store_id="s1"), _img(2, store_id="s2")])
    val = _doc([_img(3, store_id="s1")])
    (tmp_path / "train.json").write_text(json.dumps(train))
    (tmp_path / "val.json").write_text(json.dumps(val))
    out, err = io.StringIO(), io.StringIO()
    run(["handoff", "--spec", str(spec), str(tmp_path / "train.json"),
         str(tmp_path / "val.json"), "--format", "json"], out, err)
    found = json.loads(out.getvalue())["findings"]
    leaks = [d for d in found if d["code"] == "H053"]
    assert len(leaks) == 1 and "'s1'" in leaks[0]["message"], found
    assert not [d for d in found if d["code"] in ("H068", "V150")]
