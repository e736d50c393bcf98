"""Real taxonomy histories (../shared/corpus): verdicts and migration maps checked by hand."""

from __future__ import annotations

from collections import Counter

import pytest

from guidec.diff import Bump, diff_projects, verdict
from guidec.diff.mapping import migration_map
from tests.diff import corpus_specs
from tests.diff.helpers import project

pytestmark = pytest.mark.corpus


def _codes(changes):
    return Counter(c.code for c in changes)


def test_mapillary_v12_to_v20(corpus):
    a, b = corpus_specs.mapillary(corpus)
    assert (len(a["classes"]), len(b["classes"])) == (66, 126)  # 124 + 2 kept deprecated
    old, new = project(a), project(b)
    changes = diff_projects(old, new)
    codes = _codes(changes)
    # mmseg's readable names: 63 classes keep their name, 61 of them at another position id
    kept = [c for c in old.classes if c.name in new.by_name
            and not new.by_name[c.name].deprecated]
    assert len(kept) == 63
    assert sum(1 for c in kept if c.id != new.by_name[c.name].id) == 61
    # the two declared splits, the two carve-outs
    splits = {c.details["old"]: c.details["to"] for c in changes if c.code == "D108"}
    assert set(splits) == {"Traffic Light", "Lane Marking - General"}
    assert len(splits["Traffic Light"]) == 6
    assert len(splits["Lane Marking - General"]) == 4
    assert {c.details["new"] for c in changes if c.code == "D110"} == {"Person Group",
                                                                       "Pole Group"}
    # Billboard: gone, its id 35 now names another class, no declaration: D105, not guessed
    (billboard,) = [c for c in changes if c.code == "D105"]
    assert billboard.details == {"old": "Billboard", "new": "Lane Marking - Dashed Line",
                                 "id": 35}
    assert codes["D102"] == 0
    # 'Lane Marking - Crosswalk' keeps its name and gets the new white colour
    (colour,) = [c for c in changes if c.code == "D114"]
    assert "'Lane Marking - Crosswalk' colour changed from #c88080 to #ffffff" in colour.message
    # added: 61 new names, less the 2 carve-outs and the 10 declared split parts
    assert codes["D101"] == 61 - 2 - 10 == 49
    assert max(c.bump() for c in changes) == Bump.MAJOR
    assert verdict(old, new, changes) == []  # 1.2.0 -> 2.0.0 is a major bump

    m = migration_map(old, new, changes)
    by_old = {e["from"]["name"]: e for e in m["classes"]}
    assert by_old["Bird"] == {"from": {"id": 0, "name": "Bird"}, "kind": "identity",
                              "to": [{"id": 0, "name": "Bird"}], "lossless": True,
                              "fallback": None}
    assert by_old["Curb"]["kind"] == "renumber" and by_old["Curb"]["to"] == [
        {"id": 4, "name": "Curb"}]  # id 2 -> 4
    assert m["ids"][2] == 4
    assert by_old["Traffic Light"]["kind"] == "split"
    assert (by_old["Billboard"]["kind"], by_old["Billboard"]["fallback"]) == ("retire",
                                                                              "review")
    assert 35 not in m["ids"]
    assert sorted(r["kind"] for r in m["review"]) == [
        "carved-out", "carved-out", "split", "split", "undeclared-rename"]
    bumps = Counter(c.bump().label for c in changes)
    # 63 id changes (61 kept + 2 kept deprecated), 34 ids reused, 2 splits, 2 carve-outs,
    # 1 undeclared; 49 added; Crosswalk colour + 2 project docs
    assert bumps == {"major": 102, "minor": 49, "patch": 3}


def test_lvis_v05_to_v1(corpus):
    a, b = corpus_specs.lvis(corpus)
    assert (len(a["classes"]), len(b["classes"])) == (1230, 1203)
    old, new = project(a), project(b)
    changes = diff_projects(old, new)
    codes = _codes(changes)
    # the figures of the LVIS release: 1,151 kept (1,150 names + baby -> person),
    # 79 removed, 52 added, 1,068 kept classes at another id
    kept = {c.name for c in old.classes} & {c.name for c in new.classes}
    assert len(kept) == 1150
    assert codes["D102"] + codes["D105"] == 79
    assert codes["D101"] == 52
    assert codes["D106"] == 1068
    baby = next(c for c in changes if "'baby'" in c.message)
    assert baby.code == "D106" and "now named 'person'" in baby.message
    # four removed classes whose id a new class now holds: reported, never guessed renames
    assert {c.details["old"] for c in changes if c.code == "D105"} == {
        "bowling_pin", "cutting_tool", "lipstick", "Loafer_(type_of_shoe)"}
    assert codes["D114"] == 0  # no colours given: nothing to compare
    assert verdict(old, new, changes) == []  # 0.5.0 -> 1.0.0
    m = migration_map(old, new, changes)
    assert m["names"]["baby"] == "person" and m["ids"][805] == 793
    assert sum(1 for e in m["classes"] if e["kind"] == "retire") == 79
    assert len(m["coverage"]["new_classes"]) == 52


def test_cityscapes_labels_are_frozen(corpus):
    spec = corpus_specs.cityscapes(corpus)
    assert len(spec["classes"]) == 34
    shuffled = dict(spec, classes=list(reversed(spec["classes"])))
    assert diff_projects(project(spec), project(shuffled)) == []
    # a hypothetical v1.1 that stops ignoring 'caravan' in evaluation: models, not labels
    changed = dict(spec, project=dict(spec["project"], version="1.0.1"),
                   classes=[dict(c, ignore_in_eval=False, train_id=19) if c["name"] == "caravan"
                            else c for c in spec["classes"]])
    old, new = project(spec), project(changed)
    (c,) = diff_projects(old, new)
    assert c.code == "D124" and c.impacts() == {"labels": "info", "models": "warning",
                                                "tools": "info"}
    assert [v.code for v in verdict(old, new, [c])] == ["D001"]


def test_cityscapes_19_vs_bdd100k_19_same_taxonomy(corpus):
    city = corpus_specs.mmseg_19(corpus, corpus_specs.MMSEG_CITYSCAPES, "CityscapesDataset",
                                 "cityscapes19", "1.0.0")
    bdd = corpus_specs.mmseg_19(corpus, corpus_specs.MMSEG_BDD, "BDD100KDataset",
                                "bdd100k", "1.0.0")
    changes = diff_projects(project(city), project(bdd))
    assert {c.code for c in changes} == {"D003", "D901"}  # only the project identity
