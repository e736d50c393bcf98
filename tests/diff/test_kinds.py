"""One fixture per change kind: old spec, a change, the expected codes and bump."""

from __future__ import annotations

import pytest

from guidec.diff import Bump, diff_projects, verdict
from tests.diff.helpers import base, cls, project, spec_text


def _set(path, value):
    def f(d):
        cur = d
        for k in path[:-1]:
            cur = cur[k] if not isinstance(k, str) or not k.startswith("@") else cls(d, k[1:])
        last = path[-1]
        if value is _DEL:
            del cur[last]
        else:
            cur[last] = value
    return f


_DEL = object()


def _on(name, key, value):
    def f(d):
        c = cls(d, name)
        if value is _DEL:
            c.pop(key, None)
        else:
            c[key] = value
    return f


def _add_class(entry):
    return lambda d: d["classes"].append(entry)


def _drop_class(name):
    return lambda d: d["classes"].remove(cls(d, name))


def _all(*fs):
    def f(d):
        for g in fs:
            g(d)
    return f


CASES = [
    # id, change to the new spec, expected codes, expected bump (all consumers)
    ("class-added", _add_class({"id": 9, "name": "bus"}), {"D101"}, Bump.MINOR),
    ("class-added-experimental", _add_class({"id": 9, "name": "bus", "experimental": True}),
     {"D101"}, Bump.MINOR),
    ("class-removed", _drop_class("sign"), {"D102"}, Bump.MAJOR),
    ("class-renamed-alias", _all(_on("van", "name", "minivan"), _on("minivan", "aliases", ["van"])),
     {"D104"}, Bump.MINOR),
    ("class-renamed-undeclared", _on("van", "name", "minivan"), {"D105", "D101"}, Bump.MAJOR),
    ("class-id-changed", _on("van", "id", 7), {"D106"}, Bump.MAJOR),
    ("class-id-reused", _all(_on("van", "id", 7), _add_class({"id": 2, "name": "truck"})),
     {"D106", "D107", "D101"}, Bump.MAJOR),
    ("class-split", _all(_on("van", "deprecated", True),
                         _on("van", "replaced_by", ["minivan", "panel van"]),
                         _add_class({"id": 10, "name": "minivan"}),
                         _add_class({"id": 11, "name": "panel van"})),
     {"D108"}, Bump.MAJOR),
    ("class-merged", _all(_drop_class("van"), _on("car", "aliases", ["van"])),
     {"D109"}, Bump.MAJOR),
    ("class-carved-out", _add_class({"id": 12, "name": "crowd", "carved_from": "person"}),
     {"D110"}, Bump.MAJOR),
    ("class-moved", _all(_drop_class("sign"),
                         lambda d: cls(d, "car").setdefault("children", []).append(
                             {"id": 5, "name": "sign", "shapes": ["box"],
                              "text_region": {"transcription": "optional"}})),
     {"D111", "D125", "D215"}, Bump.MINOR),
    ("class-deprecated", _all(_on("van", "deprecated", True), _on("van", "replaced_by", "car")),
     {"D112"}, Bump.MINOR),
    ("class-retired", None, {"D103"}, Bump.MINOR),  # built below from a deprecated old class
    ("color", _on("car", "color", "#0000ff"), {"D114"}, Bump.PATCH),
    ("hotkey", _on("car", "hotkey", "2"), {"D115"}, Bump.PATCH),
    ("definition", _on("car", "definition", "A passenger car."), {"D116"}, Bump.PATCH),
    ("scope", _on("car", "exclude", ["Toy cars."]), {"D117"}, Bump.MINOR),
    ("alias-removed", None, {"D120"}, Bump.MAJOR),
    ("experimental", _on("van", "experimental", True), {"D121"}, Bump.MINOR),
    ("attr-added-optional", _set(("attributes", "age"), {"type": "integer"}), {"D201"},
     Bump.MINOR),
    ("attr-added-required", _all(_set(("attributes", "age"), {"type": "integer", "required": True}),
                                 _on("car", "attributes", ["occlusion", "count", "age"])),
     {"D202"}, Bump.MAJOR),
    ("attr-added-default", _all(_set(("attributes", "age"),
                                     {"type": "integer", "required": True, "default": 0}),
                                _on("car", "attributes", ["occlusion", "count", "age"])),
     {"D203"}, Bump.MINOR),
    ("attr-removed", _all(_set(("attributes", "note"), _DEL)), {"D204"}, Bump.MAJOR),
    ("attr-type", _set(("attributes", "count"), {"type": "text"}), {"D205"}, Bump.MAJOR),
    ("attr-type-widened", _set(("attributes", "count"), {"type": "number", "min": 0, "max": 10}),
     {"D205"}, Bump.MINOR),
    ("enum-added", _set(("attributes", "occlusion", "values"), ["none", "partial", "heavy", "full"]),
     {"D208"}, Bump.MINOR),
    ("enum-removed", _set(("attributes", "occlusion", "values"), ["none", "partial"]), {"D209"},
     Bump.MAJOR),
    ("range-narrowed", _set(("attributes", "count", "max"), 5), {"D210"}, Bump.MAJOR),
    ("range-widened", _set(("attributes", "count", "max"), 50), {"D211"}, Bump.MINOR),
    ("made-required", _set(("attributes", "note", "required"), True), {"D206"}, Bump.MAJOR),
    ("shape-added", _on("sign", "shapes", ["box", "polygon"]), {"D301"}, Bump.MINOR),
    ("shape-removed", _on("car", "shapes", ["box"]), {"D302"}, Bump.MAJOR),
    ("keypoint-added", _set(("keypoint_schemas", "face", "points"),
                            ["l_eye", "r_eye", "nose", "chin"]), {"D303"}, Bump.MAJOR),
    ("keypoint-removed", _all(_set(("keypoint_schemas", "face", "points"), ["l_eye", "r_eye"]),
                              _set(("keypoint_schemas", "face", "skeleton"), [])),
     {"D304", "D307"}, Bump.MAJOR),
    ("keypoints-reordered", _set(("keypoint_schemas", "face", "points"),
                                 ["nose", "l_eye", "r_eye"]), {"D305"}, Bump.MAJOR),
    ("flip-changed", _set(("keypoint_schemas", "face", "flip"), []), {"D306"}, Bump.MINOR),
    ("rule-added", lambda d: d["rules"].append({"id": "one-car", "title": "One car",
                                                "check": {"max_per_image": 1}}),
     {"D401"}, Bump.MINOR),
    ("rule-removed", _set(("rules",), []), {"D402"}, Bump.MINOR),
    ("rule-tightened", _set(("rules", 0, "check", "min_box_side"), 12), {"D403"}, Bump.MINOR),
    ("rule-loosened", _set(("rules", 0, "check", "min_box_side"), 4), {"D404"}, Bump.MINOR),
    ("resolution-coarser", _set(("media",), {"labeling_resolution": "proxy",
                                             "proxy_max_side": 2048}),
     {"D502"}, Bump.MINOR),
    ("coordinates", _set(("media",), {"coordinates": "normalized"}), {"D503"}, Bump.MAJOR),
    ("qa-tightened", _set(("qa", "agreement", "box_iou"), 0.9), {"D510"}, Bump.MINOR),
    ("qa-loosened", _set(("qa", "agreement", "box_iou"), 0.7), {"D511"}, Bump.PATCH),
    ("docs-only", _all(_set(("project", "summary"), "New words."),
                       _set(("rules", 0, "guideline"), "Be careful.")), {"D901"}, Bump.PATCH),
    ("export-added", _set(("exports",), ["coco", "yolo"]), {"D520"}, Bump.MINOR),
    # cases whose old spec differs from the base are built in OLD below
    ("class-undeprecated", _on("van", "deprecated", False), {"D113"}, Bump.MINOR),
    ("title", _on("car", "title", "Passenger car"), {"D118"}, Bump.PATCH),
    ("alias-added", _on("car", "aliases", ["auto"]), {"D119"}, Bump.PATCH),
    ("class-became-stable", _on("van", "experimental", False), {"D122"}, Bump.MINOR),
    ("class-instances", _on("sign", "instances", False), {"D123"}, Bump.MAJOR),
    ("replacement-changed", _on("van", "replaced_by", "person"), {"D126"}, Bump.MINOR),
    ("made-optional", _set(("attributes", "note", "required"), False), {"D207"}, Bump.MINOR),
    ("default-changed", _set(("attributes", "count", "default"), 2), {"D212"}, Bump.MINOR),
    ("text-constraint", _set(("attributes", "note", "max_length"), 20), {"D213"}, Bump.MINOR),
    ("multiple", _set(("attributes", "occlusion", "multiple"), True), {"D214"}, Bump.MAJOR),
    ("attr-detached", _on("car", "attributes", ["occlusion"]), {"D216"}, Bump.MAJOR),
    ("attr-condition", _set(("attributes", "count", "when"), {"occlusion": ["heavy"]}),
     {"D217"}, Bump.MINOR),
    ("attr-scope", _all(_set(("attributes", "note", "scope"), "image")), {"D218"}, Bump.MAJOR),
    ("kp-visibility", _set(("keypoint_schemas", "face", "visibility"), "binary"), {"D308"},
     Bump.MAJOR),
    ("kp-sigmas", _set(("keypoint_schemas", "face", "sigmas"), [0.025, 0.025, 0.026]),
     {"D309"}, Bump.MINOR),
    ("class-schema", _all(_set(("keypoint_schemas", "face5"),
                               {"points": ["a", "b", "c", "d", "e"]}),
                          _on("person", "keypoints", "face5")), {"D310"}, Bump.MAJOR),
    # optional -> required: old labels without a transcription become invalid
    ("text-region", _on("sign", "text_region", {"transcription": "required"}), {"D311"},
     Bump.MAJOR),
    ("schema-added", _set(("keypoint_schemas", "hand"), {"points": ["wrist", "thumb"]}),
     {"D312"}, Bump.PATCH),
    ("resolution-finer", _set(("media",), {"labeling_resolution": "original"}), {"D501"},
     Bump.MAJOR),
    ("media-changed", _set(("media",), {"min_image_size": [1280, 720]}), {"D504"}, Bump.MINOR),
    ("export-removed", _set(("exports",), ["yolo"]), {"D520", "D521"}, Bump.MINOR),
    ("splits", _set(("splits",), {"names": ["train", "val"], "group_by": "city"}), {"D522"},
     Bump.MINOR),
    ("grading", _set(("severity_overrides",), {"V301": "warning"}), {"D523"}, Bump.MINOR),
    ("retired-dropped", _set(("retired",), {"ids": []}), {"D524"}, Bump.MINOR),
    ("evaluation", _on("car", "train_id", 3), {"D124"}, Bump.MINOR),
    ("rule-changed", _set(("rules", 0, "check"), {"max_per_image": 3}), {"D405"}, Bump.MINOR),
    # the composition plan (splits.priors, hard_negatives, strata): not D522
    ("prior-added", _set(("splits", "priors", "van"), {"min": 5}), {"D525"}, Bump.MINOR),
    ("prior-min-lowered", _set(("splits", "priors", "car", "min"), 5), {"D526"}, Bump.PATCH),
    ("prior-share-moved", _set(("splits", "priors", "car", "share"), 0.4), {"D527"},
     Bump.MINOR),
    ("prior-tolerance-narrowed", _set(("splits", "priors", "car", "tolerance"), 0.01),
     {"D525"}, Bump.MINOR),
    ("stratum-added", _set(("splits", "strata", "light"), {"shares": {"day": 1}}),
     {"D525"}, Bump.MINOR),
    ("stratum-moved", _set(("splits", "strata", "region", "shares"), {"eu": 0.4, "us": 0.6}),
     {"D527"}, Bump.MINOR),
    ("hard-negatives-raised", _set(("splits", "hard_negatives", "min_share"), 0.1), {"D525"},
     Bump.MINOR),
    ("hard-negatives-removed", _set(("splits", "hard_negatives"), _DEL), {"D526"}, Bump.PATCH),
    ("ratios-not-plan", _set(("splits", "ratios"), {"train": 0.7, "val": 0.3}), {"D522"},
     Bump.PATCH),
]

#: cases whose *old* spec differs from the base (the change above is applied to the new one)
OLD = {
    "class-undeprecated": _all(_on("van", "deprecated", True), _on("van", "replaced_by", "car")),
    "class-became-stable": _on("van", "experimental", True),
    "replacement-changed": _all(_on("van", "deprecated", True), _on("van", "replaced_by", "car")),
    "made-optional": _set(("attributes", "note", "required"), True),
    "resolution-finer": _set(("media",), {"labeling_resolution": "proxy",
                                          "proxy_max_side": 2048}),
    "splits": _set(("splits",), {"names": ["train", "val"], "group_by": "store"}),
    "retired-dropped": _set(("retired",), {"ids": [99]}),
    **{k: lambda d: d.update(splits={  # a fresh dict each call: old and new share nothing
        "names": ["train", "val"], "ratios": {"train": 0.8, "val": 0.2},
        "priors": {"car": {"share": 0.3, "min": 10}},
        "hard_negatives": {"min_share": 0.05},
        "strata": {"region": {"shares": {"eu": 0.5, "us": 0.5}}}})
       for k in ("prior-added", "prior-min-lowered", "prior-share-moved",
                 "prior-tolerance-narrowed", "stratum-added", "stratum-moved",
                 "hard-negatives-raised", "hard-negatives-removed", "ratios-not-plan")},
}


def _pair(case_id, change):
    old = base()
    new = base()
    if case_id == "class-retired":
        cls(old, "van").update(deprecated=True, replaced_by="car")
        new = base()
        new["classes"].remove(cls(new, "van"))
        new["retired"] = {"ids": [2], "names": ["van"]}
    elif case_id == "alias-removed":
        cls(old, "van")["aliases"] = ["minibus"]
    else:
        if case_id in OLD:
            OLD[case_id](old)
            OLD[case_id](new)
        change(new)
    return project(old), project(new)


@pytest.mark.parametrize(("case_id", "change", "codes", "bump"), CASES,
                         ids=[c[0] for c in CASES])
def test_change_kind_is_classified(case_id, change, codes, bump):
    old, new = _pair(case_id, change)
    changes = diff_projects(old, new)
    assert {c.code for c in changes} == codes, [(c.code, c.message) for c in changes]
    assert max(c.bump() for c in changes) == bump


def test_every_change_points_into_its_spec():
    data = base()
    CASES[3][1](data)
    (c,) = diff_projects(project(base()), project(data))
    file, line, col = project(data).locate(c.path)
    assert file == "spec.yaml"
    assert spec_text(data).splitlines()[line - 1][col - 1:] == "minivan"


def test_downgrade_split_under_abstract_parent_is_a_warning_for_labels():
    old = base()
    new = base()
    van = cls(new, "van")
    van.update(deprecated=True, replaced_by=["minivan", "panel van"],
               children=[{"id": 10, "name": "minivan"}, {"id": 11, "name": "panel van"}])
    changes = diff_projects(project(old), project(new))
    split = next(c for c in changes if c.code == "D108")
    assert split.impacts() == {"labels": "warning", "models": "error", "tools": "error"}


def test_removal_of_deprecated_class_without_retired_id_hints():
    old = base()
    cls(old, "van").update(deprecated=True, replaced_by="car")
    new = base()
    new["classes"].remove(cls(new, "van"))
    (c,) = diff_projects(project(old), project(new))
    assert c.code == "D103" and "retired.ids" in c.hint


def test_removed_class_with_same_colour_earns_a_rename_hint_not_a_match():
    new = base()
    van = cls(new, "van")
    van.update(id=20, name="minivan")
    changes = diff_projects(project(base()), project(new))
    assert {c.code for c in changes} == {"D102", "D101"}
    removed = next(c for c in changes if c.code == "D102")
    assert "looks like a rename to 'minivan'" in removed.hint


def test_consumer_filter_changes_the_required_bump():
    old, new = _pair("attr-added-required", CASES[20][1])
    (c,) = diff_projects(old, new)
    assert c.bump(("labels",)) == Bump.MAJOR
    assert c.bump(("models",)) == Bump.MINOR  # floor: adding is at least minor


@pytest.mark.parametrize(("version", "codes"), [("1.0.1", ["D001"]), ("1.1.0", []),
                                                ("2.0.0", []), ("1.0.0", ["D002"]),
                                                ("0.9.0", ["D002"])])
def test_version_verdict(version, codes):
    old = base()
    new = base()
    new["classes"].append({"id": 9, "name": "bus"})
    new["project"]["version"] = version
    o, n = project(old), project(new)
    assert [c.code for c in verdict(o, n, diff_projects(o, n))] == codes


def test_zero_major_minor_step_may_break():
    old = base()
    old["project"]["version"] = "0.3.0"
    new = base()
    new["project"]["version"] = "0.4.0"
    new["classes"].remove(cls(new, "sign"))
    o, n = project(old), project(new)
    assert verdict(o, n, diff_projects(o, n)) == []


def test_experimental_classes_are_exempt():
    old = base()
    cls(old, "van")["experimental"] = True
    new = base()
    new["classes"].remove(cls(new, "van"))
    (c,) = diff_projects(project(old), project(new))
    assert c.code == "D102" and c.bump() == Bump.PATCH
    assert c.impacts() == {"labels": "info", "models": "info", "tools": "info"}
