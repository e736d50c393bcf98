"""`guidec build`: golden files for every target of every shipped spec, byte-identical
determinism, the --check drift gate, class files (COCO, YOLO, VOC)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml

from guidec.commands.build import emit_all
from guidec.output import to_bytes
from guidec.targets import load_targets
from guidec.targets.pascal_voc import PascalVoc
from guidec.targets.yolo import Yolo, data_yaml
from guidec.view import load_project
from tests._targets import kitchen_sink, minimal, project_from
from tests.conftest import SPECS, spec_files

GOLDEN = Path(__file__).parent / "golden" / "targets"
UPDATE = os.environ.get("GUIDEC_UPDATE_GOLDEN") == "1"
ALL = ["coco", "cvat", "label_studio", "pascal_voc", "schemas", "yolo"]


def cases() -> list[tuple[str, object]]:
    out = [(p.parent.name, lambda p=p: load_project(str(p))) for p in spec_files()]
    out.append(("kitchen-sink", lambda: project_from(kitchen_sink())))
    return out


def test_every_target_is_registered():
    assert set(ALL) <= set(load_targets())


@pytest.mark.parametrize(("name", "make"), cases(), ids=[c[0] for c in cases()])
def test_golden(name, make):
    files, diags = emit_all(make(), ALL)
    assert not [d for d in diags if d.severity.label == "error"], diags
    assert {rel.split("/")[0] for rel in files} == set(ALL)
    folder = GOLDEN / name
    if UPDATE:
        for rel, content in files.items():
            path = folder / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(to_bytes(content))
    missing = [rel for rel in files if not (folder / rel).exists()]
    assert not missing, f"no golden file for {missing}; run with GUIDEC_UPDATE_GOLDEN=1"
    for rel, content in files.items():
        assert to_bytes(content) == (folder / rel).read_bytes(), (
            f"{name}/{rel} differs from its golden file; if the change is intended, "
            "regenerate with GUIDEC_UPDATE_GOLDEN=1 and review the diff")
    stale = {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()} - set(files)
    assert not stale, f"golden files no target writes any more: {stale}"


def test_build_is_byte_identical(cli, tmp_path):
    spec = SPECS / "retail-shelf" / "spec.yaml"
    a, b = tmp_path / "a", tmp_path / "b"
    assert cli("build", spec, "--out", a).code == 0
    assert cli("build", spec, "--out", b).code == 0
    fa = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    fb = sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    n = len(fa)
    assert fa == fb and {rel.parts[0] for rel in fa} == set(load_targets())
    for rel in fa:
        data = (a / rel).read_bytes()
        assert data == (b / rel).read_bytes()
        assert data.endswith(b"\n") or rel.suffix not in (".json", ".xml", ".md", ".yml", ".yaml", ".txt")
    # a second build into the same folder changes nothing
    res = cli("build", spec, "--out", a)
    assert res.code == 0 and f"wrote 0 of {n} files" in res.out


def test_check_detects_drift(cli, tmp_path):
    spec = SPECS / "retail-shelf" / "spec.yaml"
    out = tmp_path / "out"
    assert cli("build", spec, "--out", out).code == 0
    n = sum(1 for p in out.rglob("*") if p.is_file())
    res = cli("build", spec, "--out", out, "--check")
    assert res.code == 0 and f"{n} generated files are up to date" in res.out
    cfg = out / "label_studio" / "config.xml"
    cfg.write_text(cfg.read_text().replace('background="#1f77b4"', 'background="#000000"'))
    (out / "yolo" / "data.yaml").unlink()
    res = cli("build", spec, "--out", out, "--check")
    assert res.code == 1
    assert "label_studio/config.xml: differs" in res.out
    assert "yolo/data.yaml: missing" in res.out
    assert f"2 of {n} generated files are out of date" in res.out
    # --check writes nothing
    assert not (out / "yolo" / "data.yaml").exists()
    # one target only
    res = cli("build", spec, "--out", out, "--check", "--target", "coco")
    assert res.code == 0


def test_spec_change_is_drift(cli, tmp_path, write):
    spec = write("s/spec.yaml", yaml.safe_dump(minimal([{"id": 1, "name": "car"}])))
    out = tmp_path / "out"
    assert cli("build", spec, "--out", out).code == 0
    spec.write_text(yaml.safe_dump(minimal([{"id": 1, "name": "car"},
                                            {"id": 2, "name": "bus"}])))
    res = cli("build", spec, "--out", out, "--check")
    assert res.code == 1 and "cvat/labels.json: differs" in res.out


def test_target_error_stops_the_build(cli, tmp_path, write):
    spec = write("s/spec.yaml", yaml.safe_dump(minimal([{"id": 1, "name": "a:b"}])))
    res = cli("build", spec, "--out", tmp_path / "o", "--target", "pascal_voc")
    assert res.code == 1 and "T302" in res.err
    assert not (tmp_path / "o" / "pascal_voc").exists()


# --------------------------------------------------------------------------- class files
def test_coco_categories():
    p = project_from(kitchen_sink())
    files, _ = emit_all(p, ["coco"])
    cats = json.loads(files["coco/categories.json"])["categories"]
    assert [c["id"] for c in cats] == [1, 2, 3, 4, 5, 6, 7]  # deprecated 8 left out
    by = {c["name"]: c for c in cats}
    assert by["truck.small"]["supercategory"] == 'Truck "w/Box" & <trailer>'
    assert by["person"]["keypoints"] == ["head", "left_hand", "right_hand"]
    assert by["person"]["skeleton"] == [[1, 2], [1, 3]]  # 1-based
    assert "keypoints" not in by["road"]


def test_yolo_data_yaml():
    p = project_from(kitchen_sink())
    data = yaml.safe_load(emit_all(p, ["yolo"])[0]["yolo/data.yaml"])
    assert data["nc"] == 7 and data["names"][0] == 'Truck "w/Box" & <trailer>'
    assert list(data["names"]) == list(range(7))
    assert data["kpt_shape"] == [3, 3]
    assert data["flip_idx"] == [0, 2, 1]
    assert data["kpt_names"] == {2: ["head", "left_hand", "right_hand"]}
    assert data == data_yaml(p) | {"kpt_shape": [3, 3], "flip_idx": [0, 2, 1]}


def test_yolo_several_schemas_is_T301():
    data = minimal([{"id": 1, "name": "a", "shapes": ["keypoints"], "keypoints": "x"},
                    {"id": 2, "name": "b", "shapes": ["keypoints"], "keypoints": "y"}],
                   keypoint_schemas={"x": {"points": ["p"]}, "y": {"points": ["q"]}})
    p = project_from(data)
    assert [d.code for d in Yolo().check(p)] == ["T301"]
    assert "kpt_shape" not in data_yaml(p)


def test_pascal_voc_labelmap():
    p = load_project(str(SPECS / "retail-shelf" / "spec.yaml"))
    text = emit_all(p, ["pascal_voc"])[0]["pascal_voc/labelmap.txt"]
    lines = text.splitlines()
    assert lines[:3] == ["# label:color_rgb:parts:actions", "background:0,0,0::",
                         "product:31,119,180::"]
    assert not any(line.startswith("sku:") for line in lines)
    bad = project_from(minimal([{"id": 1, "name": "a:b"}]))
    assert [d.code for d in PascalVoc().check(bad)] == ["T302"]


@pytest.mark.corpus
def test_yolo_pose_matches_ultralytics_coco_pose(corpus):
    """The human-pose spec (COCO-17) gives the kpt_shape, flip_idx and keypoint names of
    Ultralytics' own coco8-pose.yaml (read from the corpus, never copied: AGPL)."""
    spec = SPECS / "human-pose" / "spec.yaml"
    if not spec.exists():
        pytest.skip("no human-pose spec")
    theirs = yaml.safe_load(next(corpus.glob(
        "pypi/ultralytics-*/ultralytics/cfg/datasets/coco8-pose.yaml")).read_text())
    ours = yaml.safe_load(emit_all(load_project(str(spec)), ["yolo"])[0]["yolo/data.yaml"])
    assert ours["kpt_shape"] == theirs["kpt_shape"]
    assert ours["flip_idx"] == theirs["flip_idx"]
    person = next(i for i, n in ours["names"].items() if n == "person")
    assert ours["kpt_names"][person] == theirs["kpt_names"][0]


def test_output_does_not_depend_on_hash_seed(tmp_path):
    """Set or dict order that leaked into a file would differ between interpreter runs."""
    import subprocess
    import sys

    spec = str(SPECS / "retail-shelf" / "spec.yaml")
    outs = []
    for seed in ("1", "2"):
        out = tmp_path / seed
        env = {**os.environ, "PYTHONHASHSEED": seed}
        res = subprocess.run([sys.executable, "-m", "guidec.cli", "build", spec, "--out",
                              str(out)], env=env, capture_output=True, text=True, timeout=120)
        assert res.returncode == 0, res.stderr
        outs.append({p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()})
    assert outs[0] == outs[1] and {p.parts[0] for p in outs[0]} == set(load_targets())


@pytest.mark.parametrize("spec", spec_files(), ids=lambda p: p.parent.name)
def test_shipped_examples_build_and_check_without_any_finding(cli, spec, tmp_path):
    """The examples a new user builds first: no error, warning or info from build or check."""
    r = cli("build", spec, "--out", tmp_path / "out")
    assert r.code == 0 and "problem" not in r.out + r.err, r
    r = cli("check", spec)
    assert (r.code, r.out) == (0, "All checks passed.\n"), r
