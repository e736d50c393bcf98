"""Diff outputs: human, markdown changelog (golden), json, github; the site's API."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from guidec.diff import changes_since_markdown
from tests.diff.helpers import base, cls, project, spec_text

GOLDEN = Path(__file__).resolve().parent.parent / "golden" / "diff"


def evolved() -> dict:
    d = base()
    d["project"]["version"] = "2.0.0"
    cls(d, "van").update(name="minivan", aliases=["van"])
    d["classes"].remove(cls(d, "sign"))
    d["classes"].append({"id": 9, "name": "bus", "color": "#123456"})
    d["attributes"]["occlusion"]["values"] = ["none", "partial", "heavy", "full"]
    d["attributes"]["parked"] = {"type": "bool", "required": True}
    cls(d, "car")["attributes"] = ["occlusion", "count", "parked"]
    d["rules"][0]["check"]["min_box_side"] = 12
    d["qa"]["agreement"]["box_iou"] = 0.85
    cls(d, "car")["color"] = "#ee0000"
    return d


@pytest.fixture
def pair(write):
    return write("v1/spec.yaml", spec_text(base())), write("v2/spec.yaml", spec_text(evolved()))


def _golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("GUIDEC_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.is_file(), f"no golden file {path}; run with GUIDEC_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8")


def test_markdown_changelog_golden():
    text = changes_since_markdown(project(base()), project(evolved()))
    _golden("changelog.md", text)
    assert "### Breaking changes" in text and "### Needs review when migrating" in text


def test_markdown_for_identical_specs_says_so():
    text = changes_since_markdown(project(base()), project(base()), heading_level=3)
    assert text.startswith("### P 1.0.0\n") and "No changes" in text


def test_human_output_has_positions_and_verdict(cli, pair):
    old, new = pair
    r = cli("diff", old, new)
    assert r.code == 0, r
    lines = r.out.splitlines()
    assert lines[-1].startswith("1.0.0 -> 2.0.0: ") and lines[-1].endswith("- OK")
    removed = next(line for line in lines if " D102 " in line)
    assert removed.startswith(f"{old}:") and "[major]" in removed  # points into the old spec
    assert any(line.startswith(f"{new}:") and " D104 " in line for line in lines)


def test_json_output(cli, pair):
    old, new = pair
    doc = json.loads(cli("diff", old, new, "--format", "json").out)
    assert doc["required_bump"] == "major" and doc["declared_bump"] == "major" and doc["ok"]
    codes = {c["code"] for c in doc["changes"]}
    assert {"D102", "D104", "D101", "D208", "D202", "D403", "D510", "D114"} <= codes
    d202 = next(c for c in doc["changes"] if c["code"] == "D202")
    assert d202["impact"] == {"labels": "error", "models": "info", "tools": "warning"}
    assert d202["line"] and d202["file"] == str(new)
    assert doc["migration"]["names"]["van"] == "minivan"


def test_version_too_small_fails_with_github_annotation(cli, write):
    d = evolved()
    d["project"]["version"] = "1.1.0"
    old = write("a/spec.yaml", spec_text(base()))
    new = write("b/spec.yaml", spec_text(d))
    r = cli("diff", old, new, "--format", "github")
    assert r.code == 1
    first = r.out.splitlines()[0]
    assert first.startswith(f"::error file={new},line=") and "title=D001" in first
    # labels-only view: still major (a class removed, a required attribute added)
    assert cli("diff", old, new, "--consumer", "labels").code == 1
    assert cli("diff", old, new, "--fail-on", "never").code == 0


def test_consumer_view_lowers_required_bump(cli, write):
    d = base()
    d["project"]["version"] = "1.1.0"
    d["keypoint_schemas"]["face"]["flip"] = []  # I W I: minor for models only
    old = write("a/spec.yaml", spec_text(base()))
    new = write("b/spec.yaml", spec_text(d))
    assert cli("diff", old, new, "--consumer", "labels", "--fail-on", "minor").code == 0
    assert cli("diff", old, new, "--consumer", "models", "--fail-on", "minor").code == 1


def test_migration_map_file(cli, pair, tmp_path):
    import yaml

    old, new = pair
    out = tmp_path / "v1__v2.yaml"
    assert cli("diff", old, new, "--migration-map", out).code == 0
    m = yaml.safe_load(out.read_text())
    assert m["guidec_migration"] == 1 and m["from"]["version"] == "1.0.0"
    assert len(m["from"]["sha256"]) == 64
    by = {e["from"]["name"]: e for e in m["classes"]}
    assert by["van"]["kind"] == "rename" and by["sign"]["kind"] == "retire"
    assert m["attributes"]["parked"] == {"kind": "added", "required": True, "default": None}
    assert {r["kind"] for r in m["review"]} == {"retired", "required-attribute"}
    assert m["coverage"]["new_classes"] == ["bus"]


def test_bad_spec_is_exit_2_with_positions(cli, write):
    old = write("a/spec.yaml", spec_text(base()))
    bad = write("b/spec.yaml", "guidec: 1\nproject: {id: p, title: P, version: 1.0.0}\n"
                               "classes:\n  - {id: x, name: car}\n")
    r = cli("diff", old, bad)
    assert r.code == 2 and f"{bad}:4:" in r.err


def test_docs_list_every_d_code_with_its_registered_impacts():
    from guidec.codes import all_codes
    from guidec.diff import KINDS

    text = (Path(__file__).resolve().parents[2] / "site" / "docs" / "diff.md").read_text()
    for code in (c for c in all_codes() if c.code.startswith("D")):
        assert code.code in text, f"{code.code} is missing from site/docs/diff.md"
        k = KINDS.get(code.code)
        if k is not None:
            row = f"| {k.code.code} | `{k.name}` | {k.impact[0].label} | {k.impact[1].label} |"
            assert row in text, f"the docs row of {code.code} is out of date"


def test_changes_since_for_the_site():
    from guidec.diff import changes_since

    got = [(c.kind, c.subject) for c in changes_since(project(base()), project(evolved()))]
    assert got[:2] == [("removed", "class:sign"), ("changed", "attribute:parked")]
    assert ("renamed", "class:minivan") in got and ("added", "class:bus") in got
    assert changes_since(project(base()), project(base())) == []


def test_migration_map_golden():
    from guidec.diff.mapping import dump_map, migration_map

    text = dump_map(migration_map(project(base()), project(evolved())))
    # the sha256 of a spec depends only on its data, so the golden file is stable
    _golden("p__1.0.0__2.0.0.yaml", text)
