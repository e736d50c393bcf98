"""The handoff report page (``guidec handoff --html``) in headless Chromium: every number it
shows equals the JSON report at the JSON pointer its ``data-key`` names; the verdict, the
leaking group, the duplicate pairs with two embedded thumbnails each, priors, strata and hard
negatives are there; the page runs no script and loads nothing. A screenshot goes to
test-artifacts/."""

from __future__ import annotations

import io
import json

import pytest

from guidec.cli import run
from tests.test_handoff_plan import P, T, _spec, _task
from tests.test_site_browser import ARTIFACTS, browser  # noqa: F401 (the fixture)

pytestmark = pytest.mark.integration


def _at(doc, pointer: str):
    for part in pointer.split("/")[1:]:
        part = part.replace("~1", "/").replace("~0", "~")
        doc = doc[int(part)] if isinstance(doc, list) else doc[part]
    return doc


def _images(folder):
    """Three photos-like images: img1 and img11 the same bytes, img2 and img12 one picture a
    little brighter (near-duplicates); the rest different."""
    Image = pytest.importorskip("PIL.Image")
    import numpy as np

    folder.mkdir()
    rng = np.random.default_rng(7)
    for k in (1, 2, 3, 4, 11, 12, 13):
        base = rng.integers(0, 255, (12, 16, 3), dtype=np.uint8)
        Image.fromarray(base).resize((320, 240), Image.BILINEAR).save(folder / f"img{k}.jpg")
    (folder / "img11.jpg").write_bytes((folder / "img1.jpg").read_bytes())
    with Image.open(folder / "img2.jpg") as im:
        arr = np.asarray(im).astype(np.int16) + 12
        Image.fromarray(arr.clip(0, 255).astype(np.uint8)).save(folder / "img12.jpg", quality=80)


def test_every_number_on_the_handoff_page_is_the_jsons(browser, tmp_path):  # noqa: F811
    images = tmp_path / "images"
    _images(images)
    parts = {"train": [_task(1, [P, T], store="s1", region="eu"),
                       _task(2, [P, P, P], store="s1", region="us"),
                       _task(3, [], store="s2", region="eu", reviewed=True),
                       _task(4, [], store="s9", region="eu")],
             "val": [_task(11, [P, T], store="s3", region="us"),
                     _task(12, [T], store="s9", region="us"),
                     _task(13, [P], store="s3")]}
    spec = _spec(tmp_path)
    paths = []
    for name, tasks in parts.items():
        p = tmp_path / f"{name}.json"
        p.write_text(json.dumps(tasks))
        paths.append(str(p))
    page, report = tmp_path / "handoff.html", tmp_path / "handoff.json"
    code = run(["handoff", "--spec", str(spec), *paths, "--images", str(images),
                "--html", str(page), "--format", "json", "-o", str(report)],
               io.StringIO(), io.StringIO())
    assert code == 1
    doc = json.loads(report.read_text())
    codes = {f["code"] for f in doc["findings"]}
    assert {"H053", "H054", "H059", "H060", "H061", "H063", "H065", "H066"} <= codes
    tab = browser.new_page(viewport={"width": 1200, "height": 900}, java_script_enabled=True)
    errors, requests = [], []
    tab.on("pageerror", lambda e: errors.append(str(e)))
    tab.on("request", lambda r: requests.append(r.url))
    tab.goto(page.as_uri())
    cells = tab.eval_on_selector_all(
        "[data-key]", "els => els.map(e => [e.dataset.key, e.dataset.value, e.textContent])")
    assert len(cells) > 40
    tops = set()
    for key, value, text in cells:
        want = _at(doc, key)
        tops.add("/".join(key.split("/")[:3]))
        assert json.loads(value) == want, key
        if isinstance(want, float):
            assert abs(float(text) - want) <= 5e-4, key
        elif isinstance(want, int) and not isinstance(want, bool):
            assert text.replace(",", "") == str(want), key
    assert tops >= {"/handoff/verdict", "/handoff/splits", "/handoff/plan", "/summary/errors"}
    assert tab.text_content(".verdict") == "FAIL" and doc["handoff"]["verdict"] == "fail"
    # the leaking group (store s9: train and val, from Label Studio task data)
    assert "s9" in tab.inner_text("body")
    # each duplicate pair: two thumbnails, embedded
    pairs = tab.locator("div.pair")
    assert pairs.count() == 2
    srcs = tab.eval_on_selector_all("div.pair img", "els => els.map(e => e.src)")
    assert len(srcs) == 4 and all(s.startswith("data:image/jpeg;base64,") for s in srcs)
    assert tab.eval_on_selector_all("div.pair img", "els => els.every(e => e.naturalWidth > 0)")
    assert tab.locator("script").count() == 0 and not errors
    assert all(u.startswith(("file:", "data:")) for u in requests)
    ARTIFACTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / "handoff-report.png"), full_page=True)
    tab.close()


def test_without_images_the_page_has_no_thumbnail_and_is_byte_identical(tmp_path):
    spec = _spec(tmp_path)
    p = tmp_path / "train.json"
    p.write_text(json.dumps([_task(1, [P], store="a", region="eu"),
                             _task(2, [], store="b", region="us")]))
    pages = []
    for k in (1, 2):
        page = tmp_path / f"h{k}.html"
        run(["handoff", "--spec", str(spec), str(p), "--html", str(page), "--format",
             "summary"], io.StringIO(), io.StringIO())
        pages.append(page.read_bytes())
    assert pages[0] == pages[1]
    text = pages[0].decode()
    assert "<img" not in text and "<script" not in text
    assert "Not searched: no --images." in text and "Hard negatives" in text
