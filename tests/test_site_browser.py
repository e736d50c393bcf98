"""The built playbook in a real browser: headless Chromium (Debian) driven by Playwright.

Serves the site from 127.0.0.1, searches for a class by name, opens its page and checks that the
example image is shown and loaded; a hostile spec must not run script. Screenshots go to
test-artifacts/. Skipped locally when Chromium or Playwright is missing; fails under CI=true.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
from pathlib import Path

import pytest

from guidec.commands.site import make_server, mkdocs_missing
from tests.test_site_target import FIXTURE, write_xss_spec

pytestmark = pytest.mark.integration
CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _need(ok: bool, why: str) -> None:
    if not ok:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{why} (CI=true: the browser test must run)")
        pytest.skip(why)


@pytest.fixture(scope="module")
def browser():
    _need(os.path.exists(CHROMIUM), f"{CHROMIUM} is not installed (apt-get install chromium)")
    _need(mkdocs_missing() is None, "mkdocs-material is not installed")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _need(False, "playwright is not installed (pip install playwright)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def serve():
    servers = []

    def start(html_dir: Path) -> str:
        server = make_server(str(html_dir))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for s in servers:
        s.shutdown()
        s.server_close()


def search(page, query: str):
    page.click("input.md-search__input", timeout=10_000)
    page.keyboard.type(query, delay=20)  # material listens to key events, not fill()
    page.wait_for_selector(".md-search-result__item", timeout=20_000)


def test_search_a_class_open_its_page_and_see_the_example(cli, tmp_path, browser, serve):
    assert cli("site", FIXTURE, "--out", tmp_path / "site", "--strict").code == 0
    base = serve(tmp_path / "site" / "html")
    page = browser.new_page(viewport={"width": 1280, "height": 1600})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{base}/index.html")
    search(page, "rocket")
    hits = page.locator(".md-search-result__link")
    first = hits.first.get_attribute("href")
    assert "classes/rocket.html" in first, first  # class pages rank first (search boost)
    hit = hits.first
    hit.click()
    page.wait_for_url(re.compile(r".*/classes/rocket\.html(\?[^#]*)?(#.*)?$"))
    assert page.inner_text("h1").strip().rstrip("¶") == "Rocket"
    photo = page.locator("img.guidec-photo").first
    photo.scroll_into_view_if_needed()
    page.wait_for_function(
        "() => { const i = document.querySelector('img.guidec-photo');"
        " return i && i.complete && i.naturalWidth > 0; }", timeout=20_000)
    natural = photo.evaluate("i => [i.naturalWidth, i.naturalHeight]")
    assert natural == [640, 427]
    box = photo.bounding_box()
    assert box is not None and box["width"] > 200 and box["height"] > 100  # shown, not hidden
    overlay = page.locator("svg.guidec-overlay").first.bounding_box()
    assert overlay is not None and abs(overlay["width"] - box["width"]) < 2  # shapes on the photo
    ARTIFACTS.mkdir(exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")  # the sticky header belongs at the top
    page.wait_for_timeout(200)
    page.screenshot(path=str(ARTIFACTS / "site-class-rocket.png"), full_page=True)
    assert errors == []
    page.close()


def test_hostile_spec_runs_no_script_in_the_browser(cli, write, tmp_path, browser, serve):
    spec = write_xss_spec(write)
    assert cli("site", spec, "--out", tmp_path / "site", "--strict").code == 0
    html = tmp_path / "site" / "html"
    base = serve(html)
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    class_page = next(p for p in (html / "classes").glob("*.html") if "onerror" in p.name)
    for rel in ("index.html", f"classes/{class_page.name}", "rules/r1.html"):
        page.goto(f"{base}/{rel}")
        page.wait_for_load_state("load")
    search(page, "Evil")  # search results render spec text (with the payload) too
    page.wait_for_timeout(500)
    assert dialogs == []
    assert "<script>" in page.inner_text("article")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "site-hostile-text.png"), full_page=True)
    page.close()
    shutil.rmtree(html, ignore_errors=True)


def test_names_in_tables_do_not_wrap_and_no_keypoints_tab_without_schemas(
        cli, write, tmp_path, browser, serve):
    """A narrow window: every code span in a table cell is one line (names are not split
    mid-word), and a spec without keypoint schemas has no Keypoints tab."""
    import yaml

    from tests._targets import minimal

    spec = minimal(
        [{"id": i, "name": f"product.private_label_{i}", "definition": "A long name.",
          "attributes": ["Leaf Area Affected(%)", "occlusion_level_of_the_facing"]}
         for i in range(1, 4)],
        attributes={"Leaf Area Affected(%)": {"type": "number", "min": 0, "max": 100},
                    "occlusion_level_of_the_facing": {
                        "type": "enum", "values": ["completely_visible", "partially_hidden"]}})
    path = write("spec.yaml", yaml.safe_dump(spec, sort_keys=False))
    assert cli("site", path, "--out", tmp_path / "site", "--strict").code == 0
    html = tmp_path / "site" / "html"
    assert not (html / "keypoints").exists()
    base = serve(html)
    page = browser.new_page(viewport={"width": 420, "height": 900})
    for rel in ("attributes.html", "classes/index.html"):
        page.goto(f"{base}/{rel}")
        page.wait_for_load_state("load")
        lines = page.evaluate(
            "() => [...document.querySelectorAll('td code, th code')].map("
            "c => [c.textContent, c.getClientRects().length])")
        assert lines and all(n == 1 for _, n in lines), lines
        tabs = page.evaluate("() => [...document.querySelectorAll('.md-tabs__link, "
                             ".md-nav__link')].map(a => a.textContent.trim())")
        assert "Attributes" in tabs and "Keypoints" not in tabs, tabs
    page.close()
