"""A failing and a passing case for every code of the families that have no case table of
their own: Y (loading), S (schema), T (targets) and the readers' V001-V049. Each case runs the
real command or target; the failing input must produce its code, the passing one (the same
input, mended) must not. ``test_every_code_has_a_case`` closes the loop over every family.
"""

from __future__ import annotations

import io
import json
import os
import re
import zlib
from pathlib import Path

import pytest

from guidec.cli import run
from guidec.codes import all_codes
from guidec.targets import TARGETS
from guidec.view import load_project

SPEC = """\
guidec: 1
project: {id: t, title: T, version: 1.0.0}
attributes:
  occlusion: {type: enum, values: [none, heavy]}
keypoint_schemas:
  face: {points: [l_eye, r_eye], flip: [[l_eye, r_eye]]}
classes:
  - {id: 1, name: car, shapes: [box, polygon, mask], attributes: [occlusion]}
  - {id: 2, name: person, shapes: [keypoints], keypoints: face}
"""
COCO = {"images": [{"id": 1, "file_name": "a.jpg", "width": 10, "height": 10}],
        "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [1, 1, 2, 2]}],
        "categories": [{"id": 1, "name": "car"}, {"id": 2, "name": "person"}]}
CVAT = ('<?xml version="1.0"?><annotations><version>1.1</version>'
        '<image id="0" name="a.jpg" width="10" height="10">{}</image></annotations>')
VOC = ("<annotation><filename>a.jpg</filename><size><width>10</width><height>10</height>"
       "<depth>3</depth></size><object><name>car</name><bndbox><xmin>{}</xmin><ymin>1</ymin>"
       "<xmax>3</xmax><ymax>3</ymax></bndbox></object></annotation>")
JPEG = bytes.fromhex("ffd8ffe000104a46494600010100000100010000ffc0000b080010001001011100"
                     "ffd9")  # a 16x16 JPEG header: its size can be read


def _png(w, h, depth, ctype, raw, interlace=0):
    def chunk(kind, body):
        return (len(body).to_bytes(4, "big") + kind + body
                + (zlib.crc32(kind + body) & 0xFFFFFFFF).to_bytes(4, "big"))
    ihdr = w.to_bytes(4, "big") + h.to_bytes(4, "big") + bytes([depth, ctype, 0, 0, interlace])
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw))
            + chunk(b"IEND", b""))


def _codes(argv) -> set[str]:
    """Codes a command reports: its JSON findings, or the codes of its one-line error (a file
    that cannot be read stops a command with exit 2 and the code on standard error)."""
    out, err = io.StringIO(), io.StringIO()
    code = run([str(a) for a in argv] + ["--format", "json"], out, err)
    if not out.getvalue():
        assert code == 2, err.getvalue()
        return set(re.findall(r"\b([YSLTVD][0-9]{3})\b", err.getvalue()))
    return {f["code"] for f in json.loads(out.getvalue())["findings"]}


def _write(folder: Path, files: dict) -> None:
    for name, content in files.items():
        p = folder / name
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, dict | list):
            content = json.dumps(content)
        if isinstance(content, bytes):
            p.write_bytes(content)
        else:
            p.write_text(content, encoding="utf-8")


def check(files: dict, spec: str = "spec.yaml"):
    """``guidec check`` on spec files."""
    def go(tmp: Path) -> set[str]:
        _write(tmp, files)
        return _codes(["check", tmp / spec])
    return go


def targets(spec_text: str, files: dict | None = None):
    """Every target's own check (T codes) on a spec."""
    def go(tmp: Path) -> set[str]:
        _write(tmp, {"spec.yaml": spec_text, **(files or {})})
        project = load_project(str(tmp / "spec.yaml"))
        return {d.code for cls in TARGETS.values() for d in cls().check(project)}
    return go


def validate(files: dict, *paths: str, fmt: str | None = None, spec: str = SPEC):
    """``guidec validate`` of delivery files against a spec."""
    def go(tmp: Path) -> set[str]:
        _write(tmp, {"spec.yaml": spec, **files})
        extra = ["--input-format", fmt] if fmt else []
        return _codes(["validate", "--spec", tmp / "spec.yaml", *extra,
                       *[tmp / p for p in (paths or list(files)[:1])]])
    return go


def _coco(**changes):
    doc = json.loads(json.dumps(COCO))
    for key, fn in changes.items():
        fn(doc[key])
    return doc


def _spec(extra: str = "", classes: str = "") -> str:
    return SPEC.replace("classes:\n", extra + "classes:\n" + classes)


def _with_attrs(defs: str, carried: str) -> str:
    """SPEC with more attributes, carried by the class car."""
    occ = "  occlusion: {type: enum, values: [none, heavy]}\n"
    return SPEC.replace(occ, occ + defs).replace("attributes: [occlusion]",
                                                 f"attributes: [occlusion, {carried}]")


def _over_the_spec_bound(tmp: Path) -> set[str]:
    """A spec over a bound lowered to 4K (the default, 64 MiB, is raised the same way)."""
    import os

    before = os.environ.get("GUIDEC_MAX_SPEC_BYTES")
    os.environ["GUIDEC_MAX_SPEC_BYTES"] = "4K"
    try:
        return check({"spec.yaml": SPEC + "# " + "x" * 5000 + "\n"})(tmp)
    finally:
        if before is None:
            del os.environ["GUIDEC_MAX_SPEC_BYTES"]
        else:
            os.environ["GUIDEC_MAX_SPEC_BYTES"] = before


CASES: dict[str, tuple] = {
    # --- Y: loading spec files
    "Y001": (lambda tmp: _codes(["check", tmp / "missing.yaml"]), check({"spec.yaml": SPEC})),
    "Y002": (_over_the_spec_bound, check({"spec.yaml": SPEC})),
    "Y003": (check({"spec.yaml": SPEC + "rules: [a, {b: 1\n"}), check({"spec.yaml": SPEC})),
    "Y004": (check({"spec.yaml": SPEC.replace("title: T,", "title: T, title: U,")}),
             check({"spec.yaml": SPEC})),
    "Y005": (check({"spec.yaml": SPEC + "rules: " + "[" * 70 + "]" * 70 + "\n"}),
             check({"spec.yaml": SPEC + "rules: []\n"})),
    "Y006": (check({"spec.yaml": SPEC + "? [a, b]\n: 1\n"}), check({"spec.yaml": SPEC})),
    "Y007": (check({"spec.yaml": "- just\n- a list\n"}), check({"spec.yaml": SPEC})),
    "Y008": (check({"spec.yaml": "include: [../outside.yaml]\n" + SPEC, "../outside.yaml": ""}),
             check({"spec.yaml": "include: [common.yaml]\n" + SPEC.replace(
                 "attributes:\n  occlusion: {type: enum, values: [none, heavy]}\n", ""),
                    "common.yaml": "attributes:\n  occlusion: {type: enum, values: [none, "
                                   "heavy]}\n"})),
    "Y009": (check({"spec.yaml": "include: [a.yaml]\n" + SPEC, "a.yaml": "include: [b.yaml]\n",
                    "b.yaml": "include: [a.yaml]\n"}),
             check({"spec.yaml": "include: [a.yaml]\n" + SPEC, "a.yaml": "{}\n"})),
    "Y010": (check({"spec.yaml": "include: [common.yaml]\n" + SPEC,
                    "common.yaml": "attributes:\n  occlusion: {type: bool}\n"}),
             check({"spec.yaml": "include: [common.yaml]\n" + SPEC,
                    "common.yaml": "attributes:\n  truncated: {type: bool}\n"})),
    # --- S: the spec language's shape
    "S001": (check({"spec.yaml": SPEC.replace("name: car,", "name: car, colour: red,")}),
             check({"spec.yaml": SPEC})),
    "S002": (check({"spec.yaml": SPEC.replace("{id: 1, name: car,", "{name: car,")}),
             check({"spec.yaml": SPEC})),
    "S003": (check({"spec.yaml": SPEC.replace("{id: 1, name: car,", "{id: one, name: car,")}),
             check({"spec.yaml": SPEC})),
    "S004": (check({"spec.yaml": SPEC.replace("guidec: 1", "guidec: 7")}),
             check({"spec.yaml": SPEC})),
    # --- T: what a target tool cannot express
    "T101": (targets(SPEC.replace("name: car,", "name: 'car, red',")), targets(SPEC)),
    "T102": (targets(SPEC.replace("shapes: [box, polygon, mask]", "shapes: [box], deprecated: "
                                  "true").replace("shapes: [keypoints]", "shapes: [keypoints], "
                                                  "deprecated: true")),
             targets(SPEC)),
    "T103": (targets(_with_attrs("  doors: {type: integer, min: 0, max: 4}\n"
                                 "  door_state: {type: enum, values: [open, shut], "
                                 "when: {doors: [2]}}\n", "doors, door_state")),
             targets(_with_attrs("  state: {type: enum, values: [open, shut], "
                                 "when: {occlusion: [heavy]}}\n", "state"))),
    "T208": (targets(SPEC.replace("shapes: [keypoints]", "shapes: [keypoints, polygon]")),
             targets(SPEC)),
    "T209": (targets(_spec().replace("  occlusion: {type: enum, values: [none, heavy]}\n",
                                     "  occlusion: {type: enum, values: [none, heavy]}\n"
                                     "  count: {type: integer}\n").replace(
                                         "attributes: [occlusion]", "attributes: [occlusion, "
                                                                    "count]")),
             targets(SPEC)),
    "T210": (targets(SPEC.replace("  occlusion: {type: enum, values: [none, heavy]}\n",
                                  "  occlusion: {type: enum, values: [none, heavy]}\n"
                                  "  weather: {type: enum, scope: image, values: [sun]}\n")
                     .replace("name: car,", "name: 'image:weather',")),
             targets(SPEC.replace("  occlusion: {type: enum, values: [none, heavy]}\n",
                                  "  occlusion: {type: enum, values: [none, heavy]}\n"
                                  "  weather: {type: enum, scope: image, values: [sun]}\n"))),
    "T301": (targets(SPEC.replace("keypoint_schemas:\n", "keypoint_schemas:\n  hand: {points: "
                                  "[wrist, thumb]}\n") + "  - {id: 3, name: hand, shapes: "
                     "[keypoints], keypoints: hand}\n"), targets(SPEC)),
    "T302": (targets(SPEC.replace("name: car,", "name: 'car:red',")), targets(SPEC)),
    "T401": (targets(SPEC + "rules:\n  - id: r\n    title: R\n    examples:\n"
                     "      - {image: img/a.jpg, verdict: good}\n", {"img/a.jpg": b"not an image"}),
             targets(SPEC + "rules:\n  - id: r\n    title: R\n    examples:\n"
                     "      - {image: img/a.jpg, verdict: good}\n", {"img/a.jpg": JPEG})),
    # --- V001-V049: what readers say about the files themselves
    "V001": (lambda tmp: (_write(tmp, {"spec.yaml": SPEC}), _codes(
        ["validate", "--spec", tmp / "spec.yaml", tmp / "missing.json"]))[1],
             validate({"d.json": COCO})),
    "V002": (validate({"d.json": json.dumps(COCO)[:-5]}), validate({"d.json": COCO})),
    "V003": (validate({"notes.txt": "hello"}), validate({"d.json": COCO})),
    "V022": (validate({"d/a.json": COCO, "d/notes.json": {"reviewed_by": "ana"}}, "d"),
             validate({"d/a.json": COCO, "d/b.json": COCO}, "d")),
    "V004": (validate({"d.xml": '<!DOCTYPE a [<!ENTITY x "y">]>' + CVAT.format("")[21:]}),
             validate({"d.xml": CVAT.format('<box label="car" xtl="1" ytl="1" xbr="3" '
                                            'ybr="3" occluded="0"/>')})),
    "V005": (validate({"d.json": json.dumps(COCO)[:-1] + ', "info": ' + "[" * 5000
                       + "]" * 5000 + "}"}),
             validate({"d.json": COCO})),
    "V006": (validate({"d.json": [{"id": 1}]}, fmt="coco"), validate({"d.json": COCO})),
    "V007": (validate({"d.json": _coco(annotations=lambda a: a[0].pop("category_id"))}),
             validate({"d.json": COCO})),
    "V008": (validate({"d.json": _coco(annotations=lambda a: a[0].update(bbox=["1", 1, 2, 2]))}),
             validate({"d.json": COCO})),
    "V009": (validate({"d.json": json.dumps(COCO).replace("[1, 1, 2, 2]", "[1e300, 1, 2, 2]")}),
             validate({"d.json": COCO})),
    "V010": (validate({"d.json": _coco(annotations=lambda a: a[0].update(
        segmentation=[[1, 1, 3, 1, 3]]))}), validate({"d.json": COCO})),
    "V011": (validate({"d.json": _coco(images=lambda i: i.append(dict(i[0])))}),
             validate({"d.json": COCO})),
    "V012": (validate({"d.json": _coco(categories=lambda c: c.append({"id": 1, "name": "bus"}))}),
             validate({"d.json": COCO})),
    "V013": (validate({"d.xml": CVAT.format('<mask label="car" rle="3, x, 4" left="0" top="0" '
                                            'width="3" height="3" occluded="0"/>')}),
             validate({"d.xml": CVAT.format('<mask label="car" rle="3, 6" left="0" top="0" '
                                            'width="3" height="3" occluded="0"/>')})),
    "V014": (validate({"labels/a.txt": "0 0.5 0.5 0.2 0.2\n", "data.yaml": "names: [car]\n",
                       "images/a.jpg": b"not a jpeg"}, "labels", fmt="yolo"),
             validate({"labels/a.txt": "0 0.5 0.5 0.2 0.2\n", "data.yaml": "names: [car]\n",
                       "images/a.jpg": JPEG}, "labels", fmt="yolo")),
    "V015": (validate({"d.xml": CVAT.format('<cuboid label="car" occluded="0"/>')}),
             validate({"d.xml": CVAT.format('<box label="car" xtl="1" ytl="1" xbr="3" ybr="3" '
                                            'occluded="0"/>')})),
    "V016": (validate({"data.yaml": "names: car\n", "labels/a.txt": "0 0.5 0.5 0.2 0.2\n",
                       "images/a.jpg": JPEG}, "data.yaml", fmt="yolo"),
             validate({"data.yaml": "names: [car]\n", "labels/a.txt": "0 0.5 0.5 0.2 0.2\n",
                       "images/a.jpg": JPEG}, "data.yaml", fmt="yolo")),
    "V017": (validate({"labels/a.txt": "0 0.5 0.5 0.2\n", "data.yaml": "names: [car]\n",
                       "images/a.jpg": JPEG}, "labels", fmt="yolo"),
             validate({"labels/a.txt": "0 0.5 0.5 0.2 0.2\n", "data.yaml": "names: [car]\n",
                       "images/a.jpg": JPEG}, "labels", fmt="yolo")),
    "V018": (validate({"masks/a.png": _png(2, 2, 8, 4, b"\x00" + b"\x01\xff" * 2 + b"\x00"
                                           + b"\x01\xff" * 2)}, "masks", fmt="mask"),
             validate({"masks/a.png": _png(2, 2, 8, 0, b"\x00\x01\x01\x00\x01\x01")},
                      "masks", fmt="mask")),
    "V019": (validate({"labels/a.txt": "0 0.5 0.5 0.2 0.2\n", "data.yaml": "names: [car]\n",
                       "images/b.jpg": JPEG}, "labels", fmt="yolo"),
             validate({"labels/a.txt": "0 0.5 0.5 0.2 0.2\n", "data.yaml": "names: [car]\n",
                       "images/a.jpg": JPEG}, "labels", fmt="yolo")),
    "V020": (validate({"a.xml": VOC.format("1.5")}), validate({"a.xml": VOC.format("1")})),
    "V021": (validate({"p.json": {**COCO, "annotations": [{"image_id": 1, "file_name": "a.png",
                                                           "segments_info": [
                                                               {"id": 5, "category_id": 1}]}]},
                       "p/a.png": _png(1, 1, 8, 2, b"\x00\x07\x00\x00")}),
             validate({"p.json": {**COCO, "annotations": [{"image_id": 1, "file_name": "a.png",
                                                           "segments_info": [
                                                               {"id": 7, "category_id": 1}]}]},
                       "p/a.png": _png(1, 1, 8, 2, b"\x00\x07\x00\x00")})),
    "V046": (validate({"a.xml": VOC.format("0")}), validate({"a.xml": VOC.format("1")})),
    "V049": (validate({"d.json": []}), validate({"d.json": COCO})),
    "V049-coco": (validate({"d.json": {"images": [], "annotations": [], "categories": []}}),
                  validate({"d.json": COCO})),
}


@pytest.mark.parametrize("code", sorted(CASES))
def test_failing_case_reports_the_code_and_passing_case_does_not(code, tmp_path):
    failing, passing = CASES[code]
    code = code.split("-")[0]  # "V049-coco": a second case of V049
    (tmp_path / "bad" / "in").mkdir(parents=True)
    (tmp_path / "good" / "in").mkdir(parents=True)
    cwd = os.getcwd()
    try:
        got = failing(tmp_path / "bad" / "in")
        assert code in got, sorted(got)
        assert code not in passing(tmp_path / "good" / "in")
    finally:
        os.chdir(cwd)


def _family_cases() -> dict[str, set[str]]:
    """Codes each family's case table covers (failing case; the passing one is beside it)."""
    from tests.diff.test_kinds import CASES as DIFF
    from tests.importing.test_cases import CASES as IMPORT
    from tests.qa.test_conflicts import CASES as QA
    from tests.test_handoff import CASES as HANDOFF
    from tests.test_handoff_plan import CASES as PLAN
    from tests.test_imagecheck import CASES as IMAGES
    from tests.test_lint import CASES as LINT
    from tests.test_manifest import CASES as MANIFEST
    from tests.test_rules import CASES as RULES
    from tests.test_sample import CASES as SAMPLE
    from tests.test_split import CASES as SPLIT
    from tests.test_targets_cvat import EDITOR_CASES, SKELETON_CASES

    return {
        "Y S T V0": {c.split("-")[0] for c in CASES},
        "V050+": {c for _, exp in RULES.values() for c, _ in exp},
        "L": {c[0] for c in LINT},
        "D": {c for case in DIFF for c in case[2]},
        "Q": set(QA),
        "H040-H049": set(SPLIT),  # guidec split
        "H050-H069": set(HANDOFF) | set(PLAN),  # guidec handoff
        "H070-H089": set(IMAGES),  # guidec handoff --images: image integrity
        "H001-H039": set(MANIFEST),  # guidec manifest, guidec validate --manifest
        # the CVAT editor rules, judged on label JSON (the spec language rarely lets one fail)
        "T2": {c for _, c in EDITOR_CASES} | ({"T207"} if SKELETON_CASES else set()),
        "Q200-Q219": set(SAMPLE),  # guidec sample
        "I": set(IMPORT),  # guidec import
    }


# Codes that no case table can reach, with the test that covers them instead.
ELSEWHERE = {
    "D001": "tests/diff/test_report.py (a bump too small is judged on the whole diff)",
    "D002": "tests/diff/test_report.py",
    "D003": "tests/diff/test_report.py",
    "D601": "tests/diff/test_migrate.py (migrate, not diff)",
    "D602": "tests/diff/test_migrate.py",
    "D603": "tests/diff/test_migrate.py",
    "D604": "tests/diff/test_migrate.py",
    "D605": "tests/test_labels.py and tests/diff/test_migrate.py",
    "H044": "tests/test_split.py::test_images_not_compared_and_searches_given_up_are_findings",
    "H045": "tests/test_split.py::test_images_not_compared_and_searches_given_up_are_findings",
    "H080": "tests/test_imagecheck.py::test_dicom_without_pydicom_is_a_finding",
    "H082": "tests/test_handoff.py::test_a_search_given_up_is_a_finding",
}


def test_every_code_has_a_case():
    covered = set().union(*_family_cases().values()) | set(ELSEWHERE)
    missing = [f"{c.code} {c.name}" for c in all_codes()
               if not c.retired and c.code not in covered]
    assert not missing, ("codes with no failing case in their family's case table "
                         "(tests/test_code_cases.py, test_rules.CASES, test_lint.CASES, importing/test_cases.CASES, "
                         f"diff/test_kinds.CASES): {missing}")
