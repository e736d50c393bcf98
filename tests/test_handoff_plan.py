"""guidec handoff against the spec's composition plan (H060-H068): class priors, hard negatives
(forgotten empty images), strata, and group leakage read from Label Studio task data. Label
Studio deliveries, because they carry image metadata both ways (task data and image-level
results); exact expected findings."""

from __future__ import annotations

import io
import json
import re
import shutil

import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs

from guidec.cli import run
from tests.conftest import ROOT

SPEC_SRC = ROOT / "specs" / "retail-shelf"

PLAN = """splits:
  names: [train, val]
  group_by: store_id
  ratios: {train: 0.5, val: 0.5}
  priors:
    product: {share: 0.5, tolerance: 0.1, min: {val: 3}}
    price_tag: {share: 0.5, of: images, tolerance: 0.2}
  hard_negatives: {min_share: 0.15}
  strata:
    region: {shares: {eu: 0.5, us: 0.5}, tolerance: 0.1}
"""


def _spec(tmp, plan=PLAN):
    folder = tmp / "spec"
    if not folder.exists():
        shutil.copytree(SPEC_SRC / "common", folder / "common")
        shutil.copytree(SPEC_SRC / "examples", folder / "examples")
    text = (SPEC_SRC / "spec.yaml").read_text()
    text = re.sub(r"splits:\n(  .*\n)+", plan, text)
    assert "priors" in text or plan != PLAN
    (folder / "spec.yaml").write_text(text)
    return folder / "spec.yaml"


def _box(rid, label):
    return {"id": rid, "type": "rectanglelabels", "from_name": "label", "to_name": "image",
            "original_width": 100, "original_height": 100,
            "value": {"x": 10, "y": 10, "width": 20, "height": 20, "rotation": 0,
                      "rectanglelabels": [label]}}


def _task(tid, labels, *, store, region=None, reviewed=None):
    data = {"image": f"/data/img{tid}.jpg", "store_id": store}
    if region is not None:
        data["region"] = region
    if reviewed is not None:
        data["reviewed_empty"] = reviewed
    return {"id": tid, "data": data, "annotations": [
        {"id": tid, "result": [_box(f"r{tid}-{k}", lab) for k, lab in enumerate(labels)]}]}


def _handoff(tmp, parts: dict, *extra, plan=PLAN):
    tmp.mkdir(parents=True, exist_ok=True)
    spec = _spec(tmp, plan)
    paths = []
    for name, tasks in parts.items():
        p = tmp / f"{name}.json"
        p.write_text(json.dumps(tasks))
        paths.append(str(p))
    out, err = io.StringIO(), io.StringIO()
    code = run(["handoff", "--spec", str(spec), *paths, *map(str, extra), "--format", "json"],
               out, err)
    assert out.getvalue(), err.getvalue()
    return code, json.loads(out.getvalue())


def _plan_findings(doc):
    return sorted((f["code"], f["message"]) for f in doc["findings"]
                  if "H060" <= f["code"] <= "H068" or f["code"] == "H053")


P, T = "product", "price_tag"

# A delivery that meets the plan: per split 4 product and 4 price_tag objects, price_tag on
# 4 of 6 images, one reviewed-empty image of six, regions half and half.
GOOD = {
    "train": [_task(1, [P, T], store="s1", region="eu"),
              _task(2, [P, T], store="s1", region="us"),
              _task(3, [P], store="s2", region="eu"),
              _task(4, [T], store="s2", region="us"),
              _task(5, [], store="s2", region="eu", reviewed=True),
              _task(6, [P, T], store="s2", region="us")],
    "val": [_task(11, [P, T], store="s3", region="eu"),
            _task(12, [P, T], store="s3", region="us"),
            _task(13, [P], store="s3", region="eu"),
            _task(14, [T], store="s4", region="us"),
            _task(15, [], store="s4", region="eu", reviewed=True),
            _task(16, [P, T], store="s4", region="us")],
}


BAD = {
    # train: product 5 of 6 objects (share 0.833 > 0.5 +- 0.1); price_tag on 1 of 6 images
    # (0.167, < 0.5 - 0.2); four empty images, two forgotten; region eu 4 of 5 carrying
    # one; one image without region; one 'apac'; store s3 also in val (leak from task data)
    "train": [_task(1, [P, P, P], store="s1", region="eu"),
              _task(2, [P, P, T], store="s1", region="eu"),
              _task(3, [], store="s2", region="eu", reviewed=True),
              _task(4, [], store="s2", region="eu"),
              _task(5, [], store="s3"),
              _task(6, [], store="s3", region="apac", reviewed=True)],
    # val: product 2 (< min 3; 0.4 of the objects, within 0.1); price_tag on 3 of 3 images;
    # no reviewed empty image (H062); a reviewed-empty image holding objects (H064)
    "val": [_task(11, [P, T], store="s3", region="us"),
            _task(12, [P, T], store="s4", region="eu", reviewed="yes"),
            _task(13, [T], store="s4", region="us")],
}


def test_a_delivery_that_meets_the_plan_has_no_plan_finding(tmp_path):
    _, doc = _handoff(tmp_path, GOOD)
    assert _plan_findings(doc) == []
    plan = doc["handoff"]["plan"]
    assert plan["priors"]["val"]["product"] == {
        "objects": 4, "images": 4, "share": 0.5, "target": 0.5, "tolerance": 0.1,
        "of": "objects", "min": 3}
    assert plan["hard_negatives"]["train"] == {
        "images": 6, "empty": 1, "reviewed_empty": 1, "forgotten": 0,
        "marked_with_objects": 0, "share": 1 / 6, "min_share": 0.15}
    assert plan["strata"]["region"]["val"]["values"]["eu"]["images"] == 3


def test_priors_missed_forgotten_empty_images_strata_off_and_ls_group_leakage(tmp_path):
    bad = BAD
    code, doc = _handoff(tmp_path, bad)
    assert code == 1
    got = _plan_findings(doc)
    assert got == sorted([
        ("H053", "group 's3' is in 2 splits: train 2 image(s) (/data/img5.jpg, "
                 "/data/img6.jpg); val 1 image(s) (/data/img11.jpg)"),
        ("H060", "train: 'product' is 0.833 of the objects; prior 0.5 ± 0.1"),
        ("H060", "train: 'price_tag' is 0.167 of the images; prior 0.5 ± 0.2"),
        ("H060", "val: 'price_tag' is 1.000 of the images; prior 0.5 ± 0.2"),
        ("H061", "val holds 2 'product'; the prior asks for at least 3"),
        ("H062", "val: 0 of 3 images are reviewed empty (0.000); hard_negatives.min_share 0.15"),
        ("H063", "train//data/img4.jpg has no object and is not marked 'reviewed_empty': "
                 "forgotten, or empty on purpose?"),
        ("H063", "train//data/img5.jpg has no object and is not marked 'reviewed_empty': "
                 "forgotten, or empty on purpose?"),
        ("H064", "val//data/img12.jpg is marked 'reviewed_empty' and holds 2 object(s)"),
        ("H065", "train: region='eu' is 0.800 of the images; planned 0.5 ± 0.1"),
        ("H065", "train: region='us' is 0.000 of the images; planned 0.5 ± 0.1"),
        ("H065", "val: region='eu' is 0.333 of the images; planned 0.5 ± 0.1"),
        ("H065", "val: region='us' is 0.667 of the images; planned 0.5 ± 0.1"),
        ("H066", "train: 1 image(s) carry no 'region' (/data/img5.jpg)"),
        ("H067", "train: 1 image(s) have region='apac', a value the plan does not list "
                 "(eu, us)"),
    ])
    hn = doc["handoff"]["plan"]["hard_negatives"]
    assert hn["train"]["forgotten"] == 2 and hn["train"]["reviewed_empty"] == 2
    assert hn["val"]["marked_with_objects"] == 1


# code -> (failing delivery, its plan): each fails with the code; GOOD under PLAN passes all
# (tests/test_code_cases.py closes the loop over every code)
NO_SITE = "splits:\n  names: [train, val]\n  group_by: site\n"
CASES = {c: (BAD, PLAN) for c in ("H060", "H061", "H062", "H063", "H064", "H065", "H066",
                                  "H067")}
CASES["H068"] = (GOOD, NO_SITE)


@pytest.mark.parametrize("code", sorted(CASES))
def test_every_plan_code_fails_and_passes(tmp_path, code):
    parts, plan = CASES[code]
    _, doc = _handoff(tmp_path / "bad", parts, plan=plan)
    assert code in {f["code"] for f in doc["findings"]}
    _, doc = _handoff(tmp_path / "good", GOOD)
    assert code not in {f["code"] for f in doc["findings"]}


def test_a_reviewed_empty_list_marks_images_for_formats_without_a_mark(tmp_path):
    parts = {"train": [_task(1, [P, T], store="a", region="eu"),
                       _task(2, [], store="a", region="us")],
             "val": [_task(3, [P, T], store="b", region="eu"),
                     _task(4, [], store="b", region="us")]}
    _, doc = _handoff(tmp_path, parts)
    assert [c for c, _ in _plan_findings(doc)].count("H063") == 2
    listing = tmp_path / "empty.txt"
    listing.write_text("# reviewed by QA\nimg2.jpg\n/data/img4.jpg\n")
    _, doc = _handoff(tmp_path, parts, "--reviewed-empty", listing)
    assert "H063" not in {c for c, _ in _plan_findings(doc)}
    code = run(["handoff", "--spec", str(_spec(tmp_path)), str(tmp_path / "train.json"),
                "--reviewed-empty", str(tmp_path / "nope.txt")], io.StringIO(), err := io.StringIO())
    assert code == 2 and "nope.txt" in err.getvalue()


def test_a_group_key_no_image_carries_is_a_finding(tmp_path):
    plan = "splits:\n  names: [train, val]\n  group_by: site\n"
    _, doc = _handoff(tmp_path, GOOD, plan=plan)
    assert _plan_findings(doc) == [
        ("H068", "no image carries the group key 'site' (as an image attribute or Label "
                 "Studio task data data.site): group leakage is not checked")]


def test_a_groups_sidecar_stands_in_for_the_group_key(tmp_path):
    plan = "splits:\n  names: [train, val]\n  group_by: site\n"
    sidecar = tmp_path / "sites.csv"
    sidecar.write_text("image,site\n/data/img1.jpg,A\n/data/img11.jpg,A\n")
    _, doc = _handoff(tmp_path, GOOD, "--groups", sidecar, plan=plan)
    assert [c for c, _ in _plan_findings(doc)] == ["H053"]


def test_task_data_is_not_an_undefined_attribute_for_validate(tmp_path):
    spec = _spec(tmp_path)
    p = tmp_path / "train.json"
    p.write_text(json.dumps(GOOD["train"]))
    out = io.StringIO()
    run(["validate", "--spec", str(spec), str(p), "--format", "json"], out, io.StringIO())
    assert "V150" not in {f["code"] for f in json.loads(out.getvalue())["findings"]}


@settings(deadline=None, max_examples=25)
@given(hs.lists(hs.tuples(hs.integers(0, 3), hs.booleans(), hs.sampled_from(["eu", "us"])),
                min_size=1, max_size=12))
def test_counts_in_the_report_add_up(tmp_path_factory, images):
    """Property: per split, reviewed + forgotten = empty images, and the stratum counts
    add up to the images carrying a region; H063 is reported once per forgotten image."""
    tmp = tmp_path_factory.mktemp("p")
    tasks = [_task(k + 1, [P] * n, store=f"s{k}", region=r, reviewed=rev or None)
             for k, (n, rev, r) in enumerate(images)]
    _, doc = _handoff(tmp, {"train": tasks})
    hn = doc["handoff"]["plan"]["hard_negatives"]["train"]
    empty = sum(1 for n, _, _ in images if n == 0)
    assert hn["empty"] == empty
    assert hn["reviewed_empty"] + hn["forgotten"] == empty
    assert hn["forgotten"] == sum(1 for n, rev, _ in images if n == 0 and not rev)
    assert hn["marked_with_objects"] == sum(1 for n, rev, _ in images if n and rev)
    assert [f["code"] for f in doc["findings"]].count("H063") == hn["forgotten"]
    st = doc["handoff"]["plan"]["strata"]["region"]["train"]
    assert sum(v["images"] for v in st["values"].values()) == len(images)


CVAT = """<?xml version="1.0" encoding="utf-8"?>
<annotations>
  <version>1.1</version>
  <image id="0" name="a.jpg" width="100" height="100">
    <box label="product" source="manual" occluded="0" xtl="1" ytl="1" xbr="9" ybr="9" z_order="0"/>
  </image>
  <image id="1" name="b.jpg" width="100" height="100">
    <tag label="reviewed_empty" source="manual"/>
  </image>
  <image id="2" name="c.jpg" width="100" height="100"/>
  <image id="3" name="d.jpg" width="100" height="100">
    <tag label="product" source="manual"/>
  </image>
</annotations>
"""


def test_a_cvat_tag_marks_an_image_reviewed_empty(tmp_path):
    spec = _spec(tmp_path, "splits:\n  names: [train]\n  hard_negatives: {min_share: 0.25}\n")
    p = tmp_path / "train.xml"
    p.write_text(CVAT)
    out = io.StringIO()
    run(["handoff", "--spec", str(spec), str(p), "--format", "json"], out, io.StringIO())
    doc = json.loads(out.getvalue())
    # a tag is image-level, not an object: d.jpg is as empty as c.jpg
    assert _plan_findings(doc) == [
        ("H063", "train/c.jpg has no object and is not marked 'reviewed_empty': forgotten, "
                 "or empty on purpose?"),
        ("H063", "train/d.jpg has no object and is not marked 'reviewed_empty': forgotten, "
                 "or empty on purpose?")]
    assert doc["handoff"]["plan"]["hard_negatives"]["train"]["reviewed_empty"] == 1


def test_guidec_split_keeps_a_task_data_group_in_one_split(tmp_path):
    """The same metadata reader as handoff: a Label Studio group key in task data."""
    spec = _spec(tmp_path, "splits:\n  names: [train, val]\n  group_by: store_id\n"
                           "  ratios: {train: 0.5, val: 0.5}\n")
    p = tmp_path / "all.json"
    p.write_text(json.dumps([_task(k, [P], store=f"s{k % 3}") for k in range(1, 13)]))
    out, err = io.StringIO(), io.StringIO()
    code = run(["split", "--spec", str(spec), str(p), "--out", str(tmp_path / "out")],
               out, err)
    assert code in (0, 1), err.getvalue()
    assert "H041" not in out.getvalue() + err.getvalue()
    stores = {}
    for split in ("train", "val"):
        for t in json.loads((tmp_path / "out" / split / "tasks.json").read_text()):
            stores.setdefault(t["data"]["store_id"], set()).add(split)  # written back
    assert len(stores) == 3 and all(len(v) == 1 for v in stores.values())
    # and the gate reads the written split back: no leak, the group key found
    out = io.StringIO()
    run(["handoff", "--spec", str(spec), str(tmp_path / "out" / "train"),
         str(tmp_path / "out" / "val"), "--format", "json"], out, io.StringIO())
    assert not {"H053", "H068"} & {f["code"] for f in json.loads(out.getvalue())["findings"]}
