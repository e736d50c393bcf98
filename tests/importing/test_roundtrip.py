"""Round trips: import -> build -> import.

- Every real taxonomy in ../shared/corpus of a kind guidec imports (Label Studio configs and
  templates, CVAT XML <meta> labels, the YOLO data.yaml files, the mmpose dataset_info files,
  Cityscapes label tables, COCO category files) and the Labelbox/Encord/Kili examples in
  tests/fixtures/import: the imported spec has no error under ``guidec check``; building Label
  Studio and CVAT from it and importing those gives a spec whose Label Studio config and CVAT
  labels are the same bytes (a fixed point); for Label Studio and CVAT sources the spec itself
  comes back equal.
- Label Studio's own parser (label_studio_sdk's LabelInterface) judges each original config and
  its rebuilt config equivalent: same labels per shape, colours, attribute controls, choices,
  conditions. cvat-sdk's models do the same for CVAT labels.
- Hypothesis: random specs -> Label Studio / CVAT -> import -> the same spec, up to the losses
  site/docs/import.md lists.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml

from guidec.importing import hex_color, import_source
from guidec.spec.dump import spec_data
from guidec.spec.loader import load_spec_text
from guidec.targets._common import json_text
from guidec.targets.coco import categories
from guidec.targets.cvat import labels_json, read_labels_xml
from guidec.targets.label_studio import config_xml
from guidec.targets.yolo import data_yaml
from guidec.view import resolve
from tests.budget import examples
from tests.conftest import CORPUS, SPECS, spec_files
from tests.importing import free_names

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "import"
LS = "pypi/label_studio-1.23.2/label_studio"


def corpus_sources() -> list[tuple[str, str]]:
    """(id, path) of every real file of the kinds guidec imports."""
    if not CORPUS.is_dir():
        return []
    c = CORPUS
    out = [*sorted(c.glob(f"{LS}/core/examples/*/config.xml")),
           *sorted(c.glob(f"{LS}/annotation_templates/computer-vision/*/config.yml")),
           *sorted(c.glob("github/*/tests/assets/cvat_dataset/*/*.xml")),
           *sorted(c.glob("pypi/cityscapesscripts-*/cityscapesscripts/helpers/labels*.py")),
           *sorted(c.glob("pypi/mmpose-*/mmpose/.mim/configs/_base_/datasets/*.py")),
           *sorted(p for p in c.glob("pypi/ultralytics-*/ultralytics/cfg/datasets/*.yaml")
                   if "names" in (yaml.safe_load(p.read_text()) or {})),
           c / "pypi-sdist/labelme-6.3.1/examples/instance_segmentation/data_dataset_coco/"
               "annotations.json",
           c / "pypi-sdist/sahi-0.12.8/demo/demo_data/terrain2_coco.json"]
    return [(str(p.relative_to(c)), str(p)) for p in out if p.is_file()]


def fixture_sources() -> list[tuple[str, str]]:
    return [(p.name, str(p)) for p in sorted([*FIXTURES.glob("*.json"), *FIXTURES.glob("*.xml")])]


SOURCES = corpus_sources()


def _project(text: str):
    return resolve(load_spec_text(text))


def _project_or_reject(text: str):
    """For property tests: a spec whose keypoint schema or attribute takes a class's name
    (CVAT keeps none of its own) needs free-form names (branch names14) when that name is
    not an identifier."""
    from hypothesis import reject

    try:
        return _project(text)
    except Exception as exc:
        if not free_names() and "should match pattern" in str(getattr(exc, "diagnostics", "")):
            reject()
        raise


def _reimport(tmp: Path, name: str, text: str):
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return import_source(str(path))


def _loadable(imported):
    """The imported spec's project; skips when only free-form names (names14) would let the
    spec language hold the source's names as they are."""
    try:
        return _project(imported.text)
    except Exception as exc:  # GuidecError with S003 on a name pattern
        if not free_names() and "should match pattern" in str(getattr(exc, "diagnostics", "")
                                                              or exc):
            pytest.skip("the source's names need free-form names (branch names14)")
        raise


def _errors(project) -> list:
    from guidec.lint import run_lint

    return [d for d in run_lint(project) if d.severity.label == "error"]


def _same_spec(a: str, b: str, lost: tuple[str, ...] = ()) -> None:
    """The specs are equal but for the project id and the class keys in ``lost`` (what the
    tool's format has no place for, see site/docs/import.md)."""
    def data(text):
        d = spec_data(load_spec_text(text).spec)
        d["project"].pop("id")

        def strip(cs):
            for c in cs:
                for k in lost:
                    c.pop(k, None)
                strip(c.get("children", []))

        strip(d.get("classes", []))
        return d

    assert data(a) == data(b)


# --------------------------------------------------------------------------- corpus
@pytest.mark.corpus
@pytest.mark.parametrize("src", [p for _, p in SOURCES + fixture_sources()],
                         ids=[i for i, _ in SOURCES + fixture_sources()])
def test_import_build_import(src, tmp_path):
    first = import_source(src)
    assert first.text == import_source(src).text  # deterministic
    project = _loadable(first)
    assert _errors(project) == []
    if not project.active_classes:
        return
    cfg = config_xml(project)
    ls = _reimport(tmp_path, "config.xml", cfg)
    assert ls.fmt == "label_studio"
    assert config_xml(_project(ls.text)) == cfg
    labels = json_text(labels_json(project))
    cv = _reimport(tmp_path, "labels.json", labels)
    assert cv.fmt == "cvat"
    assert json_text(labels_json(_project(cv.text))) == labels
    if first.fmt == "label_studio" and not project.keypoint_schemas:
        _same_spec(ls.text, first.text, lost=("aliases",))
    if first.fmt == "cvat":
        if not any(d.code == "I112" for d in first.losses):  # a range that cannot come back
            _same_spec(cv.text, first.text)
        again = _reimport(tmp_path, "labels2.json", json_text(labels_json(_project(cv.text))))
        _same_spec(again.text, cv.text)
    if first.fmt == "coco":
        co = _reimport(tmp_path, "categories.json", json_text({"categories": categories(
            project)}))
        assert json.loads(json_text({"categories": categories(_project(co.text))})) == \
            {"categories": categories(project)}
    if first.fmt == "yolo":
        from guidec.targets import TARGETS

        yo = _reimport(tmp_path, "data.yaml", TARGETS["yolo"]().emit(project)["data.yaml"])
        assert data_yaml(_project(yo.text)) == data_yaml(project)


@pytest.mark.corpus
def test_corpus_is_all_there():
    """The counts the issue names: 51 YOLO files (those with names), 55 mmpose files, the
    Label Studio configs and templates, CVAT XML, Cityscapes and COCO categories."""
    if not SOURCES:
        pytest.skip("../shared/corpus is not present")
    kinds = {}
    for _i, p in SOURCES:
        fmt = import_source(p).fmt
        kinds[fmt] = kinds.get(fmt, 0) + 1
    assert kinds == {"label_studio": 22, "cvat": 2, "cityscapes": 2, "mmpose": 55, "yolo": 51,
                     "coco": 2}


@pytest.mark.corpus
def test_corpus_defects_reported():
    """Real defects of real files land in the loss report."""
    if not SOURCES:
        pytest.skip("../shared/corpus is not present")
    by = {i.split("/")[-1]: p for i, p in SOURCES}

    def losses(name):
        return [(d.code, d.message) for d in import_source(by[name]).losses]

    cs = losses("labels.py")
    assert ("I105", "class 'license plate' has id -1; guidec ids are whole numbers from 0, so "
            "it gets a new one") in cs
    assert sum(c == "I110" for c, _ in cs) == 6
    assert ("I106", "'vest_kpt9' swaps with 'vest_kpt13', but 'vest_kpt13' swaps with "
            "'nothing'; written as the pair [vest_kpt9, vest_kpt13]") in losses(
        "deepfashion2.py")
    assert ("I106", "18 joint_weights for 19 keypoints") in losses("coco_aic.py")
    assert any(c == "I106" and "have an id that is not their index" in m
               for c, m in losses("coco_wholebody_face.py"))
    assert sum(c == "I111" for c, _ in losses("lvis.yaml")) == 18


# --------------------------------------------------------------------------- shipped specs
@pytest.mark.parametrize("path", spec_files(), ids=lambda p: p.parent.name)
def test_shipped_specs_round_trip(path, tmp_path):
    project = resolve(__import__("guidec.spec.loader", fromlist=["load_spec"]).load_spec(
        str(path)))
    cfg = config_xml(project)
    ls = _reimport(tmp_path, "config.xml", cfg)
    linked = not any("does not say which class uses it" in d.message for d in ls.losses)
    rebuilt = config_xml(_project(ls.text))
    if linked:
        assert rebuilt == cfg
    else:  # the keypoint schema's control: the config cannot say whose it is
        assert rebuilt == _drop_keypoint_controls(cfg, ls.losses)
    labels = json_text(labels_json(project))
    cv = _reimport(tmp_path, "labels.json", labels)
    assert json_text(labels_json(_project(cv.text))) == labels
    assert cv.losses == []


def _drop_keypoint_controls(cfg: str, losses=None) -> str:
    """The config without the KeyPointLabels controls of the schemas the import could not
    link to a class (all of them when ``losses`` is None)."""
    import re

    names = None if losses is None else {
        d.path[1] for d in losses if "does not say which class uses it" in d.message}
    return re.sub(r'  <KeyPointLabels name="(keypoints\.[^"]*)".*?</KeyPointLabels>\n',
                  lambda m: "" if names is None or m.group(1) in names else m.group(0), cfg,
                  flags=re.S)


# --------------------------------------------------------------------------- LS's own parser
SUMMARY = """
import json, sys
from label_studio_sdk.label_interface import LabelInterface
out = []
for cfg in json.load(sys.stdin):
    li = LabelInterface(cfg)
    li.validate()
    images = {o.name for o in li.objects if o.tag == "Image"}
    ctrls = []
    for c in li.controls:
        if not set(c.to_name) <= images:
            continue
        ctrls.append({"tag": c.tag, "name": c.name, "attr": dict(c.attr),
                      "labels": {k: dict(v.attr) for k, v in (c.labels_attrs or {}).items()}})
    out.append(ctrls)
print(json.dumps(out))
"""
KINDS = {"PolygonLabels": "polygon", "BrushLabels": "mask", "VectorLabels": "polyline",
         "KeyPointLabels": "points"}
TOOLS = {"Rectangle": "box", "Polygon": "polygon", "Brush": "mask", "KeyPoint": "points"}


def _meaning(ctrls: list[dict], dropped: frozenset = frozenset()) -> tuple[set, set]:
    """What a config says, as LabelInterface parsed it: (kind, label, colour) per label, and
    (name, kind, choices, per region, classes, condition) per attribute control. Controls in
    ``dropped`` (reported as I101 by the import) are left out."""
    ctrls = [c for c in ctrls if c["name"] not in dropped]
    labels = set()
    attrs = set()
    tools = {TOOLS[c["tag"]] for c in ctrls if c["tag"] in TOOLS}
    all_labels = set()
    for c in ctrls:
        tag = c["tag"]
        if tag.endswith("Labels") and not c["name"].startswith("keypoints."):
            if tag == "RectangleLabels":
                kinds = {"rotated_box" if c["attr"].get("canRotate") == "true" else "box"}
            elif tag == "PolygonLabels" and c["name"] == "text_region":
                kinds = {"text_region"}
            elif tag == "Labels":
                kinds = tools or {"box"}
            else:
                kinds = {KINDS[tag]}
            for value, a in c["labels"].items():
                all_labels.add(value)
                for k in kinds:
                    labels.add((k, value, hex_color(a.get("background"))))
    for c in ctrls:
        tag = c["tag"]
        if tag in ("Choices", "Number", "Rating", "TextArea"):
            a = c["attr"]
            per_region = a.get("perRegion") == "true"
            classes = frozenset(v for v in (a.get("whenLabelValue") or "").split(",") if v) \
                or (frozenset(all_labels) if per_region else frozenset())
            choices = tuple(sorted(c["labels"]))
            kind = {"Rating": "Number"}.get(tag, tag)
            if tag == "Choices" and set(choices) == {"true", "false"}:
                kind = "bool"
            attrs.add((c["name"].removeprefix("attr_"), kind, choices, per_region, classes,
                       a.get("whenTagName"), a.get("whenChoiceValue")))
    return labels, attrs


@pytest.mark.integration
@pytest.mark.corpus
def test_label_studio_parser_judges_rebuilt_configs_equivalent(tmp_path):
    from tests._targets import need_ls_venv, run_in_ls

    venv = need_ls_venv()
    from guidec.importing.label_studio import config_text

    pairs = []
    for _, p in [s for s in SOURCES if s[0].endswith(("config.xml", "config.yml"))]:
        imported = import_source(p)
        project = _loadable(imported)
        lost = {m.split("'")[1] for m in (d.message for d in imported.losses
                                          if d.code in ("I103", "I110"))}
        pairs.append((p, config_text(p), config_xml(project), lost, imported))
    res = run_in_ls(venv, SUMMARY, json.dumps([x for a in pairs for x in a[1:3]]))
    assert res.returncode == 0, res.stderr
    parsed = json.loads(res.stdout)
    assert len(pairs) == 22
    for i, (p, _, _, lost, imported) in enumerate(pairs):
        dropped = frozenset(d.path[1] for d in imported.losses if d.code == "I101" and d.path)
        orig_labels, orig_attrs = _meaning(parsed[2 * i], dropped)
        new_labels, new_attrs = _meaning(parsed[2 * i + 1])
        orig_labels = {(k, v, None if v in lost else c) for k, v, c in orig_labels}
        new_labels = {(k, v, None if v in lost else c) for k, v, c in new_labels}
        assert orig_labels == new_labels, p
        assert orig_attrs == new_attrs, p


# --------------------------------------------------------------------------- cvat-sdk
@pytest.mark.corpus
def test_cvat_sdk_judges_rebuilt_labels_equivalent():
    from tests.test_targets_cvat import cvat_sdk

    api = cvat_sdk()

    def model(labels):
        typed = api.model_utils.validate_and_convert_types(
            labels, ([api.models.PatchedLabelRequest],), ["labels"], True, True,
            api.Configuration())
        return api.ApiClient().sanitize_for_serialization(typed)

    def attr_meaning(a):
        kind = {"radio": "select"}.get(a["input_type"], a["input_type"])
        values = tuple(v for v in a["values"] if v != "__undefined__")
        if kind in ("checkbox", "text"):
            values = ()  # their values are only the default
        if kind == "number":
            try:
                lo, hi, step = (float(v) for v in values)
                values = (lo, hi, step) if lo < hi and step > 0 else ("invalid",)
            except ValueError:
                values = ("invalid",)
        return a["name"], kind, values, a["mutable"]

    def meaning(labels, given_colors, invalid):
        out = {}
        for lab in labels:
            subs = [s["name"] for s in lab.get("sublabels") or []]
            attrs = [attr_meaning(a) for a in lab.get("attributes") or []]
            out[lab["name"]] = (
                lab.get("color") if lab["name"] in given_colors else None, lab.get("type"),
                sorted(a for a in attrs if a[0] not in invalid), subs,
                _edges(lab.get("svg") or "", lab.get("sublabels") or []))
        return out

    cvat_files = [p for i, p in SOURCES if p.endswith(".xml") and "cvat_dataset" in p]
    assert len(cvat_files) == 2
    for p in cvat_files:
        imported = import_source(p)
        project = _loadable(imported)
        original = read_labels_xml(p)
        given = {lab["name"] for lab in original if lab.get("color")}
        invalid = {a["name"] for lab in original for a in lab["attributes"]
                   if attr_meaning(a)[2] == ("invalid",)}
        assert len(invalid) == sum(d.code == "I112" for d in imported.losses)
        rebuilt = labels_json(project)
        assert meaning(model(original), given, invalid) == \
            meaning(model(rebuilt), given, invalid), p


def _edges(svg: str, subs: list[dict]) -> list:
    """Skeleton edges as (point, point) names, read from CVAT's SVG: nodes name their point
    by ``data-label-name`` or by ``data-label-id`` (a sublabel's id)."""
    import re

    ids = {str(s.get("id")): s["name"] for s in subs if s.get("id") is not None}
    names = {}
    for m in re.finditer(r"<circle\b([^>]*)>", svg):
        a = dict(re.findall(r'([\w-]+)="([^"]*)"', m.group(1)))
        names[a.get("data-node-id")] = a.get("data-label-name") or ids.get(a.get("data-label-id"))
    out = []
    for m in re.finditer(r"<line\b([^>]*)>", svg):
        a = dict(re.findall(r'([\w-]+)="([^"]*)"', m.group(1)))
        out.append((names.get(a.get("data-node-from")), names.get(a.get("data-node-to"))))
    return sorted(out)


# --------------------------------------------------------------------------- property
def test_random_specs_round_trip_through_label_studio_and_cvat(tmp_path_factory):
    from hypothesis import HealthCheck, given, settings

    from tests._targets import project_from
    from tests.test_targets_property import specs

    tmp = tmp_path_factory.mktemp("rt")

    @settings(max_examples=examples(60), deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
    @given(specs())
    def check(data):
        project = project_from(data)
        # what a tool's labels cannot hold at all: attributes and schemas no active class uses
        # (their absence renames controls of others that share their identifier)
        used = {a for c in project.active_classes for a in c.attributes}
        used |= set(project.image_attributes)
        kp = {c.keypoints for c in project.active_classes if c.keypoints}
        complete = set(project.attributes) <= used and set(project.keypoint_schemas) <= kp
        # a config names a keypoint schema only by its control, the schema's identifier: a
        # schema named otherwise comes back under that (and its points' derived colours change)
        from guidec.names import is_identifier

        complete = complete and all(is_identifier(k) for k in kp)
        cfg = config_xml(project)
        ls = _reimport(tmp, "config.xml", cfg)
        p2 = _project_or_reject(ls.text)
        rebuilt = config_xml(p2)
        linked = not any("does not say which class uses it" in d.message for d in ls.losses)
        if complete:
            assert rebuilt == (cfg if linked else _drop_keypoint_controls(cfg, ls.losses))
        again = _reimport(tmp, "config.xml", rebuilt)  # a fixed point after one import
        assert config_xml(_project(again.text)) == rebuilt
        labels = json_text(labels_json(project))
        cv = _reimport(tmp, "labels.json", labels)
        assert json_text(labels_json(_project_or_reject(cv.text))) == labels

    check()


def test_random_specs_come_back_equal(tmp_path_factory):
    """Specs written in the canonical form import produces (ids in pre-order, explicit number
    ranges, one Choices condition, no keypoints) come back equal from Label Studio and CVAT."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    tmp = tmp_path_factory.mktemp("eq")
    ident = st.from_regex(r"[a-z][a-z0-9_]{0,6}", fullmatch=True).filter(
        lambda s: s not in ("box", "polygon", "mask", "image", "transcription"))
    name = st.text(alphabet=st.sampled_from(list("abcxyz019 &<>\"'._-é")), min_size=1,
                   max_size=12).map(str.strip).filter(bool)

    @st.composite
    def spec(draw):
        attrs = {}
        for n in draw(st.lists(ident, max_size=4, unique=True)):
            kind = draw(st.sampled_from(["enum", "bool", "integer", "text"]))
            a: dict = {"type": kind}
            if kind == "enum":
                a["values"] = draw(st.lists(ident, min_size=2, max_size=4, unique=True))
            if kind == "integer":
                a.update(min=0, max=draw(st.integers(1, 20)))
            if draw(st.booleans()):
                a["required"] = True
            attrs[n] = a
        names = draw(st.lists(name, min_size=1, max_size=6, unique_by=str.lower))
        colours = draw(st.lists(st.from_regex(r"#[0-9a-f]{6}", fullmatch=True),
                                min_size=len(names), max_size=len(names), unique=True))
        classes = []
        for i, (n, col) in enumerate(zip(names, colours, strict=True)):
            c: dict = {"id": i + 1, "name": n, "color": col}
            shapes = draw(st.sampled_from([None, ["polygon"], ["mask"], ["polyline"]]))
            if shapes:
                c["shapes"] = shapes
            if attrs:
                carried = draw(st.lists(st.sampled_from(sorted(attrs)), max_size=3,
                                        unique=True))
                if carried:
                    c["attributes"] = sorted(carried, key=list(attrs).index)
            classes.append(c)
        # a class's attributes in the order Label Studio's controls have: first use by class
        first: list[str] = []
        for c in classes:
            first += [a for a in c.get("attributes", []) if a not in first]
        for c in classes:
            if "attributes" in c:
                c["attributes"].sort(key=first.index)
        return {"guidec": 1, "project": {"id": "config", "title": "T", "version": "1.0.0"},
                **({"attributes": attrs} if attrs else {}), "classes": classes}

    @settings(max_examples=examples(60), deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
    @given(spec())
    def check(data):
        from guidec.spec.dump import dump_spec
        from guidec.spec.model import Spec

        text = dump_spec(Spec.model_validate(data))
        project = _project(text)
        used = {a for c in data["classes"] for a in c.get("attributes", [])}
        if set(data.get("attributes", {})) - used:
            return  # an attribute no class carries is in no tool's labels
        ls = _reimport(tmp, "config.xml", config_xml(project))
        _same_spec(ls.text, text)

    check()


def test_fixture_count():
    assert {n for n, _ in fixture_sources()} == {
        "labelbox-ontology.json", "encord-ontology.json", "kili-interface.json",
        "ls-controls.xml"}
    assert os.path.isdir(SPECS)


@pytest.mark.corpus
def test_linter_reports_the_real_defects_of_imported_specs():
    """The linter finds in imported specs the defects tests/test_corpus_specs.py finds in the
    hand-converted ones."""
    if not SOURCES:
        pytest.skip("../shared/corpus is not present")
    from guidec.lint import run_lint

    by = {i.split("/")[-1]: p for i, p in SOURCES}

    def codes(name):
        return [d for d in run_lint(_loadable(import_source(by[name])))
                if d.code not in ("L701", "L702")]

    assert sum(d.code == "L304" for d in codes("dog-pose.yaml")) == 9  # no flip_idx
    tiger = [d.message for d in codes("tiger-pose.yaml") if d.code == "L304"]
    assert len(tiger) == 4 and "add [right_hind_paw, left_hind_paw] to flip" in " ".join(tiger)
    assert sum(d.code == "L309" for d in codes("hand-keypoints.yaml")) == 6
    assert codes("coco-pose.yaml") == []
    similar = " ".join(d.message for d in codes("labels.py") if d.code == "L402")
    assert "'caravan'" in similar and "'truck'" in similar
