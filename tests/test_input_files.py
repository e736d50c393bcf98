"""Inputs that are not regular files, or too large, are refused with the file and the reason,
never read until they hang or fill memory: delivery files, YOLO label files, spec includes.

Each case runs in a subprocess with a timeout, so a regression is a failed test, not a hung
suite."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

SPEC = "guidec: 1\nproject: {id: p, title: P, version: 1.0.0}\nclasses:\n  - {id: 1, name: car}\n"


def guidec(*argv, env=None, timeout=60):
    run_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "guidec", *map(str, argv)],
                          capture_output=True, text=True, timeout=timeout, env=run_env)


@pytest.fixture
def spec(tmp_path):
    p = tmp_path / "spec.yaml"
    p.write_text(SPEC)
    return p


@pytest.mark.parametrize("kind", ["fifo", "link-to-fifo", "device"])
def test_a_delivery_that_is_not_a_regular_file_is_refused(tmp_path, spec, kind):
    target = tmp_path / "d.json"
    if kind == "device":
        target = "/dev/zero"
    else:
        os.mkfifo(tmp_path / "pipe")
        if kind == "fifo":
            target = tmp_path / "pipe"
        else:
            os.symlink(tmp_path / "pipe", target)
    r = guidec("validate", "--spec", spec, target, "--input-format", "coco")
    assert r.returncode == 2, r
    assert "V001" in r.stdout + r.stderr
    assert "not a regular file" in r.stdout + r.stderr


def test_a_detected_delivery_fifo_is_refused(tmp_path, spec):
    os.mkfifo(tmp_path / "pipe.json")
    r = guidec("validate", "--spec", spec, tmp_path / "pipe.json")
    assert r.returncode == 2 and "not a regular file" in r.stdout + r.stderr, r


def test_a_yolo_label_fifo_is_refused_and_the_rest_is_read(tmp_path, spec):
    (tmp_path / "labels").mkdir()
    (tmp_path / "images").mkdir()
    (tmp_path / "data.yaml").write_text("names: [car]\n")
    (tmp_path / "labels" / "a.txt").write_text("0 0.5 0.5 0.2 0.2\n")
    os.mkfifo(tmp_path / "labels" / "b.txt")
    r = guidec("validate", "--spec", spec, tmp_path, "--input-format", "yolo", "--format",
               "json")
    found = json.loads(r.stdout)["findings"]
    refused = [f for f in found if f["code"] == "V001"]
    assert len(refused) == 1 and refused[0]["file"].endswith("b.txt")
    assert "not a regular file" in refused[0]["message"]


def test_a_spec_include_that_is_a_fifo_is_refused(tmp_path):
    os.mkfifo(tmp_path / "common.yaml")
    (tmp_path / "spec.yaml").write_text("include: [common.yaml]\n" + SPEC)
    r = guidec("check", tmp_path / "spec.yaml")
    assert r.returncode in (1, 2), r
    assert "common.yaml" in r.stdout + r.stderr and "not a regular file" in r.stdout + r.stderr


def test_the_size_bound_names_the_file_and_how_to_raise_it(tmp_path, spec):
    d = tmp_path / "d.json"
    d.write_text(json.dumps({"images": [{"id": 1, "file_name": "a.jpg", "width": 9,
                                         "height": 9}], "annotations": [],
                             "categories": [{"id": 1, "name": "car"}]}))
    r = guidec("validate", "--spec", spec, d, "--max-file-size", "50", "--input-format", "coco")
    assert r.returncode == 2, r
    out = r.stdout + r.stderr
    assert "V001" in out and "over the 50-byte limit" in out and "--max-file-size" in out
    r = guidec("validate", "--spec", spec, d, "--input-format", "coco",
               env={"GUIDEC_MAX_FILE_BYTES": "50"})
    assert r.returncode == 2 and "over the 50-byte limit" in r.stdout + r.stderr
    assert guidec("validate", "--spec", spec, d, "--max-file-size", "1M").returncode == 0


def test_a_bad_size_is_a_clear_option_error(spec, tmp_path):
    r = guidec("validate", "--spec", spec, tmp_path, "--max-file-size", "lots")
    assert r.returncode == 2 and "expected a size such as 512M or 8G" in r.stderr
