"""``guidec validate`` end to end: COCO files through the readers, rules and every report."""

from __future__ import annotations

import copy
import json
from importlib.resources import files
from xml.etree import ElementTree as ET

import jsonschema
import pytest

SPEC = """
guidec: 1
project: {id: shop, title: Shop, version: 2.0.0}
media: {min_image_size: [100, 100]}
attributes:
  occlusion: {type: enum, values: [none, partial, heavy], required: true}
classes:
  - {id: 1, name: product, shapes: [box], attributes: [occlusion]}
  - {id: 3, name: shelf, shapes: [polygon]}
  - {id: 5, name: sku, deprecated: true, replaced_by: product}
rules:
  - {id: min-size, title: Minimum size, applies_to: ["*"], check: {min_box_side: 8}}
"""


def coco() -> dict:
    return {
        "images": [{"id": 1, "file_name": "a.jpg", "width": 640, "height": 480},
                   {"id": 2, "file_name": "b.jpg", "width": 640, "height": 480}],
        "categories": [{"id": 1, "name": "product"}, {"id": 3, "name": "shelf"},
                       {"id": 5, "name": "sku"}],
        "annotations": [
            {"id": 1, "image_id": 1, "category_id": 1, "bbox": [10, 10, 50, 60], "area": 3000,
             "iscrowd": 0, "segmentation": [], "attributes": {"occlusion": "none"}},
            {"id": 2, "image_id": 1, "category_id": 3, "bbox": [0, 100, 600, 200],
             "area": 120000, "iscrowd": 0,
             "segmentation": [[0, 100, 600, 100, 600, 300, 0, 300]]},
            {"id": 3, "image_id": 2, "category_id": 1, "bbox": [100, 100, 40, 40], "area": 1600,
             "iscrowd": 0, "segmentation": [], "attributes": {"occlusion": "partial"}},
            {"id": 4, "image_id": 2, "category_id": 3, "bbox": [0, 0, 100, 100], "area": 10000,
             "iscrowd": 0, "segmentation": [[0, 0, 100, 0, 100, 100, 0, 100]]},
        ],
    }


def seeded() -> tuple[dict, set[tuple[str, str]]]:
    """The clean delivery with one defect per annotation, and where each must be found."""
    d = copy.deepcopy(coco())
    a = d["annotations"]
    a[0]["bbox"] = [620, 10, 50, 60]  # outside the image
    a[1]["segmentation"] = [[0, 100, 600, 300, 600, 100, 0, 300]]  # bow-tie
    a[2]["category_id"] = 5  # deprecated class
    a[3]["bbox"] = [0, 0, 4, 100]  # 4 px wide: rule min-size ...
    a[3]["segmentation"] = [[0, 0, 4, 0, 4, 100, 0, 100]]
    a[3]["area"] = 400
    return d, {("V200", "/annotations/0"), ("V204", "/annotations/1"),
               ("V101", "/annotations/2"), ("V400", "/annotations/3")}


@pytest.fixture
def spec(write):
    return write("spec.yaml", SPEC)


@pytest.fixture
def delivery(write):
    def make(doc: dict, name: str = "d.json"):
        return write(name, json.dumps(doc))
    return make


def test_clean_twin_passes(cli, spec, delivery):
    r = cli("validate", "--spec", spec, delivery(coco()))
    assert (r.code, r.out) == (0, "All checks passed.\n"
                                  "Checked 1 file (coco 1): 2 images, 4 annotations.\n"), r


def test_seeded_defects_are_flagged_exactly_there(cli, spec, delivery):
    doc, expected = seeded()
    path = delivery(doc)
    r = cli("validate", "--spec", spec, path, "--format", "json")
    assert r.code == 1, r
    report = json.loads(r.out)
    assert {(f["code"], f["pointer"]) for f in report["findings"]} == expected
    r = cli("validate", "--spec", spec, path)
    assert f"{path}#/annotations/1: V204 polygon of annotation 2 is invalid: " in r.out
    assert f"{path}#/annotations/2: V101 [warning] annotation 3 uses deprecated class " \
           "'sku'; use 'product'" in r.out
    assert r.out.endswith("Found 4 problems (3 errors, 1 warning) in 1 file.\n"
                          "Checked 1 file (coco 1): 2 images, 4 annotations.\n")


def test_json_report_follows_its_schema(cli, spec, delivery):
    schema = json.loads(files("guidec.report").joinpath("validate-report.schema.json")
                        .read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    doc, _ = seeded()
    doc["annotations"].append({"id": 9, "image_id": 7, "category_id": 1, "bbox": [1, 1, 9, 9],
                               "attributes": {"occlusion": "none"}})
    r = cli("validate", "--spec", spec, delivery(doc), "--format", "json")
    report = json.loads(r.out)
    jsonschema.validate(report, schema)
    assert report["delivery"]["annotations"] == 5 and report["spec"]["version"] == "2.0.0"
    by_code = {f["code"]: f for f in report["findings"]}
    assert by_code["V400"]["rule"] == "min-size"
    assert by_code["V400"]["image"] == "b.jpg" and by_code["V400"]["annotation"] == 4
    assert by_code["V051"]["image"] is None and by_code["V051"]["annotation"] == 9
    assert report["summary"]["by_code"]["V200"] == 1
    # a reader's finding has the same keys (V001-V049)
    r = cli("validate", "--spec", spec, delivery({"images": "x"}, "bad.json"),
            "--format", "json")
    jsonschema.validate(json.loads(r.out), schema)


def test_other_formats(cli, spec, delivery):
    doc, _ = seeded()
    path = delivery(doc)
    r = cli("validate", "--spec", spec, path, "--format", "junit")
    suite = ET.fromstring(r.out).find("testsuite")
    assert suite.get("failures") == "1" and suite.find("testcase").get("name") == str(path)
    r = cli("validate", "--spec", spec, path, "--format", "sarif")
    results = json.loads(r.out)["runs"][0]["results"]
    assert sorted(x["ruleId"] for x in results) == ["V101", "V200", "V204", "V400"]
    r = cli("validate", "--spec", spec, path, "--format", "github")
    assert f"::warning file={path},title=V101::" in r.out
    assert "(at /annotations/2)" in r.out
    r = cli("validate", "--spec", spec, path, "--format", "summary")
    lines = r.out.splitlines()
    assert lines[1].split() == ["V101", "label-deprecated-class", "warning", "1"]
    assert any(line.split()[:2] == ["shelf", "2"] for line in lines)


def test_fail_on_select_ignore_and_output(cli, spec, delivery, tmp_path):
    doc, _ = seeded()
    path = delivery(doc)
    assert cli("validate", "--spec", spec, path, "--select", "V101").code == 0  # a warning
    assert cli("validate", "--spec", spec, path, "--select", "V101",
               "--fail-on", "warning").code == 1
    r = cli("validate", "--spec", spec, path, "--ignore", "V2,V400")
    assert [line.split()[1] for line in r.out.splitlines() if ": V" in line] == ["V101"]
    out = tmp_path / "r.json"
    r = cli("validate", "--spec", spec, path, "--format", "json", "-o", out)
    assert r.out == "" and json.loads(out.read_text())["summary"]["problems"] == 4


def test_severity_overrides_apply_to_reader_findings(cli, write, delivery):
    spec = write("s.yaml", SPEC + "severity_overrides: {V101: 'off', V200: warning}\n")
    doc, _ = seeded()
    r = cli("validate", "--spec", spec, delivery(doc), "--format", "json")
    codes = {f["code"]: f["severity"] for f in json.loads(r.out)["findings"]}
    assert "V101" not in codes and codes["V200"] == "warning"


def test_exit_2_when_it_cannot_run(cli, write, spec, delivery):
    bad = write("bad.yaml", "guidec: 1\nproject: {id: x}\n")
    r = cli("validate", "--spec", bad, delivery(coco()))
    assert r.code == 2 and "not a valid spec" in r.err
    r = cli("validate", "--spec", spec, "missing.json")
    assert r.code == 2 and "V001" in r.out
    r = cli("validate", "--spec", spec, delivery(coco()), "--input-format", "nope")
    assert r.code == 2


def test_html_report_draws_offending_annotations(cli, spec, delivery, tmp_path):
    doc, _ = seeded()
    images = tmp_path / "img"
    images.mkdir()
    (images / "a.jpg").write_bytes(b"\xff\xd8\xff")  # never decoded: only linked
    page = tmp_path / "out" / "report.html"
    r = cli("validate", "--spec", spec, delivery(doc), "--images", images, "--html", page)
    assert r.code == 1
    html = page.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    # a.jpg is found: two thumbnails (box outside the image, bow-tie polygon), b.jpg is not
    assert html.count("<svg") == 2
    assert 'href="../img/a.jpg"' in html
    assert '<polygon points="0,100 600,300 600,100 0,300"' in html
    assert "2 finding(s) have no thumbnail" in html


@pytest.mark.corpus
def test_sahi_area_is_the_whole_image(cli, corpus, write):
    spec = write("sahi.yaml", "guidec: 1\nproject: {id: s, title: S, version: 1.0.0}\n"
                              "classes: [{id: 1, name: car, shapes: [box, polygon]}]\n")
    path = corpus / "pypi-sdist/sahi-0.12.8/demo/demo_data/terrain2_coco.json"
    r = cli("validate", "--spec", spec, path, "--format", "json")
    found = json.loads(r.out)["findings"]
    assert [(f["code"], f["annotation"]) for f in found] == [("V206", i) for i in range(1, 6)]
    assert found[0]["message"] == (
        "declared area 698368 of annotation 1 differs from its polygon's area 35742")


VOC_CLASSES = ["aeroplane", "bicycle", "bird", "boat", "bottle", "bus", "car", "cat", "chair",
               "cow", "diningtable", "dog", "horse", "motorbike", "person", "potted plant",
               "sheep", "sofa", "train", "tv/monitor"]


@pytest.fixture
def voc_spec(write):
    classes = "".join(f"  - {{id: {i}, name: '{n}', shapes: [box, polygon]}}\n"
                      for i, n in enumerate(VOC_CLASSES, 1))
    return write("voc.yaml", "guidec: 1\nproject: {id: v, title: V, version: 1.0.0}\n"
                             "classes:\n" + classes)


@pytest.mark.corpus
def test_labelme_voc_float_coordinates(cli, corpus, voc_spec):
    folder = corpus / "pypi-sdist/labelme-6.3.1/examples/bbox_detection/data_dataset_voc"
    r = cli("validate", "--spec", voc_spec, folder / "Annotations", "--format", "json")
    found = json.loads(r.out)["findings"]
    assert {f["code"] for f in found} == {"V020"} and len(found) == 3
    assert r.code == 0  # warnings only


@pytest.mark.corpus
def test_labelme_coco_polygons(cli, corpus, voc_spec):
    path = corpus / ("pypi-sdist/labelme-6.3.1/examples/instance_segmentation/"
                     "data_dataset_coco/annotations.json")
    r = cli("validate", "--spec", voc_spec, path, "--format", "json")
    found = json.loads(r.out)["findings"]
    # two of labelme's hand-drawn outlines really cross themselves (checked with shapely)
    assert [(f["code"], f["annotation"]) for f in found] == [("V204", 6), ("V204", 7)]


def test_docs_list_every_validation_code():
    from pathlib import Path

    from guidec.codes import all_codes

    doc = (Path(__file__).parent.parent / "site/docs/validate.md").read_text(encoding="utf-8")
    for c in all_codes():
        if c.code.startswith("V") and int(c.code[1:]) >= 50:
            assert f"| {c.code} | `{c.name}` | {c.severity.label} |" in doc, c.code


def _solid_png(w: int, h: int, rgb: tuple[int, int, int]) -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    rows = b"".join(b"\x00" + bytes(rgb) * w for _ in range(h))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


@pytest.mark.integration
def test_html_thumbnails_show_the_image_in_chromium(cli, spec, delivery, tmp_path):
    """A real browser loads the linked image inside the SVG thumbnail."""
    import os
    import shutil
    import subprocess

    from guidec.readers.png import decode

    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is not installed (CI must run this test)")
        pytest.skip("chromium is not installed")
    images = tmp_path / "img"
    images.mkdir()
    (images / "a.jpg").write_bytes(_solid_png(640, 480, (255, 0, 0)))  # sniffed, not named
    doc = coco()
    doc["annotations"] = doc["annotations"][:1]
    doc["annotations"][0]["bbox"] = [600, 400, 60, 60]  # outside the image: one finding
    page = tmp_path / "report.html"
    r = cli("validate", "--spec", spec, delivery(doc), "--images", images, "--html", page)
    assert r.code == 1 and page.read_text().count("<svg") == 1
    shot = tmp_path / "shot.png"
    subprocess.run([exe, "--headless", "--no-sandbox", "--disable-gpu",
                    "--allow-file-access-from-files", f"--screenshot={shot}",
                    "--window-size=480,360", page.as_uri()],
                   check=True, capture_output=True, timeout=120)
    px = decode(shot.read_bytes()).pixels[..., :3].astype(int)
    red = (px[..., 0] > 200) & (px[..., 1] < 60) & (px[..., 2] < 60)
    assert red.sum() > 2000  # the thumbnail shows the (red) image, not an empty frame


def test_sarif_help_links_to_the_rule_section_of_the_user_guide(monkeypatch):
    from pathlib import Path

    from markdown.extensions.toc import slugify

    from guidec.codes import code
    from guidec.diagnostics import Diagnostic, Severity
    from guidec.report import render

    diag = Diagnostic("V204", Severity.ERROR, "bow-tie", file="d.json")
    rule = json.loads(render([diag], "sarif"))["runs"][0]["tool"]["driver"]["rules"][0]
    assert "helpUri" not in rule  # no invented host
    assert rule["help"]["text"].startswith(code("V204").summary)
    monkeypatch.setenv("GUIDEC_DOCS_URL", "https://docs.example.org/guidec/")
    rule = json.loads(render([diag], "sarif"))["runs"][0]["tool"]["driver"]["rules"][0]
    url = rule["helpUri"]
    assert url.startswith("https://docs.example.org/guidec/reference/rules/#")
    # the anchor is the one mkdocs gives the code's heading on the generated reference page
    page = (Path(__file__).parent.parent / "site/docs/reference/rules.md").read_text()
    heading = next(line[4:] for line in page.splitlines() if line.startswith("### V204 "))
    assert url.split("#")[1] == slugify(heading.replace("`", ""), "-")
