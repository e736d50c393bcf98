"""The tracebacks issue 10 names, each now a located finding or one clear error (exit 2)."""

from __future__ import annotations

import glob
import json
import os
import subprocess

import pytest

SPEC = ("guidec: 1\nproject: {id: p, title: P, version: 1.0.0}\n"
        "classes:\n  - {id: 1, name: car, shapes: [box, mask]}\n")


@pytest.fixture
def spec(tmp_path):
    p = tmp_path / "spec.yaml"
    p.write_text(SPEC)
    return p


def _json(r):
    return [(f["code"], f["pointer"]) for f in json.loads(r.out)["findings"]]


def test_label_studio_ids_and_types_of_the_wrong_json_type(cli, spec, tmp_path):
    task = {"id": [1], "data": {"image": "a.jpg"}, "annotations": [{"id": {"a": 1}, "result": [
        {"id": ["r"], "type": "rectanglelabels", "from_name": "label", "to_name": "image",
         "original_width": [10], "original_height": 10,
         "value": {"x": 1, "y": 1, "width": 2, "height": 2, "rectanglelabels": ["car"]}},
        {"id": "t", "type": {"t": 1}, "value": {}}]}, {"id": 2, "result": []}]}
    (tmp_path / "ls.json").write_text(json.dumps([task]))
    r = cli("validate", "--spec", spec, tmp_path / "ls.json", "--format", "json")
    assert r.code == 1, r
    got = _json(r)
    for want in [("V008", "/0/id"), ("V008", "/0/annotations/0/id"),
                 ("V008", "/0/annotations/0/result/0/id"),
                 ("V008", "/0/annotations/0/result/1/type")]:
        assert want in got, got


def test_rle_size_beyond_a_float(cli, spec, tmp_path):
    doc = {"images": [{"id": 1, "file_name": "a.jpg", "width": 10, "height": 10}],
           "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [1, 1, 2, 2],
                            "segmentation": {"size": [10**400, 5], "counts": [1, 2]}}],
           "categories": [{"id": 1, "name": "car"}]}
    (tmp_path / "d.json").write_text(json.dumps(doc))
    r = cli("validate", "--spec", spec, tmp_path / "d.json", "--format", "json")
    assert ("V210", "/annotations/0") in _json(r), r


def test_a_spec_number_of_thousands_of_digits(cli, tmp_path):
    p = tmp_path / "spec.yaml"
    p.write_text(SPEC.replace("{id: 1,", "{id: " + "1" * 5000 + ","))
    r = cli("check", p)
    assert r.code == 1, r  # a finding of the spec, located
    assert f"{p}:4:10: Y003" in r.out and "5,000 digits" in r.out


def test_a_nul_byte_in_an_include_path(cli, tmp_path):
    p = tmp_path / "spec.yaml"
    p.write_text('include: ["a\\0b.yaml"]\n' + SPEC)
    r = cli("check", p)
    assert r.code in (1, 2) and "Y001" in r.out + r.err and "NUL" in r.out + r.err, r


def test_build_onto_a_file_is_one_clear_error(cli, spec, tmp_path):
    (tmp_path / "out").write_text("not a folder")
    r = cli("build", spec, "--out", tmp_path / "out")
    assert r.code == 2, r
    assert r.err.startswith("guidec: error: cannot write") and "it is a file, not a folder" in r.err
    assert r.err.count("\n") == 1


def test_build_onto_a_full_disk_is_one_clear_error_and_leaves_no_temp_file(cli, spec,
                                                                            tmp_path):
    small = tmp_path / "small"
    small.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(small)],
                             capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        r = cli("build", spec, "--out", small / "out")
        assert r.code == 2, r
        assert "No space left on device" in r.err and r.err.count("\n") == 1
        assert not glob.glob(str(small / "**" / ".guidec-*.tmp"), recursive=True)
    finally:
        subprocess.run(["umount", str(small)], check=False)
        assert not os.path.ismount(small)


def test_build_and_migrate_onto_a_read_only_folder_are_one_clear_error(cli, spec, tmp_path):
    """Root writes through file modes, so the read-only folder is a read-only mount."""
    ro = tmp_path / "ro"
    ro.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", str(ro)],
                             capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a read-only tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        r = cli("build", spec, "--out", ro / "out")
        assert r.code == 2, r
        assert "Read-only file system" in r.err and r.err.count("\n") == 1
        delivery = tmp_path / "d.json"
        delivery.write_text('{"images": [{"id": 1, "file_name": "a.jpg", "width": 9, '
                            '"height": 9}], "annotations": [], "categories": []}')
        r = cli("migrate", "--from", spec, "--to", spec, delivery, "--out", ro / "m.json")
        assert r.code == 2, r
        assert "Read-only file system" in r.err and r.err.count("\n") == 1
    finally:
        subprocess.run(["umount", str(ro)], check=False)
        assert not os.path.ismount(ro)
