"""guidec handoff on split deliveries built from the retail-shelf example: a failing and a
passing case for every code H050-H058, group leakage from a sidecar and from image
attributes, identical images across splits, and the class statistics' definitions."""

from __future__ import annotations

import copy
import io
import json
import re
import shutil

import numpy as np

from guidec.cli import run
from guidec.handoff import cramers_v, split_of_path
from tests.conftest import ROOT

SPEC_SRC = ROOT / "specs" / "retail-shelf"
GOLD = json.loads((SPEC_SRC / "qa" / "golden.json").read_text())


def _spec(tmp, ratios="{train: 0.67, val: 0.33}"):
    """The retail-shelf spec with two splits (and its include beside it)."""
    folder = tmp / "spec"
    if not folder.exists():
        shutil.copytree(SPEC_SRC / "common", folder / "common")
        shutil.copytree(SPEC_SRC / "examples", folder / "examples")
    text = (SPEC_SRC / "spec.yaml").read_text()
    text = re.sub(r"  names: \[train, val, test\]\n", "  names: [train, val]\n", text)
    text = re.sub(r"  ratios: \{train: 0.8, val: 0.1, test: 0.1\}", f"  ratios: {ratios}", text)
    (folder / "spec.yaml").write_text(text)
    return folder / "spec.yaml"


def _part(images, *, img_ext=".png"):
    """A COCO delivery of some of the golden images (by id)."""
    doc = copy.deepcopy(GOLD)
    doc["images"] = [dict(im, file_name=im["file_name"].replace(".jpg", img_ext))
                     for im in doc["images"] if im["id"] in images]
    doc["annotations"] = [a for a in doc["annotations"] if a["image_id"] in images]
    return doc


def _handoff(tmp, parts: dict, *extra, ratios="{train: 0.67, val: 0.33}"):
    spec = _spec(tmp, ratios)
    paths = []
    for name, doc in parts.items():
        p = tmp / f"{name}.json"
        p.write_text(json.dumps(doc))
        paths.append(str(p))
    out, err = io.StringIO(), io.StringIO()
    code = run(["handoff", "--spec", str(spec), *paths, *map(str, extra), "--format", "json"],
               out, err)
    doc = json.loads(out.getvalue()) if out.getvalue() else {"findings": []}
    return code, doc


def _codes(doc) -> set:
    return {f["code"] for f in doc["findings"]}


GOOD = {"train": _part({1, 2}), "val": _part({3})}


def _no_empty_slot(doc):
    doc = copy.deepcopy(doc)
    doc["annotations"] = [a for a in doc["annotations"] if a["category_id"] != 4]
    return doc


def _many_products(doc, n):
    doc = copy.deepcopy(doc)
    first = next(a for a in doc["annotations"] if a["category_id"] == 1)
    doc["annotations"] += [dict(first, id=1000 + k) for k in range(n)]
    return doc


# code -> (failing parts, passing parts, options, ratios of the failing run)
CASES = {
    "H050": ({**GOOD, "extra": _part({3})}, GOOD, (), None),
    "H051": ({"all": _part({1, 2, 3})}, GOOD, (), None),
    "H052": (GOOD, GOOD, (), "{train: 0.9, val: 0.1}"),
    "H053": (GOOD, GOOD, ("--groups", "{csv_leak}"), None),
    "H054": (GOOD, GOOD, ("--images", "{same}"), None),
    "H055": ({"train": _part({1, 2}), "val": _part({3})},
             {"train": _no_empty_slot(_part({1, 2})), "val": _part({3})}, (), None),
    "H056": ({"train": _part({1, 2}), "val": _part({3})},
             {"train": _no_empty_slot(_part({1, 2})), "val": _part({3, 1})}, (), None),
    "H057": ({"train": _many_products(_part({1, 2}), 400), "val": _part({3})}, GOOD, (),
             None),
    "H059": (GOOD, GOOD, ("--images", "{near}"), None),
    "H069": (GOOD, GOOD, ("--images", "{near_within}"), None),
    "H058": ({"train": _many_products(_part({1, 2}), 400), "val": _part({3})},
             {"train": _part({1}), "val": _part({3})}, (), None),
}


def _options(tmp, extra, leak: bool):
    out = []
    for o in extra:
        if o == "{csv_leak}":
            p = tmp / "stores.csv"
            p.write_text("image,store\naisle-01.png,s1\naisle-02.png,s2\naisle-03.png,"
                         + ("s1" if leak else "s3") + "\n")
            o = str(p)
        elif o == "{near}":
            o = str(_patterns(tmp, leak))
        elif o == "{near_within}":
            o = str(_patterns(tmp, leak, copy="aisle-02"))
        elif o == "{same}":
            imgs = tmp / "images"
            imgs.mkdir(exist_ok=True)
            for i in (1, 2, 3):
                src = SPEC_SRC / "deliveries" / "images" / f"aisle-0{1 if leak and i == 3 else i}.png"
                shutil.copy(src, imgs / f"aisle-0{i}.png")
            o = str(imgs)
        out.append(o)
    return out


def _patterns(tmp, leak: bool, copy: str = "aisle-03"):
    """Three photos-like images; with ``leak`` the image ``copy`` (aisle-03: in val; aisle-02:
    in train beside aisle-01) is a brightened copy of a train image (aisle-01)."""
    from PIL import Image, ImageEnhance

    folder = tmp / "near"
    folder.mkdir(exist_ok=True)
    yy, xx = np.mgrid[0:240, 0:320]

    def img(seed):
        rng = np.random.default_rng(seed)
        f = sum(np.sin(xx / rng.uniform(8, 40) + rng.uniform(0, 6))
                * np.cos(yy / rng.uniform(8, 40)) for _ in range(4))
        a = ((f - f.min()) / (np.ptp(f) or 1) * 255).astype(np.uint8)
        return Image.fromarray(np.stack([a, a[::-1], a[:, ::-1]], axis=2))

    base = img(1)
    base.save(folder / "aisle-01.png")
    for k, name in ((2, "aisle-02"), (3, "aisle-03")):
        im = ImageEnhance.Brightness(base).enhance(1.15) if leak and name == copy else img(k)
        im.save(folder / f"{name}.png")
    return folder


def test_every_handoff_code_has_a_failing_and_a_passing_case(tmp_path):
    for code, (bad, good, extra, ratios) in CASES.items():
        kw = {"ratios": ratios} if ratios else {}
        b = tmp_path / code / "bad"
        b.mkdir(parents=True)
        rc, doc = _handoff(b, bad, *_options(b, extra, True), **kw)
        assert code in _codes(doc), (code, doc["findings"])
        if code == "H051":
            assert rc == 2
        g = tmp_path / code / "good"
        g.mkdir(parents=True)
        rc, doc = _handoff(g, good, *_options(g, extra, False))  # the spec's own ratios
        assert code not in _codes(doc), (code, [f for f in doc["findings"]
                                                if f["code"] == code])


def test_a_leak_names_the_group_and_its_images_per_split(tmp_path):
    csv = tmp_path / "stores.csv"
    csv.write_text("image,store\naisle-01.png,S-1\naisle-02.png,S-2\naisle-03.png,S-1\n")
    _, doc = _handoff(tmp_path, GOOD, "--groups", csv)
    (leak,) = [f for f in doc["findings"] if f["code"] == "H053"]
    assert leak["group"] == "S-1"
    assert leak["splits"] == {"train": ["aisle-01.png"], "val": ["aisle-03.png"]}
    assert doc["handoff"]["group_leaks"] == 1


def test_split_names_come_from_stems_or_folders():
    names = ["train", "val", "test"]
    assert split_of_path("out/train.json", names) == "train"
    assert split_of_path("ds/val/labels/a.txt", names) == "val"
    assert split_of_path("ds/test/Annotations/x.xml", names) == "test"
    assert split_of_path("ds/other/a.json", names) is None


def test_cramers_v_is_zero_for_one_mix_and_one_for_disjoint_classes():
    assert cramers_v(np.array([[10, 20], [1, 2]])) == 0.0
    assert abs(cramers_v(np.array([[10, 0], [0, 7]])) - 1.0) < 1e-12
    assert cramers_v(np.array([[10, 20]])) is None


def test_a_search_given_up_is_a_finding(tmp_path, monkeypatch):
    from guidec import imagehash

    monkeypatch.setattr(imagehash, "near_duplicates",
                        lambda *a, **k: (_ for _ in ()).throw(imagehash.TooManyPairs("too many")))
    _, doc = _handoff(tmp_path, GOOD, *_options(tmp_path, ("--images", "{near}"), True))
    found = [f for f in doc["findings"] if f["code"] == "H082"]
    assert len(found) == 1 and "too many" in found[0]["message"]
    assert "H059" not in _codes(doc)
