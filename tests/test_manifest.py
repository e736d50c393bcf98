"""guidec manifest and guidec validate --manifest, run as the command line runs them, on a copy
of the shipped retail-shelf example (its spec with an include, its previous version, COCO, VOC
and YOLO deliveries, images).

``CASES`` maps each H code to a change made after the manifest was written (the failing case);
the passing case is the same verification without the change. ``tests/test_code_cases.py``
counts these toward "every code has a case".
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guidec.cli import run
from tests.budget import examples

EXAMPLE = Path(__file__).resolve().parent.parent / "specs" / "retail-shelf"


def guidec(*argv) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run([str(a) for a in argv], out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def shop(tmp_path) -> Path:
    """A copy of the example, with a delivery split into train.json and val.json."""
    root = tmp_path / "retail-shelf"
    shutil.copytree(EXAMPLE, root)
    split = root / "deliveries" / "split"
    split.mkdir()
    coco = json.loads((root / "deliveries" / "batch-03.json").read_text())
    for name, keep in (("train", [1, 2]), ("val", [3])):
        doc = {**coco, "images": [i for i in coco["images"] if i["id"] in keep],
               "annotations": [a for a in coco["annotations"] if a["image_id"] in keep]}
        (split / f"{name}.json").write_text(json.dumps(doc, indent=1))
    return root


def _args(root: Path) -> list:
    d = root / "deliveries"
    return [d / "voc", d / "split", d / "batch-03.json"]


def write_manifest(root: Path, *extra) -> Path:
    out = root / "deliveries" / "manifest.json"
    code, _, err = guidec("manifest", "--spec", root / "spec.yaml", *_args(root), "--out", out,
                          "--images", root / "deliveries" / "images", *extra)
    assert code == 0, err
    return out


def verify(root: Path, spec: str = "spec.yaml", manifest: Path | None = None,
           args: list | None = None) -> tuple[int, list[dict]]:
    """Exit code and H findings of ``guidec validate --manifest``."""
    manifest = manifest or root / "deliveries" / "manifest.json"
    code, out, err = guidec("validate", "--spec", root / spec, "--manifest", manifest,
                            *(args if args is not None else _args(root)),
                            "--images", root / "deliveries" / "images", "--format", "json",
                            "--fail-on", "never")
    assert out, err
    return code, [f for f in json.loads(out)["findings"] if f["code"].startswith("H")]


def _edit_manifest(fn):
    def go(root: Path):
        m = root / "deliveries" / "manifest.json"
        doc = json.loads(m.read_text())
        fn(doc)
        m.write_text(json.dumps(doc))
    return go


def _flip_byte(root: Path):
    p = root / "deliveries" / "batch-03.json"
    data = bytearray(p.read_bytes())
    data[data.index(b" ")] = ord("\t")  # one byte, same size, still the same JSON
    p.write_bytes(bytes(data))


def _rename_spec(root: Path):
    p = root / "spec.yaml"
    p.write_text(p.read_text().replace("id: retail-shelf", "id: retail-shelf-eu", 1))


def _add(doc_path: list[str], value):
    def fn(doc):
        obj = doc
        for k in doc_path[:-1]:
            obj = obj[k]
        obj[doc_path[-1]] += value
    return fn


# code -> (change after writing, the spec verified against)
CASES = {
    "H001": (lambda r: (r / "deliveries" / "manifest.json").write_text("{not json"), None),
    "H002": (_rename_spec, None),
    "H003": (lambda r: None, "spec-2.0.0.yaml"),
    "H004": (lambda r: (r / "common" / "occlusion.yaml").open("a").write("# edited\n"), None),
    "H005": (lambda r: (r / "deliveries" / "voc" / "aisle-03.xml").unlink(), None),
    "H006": (_flip_byte, None),
    "H007": (lambda r: shutil.copy(r / "deliveries" / "voc" / "aisle-03.xml",
                                   r / "deliveries" / "voc" / "aisle-04.xml"), None),
    "H008": (_edit_manifest(_add(["counts", "annotations"], 1)), None),
    "H009": (_edit_manifest(_add(["counts", "classes", "product"], -1)), None),
    "H010": (_edit_manifest(_add(["counts", "splits", "val", "images"], 1)), None),
    "H011": (lambda r: (r / "deliveries" / "images" / "aisle-01.png").open("ab").write(b"\0"),
             None),
    "H012": (lambda r: (r / "deliveries" / "images" / "aisle-02.png").unlink(), None),
}


@pytest.mark.parametrize("code", sorted(CASES))
def test_each_code_fails_and_passes(shop, code):
    change, spec = CASES[code]
    write_manifest(shop)
    _, clean = verify(shop, spec or "spec.yaml") if code != "H003" else verify(shop)
    assert clean == [], clean  # the passing case: verified as written
    change(shop)
    exit_code, found = verify(shop, spec or "spec.yaml")
    assert code in {f["code"] for f in found}, found
    assert exit_code == (2 if code == "H001" else 0)  # --fail-on never; H001 cannot run


def test_clean_and_deterministic(shop):
    m = write_manifest(shop, "--meta", "model=yolo11n.pt", "--meta", "export=cvat 2.14")
    first = m.read_bytes()
    m2 = write_manifest(shop, "--meta", "export=cvat 2.14", "--meta", "model=yolo11n.pt")
    assert m2.read_bytes() == first
    assert first.endswith(b"}\n") and b"\r" not in first
    doc = json.loads(first)
    assert doc["meta"] == {"export": "cvat 2.14", "model": "yolo11n.pt"}
    assert doc["spec"]["id"] == "retail-shelf" and doc["spec"]["version"] == "2.1.0"
    assert doc["spec"]["path"] == "../spec.yaml"
    assert [f["path"] for f in doc["spec"]["files"]] == ["spec.yaml", "common/occlusion.yaml"]
    paths = [f["path"] for f in doc["files"]]
    assert paths == sorted(paths) and "manifest.json" not in paths
    assert paths == ["batch-03.json", "split/train.json", "split/val.json", "voc/aisle-01.xml",
                     "voc/aisle-02.xml", "voc/aisle-03.xml"]
    for f in doc["files"]:
        data = (m.parent / f["path"]).read_bytes()
        assert f["size"] == len(data) and f["sha256"] == hashlib.sha256(data).hexdigest()
    assert doc["batch"] == "voc"  # the first delivery argument's name
    c = doc["counts"]
    assert c["annotations"] == 25 * 3 and c["images"] == 9
    assert sum(c["classes"].values()) == c["annotations"]
    assert set(c["splits"]) == {"train", "val"}
    assert c["splits"]["train"]["images"] + c["splits"]["val"]["images"] == 3
    assert sum(c["splits"]["val"]["classes"].values()) == c["splits"]["val"]["annotations"]
    for img in doc["images"]:
        data = (shop / "deliveries" / "images" / img["name"]).read_bytes()
        assert img["sha256"] == hashlib.sha256(data).hexdigest()
    assert [i["name"] for i in doc["images"]] == ["aisle-01.png", "aisle-02.png",
                                                  "aisle-03.png"]
    assert verify(shop) == (0, [])


def test_batch_option_and_spec_hash_order(shop):
    m = write_manifest(shop, "--batch", "2026-12-05-a")
    doc = json.loads(m.read_text())
    assert doc["batch"] == "2026-12-05-a"
    h = hashlib.sha256()
    for rel in ("spec.yaml", "common/occlusion.yaml"):
        data = (shop / rel).read_bytes()
        h.update(f"{rel}\n{len(data)}\n".encode() + data)
    assert doc["spec"]["sha256"] == h.hexdigest()


def test_findings_name_the_file_and_both_values(shop):
    write_manifest(shop)
    _flip_byte(shop)
    _edit_manifest(_add(["counts", "classes", "product"], 2))(shop)
    _, found = verify(shop)
    by = {f["code"]: f for f in found}
    assert "batch-03.json" in by["H006"]["message"]
    assert by["H006"]["message"].count("size 6257") == 2
    assert by["H006"]["file"].endswith("batch-03.json")
    assert by["H006"]["expected"]["size"] == by["H006"]["found"]["size"] == 6257
    assert by["H006"]["expected"]["sha256"] != by["H006"]["found"]["sha256"]
    assert (by["H009"]["class"], by["H009"]["found"] - by["H009"]["expected"]) == ("product", -2)
    assert "class product:" in by["H009"]["message"]
    assert "the manifest counts" in by["H009"]["message"]


def test_wrong_version_names_it_and_points_to_diff(shop):
    write_manifest(shop)
    code, out, _ = guidec("validate", "--spec", shop / "spec-2.0.0.yaml", "--manifest",
                          shop / "deliveries" / "manifest.json", *_args(shop),
                          "--select", "H")
    assert code == 1
    assert "H003 the manifest names retail-shelf version 2.1.0, the spec given is version " \
           "2.0.0" in out
    # the spec the manifest was written with is still there: the diff's summary, oldest first
    assert "guidec diff " + str(shop / "spec-2.0.0.yaml") + " " + str(shop / "spec.yaml") in out
    assert "(2.0.0 -> 2.1.0: 1 change(s); required bump: minor)" in out


def test_manifest_alone_verifies_the_files_it_lists(shop):
    m = write_manifest(shop)
    code, out, err = guidec("validate", "--spec", shop / "spec.yaml", "--manifest", m,
                            "--select", "H")
    assert code == 0, out + err
    (shop / "deliveries" / "split" / "val.json").unlink()
    code, out, err = guidec("validate", "--spec", shop / "spec.yaml", "--manifest", m,
                            "--select", "H")
    assert code == 1 and "H005" in out and "split/val.json" in out


def test_yolo_folder(tmp_path):
    root = tmp_path / "r"
    shutil.copytree(EXAMPLE, root)
    yolo = root / "deliveries" / "yolo"
    out = tmp_path / "handoff" / "yolo.manifest.json"
    code, _, err = guidec("manifest", "--spec", root / "spec.yaml", yolo, "--out", out,
                          "--images", root / "deliveries" / "images")
    assert code == 0, err
    doc = json.loads(out.read_text())
    assert [f["path"] for f in doc["files"]] == [
        "../r/deliveries/yolo/data.yaml", "../r/deliveries/yolo/labels/aisle-01.txt",
        "../r/deliveries/yolo/labels/aisle-02.txt", "../r/deliveries/yolo/labels/aisle-03.txt"]
    assert len(doc["images"]) == 3  # YOLO names images without extension: found as .png
    code, out_, _ = guidec("validate", "--spec", root / "spec.yaml", "--manifest", out, yolo,
                           "--select", "H")
    assert code == 0, out_


def test_refuses_to_write_over_an_input(shop):
    target = shop / "deliveries" / "batch-03.json"
    before = target.read_bytes()
    code, _, err = guidec("manifest", "--spec", shop / "spec.yaml", target, "--out", target)
    assert code == 2 and "refusing to write" in err
    assert target.read_bytes() == before
    code, _, err = guidec("manifest", "--spec", shop / "spec.yaml", target, "--out",
                          shop / "common" / "occlusion.yaml")
    assert code == 2 and "refusing to write" in err


def test_refuses_to_write_inside_a_delivery_folder(shop):
    voc = shop / "deliveries" / "voc"
    code, _, err = guidec("manifest", "--spec", shop / "spec.yaml", voc, "--out",
                          voc / "manifest.json")
    assert code == 2 and "inside" in err and not (voc / "manifest.json").exists()


def test_unreadable_delivery_writes_nothing(shop, tmp_path):
    out = tmp_path / "m.json"
    code, _, err = guidec("manifest", "--spec", shop / "spec.yaml", shop / "nope.json",
                          "--out", out)
    assert code == 2 and not out.exists() and "V001" in err


SMALL_SPEC = """\
guidec: 1
project: {id: t, title: T, version: 1.0.0}
splits: {names: [train, val]}
classes:
  - {id: 1, name: car, shapes: [box]}
  - {id: 2, name: person, shapes: [box]}
"""


@st.composite
def deliveries(draw):
    files = {}
    names = draw(st.lists(st.sampled_from(["train", "val", "extra", "b1"]), min_size=1,
                          max_size=3, unique=True))
    for name in names:
        n_img = draw(st.integers(0, 3))
        images = [{"id": i + 1, "file_name": f"{name}-{i}.jpg", "width": 50, "height": 40}
                  for i in range(n_img)]
        anns = []
        for k in range(draw(st.integers(0, 6)) if n_img else 0):
            anns.append({"id": k + 1, "image_id": draw(st.integers(1, n_img)),
                         "category_id": draw(st.sampled_from([1, 2, 7])),
                         "bbox": [1, 1, draw(st.integers(1, 9)), 3]})
        files[f"{name}.json"] = {"images": images, "annotations": anns,
                                 "categories": [{"id": 1, "name": "car"},
                                                {"id": 2, "name": "person"},
                                                {"id": 7, "name": "bus"}]}
    return files


@settings(deadline=None, max_examples=examples(25),
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(deliveries())
def test_written_then_verified_is_clean(tmp_path, files):
    case = tmp_path / hashlib.sha256(json.dumps(files, sort_keys=True).encode()).hexdigest()
    if case.exists():
        shutil.rmtree(case)
    (case / "d").mkdir(parents=True)
    (case / "spec.yaml").write_text(SMALL_SPEC)
    for name, doc in files.items():
        (case / "d" / name).write_text(json.dumps(doc))
    m = case / "out" / "manifest.json"
    code, _, err = guidec("manifest", "--spec", case / "spec.yaml", case / "d", "--out", m)
    assert code == 0, err
    doc = json.loads(m.read_text())
    assert doc["counts"]["annotations"] == sum(len(f["annotations"]) for f in files.values())
    for split in ("train", "val"):
        if split in files and files[split]["images"]:
            assert doc["counts"]["splits"][split]["images"] == len(files[split]["images"])
    code, out, err = guidec("validate", "--spec", case / "spec.yaml", "--manifest", m,
                            case / "d", "--select", "H", "--format", "json")
    assert code == 0 and json.loads(out)["findings"] == [], out + err


def test_yolo_split_folders(tmp_path):
    """YOLO labels/train/ and labels/val/: counts per split, from the folder names."""
    root = tmp_path / "r"
    shutil.copytree(EXAMPLE, root)
    labels = root / "deliveries" / "yolo" / "labels"
    (labels / "train").mkdir()
    (labels / "val").mkdir()
    for name, split in (("aisle-01", "train"), ("aisle-02", "train"), ("aisle-03", "val")):
        (labels / f"{name}.txt").rename(labels / split / f"{name}.txt")
    out = tmp_path / "m.json"
    code, _, err = guidec("manifest", "--spec", root / "spec.yaml", root / "deliveries" / "yolo",
                          "--out", out, "--images", root / "deliveries" / "images")
    assert code == 0, err
    splits = json.loads(out.read_text())["counts"]["splits"]
    assert {s: (v["images"], v["annotations"]) for s, v in splits.items()} == {
        "train": (2, 17), "val": (1, 8)}


def test_handoff_verifies_the_manifest_too(shop):
    """guidec handoff --manifest: the same H001-H012 as validate --manifest, on the splits."""
    split = shop / "deliveries" / "split"
    out = shop / "deliveries" / "split.manifest.json"
    code, _, err = guidec("manifest", "--spec", shop / "spec.yaml", split / "train.json",
                          split / "val.json", "--out", out)
    assert code == 0, err

    def handoff():
        _, text, err = guidec("handoff", "--spec", shop / "spec.yaml", split / "train.json",
                                 split / "val.json", "--manifest", out, "--format", "json",
                                 "--fail-on", "never")
        assert text, err
        return [f["code"] for f in json.loads(text)["findings"] if f["code"] < "H040"]

    assert handoff() == []
    doc = json.loads(out.read_text())
    doc["counts"]["splits"]["val"]["images"] += 1
    out.write_text(json.dumps(doc))
    assert handoff() == ["H010"]
