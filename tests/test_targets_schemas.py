"""Delivery JSON Schemas: metaschema, sample deliveries pass, wrong ones fail."""

from __future__ import annotations

import copy
import json

import jsonschema
import pytest

from guidec.targets.schemas import coco_schema, label_studio_schema
from guidec.view import load_project
from tests._targets import (
    kitchen_sink,
    project_from,
    sample_coco,
    sample_ls_export,
)
from tests.conftest import SPECS, spec_files

V = jsonschema.Draft202012Validator


def projects():
    return [load_project(str(p)) for p in spec_files()] + [project_from(kitchen_sink())]


def errors(schema: dict, doc) -> list[str]:
    return [e.message for e in V(schema).iter_errors(doc)]


@pytest.fixture(scope="module")
def retail():
    return load_project(str(SPECS / "retail-shelf" / "spec.yaml"))


@pytest.mark.parametrize("make", [coco_schema, label_studio_schema])
def test_schemas_pass_the_metaschema(make):
    for p in projects():
        schema = make(p)
        V.check_schema(schema)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert p.spec.project.version in schema["$id"]


def test_sample_deliveries_pass():
    for p in projects():
        assert errors(coco_schema(p), sample_coco(p)) == []
        assert errors(label_studio_schema(p), sample_ls_export(p)) == []


def first_ann(doc: dict, category_id: int) -> dict:
    return next(a for a in doc["annotations"] if a["category_id"] == category_id)


def test_coco_unknown_category_fails(retail):
    doc = sample_coco(retail)
    first_ann(doc, 4)["category_id"] = 99
    assert errors(coco_schema(retail), doc)
    doc = sample_coco(retail)
    doc["categories"].append({"id": 5, "name": "sku", "supercategory": "sku"})  # deprecated
    assert errors(coco_schema(retail), doc)


def test_coco_category_id_and_name_are_paired(retail):
    doc = sample_coco(retail)
    doc["categories"][0]["name"], doc["categories"][1]["name"] = (
        doc["categories"][1]["name"], doc["categories"][0]["name"])
    assert errors(coco_schema(retail), doc)


def test_coco_disallowed_attribute_value_fails(retail):
    schema = coco_schema(retail)
    doc = sample_coco(retail)
    first_ann(doc, 1)["attributes"]["occlusion"] = "total"
    assert any("total" in m for m in errors(schema, doc))
    doc = sample_coco(retail)
    first_ann(doc, 1)["attributes"]["facing_count"] = 3  # a shelf attribute, not a product's
    assert errors(schema, doc)
    doc = sample_coco(retail)
    first_ann(doc, 3)["attributes"]["facing_count"] = 49  # above max
    assert errors(schema, doc)
    doc = sample_coco(retail)
    first_ann(doc, 1)["attributes"]["promo"] = ["discount", "discount"]
    assert errors(schema, doc)


def test_coco_from_cvat_keeps_its_own_attribute_keys(retail):
    """CVAT's COCO export adds occluded/rotation (and track_id/keyframe) to every annotation."""
    schema = coco_schema(retail)
    doc = sample_coco(retail)
    for ann in doc["annotations"]:
        ann["attributes"].update(occluded=False, rotation=0.0)
    assert errors(schema, doc) == []
    first_ann(doc, 1)["attributes"]["occluded"] = "no"
    assert errors(schema, doc)


def test_coco_required_attribute_and_transcription(retail):
    schema = coco_schema(retail)
    doc = sample_coco(retail)
    del first_ann(doc, 1)["attributes"]["occlusion"]
    assert any("occlusion" in m for m in errors(schema, doc))
    doc = sample_coco(retail)
    del first_ann(doc, 2)["attributes"]["transcription"]
    assert any("transcription" in m for m in errors(schema, doc))
    doc = sample_coco(retail)
    first_ann(doc, 2)["attributes"]["transcription"] = "<script>"  # outside the pattern
    assert errors(schema, doc)


def test_coco_wrong_keypoint_count_fails():
    pose = load_project(str(SPECS / "human-pose" / "spec.yaml"))
    schema = coco_schema(pose)
    assert not errors(schema, sample_coco(pose))
    doc = sample_coco(pose)
    first_ann(doc, 1)["keypoints"] = [20, 20, 2] * 3
    assert errors(schema, doc)
    doc = sample_coco(pose)
    first_ann(doc, 1)["keypoints"][2] = 7  # visibility flag
    assert errors(schema, doc)
    doc = sample_coco(pose)
    first_ann(doc, 3)["keypoints"] = [1, 1, 2]  # face has no keypoints
    assert errors(schema, doc)


def test_coco_delivery_for_another_version_fails(retail):
    """A delivery of a spec version that renamed a class and added a value fails."""
    data = json.loads(json.dumps(retail.loaded.raw))
    data.pop("include", None)  # raw is the merged tree already
    data["project"]["version"] = "3.0.0"
    data["classes"][3]["name"] = "gap"
    data["attributes"]["occlusion"]["values"]["full"] = "Entirely hidden"
    newer = project_from(data, folder=str(SPECS / "retail-shelf"))
    doc = sample_coco(newer)
    first_ann(doc, 1)["attributes"]["occlusion"] = "full"
    found = errors(coco_schema(retail), doc)
    assert any("gap" in m for m in found) and any("full" in m for m in found)
    assert errors(coco_schema(newer), doc) == []


def test_coco_image_attributes():
    p = project_from(kitchen_sink())
    schema = coco_schema(p)
    doc = sample_coco(p)
    assert doc["images"][0]["attributes"]["weather"] == "sun"
    doc["images"][0]["attributes"]["weather"] = "snow"
    assert errors(schema, doc)
    doc = sample_coco(p)
    del doc["images"][0]["attributes"]
    assert errors(schema, doc)


def test_ls_export_wrong_label_or_control_fails(retail):
    schema = label_studio_schema(retail)
    base = sample_ls_export(retail)
    result = base[0]["annotations"][0]["result"]
    doc = copy.deepcopy(base)
    doc[0]["annotations"][0]["result"][0]["value"]["rectanglelabels"] = ["sku"]
    assert any("sku" in m for m in errors(schema, doc))
    doc = copy.deepcopy(base)
    doc[0]["annotations"][0]["result"][0]["from_name"] = "label"
    assert errors(schema, doc)
    doc = copy.deepcopy(base)
    occ = next(i for i, r in enumerate(result) if r["from_name"] == "occlusion")
    doc[0]["annotations"][0]["result"][occ]["value"]["choices"] = ["total"]
    assert errors(schema, doc)
    doc = copy.deepcopy(base)
    n = next(i for i, r in enumerate(result) if r["from_name"] == "facing_count")
    doc[0]["annotations"][0]["result"][n]["value"]["number"] = 0
    assert errors(schema, doc)
    doc = copy.deepcopy(base)
    doc[0]["annotations"][0]["result"][0]["type"] = "polygonlabels"
    assert errors(schema, doc)
    doc = copy.deepcopy(base)
    del doc[0]["annotations"][0]["result"][0]["value"]["width"]
    assert errors(schema, doc)


def test_ls_relations_are_allowed(retail):
    doc = sample_ls_export(retail)
    doc[0]["annotations"][0]["result"].append(
        {"type": "relation", "from_id": "r1", "to_id": "r2", "direction": "right"})
    assert errors(label_studio_schema(retail), doc) == []


@pytest.mark.corpus
def test_real_label_studio_export_is_judged(corpus):
    """Label Studio's own sample export (rectanglelabels 'Airplane'/'Car'): valid JSON for the
    export envelope, but not a delivery for retail-shelf: its labels are not the spec's."""
    path = next(corpus.glob("pypi/label_studio-*/label_studio/tests/test_suites/samples/"
                            "image_urls_with_bboxes_gt.json"))
    doc = json.loads(path.read_text())
    schema = label_studio_schema(load_project(str(SPECS / "retail-shelf" / "spec.yaml")))
    found = errors(schema, doc)
    assert found
    assert all("is not one of" in m or "is not valid under" in m or "was expected" in m
               for m in found)
