"""N annotators: pairwise agreement, Krippendorff's alpha over the matched objects, the
disagreement findings (Q030, Q031) and the consensus by quorum, on three deliveries made from
the retail-shelf example (the golden set, batch-07, and a third annotator's variant)."""

from __future__ import annotations

import copy
import io
import json

import numpy as np
import pytest

from guidec.cli import run
from tests.conftest import ROOT

SPEC = ROOT / "specs" / "retail-shelf" / "spec.yaml"
EXAMPLE = ROOT / "specs" / "retail-shelf" / "qa"


@pytest.fixture
def three(tmp_path):
    gold = json.loads((EXAMPLE / "golden.json").read_text())
    batch = json.loads((EXAMPLE / "batch-07.json").read_text())
    third = copy.deepcopy(gold)
    for a in third["annotations"]:
        if a["id"] == 12:
            a["category_id"] = 4  # ann3 calls product 12 an empty slot
        if a["id"] == 20:
            a["bbox"] = [a["bbox"][0] + 3, a["bbox"][1] + 2, *a["bbox"][2:]]
    paths = []
    for name, doc in (("ann1", gold), ("ann2", batch), ("ann3", third)):
        p = tmp_path / f"{name}.json"
        p.write_text(json.dumps(doc))
        paths.append(p)
    return paths


def _qa(*argv) -> tuple[int, dict]:
    out = io.StringIO()
    code = run(["qa", "--spec", str(SPEC), *map(str, argv), "--format", "json"], out,
               io.StringIO())
    return code, json.loads(out.getvalue())


def test_disagreements_pairs_and_alpha(three):
    code, doc = _qa("--annotators", *three)
    q = doc["qa"]
    assert q["annotators"] == ["ann1", "ann2", "ann3"] and q["units"] == 25
    found = sorted((f["code"], f["image"], f["class"]) for f in doc["findings"]
                   if f["code"] in ("Q030", "Q031"))
    assert found == [("Q030", "aisle-02.jpg", "empty_slot"), ("Q030", "aisle-02.jpg", "product"),
                     ("Q031", "aisle-01.jpg", "product")]
    q031 = next(f for f in doc["findings"] if f["code"] == "Q031")
    assert q031["missing_from"] == ["ann2"]
    pairs = {(p["a"], p["b"]): p for p in q["pairs"]}
    assert set(pairs) == {("ann1", "ann2"), ("ann1", "ann3"), ("ann2", "ann3")}
    assert pairs[("ann1", "ann2")]["matched"] == 23  # as guidec qa of batch-07 on the gold
    # alpha from the units, against the krippendorff package
    kd = pytest.importorskip("krippendorff")
    cats = {"product": 0, "price_tag": 1, "shelf": 2, "empty_slot": 3, "(none)": 4}
    # 25 objects: one missed by ann2 (none), two class disagreements
    data = np.array([[0] * 15 + [1] * 6 + [2] * 3 + [3]] * 3, dtype=float)
    units = [f for f in doc["findings"] if f["code"] == "Q030"]
    assert len(units) == 2
    data[1, 0] = cats["(none)"]  # product 3 (ann2 did not draw it)
    data[2, 5] = cats["empty_slot"]  # ann3's product 12 (order does not matter for alpha)
    data[1, 24] = cats["product"]  # ann2's empty slot
    assert q["alpha"]["class"] == pytest.approx(
        kd.alpha(reliability_data=data, level_of_measurement="nominal"), abs=1e-9)
    assert code == 1 and q["verdict"] == "fail"  # text_cer: ann2 misread a price


def test_consensus_keeps_the_majority_and_matches_the_golden_set(three, tmp_path):
    merged = tmp_path / "merged.json"
    code, doc = _qa("--annotators", *three, "--consensus", merged)
    c = doc["qa"]["consensus"]
    assert (c["kept"], c["units"], c["needed"], c["of"], c["format"]) == (25, 25, 2, 3, "coco")
    # the majority undid every planted error: the consensus equals the golden set
    code, doc = _qa("--reference", EXAMPLE / "golden.json", "--candidate", merged)
    assert code == 0 and doc["qa"]["verdict"] == "pass"
    assert not [f for f in doc["findings"] if f["code"].startswith("Q0")]
    # a unanimous quorum drops what one annotator missed
    strict = tmp_path / "strict.json"
    _, doc = _qa("--annotators", *three, "--consensus", strict, "--quorum", "1")
    assert doc["qa"]["consensus"]["kept"] == 24
    again = tmp_path / "again.json"
    _qa("--annotators", *three, "--consensus", again, "--quorum", "1")
    assert strict.read_bytes() == again.read_bytes()


def test_annotators_mode_refuses_mixed_options(three):
    out, err = io.StringIO(), io.StringIO()
    code = run(["qa", "--spec", str(SPEC), "--annotators", str(three[0]), "--reference",
                str(three[1])], out, err)
    assert code == 2 and "takes no --reference" in err.getvalue()
    code = run(["qa", "--spec", str(SPEC), "--annotators", str(three[0])], out, err)
    assert code == 2 and "two or more" in err.getvalue()
    code = run(["qa", "--spec", str(SPEC), "--annotators", *map(str, three), "--html",
                "x.html"], out, err)
    assert code == 2 and "--html belong to a --reference/--candidate run" in err.getvalue()


def test_identical_annotators_agree_perfectly(three):
    code, doc = _qa("--annotators", three[0], three[0])
    assert code == 0 and not doc["findings"] and doc["qa"]["alpha"]["class"] == 1.0
    assert doc["qa"]["pairs"][0]["f1"] == 1.0
