"""The QA report in headless Chromium: every number the page shows equals the JSON (``--metrics``)
at the path its ``data-key`` names; the verdict, the heat map, the links to the playbook and the
thumbnails are there; the page runs no script. A screenshot goes to test-artifacts/."""

from __future__ import annotations

import io
import json
import zlib

import pytest

from guidec.cli import run
from tests.conftest import ROOT
from tests.test_site_browser import ARTIFACTS, browser  # noqa: F401 (the fixture)

pytestmark = pytest.mark.integration
SPEC = ROOT / "specs" / "retail-shelf" / "spec.yaml"
EXAMPLE = ROOT / "specs" / "retail-shelf" / "qa"


def _png(w: int, h: int) -> bytes:
    def chunk(kind, body):
        return (len(body).to_bytes(4, "big") + kind + body
                + (zlib.crc32(kind + body) & 0xFFFFFFFF).to_bytes(4, "big"))
    raw = b"".join(b"\x00" + bytes([180, 170, 150]) * w for _ in range(h))
    ihdr = w.to_bytes(4, "big") + h.to_bytes(4, "big") + bytes([8, 2, 0, 0, 0])
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw))
            + chunk(b"IEND", b""))


def _at(doc, key: str):
    for part in key.split("."):
        doc = doc[int(part)] if isinstance(doc, list) else doc[part]
    return doc


def test_every_number_on_the_page_is_the_jsons(browser, tmp_path):  # noqa: F811
    images = tmp_path / "images"
    images.mkdir()
    for i in (1, 2, 3):
        (images / f"aisle-{i:02d}.jpg").write_bytes(_png(640, 480))  # the name is what counts
    page, metrics = tmp_path / "qa.html", tmp_path / "qa.json"
    code = run(["qa", "--spec", str(SPEC), "--reference", str(EXAMPLE / "golden.json"),
                "--candidate", str(EXAMPLE / "batch-07.json"), "--images", str(images),
                "--html", str(page), "--metrics", str(metrics),
                "--playbook", "https://playbook.example/retail", "--format", "summary"],
               io.StringIO(), io.StringIO())
    assert code == 1
    doc = json.loads(metrics.read_text())
    tab = browser.new_page(viewport={"width": 1200, "height": 900}, java_script_enabled=True)
    errors = []
    tab.on("pageerror", lambda e: errors.append(str(e)))
    tab.goto(page.as_uri())
    cells = tab.eval_on_selector_all(
        "[data-key]", "els => els.map(e => [e.dataset.key, e.dataset.value, e.textContent])")
    assert len(cells) > 40
    keys = set()
    for key, value, text in cells:
        want = _at(doc, key)
        keys.add(key.split(".")[0])
        assert json.loads(value) == want, key
        if isinstance(want, float):
            assert abs(float(text) - want) <= 5e-4, key  # shown to 3 or 4 decimals
        elif isinstance(want, int):
            assert text.replace(",", "") == str(want), key
    assert keys >= {"verdict", "overall", "thresholds", "classes", "confusion", "error_types"}
    assert tab.text_content(".verdict") == "FAIL" and doc["verdict"] == "fail"
    # the classes to fix link to the playbook's class and rule pages
    hrefs = tab.eval_on_selector_all("a", "els => els.map(e => e.href)")
    assert "https://playbook.example/retail/classes/product/" in hrefs
    assert any(h.startswith("https://playbook.example/retail/rules/") for h in hrefs)
    # the worst conflicts are drawn over their images, reference and candidate
    assert tab.locator("div.f svg image").count() >= 5
    assert tab.locator('div.f svg [stroke="#1b9e77"]').count() >= 1
    assert tab.locator('div.f svg [stroke="#d95f02"]').count() >= 1
    assert tab.locator("script").count() == 0 and not errors
    ARTIFACTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / "qa-report.png"), full_page=True)
    tab.close()
