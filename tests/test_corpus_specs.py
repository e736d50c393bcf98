"""Real taxonomies from ../shared/corpus as specs: they load, and the linter finds their defects.

Specs are converted at test time by tests/corpus_specs.py (nothing is vendored: ultralytics is
AGPL-3.0). Each assertion below names a real defect of a published file.
"""

from __future__ import annotations

import json

import pytest

from guidec.lint import run_lint
from guidec.view import load_project
from tests import corpus_specs as cs

pytestmark = pytest.mark.corpus


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    from tests.conftest import CORPUS

    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not present")
    out = tmp_path_factory.mktemp("corpus-specs")
    return {key: (cs.write(spec, out / key / "spec.yaml"), problems)
            for key, (spec, problems) in cs.all_specs(CORPUS).items()}


def findings(cli, path, *extra):
    r = cli("check", path, "--format", "json", "--fail-on", "never", *extra)
    assert r.code == 0, r.err
    return json.loads(r.out)["findings"]


def by_code(found, code):
    return sorted((f["line"] is not None, f["message"]) for f in found if f["code"] == code)


def test_every_converted_taxonomy_is_a_valid_spec(converted):
    assert len(converted) > 100
    bad = {}
    for key, (path, _) in converted.items():
        project = load_project(str(path))  # raises on Y/S errors
        codes = {d.code for d in run_lint(project)}
        bad.update({key: codes} if codes & {"L101", "L103", "L104", "L105", "L106"} else {})
    assert not bad, bad


def test_cityscapes_colours_collide(cli, converted):
    path, problems = converted["cityscapes"]
    found = findings(cli, path, "--select", "L4")
    dup = [m for _, m in by_code(found, "L401")]
    assert dup == sorted([
        "colour #000000 of 'ego vehicle' is already used by 'unlabeled'",
        "colour #000000 of 'rectification border' is already used by 'unlabeled'",
        "colour #000000 of 'out of roi' is already used by 'unlabeled'",
        "colour #000000 of 'static' is already used by 'unlabeled'",
        "colour #999999 of 'polegroup' is already used by 'pole'",
        "colour #00008e of 'license plate' is already used by 'car'",
    ])
    similar = " ".join(m for _, m in by_code(found, "L402"))
    assert "'caravan'" in similar and "'truck'" in similar
    assert "'trailer'" in similar and "'car'" in similar
    assert all(f["line"] for f in found)  # each at the colour's line in the spec
    assert any("'license plate' has id -1" in p for p in problems)


def test_lvis_1203_classes_and_ambiguous_synonyms(cli, converted):
    path, _ = converted["yolo-lvis"]
    project = load_project(str(path))
    assert len(project.classes) == 1203
    found = findings(cli, path, "--select", "L102")
    messages = [f["message"] for f in found]
    # ultralytics' lvis.yaml writes LVIS's bow_(weapon) and bow_(decorative_ribbons) as
    # 'bow/bow weapon' and 'bow/bow decorative ribbons': read as synonyms, 'bow' is both.
    for name in ("bow", "fish", "octopus", "pan", "salmon"):
        assert any(m.startswith(f"class name {name!r}") for m in messages), name
    assert "alias 'cap' of 'bottle cap' is the name of another class" in messages
    assert "alias 'mailbox' of 'postbox' is the name of another class" in messages
    assert len(messages) == 7


def test_yolo_pose_flip_defects(cli, converted):
    # dog-pose.yaml has no flip_idx: flipping mislabels every left/right point
    path, problems = converted["yolo-dog-pose"]
    unpaired = by_code(findings(cli, path), "L304")
    assert len(unpaired) == 9 and problems == ["dog-pose.yaml: no flip_idx for 24 keypoints"]
    # tiger-pose.yaml: flip_idx is the identity although the points have sides
    path, _ = converted["yolo-tiger-pose"]
    msgs = [m for _, m in by_code(findings(cli, path), "L304")]
    assert len(msgs) == 4 and "add [right_hind_paw, left_hind_paw] to flip" in " ".join(msgs)
    # hand-keypoints.yaml: flip_idx swaps joints of different fingers (index_mcp <-> middle_pip)
    path, _ = converted["yolo-hand-keypoints"]
    msgs = [m for _, m in by_code(findings(cli, path), "L309")]
    assert len(msgs) == 6
    assert "flip pair [index_mcp, middle_pip] of 'kp' names no side" in msgs[1]
    # coco-pose.yaml is right
    path, problems = converted["yolo-coco-pose"]
    assert findings(cli, path, "--ignore", "L702") == [] and problems == []


def test_mmpose_defects_found_by_the_converter(converted):
    problems = {k: p for k, (_, p) in converted.items() if k.startswith("mmpose-") and p}
    assert set(problems) == {"mmpose-coco_aic", "mmpose-humanart_aic",
                             "mmpose-coco_wholebody_face", "mmpose-coco_wholebody_openpose",
                             "mmpose-deepfashion2", "mmpose-deepfashion_full"}
    assert problems["mmpose-coco_aic"] == ["coco_aic.py: 18 joint_weights for 19 keypoints"]
    assert "'face-51' at index 51 has id 52" in problems["mmpose-coco_wholebody_face"][0]
    assert "the id of 'left_ear'" in problems["mmpose-coco_wholebody_openpose"][0]
    assert "the id of 'left collar'" in problems["mmpose-deepfashion_full"][0]
    assert problems["mmpose-deepfashion2"] == [
        "deepfashion2.py: 'vest_kpt9' swaps with 'vest_kpt13', but 'vest_kpt13' swaps with "
        "'nothing'"]


def test_mmpose_wholebody_and_coco_schemas_are_clean(cli, converted):
    for key, n in (("mmpose-coco", 17), ("mmpose-coco_wholebody", 133), ("mmpose-halpe", 136)):
        path, problems = converted[key]
        project = load_project(str(path))
        assert len(project.keypoint_schemas["kp"].points) == n
        assert findings(cli, path, "--ignore", "L702") == [], key
        assert problems == []
