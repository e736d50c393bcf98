"""``guidec sample`` end to end: real runs of the command on COCO deliveries made here, with
the retail-shelf spec (classes product, product.private_label, price_tag, shelf, empty_slot)."""

from __future__ import annotations

import io
import json
import math
import os
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guidec.cli import run
from guidec.sampling import sample_size
from tests.budget import examples
from tests.conftest import SPECS

SPEC = SPECS / "retail-shelf" / "spec.yaml"  # qa.audit: {sample_rate: 0.05, min_sample: 50}
CATEGORIES = {"product": 1, "product.private_label": 11, "price_tag": 2, "shelf": 3,
              "empty_slot": 4}
NO_AUDIT = """\
guidec: 1
project: {id: t, title: T, version: 1.0.0}
classes:
  - {id: 1, name: product, shapes: [box]}
  - {id: 2, name: price_tag, shapes: [box]}
"""


def coco(images: list[list[str]], unknown: int = 0) -> dict:
    """A COCO delivery: image i (``img_0000.jpg``...) holds one box of each class named in
    ``images[i]`` (an empty list: an image with no annotation); ``unknown`` more boxes of a
    category the spec does not know, on the first image."""
    anns = []
    for i, classes in enumerate(images):
        for name in classes:
            anns.append({"id": len(anns) + 1, "image_id": i + 1,
                         "category_id": CATEGORIES[name], "bbox": [10, 10, 40, 40],
                         "area": 1600, "iscrowd": 0})
    for _ in range(unknown):
        anns.append({"id": len(anns) + 1, "image_id": 1, "category_id": 99,
                     "bbox": [10, 10, 40, 40], "area": 1600, "iscrowd": 0})
    return {"images": [{"id": i + 1, "file_name": f"img_{i:04d}.jpg", "width": 1000,
                        "height": 800} for i in range(len(images))],
            "annotations": anns,
            "categories": [{"id": v, "name": k} for k, v in CATEGORIES.items()]}


def delivery(folder: Path, images: list[list[str]], name: str = "d.json", **kw) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(json.dumps(coco(images, **kw)), encoding="utf-8")
    return path


def mostly_products(n: int) -> list[list[str]]:
    """``n`` images: products on most, every 10th empty, one price tag and one shelf image."""
    images = [[] if i % 10 == 9 else ["product"] for i in range(n)]
    images[n // 3] = ["price_tag"]
    images[2 * n // 3] = ["shelf", "product"]
    return images


def sample(*argv, spec: Path | str = SPEC):
    out, err = io.StringIO(), io.StringIO()
    code = run(["sample", "--spec", str(spec), *map(str, argv)], out, err)
    return code, out.getvalue(), err.getvalue()


def picked(out_dir: Path) -> list[str]:
    return (out_dir / "sample.txt").read_text(encoding="utf-8").splitlines()


def tasks(out_dir: Path) -> list[dict]:
    return json.loads((out_dir / "tasks.json").read_text(encoding="utf-8"))


def codes(err: str) -> set[str]:
    return set(re.findall(r": (Q2[0-9]{2}) ", err))


# --------------------------------------------------------------------------- size and draw
def test_size_is_the_rate_with_the_spec_minimum(tmp_path):
    d = delivery(tmp_path / "in", mostly_products(2000))
    code, out, err = sample(d, "-o", tmp_path / "a")
    assert code == 0, err
    assert len(picked(tmp_path / "a")) == 100  # 5 % of 2000 > min_sample 50
    assert out.startswith("Sampled 100 of 2,000 images (rate 0.05, at least 50, seed 0)")
    d2 = delivery(tmp_path / "in2", mostly_products(300))
    assert sample(d2, "-o", tmp_path / "b")[0] == 0
    assert len(picked(tmp_path / "b")) == 50  # 5 % of 300 is 15: min_sample wins


def test_options_override_the_spec(tmp_path):
    d = delivery(tmp_path / "in", mostly_products(300))
    assert sample(d, "--rate", "0.5", "-o", tmp_path / "a")[0] == 0
    assert len(picked(tmp_path / "a")) == 150
    assert sample(d, "--min", "7", "--rate", "0.01", "-o", tmp_path / "b")[0] == 0
    assert len(picked(tmp_path / "b")) == 7  # ceil(3.0) = 3 < 7
    assert sample(d, "--min", "0", "-o", tmp_path / "c")[0] == 0
    assert len(picked(tmp_path / "c")) == 15


def test_sample_size_rounding():
    assert sample_size(100, 0.07, 0) == 7  # 0.07 * 100 = 7.000000000000001
    assert sample_size(101, 0.07, 0) == 8
    assert sample_size(10, 0.0, 3) == 3
    assert sample_size(2, 0.5, 50) == 2
    assert sample_size(0, 0.5, 50) == 0


def test_same_inputs_and_seed_give_byte_identical_outputs(tmp_path):
    d = delivery(tmp_path / "in", mostly_products(500))
    runs = []
    for name in ("a", "b"):
        code, out, err = sample(d, "--seed", "7", "-o", tmp_path / name)
        assert code == 0, err
        runs.append(out.replace(str(tmp_path / name), "OUT"))
    assert runs[0] == runs[1]
    for f in ("sample.txt", "tasks.json"):
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes()


def test_order_of_delivered_images_does_not_change_the_sample(tmp_path):
    images = mostly_products(200)
    d1 = delivery(tmp_path / "in1", images)
    data = json.loads(d1.read_text())
    data["images"].reverse()
    data["annotations"].reverse()
    d2 = tmp_path / "in2" / "d.json"
    d2.parent.mkdir()
    d2.write_text(json.dumps(data))
    assert sample(d1, "-o", tmp_path / "a")[0] == 0
    assert sample(d2, "-o", tmp_path / "b")[0] == 0
    assert picked(tmp_path / "a") == picked(tmp_path / "b")


def test_another_seed_draws_another_sample(tmp_path):
    d = delivery(tmp_path / "in", mostly_products(500))
    samples = set()
    for seed in range(4):
        assert sample(d, "--seed", seed, "-o", tmp_path / f"s{seed}")[0] == 0
        samples.add(tuple(picked(tmp_path / f"s{seed}")))
    assert len(samples) == 4


def test_rare_classes_are_covered_and_say_why(tmp_path):
    d = delivery(tmp_path / "in", mostly_products(1000))
    code, out, err = sample(d, "--rate", "0.005", "--min", "0", "-o", tmp_path / "a")
    assert code == 0, err
    names = picked(tmp_path / "a")
    assert len(names) == 5
    assert "img_0333.jpg" in names and "img_0666.jpg" in names  # price_tag, shelf
    meta = {t["data"]["image"]: t["meta"] for t in tasks(tmp_path / "a")}
    assert meta["img_0333.jpg"] == {"classes": ["price_tag"], "drawn_for": ["price_tag"],
                                    "seed": 0}
    assert meta["img_0666.jpg"]["classes"] == ["product", "shelf"]
    assert meta["img_0666.jpg"]["drawn_for"] == ["shelf"]
    assert "price_tag" in out and "3 of 3 classes in the sample" in out


def test_outputs_are_sorted_and_tasks_match_the_list(tmp_path):
    d = delivery(tmp_path / "in", mostly_products(300))
    assert sample(d, "--url-prefix", "/data/local-files/?d=img/", "-o", tmp_path / "a")[0] == 0
    names = picked(tmp_path / "a")
    assert names == sorted(names) and len(set(names)) == len(names)
    t = tasks(tmp_path / "a")
    assert [x["data"]["image"] for x in t] == [f"/data/local-files/?d=img/{n}" for n in names]
    assert (tmp_path / "a" / "tasks.json").read_bytes().endswith(b"]\n")


def test_images_without_annotations_can_be_drawn(tmp_path):
    d = delivery(tmp_path / "in", [[] for _ in range(20)])
    code, _out, err = sample(d, "--rate", "0.25", "--min", "0", "-o", tmp_path / "a")
    assert code == 0, err
    assert len(picked(tmp_path / "a")) == 5
    assert all(t["meta"] == {"classes": [], "drawn_for": [], "seed": 0}
               for t in tasks(tmp_path / "a"))


def test_an_image_listed_twice_is_one_image(tmp_path):
    a = delivery(tmp_path / "in", [["product"], ["shelf"]], name="a.json")
    b = delivery(tmp_path / "in", [["price_tag"], []], name="b.json")
    code, _out, err = sample(a, b, "--rate", "1", "-o", tmp_path / "a")
    assert code == 0, err
    assert picked(tmp_path / "a") == ["img_0000.jpg", "img_0001.jpg"]
    meta = [t["meta"]["classes"] for t in tasks(tmp_path / "a")]
    assert meta == [["product", "price_tag"], ["shelf"]]


CLASSES = list(CATEGORIES)


@settings(max_examples=examples(60), deadline=None)
@given(images=st.lists(st.lists(st.sampled_from(CLASSES), max_size=3), min_size=1,
                       max_size=40),
       rate=st.sampled_from([0.0, 0.05, 0.1, 0.3, 1.0]), minimum=st.integers(0, 45),
       seed=st.integers(0, 2**32))
def test_size_is_exactly_n_and_every_class_is_covered_when_n_allows(images, rate, minimum,
                                                                    seed):
    with tempfile.TemporaryDirectory() as tmp:
        d = delivery(Path(tmp) / "in", images)
        out_dir = Path(tmp) / "out"
        code, _out, err = sample(d, "--rate", rate, "--min", minimum, "--seed", seed,
                                "-o", out_dir)
        n = min(max(math.ceil(round(rate * len(images), 9)), minimum), len(images))
        present = {c for classes in images for c in classes}
        assert code == 0, err
        names = picked(out_dir)
        assert len(names) == len(set(names)) == n
        got = {c for t in tasks(out_dir) for c in t["meta"]["classes"]}
        for t in tasks(out_dir):  # an image drawn for a class holds it; the rest are random
            assert set(t["meta"]["drawn_for"]) <= set(t["meta"]["classes"])
            assert len(t["meta"]["drawn_for"]) <= 1
        drawn_for = [c for t in tasks(out_dir) for c in t["meta"]["drawn_for"]]
        assert len(drawn_for) == len(set(drawn_for)) <= n
        if n >= len(present):
            assert got == present
            assert "Q202" not in codes(err)
        else:
            assert codes(err) >= {"Q202"} or got == present


# --------------------------------------------------------------------------- findings
def test_empty_delivery_is_Q200_and_writes_nothing(tmp_path):
    d = delivery(tmp_path / "in", [])
    code, _out, err = sample(d, "-o", tmp_path / "a")
    assert code == 1
    assert codes(err) == {"Q200"}
    assert not (tmp_path / "a").exists()


def test_small_delivery_is_Q201_and_sampled_whole(tmp_path):
    d = delivery(tmp_path / "in", mostly_products(30))
    code, _out, err = sample(d, "-o", tmp_path / "a")
    assert code == 0, err
    assert codes(err) == {"Q201"}
    assert len(picked(tmp_path / "a")) == 30
    assert sample(d, "--fail-on", "warning", "-o", tmp_path / "b")[0] == 1


def test_too_small_a_sample_for_every_class_is_Q202_for_the_commonest(tmp_path):
    d = delivery(tmp_path / "in", mostly_products(100))
    code, out, err = sample(d, "--rate", "0", "--min", "1", "-o", tmp_path / "a")
    assert code == 0, err
    assert codes(err) == {"Q202"}
    # the rarest class wins the one place: price_tag and shelf tie on one image each,
    # price_tag first in spec order; product is on 89 images
    assert picked(tmp_path / "a") == ["img_0033.jpg"]
    assert "class 'product' (89 images in the delivery)" in err
    assert "class 'shelf'" in err
    assert "1 of 3 classes in the sample" in out


def test_unknown_labels_are_Q203(tmp_path):
    d = delivery(tmp_path / "in", mostly_products(60), unknown=2)
    code, _out, err = sample(d, "-o", tmp_path / "a")
    assert code == 0, err
    assert codes(err) == {"Q203"}
    assert "2 annotations with a label the spec does not know form no stratum" in err


# Failing and passing case per code, as tests/test_code_cases.py keeps them for other families.
CASES = {
    "Q200": ([], mostly_products(60)),
    "Q201": (mostly_products(49), mostly_products(50)),
    "Q202": ([["product"], ["shelf"], ["price_tag"]], [["product"], ["product", "shelf"]]),
    "Q203": ((mostly_products(60), 1), mostly_products(60)),
}


@pytest.mark.parametrize("code", sorted(CASES))
def test_failing_case_reports_the_code_and_passing_case_does_not(code, tmp_path):
    def found(case, name: str) -> set[str]:
        images, unknown = case if isinstance(case, tuple) else (case, 0)
        d = delivery(tmp_path / name, images, unknown=unknown)
        argv = ["--min", "1", "--rate", "0"] if code == "Q202" else []
        return codes(sample(d, *argv, "-o", tmp_path / f"{name}-out")[2])

    failing, passing = CASES[code]
    assert code in found(failing, "bad")
    assert code not in found(passing, "good")


# --------------------------------------------------------------------------- could not run
def test_no_audit_in_the_spec_and_no_rate_is_exit_2(tmp_path, write):
    spec = write("spec.yaml", NO_AUDIT)
    d = delivery(tmp_path / "in", mostly_products(20))
    code, _out, err = sample(d, "-o", tmp_path / "a", spec=spec)
    assert code == 2
    assert err.count("\n") == 1 and "has no qa.audit" in err and "--rate" in err
    assert not (tmp_path / "a").exists()
    code, _out, err = sample(d, "--rate", "0.1", "-o", tmp_path / "a", spec=spec)
    assert code == 0, err
    assert len(picked(tmp_path / "a")) == 2


@pytest.mark.parametrize("argv", [["--rate", "1.5"], ["--rate", "x"], ["--min", "-1"],
                                  ["--seed", "-3"]])
def test_bad_options_are_exit_2(argv, tmp_path):
    d = delivery(tmp_path / "in", mostly_products(20))
    code, _out, err = sample(d, *argv, "-o", tmp_path / "a")
    assert code == 2 and err.startswith("guidec: error:"), err


def test_unreadable_delivery_is_exit_2(tmp_path):
    bad = tmp_path / "in" / "d.json"
    bad.parent.mkdir()
    bad.write_text('{"images": [', encoding="utf-8")
    code, _out, err = sample(bad, "-o", tmp_path / "a")
    assert code == 2 and "V002" in err
    code, _out, err = sample(tmp_path / "missing.json", "-o", tmp_path / "a")
    assert code == 2 and "V001" in err
    assert not (tmp_path / "a").exists()


def test_refuses_to_write_into_an_input(tmp_path):
    d = delivery(tmp_path / "in", mostly_products(60))
    before = d.read_bytes()
    for out_dir, why in [(tmp_path / "in", "it holds"), (d, "it is"),
                         (tmp_path, "it holds")]:
        code, _out, err = sample(d, "-o", out_dir)
        assert code == 2 and "refusing to write" in err and why in err, (out_dir, err)
    # a delivery given as a folder: nothing is written inside it (the next read of the
    # folder would take tasks.json for a Label Studio delivery)
    code, _out, err = sample(tmp_path / "in", "-o", tmp_path / "in" / "audit")
    assert code == 2 and "inside" in err and "a folder this command read" in err
    assert not (tmp_path / "in" / "audit").exists()
    assert d.read_bytes() == before
    assert sorted(os.listdir(tmp_path / "in")) == ["d.json"]
    # the spec is an input too
    spec = tmp_path / "s" / "spec.yaml"
    spec.parent.mkdir()
    spec.write_text(SPEC.read_text())
    (tmp_path / "s" / "common").mkdir()
    (tmp_path / "s" / "common" / "occlusion.yaml").write_text(
        (SPEC.parent / "common" / "occlusion.yaml").read_text())
    code, _out, err = sample(d, "-o", tmp_path / "s", spec=spec)
    assert code == 2 and "refusing to write" in err


def test_rerun_replaces_the_sample(tmp_path):
    d = delivery(tmp_path / "in", mostly_products(300))
    assert sample(d, "--seed", "1", "-o", tmp_path / "a")[0] == 0
    first = picked(tmp_path / "a")
    assert sample(d, "--seed", "2", "-o", tmp_path / "a")[0] == 0
    assert picked(tmp_path / "a") != first
    assert sorted(os.listdir(tmp_path)) == ["a", "in"]  # no stage folder left behind


# --------------------------------------------------------------------------- Label Studio
LS_CHECK = """
import json, sys
from label_studio_sdk.label_interface import LabelInterface
doc = json.load(sys.stdin)
li = LabelInterface(doc["config"])
li.validate()
print(json.dumps([li.validate_task(t) for t in doc["tasks"]]
                 + [li.validate_task({"data": {"img": "x.jpg"}})]))
"""


@pytest.mark.integration
def test_tasks_fit_a_project_built_from_the_same_spec(tmp_path):
    """Label Studio's own parser: every task carries the data key the generated config's
    ``<Image>`` reads (and a task without it is refused: the check is not a rubber stamp)."""
    from guidec.targets.label_studio import config_xml
    from guidec.view import load_project
    from tests._targets import need_ls_venv, run_in_ls

    venv = need_ls_venv()
    d = delivery(tmp_path / "in", mostly_products(100))
    assert sample(d, "-o", tmp_path / "a")[0] == 0
    doc = {"config": config_xml(load_project(str(SPEC))), "tasks": tasks(tmp_path / "a")}
    res = run_in_ls(venv, LS_CHECK, json.dumps(doc))
    assert res.returncode == 0, res.stderr
    verdicts = json.loads(res.stdout)
    assert verdicts[:-1] == [True] * 50 and verdicts[-1] is False


def test_byte_identical_across_processes(tmp_path):
    """Nothing depends on the process: two interpreters with different hash seeds agree."""
    import subprocess
    import sys

    d = delivery(tmp_path / "in", mostly_products(400))
    for seed, name in (("1", "a"), ("2", "b")):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        r = subprocess.run([sys.executable, "-m", "guidec", "sample", "--spec", str(SPEC),
                            str(d), "--seed", "5", "-o", str(tmp_path / name)],
                           capture_output=True, text=True, env=env, timeout=120)
        assert r.returncode == 0, r.stderr
    for f in ("sample.txt", "tasks.json"):
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes()
