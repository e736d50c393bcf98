"""Any format judges any other: the retail-shelf example golden set and batch, rewritten by
guidec's writers as CVAT XML and as a Label Studio export, give the same conflicts, metrics and
verdict in every pairing of formats as COCO against COCO."""

from __future__ import annotations

import io
import json

import pytest

from guidec.cli import run
from guidec.readers import read_delivery
from guidec.view import load_project
from guidec.writers import load_writers
from tests.conftest import ROOT

SPEC = ROOT / "specs" / "retail-shelf" / "spec.yaml"
EXAMPLE = ROOT / "specs" / "retail-shelf" / "qa"


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    project = load_project(str(SPEC))
    out = tmp_path_factory.mktemp("formats")
    paths = {}
    for side in ("golden", "batch-07"):
        src = EXAMPLE / f"{side}.json"
        paths[(side, "coco")] = str(src)
        table = read_delivery([str(src)], project=project).table
        for fmt in ("cvat", "label_studio"):
            (name, data), = load_writers()[fmt].write(table, project).items()
            p = out / f"{side}.{fmt}{name[name.rindex('.'):]}"
            p.write_bytes(data)
            paths[(side, fmt)] = str(p)
    return paths


def _qa(ref: str, cand: str) -> tuple[int, list, dict]:
    out = io.StringIO()
    code = run(["qa", "--spec", str(SPEC), "--reference", ref, "--candidate", cand,
                "--format", "json"], out, io.StringIO())
    doc = json.loads(out.getvalue())
    found = sorted((f["code"], f.get("image"), f.get("class"), tuple(f.get("error_types", ())))
                   for f in doc["findings"])
    q = doc["qa"]
    return code, found, _rounded({k: q[k] for k in ("overall", "classes", "confusion",
                                                    "error_types", "thresholds", "verdict")})


def _rounded(v):
    """Label Studio stores percents: coordinates come back within 1e-6 px, not bit for bit."""
    if isinstance(v, float):
        return round(v, 6)
    if isinstance(v, dict):
        return {k: _rounded(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_rounded(x) for x in v]
    return v


@pytest.mark.parametrize("ref_fmt", ["coco", "cvat", "label_studio"])
@pytest.mark.parametrize("cand_fmt", ["coco", "cvat", "label_studio"])
def test_every_pairing_of_formats_judges_alike(files, ref_fmt, cand_fmt):
    base = _qa(files[("golden", "coco")], files[("batch-07", "coco")])
    got = _qa(files[("golden", ref_fmt)], files[("batch-07", cand_fmt)])
    assert got[0] == base[0] == 1
    assert got[1] == base[1]
    assert got[2] == base[2]
    # the example plants one conflict of each kind it shows
    assert {c for c, *_ in base[1]} == {"Q010", "Q012", "Q013", "Q016", "Q020", "Q100",
                                        "Q101", "Q102"}


def test_a_cvat_jobs_assignee_is_the_annotator(files, tmp_path):
    """Two CVAT job exports of the same images (assignees alice and bob) as one candidate:
    each is judged on its own, with metrics per annotator."""
    with open(files[("batch-07", "cvat")]) as fh:
        xml = fh.read()
    paths = []
    for who in ("alice", "bob"):
        p = tmp_path / f"job-{who}.xml"
        p.write_text(xml.replace("<meta>", f"<meta><job><id>1</id><assignee><username>{who}"
                                           "</username></assignee></job>", 1))
        paths.append(str(p))
    out = io.StringIO()
    run(["qa", "--spec", str(SPEC), "--reference", files[("golden", "coco")], "--candidate",
         *paths, "--format", "json"], out, io.StringIO())
    q = json.loads(out.getvalue())["qa"]
    assert set(q["annotators"]) == {"alice", "bob"}
    for who in ("alice", "bob"):
        assert q["annotators"][who]["images"] == 3
        assert q["annotators"][who]["matched"] == 23  # as the batch alone
    assert q["images"]["compared"] == 6
