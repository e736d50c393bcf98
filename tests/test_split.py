"""guidec split: groups never cross splits, every image lands in one split, the image shares
meet the ratios as far as the groups allow, and the classes are better balanced than by a random
grouped split; the command writes the same files for the same seed."""

from __future__ import annotations

import io
import json
import re

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from guidec.cli import run
from guidec.splitting import deviation, plan
from guidec.table import Shape, TableBuilder
from guidec.view import load_project
from tests.budget import examples
from tests.conftest import ROOT

SPEC = ROOT / "specs" / "retail-shelf" / "spec.yaml"
CLASSES = ["product", "price_tag", "shelf", "empty_slot"]


def _table(images):
    """images: list of (group or None, [class index, ...])."""
    b = TableBuilder()
    fi = b.add_file("d.json", "coco")
    for k, (group, objs) in enumerate(images):
        img = b.add_image(k, f"{k:05d}.jpg", 640, 480, src_file=fi,
                          attributes={"store_id": group} if group is not None else None)
        for c in objs:
            b.add_annotation(image_index=img, shape=Shape.BOX, label=CLASSES[c],
                             bbox=(1, 1, 5, 5), src_file=fi)
    return b.build()


deliveries = st.lists(st.tuples(st.one_of(st.none(), st.integers(0, 15).map(str)),
                                st.lists(st.sampled_from([0, 0, 0, 1, 1, 2, 3]), max_size=6)),
                      min_size=1, max_size=200)
RATIOS = {"train": 0.7, "val": 0.2, "test": 0.1}


def _random_grouped(sp, lab_of_group, rng):
    """A random grouped split of the same groups with the same image ratios (the baseline)."""
    order = rng.permutation(sp.groups)
    sizes = np.bincount(sp.group_of, minlength=sp.groups)
    cum = np.cumsum(sizes[order]) / max(sizes.sum(), 1)
    edges = np.cumsum(sp.wanted)
    split_of_group = np.empty(sp.groups, dtype=np.int64)
    split_of_group[order] = np.minimum(np.searchsorted(edges, cum - 1e-12), len(edges) - 1)
    counts = np.zeros_like(sp.counts)
    np.add.at(counts, split_of_group, lab_of_group)
    return counts


def _imbalance(counts, wanted):
    total = counts.sum(axis=0)
    keep = total > 0
    return float(np.abs(counts[:, keep] / total[keep] - wanted[:, None]).sum())


@settings(deadline=None, max_examples=examples(200))
@given(deliveries, st.integers(0, 3), st.data())
def test_groups_stay_whole_and_classes_beat_a_random_grouped_split(images, seed, data):
    project = load_project(str(SPEC))
    t = _table(images)
    # near-duplicate clusters (as guidec split --images finds them) join groups too
    dups = data.draw(st.lists(st.lists(st.integers(0, len(images) - 1), min_size=2,
                                       max_size=4), max_size=5))
    extra = [[f"{k:05d}.jpg" for k in c] for c in dups]
    sp = plan(t, project, RATIOS, "store_id", extra_groups=extra, seed=seed)
    for c in dups:
        assert len({int(sp.split_of[k]) for k in c}) == 1, c
    # every image in one split; no group across two
    assert len(sp.split_of) == len(images) and (sp.split_of >= 0).all()
    for g in range(sp.groups):
        assert len(set(sp.split_of[sp.group_of == g].tolist())) == 1
    stores = {}
    for k, (group, _) in enumerate(images):
        if group is not None:
            stores.setdefault(group, set()).add(int(sp.split_of[k]))
    assert all(len(v) == 1 for v in stores.values())
    # the counts are the delivery's
    idx = [sp.classes.index(n) for n in CLASSES]
    per_class = np.bincount([c for _, objs in images for c in objs], minlength=4)
    assert sp.counts.sum(axis=0)[idx].tolist() == per_class.tolist()
    # same seed, same split
    again = plan(t, project, RATIOS, "store_id", extra_groups=extra, seed=seed)
    assert (again.split_of == sp.split_of).all()
    # classes: no worse than the median of random grouped splits of the same groups, once there
    # are enough groups for balance to mean anything (3 groups into 3 splits cannot balance)
    if sp.groups < 30:
        return
    lab = np.zeros((sp.groups, len(sp.classes)), dtype=np.int64)
    for k, (_, objs) in enumerate(images):
        for c in objs:
            lab[sp.group_of[k], idx[c]] += 1
    rng = np.random.default_rng(seed)
    baseline = np.median([_imbalance(_random_grouped(sp, lab, rng), sp.wanted)
                          for _ in range(15)])
    assert _imbalance(sp.counts, sp.wanted) <= baseline + 1e-9


def test_image_shares_meet_the_ratios_when_groups_are_small():
    project = load_project(str(SPEC))
    rng = np.random.default_rng(1)
    images = [(str(k // 2), list(rng.integers(0, 4, rng.integers(0, 5)))) for k in range(400)]
    sp = plan(_table(images), project, RATIOS, "store_id", seed=0)
    shares = sp.images / sp.images.sum()
    assert np.abs(shares - sp.wanted).max() <= 0.02
    assert np.nanmax(np.abs(deviation(sp))) <= 0.05


def _split(tmp_path, name, *extra):
    out, err = io.StringIO(), io.StringIO()
    folder = tmp_path / name
    code = run(["split", "--spec", str(SPEC), str(SPEC.parent / "deliveries" / "batch-03.json"),
                "--out", str(folder), "--ratios", "train=0.67,val=0.33", *extra], out, err)
    return code, folder, out.getvalue(), err.getvalue()


def test_the_command_writes_lists_and_a_report_the_same_for_a_seed(tmp_path):
    code, a, _, err = _split(tmp_path, "a")
    assert code == 0 and "H041" in err  # the spec's group key is on no image: said, not silent
    doc = json.loads((a / "splits.json").read_text())
    listed = sorted(doc["splits"]["train"] + doc["splits"]["val"])
    assert listed == ["aisle-01.png", "aisle-02.png", "aisle-03.png"]
    assert (a / "train.txt").read_text().splitlines() == doc["splits"]["train"]
    # each split as a COCO delivery, read back: its images and the objects on them
    from guidec.readers import read_delivery

    whole = read_delivery([str(SPEC.parent / "deliveries" / "batch-03.json")]).table
    per_image = {}
    for r in range(len(whole)):  # every row, a class the spec lacks ('prodcut') included
        name = whole.images.file_name[whole.image_index[r]]
        per_image[name] = per_image.get(name, 0) + 1
    for name in ("train", "val"):
        (part,) = (a / name).iterdir()
        t = read_delivery([str(part)]).table
        assert sorted(t.images.file_name.tolist()) == sorted(doc["splits"][name])
        assert len(t) == sum(per_image[f] for f in doc["splits"][name])
    _, b, _, _ = _split(tmp_path, "b")
    assert (a / "splits.json").read_bytes() == (b / "splits.json").read_bytes()
    code, _, _, err = _split(tmp_path, "c", "--fail-on", "info")
    assert code == 1 and "H043" in err


def test_a_groups_sidecar_keeps_its_groups_whole(tmp_path):
    csv = tmp_path / "groups.csv"
    csv.write_text("image,store\n" + "".join(f"{i}.png,s{i // 3}\n" for i in range(30)))
    code, err = _run_codes(tmp_path, _coco(30, 2), "--groups", str(csv))
    doc = json.loads((tmp_path / "s" / "splits.json").read_text())
    where = {name: s for s, names in doc["splits"].items() for name in names}
    for g in range(10):
        assert len({where[f"{i}.png"] for i in range(3 * g, 3 * g + 3)}) == 1
    assert doc["groups"] == 10 and "H041" not in err
    bad = tmp_path / "bad.csv"
    bad.write_text("image,store\n0.png\n")
    code, err = _run_codes(tmp_path, _coco(3), "--groups", str(bad))
    assert code == 2 and "bad.csv:2: expected 'image,group'" in err


def test_no_ratios_is_one_clear_error(tmp_path):
    out, err = io.StringIO(), io.StringIO()
    code = run(["split", "--spec", str(ROOT / "specs" / "human-pose" / "spec.yaml"),
                str(SPEC.parent / "deliveries" / "batch-03.json"), "--out",
                str(tmp_path / "x")], out, err)
    if code == 2:
        assert "no split ratios" in err.getvalue()


def _run_codes(tmp_path, doc, *extra) -> tuple[int, str]:
    path = tmp_path / "d.json"
    path.write_text(json.dumps(doc))
    out, err = io.StringIO(), io.StringIO()
    code = run(["split", "--spec", str(SPEC), str(path), "--out", str(tmp_path / "s"),
                "--ratios", "train=0.5,val=0.5", *extra], out, err)
    return code, err.getvalue()


def _coco(n_images, objs_per_image=1):
    return {"images": [{"id": i, "file_name": f"{i}.png", "width": 64, "height": 64}
                       for i in range(n_images)],
            "annotations": [{"id": i * 10 + k, "image_id": i, "category_id": 1,
                             "bbox": [1, 1, 5, 5]} for i in range(n_images)
                            for k in range(objs_per_image)],
            "categories": [{"id": 1, "name": "product"}]}


# code -> (failing delivery, passing delivery, options): guidec split's findings
CASES = {
    "H040": (_coco(0), _coco(4), ()),
    "H041": (_coco(4), _coco(4), ()),
    "H042": (_coco(1), _coco(4), ()),
    "H043": (_coco(1, 3), _coco(4, 3), ("--fail-on", "info")),
}


def test_each_split_code_has_a_failing_and_a_passing_case(tmp_path):
    for code, (bad, good, extra) in CASES.items():
        (tmp_path / code / "bad").mkdir(parents=True)
        (tmp_path / code / "good").mkdir(parents=True)
        _, err = _run_codes(tmp_path / code / "bad", bad, *extra)
        assert code in re.findall(r": (H\d{3}) ", err), (code, err)
        if code == "H041":  # the passing case: the groups in a CSV sidecar
            csv = tmp_path / code / "groups.csv"
            csv.write_text("image,store_id\n0.png,s1\n1.png,s1\n2.png,s2\n3.png,s2\n")
            extra = ("--groups", str(csv))
        _, err = _run_codes(tmp_path / code / "good", good, *extra)
        assert code not in re.findall(r": (H\d{3}) ", err), (code, err)


def _photo_delivery(tmp_path):
    """Four corpus photos and edited copies of two (crop, rescale, recompression): a COCO
    delivery of 10 images, one object each."""
    import pytest

    from tests.conftest import CORPUS
    from tests.test_imagehash import PHOTOS

    pil = pytest.importorskip("PIL.Image")
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not present")
    images = tmp_path / "images"
    images.mkdir()
    names = []
    for k in ("dog", "horses", "person", "bus"):
        with pil.open(CORPUS / PHOTOS[k]) as im:
            im = im.convert("RGB")
            im.save(images / f"{k}.jpg", quality=90)
            names.append(f"{k}.jpg")
            if k in ("dog", "horses"):
                w, h = im.size
                im.crop((w // 50, h // 50, w - w // 50, h - h // 50)).save(
                    images / f"{k}-crop.jpg", quality=90)
                im.resize((w // 2, h // 2)).save(images / f"{k}-half.jpg", quality=90)
                im.save(images / f"{k}-q40.jpg", quality=40)
                names += [f"{k}-crop.jpg", f"{k}-half.jpg", f"{k}-q40.jpg"]
    doc = {"images": [{"id": i, "file_name": n, "width": 64, "height": 64}
                      for i, n in enumerate(names)],
           "annotations": [{"id": i, "image_id": i, "category_id": 1 + i % 2,
                            "bbox": [1, 1, 5, 5]} for i in range(len(names))],
           "categories": [{"id": 1, "name": "product"}, {"id": 2, "name": "price_tag"}]}
    (tmp_path / "d.json").write_text(json.dumps(doc))
    return tmp_path / "d.json", images


def test_copies_of_one_picture_stay_in_one_split(tmp_path):
    delivery, images = _photo_delivery(tmp_path)
    for seed in range(4):
        out, err = io.StringIO(), io.StringIO()
        code = run(["split", "--spec", str(SPEC), str(delivery), "--out", str(tmp_path / f"s{seed}"),
                    "--ratios", "train=0.5,val=0.5", "--images", str(images),
                    "--seed", str(seed), "--fail-on", "never"], out, err)
        assert code == 0, err.getvalue()
        doc = json.loads((tmp_path / f"s{seed}" / "splits.json").read_text())
        where = {n: s for s, names in doc["splits"].items() for n in names}
        for k in ("dog", "horses"):
            assert len({where[f"{k}{v}.jpg"] for v in ("", "-crop", "-half", "-q40")}) == 1
        assert doc["hamming"] == 10
        assert "2 clusters of the same picture (8 images) kept whole" in out.getvalue()
        assert "H044" not in err.getvalue() and "H045" not in err.getvalue()
    # -1: not grouped (the copies may land anywhere), and said in the report's settings
    out, err = io.StringIO(), io.StringIO()
    run(["split", "--spec", str(SPEC), str(delivery), "--out", str(tmp_path / "off"),
         "--ratios", "train=0.5,val=0.5", "--images", str(images), "--hamming", "-1"], out, err)
    assert json.loads((tmp_path / "off" / "splits.json").read_text())["hamming"] is None
    assert "clusters of the same picture" not in out.getvalue()


def test_images_not_compared_and_searches_given_up_are_findings(tmp_path, monkeypatch):
    from guidec import imagehash

    delivery, images = _photo_delivery(tmp_path)
    (images / "bus.jpg").unlink()
    (images / "person.jpg").write_bytes(b"not a jpeg")
    out, err = io.StringIO(), io.StringIO()
    run(["split", "--spec", str(SPEC), str(delivery), "--out", str(tmp_path / "a"),
         "--ratios", "train=0.5,val=0.5", "--images", str(images)], out, err)
    assert re.search(r"H045 .*2 image\(s\) not compared for duplicates: bus.jpg: not found "
                     r"under .*; person.jpg: not a readable image", err.getvalue())
    monkeypatch.setattr(imagehash, "MAX_PAIRS", 3)  # 2 x 6 pairs of copies: too many
    out, err = io.StringIO(), io.StringIO()
    code = run(["split", "--spec", str(SPEC), str(delivery), "--out", str(tmp_path / "b"),
                "--ratios", "train=0.5,val=0.5", "--images", str(images)], out, err)
    assert code == 0 and re.search(r"H044 .*more than 3 pairs of images", err.getvalue())
