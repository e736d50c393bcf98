"""`guidec site`: the real mkdocs-material build (--strict), hostile text in built HTML, serving."""

from __future__ import annotations

import threading
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

import pytest

from guidec.commands import site as site_cmd
from tests.conftest import spec_files
from tests.test_site_target import FIXTURE, XSS, write_xss_spec

pytestmark = pytest.mark.skipif(site_cmd.mkdocs_missing() is not None,
                                reason="mkdocs-material is not installed")


@pytest.mark.parametrize("spec", [*spec_files(), FIXTURE], ids=lambda p: p.parent.name)
def test_mkdocs_build_strict_passes(cli, tmp_path, spec):
    res = cli("site", spec, "--out", tmp_path / "site", "--strict")
    assert res.code == 0, res
    html = tmp_path / "site" / "html"
    assert (html / "index.html").is_file() and (html / "search" / "search_index.json").is_file()
    assert "built the playbook" in res.out


class Scan(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.handlers: list[tuple[str, str]] = []
        self.scripts: list[str] = []
        self.text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        for name, _ in attrs:
            if name.startswith("on"):
                self.handlers.append((tag, name))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        (self.scripts if self._in_script else self.text).append(data)


def test_hostile_spec_text_renders_as_text_in_built_html(cli, write, tmp_path):
    spec = write_xss_spec(write)
    res = cli("site", spec, "--out", tmp_path / "out", "--strict")
    assert res.code == 0, res
    pages = list((tmp_path / "out" / "html").rglob("*.html"))
    assert len(pages) > 5
    for page in pages:
        scan = Scan()
        scan.feed(page.read_text(encoding="utf-8"))
        assert scan.handlers == [], page  # no onerror= (nor any on*) attribute anywhere
        assert not any("alert" in s for s in scan.scripts), page
    class_page = next(p for p in pages if p.parent.name == "classes" and "onerror" in p.name)
    scan = Scan()
    scan.feed(class_page.read_text(encoding="utf-8"))
    shown = " ".join(" ".join(scan.text).split())
    assert f"Def {XSS}" in shown  # the definition is shown, as text
    assert f"Evil {XSS}" in shown
    assert f"Cap {XSS}" in shown  # the example caption, below its figure
    svg_titles = class_page.read_text(encoding="utf-8").count("&lt;/title&gt;&lt;script&gt;")
    assert svg_titles >= 2  # shape tooltip and label inside the overlay, escaped


def test_strict_fails_on_a_broken_link_in_spec_prose(cli, write, tmp_path):
    spec = write("spec.yaml", """guidec: 1
project: {id: p, title: P, version: 1.0.0}
classes:
  - {id: 1, name: a, definition: 'See [the manual](manual.md).'}
""")
    res = cli("site", spec, "--out", tmp_path / "out", "--strict")
    assert res.code == 1
    assert "manual.md" in res.err and "mkdocs build failed" in res.err
    assert cli("site", spec, "--out", tmp_path / "out").code == 0  # a warning without --strict


def test_stale_pages_are_removed_and_foreign_folders_refused(cli, write, tmp_path):
    out = tmp_path / "out"
    spec = write("spec.yaml", "guidec: 1\nproject: {id: p, title: P, version: 1.0.0}\n"
                 "classes:\n  - {id: 1, name: a}\n  - {id: 2, name: b}\n")
    assert cli("site", spec, "--out", out, "--strict").code == 0
    assert (out / "docs" / "classes" / "b.md").exists()
    spec.write_text(spec.read_text().replace("  - {id: 2, name: b}\n", ""))
    assert cli("site", spec, "--out", out, "--strict").code == 0  # b.md would fail --strict
    assert not (out / "docs" / "classes" / "b.md").exists()
    mine = tmp_path / "mine"
    (mine / "docs").mkdir(parents=True)
    (mine / "docs" / "notes.md").write_text("mine")
    res = cli("site", spec, "--out", mine)
    assert res.code == 2 and "not a guidec site" in res.err
    assert (mine / "docs" / "notes.md").read_text() == "mine"


def test_since_adds_the_changes_to_the_home_page(cli, write, tmp_path):
    old = write("old.yaml", "guidec: 1\nproject: {id: p, title: P, version: 1.0.0}\n"
                "classes:\n  - {id: 1, name: car}\n")
    new = write("new.yaml", "guidec: 1\nproject: {id: p, title: P, version: 1.1.0}\n"
                "classes:\n  - {id: 1, name: automobile, aliases: [car]}\n  - {id: 2, name: bus}\n")
    assert cli("site", new, "--out", tmp_path / "o", "--since", old, "--strict").code == 0
    home = (tmp_path / "o" / "html" / "index.html").read_text()
    assert "What changed since 1.0.0" in home and "was added" in home and "renamed to" in home


def test_clear_error_when_mkdocs_is_missing(cli, monkeypatch):
    real = site_cmd.importlib.util.find_spec
    monkeypatch.setattr(site_cmd.importlib.util, "find_spec",
                        lambda name, *a: None if name == "material" else real(name, *a))
    res = cli("site", FIXTURE)
    assert res.code == 2
    assert "mkdocs-material is not installed" in res.err and "guidec[site]" in res.err


def test_bad_spec_stops_before_building(cli, write, tmp_path):
    spec = write("spec.yaml", "guidec: 1\nproject: {id: p, title: P, version: 1.0.0}\n"
                 "classes:\n  - {id: 1, name: a}\n  - {id: 1, name: b}\n")
    res = cli("site", spec, "--out", tmp_path / "o")
    assert res.code == 1 and "L101" in res.err and not (tmp_path / "o").exists()


def test_server_serves_the_built_site_on_loopback(cli, tmp_path):
    assert cli("site", FIXTURE, "--out", tmp_path / "o").code == 0
    server = site_cmd.make_server(str(tmp_path / "o" / "html"))
    host, port = server.server_address[:2]
    assert host == "127.0.0.1"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/classes/rocket.html",
                                    timeout=10) as resp:
            assert resp.status == 200 and b"guidec-example" in resp.read()
    finally:
        server.shutdown()
        server.server_close()
    assert Path(tmp_path / "o" / "html" / "classes" / "rocket.html").is_file()
