"""The shipped specs: clean under `guidec check`, complete, and covered by the JSON Schema."""

from __future__ import annotations

import json
import typing
from pathlib import Path

import jsonschema
import pytest
import yaml
from pydantic import BaseModel

from guidec.commands.schema import schema_text, spec_schema
from guidec.spec import load_spec
from guidec.spec.model import SHAPE_KINDS, ExportFormat, Spec
from tests.conftest import ROOT, spec_files

SPECS = spec_files()
IDS = [p.parent.name for p in SPECS]


@pytest.mark.parametrize("path", SPECS, ids=IDS)
def test_shipped_spec_has_no_findings(cli, path):
    r = cli("check", path, "--fail-on", "info")
    assert r.code == 0, r.out + r.err
    assert r.out == "All checks passed.\n"


@pytest.mark.parametrize("path", SPECS, ids=IDS)
def test_example_images_are_in_the_spec_folder(path):
    spec = load_spec(str(path)).spec
    images = {ex.image for c in _walk_classes(spec.classes) for ex in c.examples}
    images |= {ex.image for r in spec.rules for ex in r.examples}
    assert images, "every shipped spec shows examples"
    for image in images:
        assert image.startswith("examples/"), image
        assert (path.parent / image).is_file(), image


def _walk_classes(classes):
    for c in classes:
        yield c
        yield from _walk_classes(c.children)


def _models(tp, seen: dict) -> None:
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        if tp.__name__ in seen:
            return
        seen[tp.__name__] = tp
        for f in tp.model_fields.values():
            _models(f.annotation, seen)
        return
    for arg in typing.get_args(tp):
        _models(arg, seen)


def _given(obj, out: set) -> None:
    if isinstance(obj, BaseModel):
        for name in obj.model_fields_set:
            out.add((type(obj).__name__, name))
            _given(getattr(obj, name), out)
    elif isinstance(obj, list | tuple):
        for v in obj:
            _given(v, out)
    elif isinstance(obj, dict):
        for v in obj.values():
            _given(v, out)


# Keys no shipped spec needs to set, with the reason.
NOT_SHOWN = {
    ("Spec", "include"): "set in retail-shelf; dropped by the merge, checked separately below",
    ("Fragment", "*"): "the shape of included files (retail-shelf/common/occlusion.yaml)",
}


def test_shipped_specs_use_every_key_of_the_spec_language():
    models: dict = {}
    _models(Spec, models)
    universe = {(m, f) for m, tp in models.items() for f in tp.model_fields}
    used: set = set()
    for path in SPECS:
        spec = load_spec(str(path)).spec
        _given(spec, used)
        if spec.include:
            used.add(("Spec", "include"))
    missing = sorted(k for k in universe - used if k not in NOT_SHOWN)
    assert not missing, missing


def test_shipped_specs_use_every_shape_attribute_type_and_export():
    shapes, types, exports = set(), set(), set()
    for path in SPECS:
        spec = load_spec(str(path)).spec
        for c in _walk_classes(spec.classes):
            shapes.update(c.shapes or ())
        types.update(a.type for a in spec.attributes.values())
        exports.update((e.format, e.variant) for e in spec.export_list)
    assert shapes == set(SHAPE_KINDS)
    assert types == {"enum", "bool", "integer", "number", "text"}
    assert {f for f, _ in exports} == set(typing.get_args(ExportFormat))
    assert {("yolo", v) for v in ("detect", "segment", "pose", "obb")} <= exports
    assert {("coco", v) for v in ("instances", "keypoints", "panoptic")} <= exports


# --------------------------------------------------------------------------- JSON Schema
def test_schema_passes_the_draft_2020_12_metaschema():
    schema = spec_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("path", SPECS, ids=IDS)
def test_schema_accepts_every_shipped_spec(path):
    validator = jsonschema.Draft202012Validator(spec_schema())
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
              for e in validator.iter_errors(data)]
    assert not errors, errors


def test_schema_accepts_included_fragments_as_part_of_the_spec():
    validator = jsonschema.Draft202012Validator(spec_schema())
    frag = yaml.safe_load((ROOT / "specs/retail-shelf/common/occlusion.yaml").read_text())
    data = {"guidec": 1, "project": {"id": "p", "title": "P", "version": "1.0.0"}, **frag}
    assert not list(validator.iter_errors(data))


def test_schema_rejects_what_the_loader_rejects():
    validator = jsonschema.Draft202012Validator(spec_schema())
    good = {"guidec": 1, "project": {"id": "p", "title": "P", "version": "1.0.0"},
            "classes": [{"id": 1, "name": "car"}]}
    assert validator.is_valid(good)
    for bad in ({**good, "classes": [{"id": 1, "name": "car", "colour": "#fff"}]},
                {**good, "classes": [{"id": "one", "name": "car"}]},
                {**good, "classes": [{"id": 1, "name": "car", "shapes": ["circle"]}]},
                {k: v for k, v in good.items() if k != "project"}):
        assert not validator.is_valid(bad), bad


def test_committed_schema_is_up_to_date():
    committed = (ROOT / "schema" / "spec.schema.json").read_text(encoding="utf-8")
    assert committed == schema_text(), "run: guidec schema -o schema/spec.schema.json"


@pytest.mark.parametrize("path", SPECS, ids=IDS)
def test_shipped_specs_carry_the_modeline(path):
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../../schema/spec.schema.json"
    assert (path.parent / "../../schema/spec.schema.json").resolve().is_file()


def test_schema_command_writes_the_same_text(cli, tmp_path):
    r = cli("schema")
    assert r.code == 0 and json.loads(r.out)["title"] == "guidec spec"
    assert r.out == schema_text()
    r = cli("schema", "-o", tmp_path / "s.json")
    assert r.code == 0 and (tmp_path / "s.json").read_text() == schema_text()


# --------------------------------------------------------------------------- init
def test_init_output_passes_check(cli, tmp_path):
    target = tmp_path / "my-program" / "spec.yaml"
    target.parent.mkdir()
    r = cli("init", target)
    assert r.code == 0, r
    assert (target.parent / "spec.schema.json").read_text() == schema_text()
    assert target.read_text().startswith("# yaml-language-server: $schema=spec.schema.json\n")
    r = cli("check", target, "--fail-on", "info")
    assert r.code == 0, r.out  # no finding at any severity
    assert "id: my-program" in target.read_text()
    assert (target.parent / "examples" / "object.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # and the starter spec builds every target without a warning
    r = cli("build", target, "--out", tmp_path / "build")
    assert r.code == 0 and "warning" not in r.out + r.err, r


def test_init_refuses_to_overwrite(cli, tmp_path):
    target = tmp_path / "spec.yaml"
    target.write_text("keep me")
    r = cli("init", target)
    assert r.code == 2 and target.read_text() == "keep me"


def test_spec_files_are_found():
    assert {p.parent.name for p in SPECS} >= {"retail-shelf", "dashcam", "histology",
                                              "human-pose", "aerial"}
    assert all(isinstance(p, Path) for p in SPECS)
