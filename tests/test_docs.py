"""guidec's own user guide: generated pages are up to date and the site builds strictly."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from guidec import docs
from guidec.codes import all_codes
from guidec.spec.model import Spec
from tests.conftest import ROOT

SITE = ROOT / "site"


@pytest.mark.parametrize("rel", sorted(docs.pages()))
def test_generated_pages_are_up_to_date(rel):
    committed = (SITE / "docs" / rel).read_text(encoding="utf-8")
    assert committed == docs.pages()[rel], "run: python -m guidec.docs site/docs"


def test_docs_check_mode_reports_drift(tmp_path, capsys):
    assert docs.main([str(tmp_path)]) == 0
    assert docs.main([str(tmp_path), "--check"]) == 0
    (tmp_path / "reference" / "rules.md").write_text("stale\n")
    assert docs.main([str(tmp_path), "--check"]) == 1
    assert "reference/rules.md: differs" in capsys.readouterr().out


def test_spec_reference_lists_every_key_and_rule_reference_every_code():
    page = docs.spec_reference()
    for model, heading, _ in docs.SECTIONS:
        assert f"## {heading}\n" in page
        for name, f in model.model_fields.items():
            assert f"| `{f.alias or name}` |" in page, (model.__name__, name)
    assert "| `guidec` | integer | **required** |" in page
    assert "| `color` | colour (`#rrggbb`) or null | `null` |" in page
    rules = docs.rules_reference()
    for c in all_codes():
        assert f"### {c.code} `{c.name}`" in rules
    assert Spec.__name__ in page


def test_site_builds_with_mkdocs_strict(tmp_path):
    pytest.importorskip("mkdocs")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    r = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q",
                        "-f", str(SITE / "mkdocs.yml"), "-d", str(tmp_path / "out")],
                       capture_output=True, text=True, env=env, cwd=SITE)
    assert r.returncode == 0, r.stdout + r.stderr
    html = (tmp_path / "out" / "reference" / "rules" / "index.html").read_text()
    assert "L402" in html and "similar-colors" in html
    assert (tmp_path / "out" / "reference" / "spec" / "index.html").is_file()
