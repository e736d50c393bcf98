"""CVAT labels: generated JSON, the editor's rules (T2xx), cvat-sdk's own models, real CVAT XML."""

from __future__ import annotations

import copy
import json
import os

import pytest

from guidec.targets.cvat import Cvat, check_labels, labels_json, read_labels_xml
from guidec.view import load_project
from tests._targets import big_taxonomy, kitchen_sink, minimal, project_from
from tests.budget import examples
from tests.conftest import SPECS, spec_files


def cvat_sdk():
    try:
        from cvat_sdk.api_client import model_utils, models  # noqa: F401
    except ImportError:
        if os.environ.get("CI") == "true":
            pytest.fail("cvat-sdk is not installed (pip install -e '.[tools]')")
        pytest.skip("cvat-sdk is not installed (pip install -e '.[tools]')")
    import cvat_sdk.api_client as api

    return api


def codes(labels) -> list[str]:
    return [d.code for d in check_labels(labels)]


@pytest.fixture(scope="module")
def sink_labels():
    return labels_json(project_from(kitchen_sink()))


def test_retail_shelf_labels():
    labels = labels_json(load_project(str(SPECS / "retail-shelf" / "spec.yaml")))
    by = {lab["name"]: lab for lab in labels}
    assert list(by) == ["product", "product.private_label", "price_tag", "shelf", "empty_slot",
                        "image:store_format"]
    assert by["image:store_format"]["type"] == "tag"
    assert by["product"]["type"] == "rectangle" and by["product"]["color"] == "#1f77b4"
    occ = by["product"]["attributes"][0]
    assert occ == {"name": "occlusion", "input_type": "select", "mutable": False,
                   "default_value": "__undefined__",
                   "values": ["__undefined__", "none", "partial", "heavy"]}
    assert by["price_tag"]["type"] == "polygon"
    assert by["price_tag"]["attributes"][-1] == {
        "name": "transcription", "input_type": "text", "mutable": False,
        "default_value": "", "values": [""]}
    shelf = by["shelf"]
    assert shelf["type"] == "polygon" and "sublabels" not in shelf
    assert shelf["attributes"][0]["values"] == ["1", "48", "1"]
    assert check_labels(labels) == []


def test_human_pose_skeleton():
    labels = labels_json(load_project(str(SPECS / "human-pose" / "spec.yaml")))
    person = next(lab for lab in labels if lab["name"] == "person")
    assert person["type"] == "skeleton"
    assert [s["name"] for s in person["sublabels"]][:3] == ["nose", "left_eye", "right_eye"]
    assert person["svg"].count('data-type="edge"') == 19
    assert 'data-label-name="right_ankle"' in person["svg"]


def test_attribute_mapping(sink_labels):
    by = {lab["name"]: lab for lab in sink_labels}
    truck = {a["name"]: a for a in by['Truck "w/Box" & <trailer>']["attributes"]}
    assert truck["doors"]["values"] == ["0", "6", "1"] and truck["doors"]["input_type"] == "number"
    assert truck["parked"] == {"name": "parked", "input_type": "checkbox", "mutable": False,
                               "default_value": "false", "values": ["false"]}
    lane = {a["name"]: a for a in by["lane"]["attributes"]}
    assert set(lane) == {"lane_kind:solid", "lane_kind:dashed"}
    assert by["lane"]["type"] == "polyline"
    assert by["road"]["type"] == "any"  # mask and polygon
    assert by["sign text"]["type"] == "polygon"
    assert by["spot"]["attributes"][0]["values"] == ["0", "1", "0.25"]
    assert by["person"]["type"] == "skeleton"
    assert "old_truck" not in by
    assert check_labels(sink_labels) == []


def test_generated_labels_build_cvat_sdk_models():
    api = cvat_sdk()
    from cvat_sdk.models import LabelType

    projects = [load_project(str(p)) for p in spec_files()]
    projects += [project_from(kitchen_sink()), project_from(big_taxonomy(200))]
    for p in projects:
        labels = labels_json(p)
        typed = api.model_utils.validate_and_convert_types(
            labels, ([api.models.PatchedLabelRequest],), ["labels"], True, True,
            api.Configuration())
        request = api.models.ProjectWriteRequest(name=p.spec.project.title, labels=typed)
        back = api.ApiClient().sanitize_for_serialization(request)
        assert back["labels"] == labels
        for lab in labels:
            LabelType(lab["type"])


def test_cvat_sdk_is_not_a_rubber_stamp():
    api = cvat_sdk()
    bad = [{"name": "car", "attributes": [{"name": "a", "mutable": "yes",
                                           "input_type": "select", "values": ["x"]}]}]
    with pytest.raises(Exception):  # noqa: B017 - the SDK raises its own ApiTypeError
        api.model_utils.validate_and_convert_types(
            bad, ([api.models.PatchedLabelRequest],), ["labels"], True, True,
            api.Configuration())


GOOD = {"name": "car", "color": "#33ddff", "type": "rectangle", "attributes": [
    {"name": "occ", "mutable": True, "input_type": "select", "default_value": "none",
     "values": ["none", "partial"]},
    {"name": "doors", "mutable": False, "input_type": "number", "default_value": "4",
     "values": ["0", "6", "1"]},
    {"name": "parked", "mutable": False, "input_type": "checkbox", "default_value": "false",
     "values": ["false"]},
    {"name": "plate", "mutable": False, "input_type": "text", "default_value": "",
     "values": [""]}]}
SKELETON = {"name": "person", "color": "#fa3253", "type": "skeleton", "attributes": [],
            "sublabels": [{"name": "head", "type": "points", "attributes": []},
                          {"name": "hand", "type": "points", "attributes": []}],
            "svg": '<line data-type="edge" data-node-from="1" data-node-to="2"></line>'
                   '<circle data-label-name="head"></circle>'
                   '<circle data-label-name="hand"></circle>'}


def mutate(label: dict, fn) -> list[dict]:
    lab = copy.deepcopy(label)
    fn(lab)
    return [lab]


def test_editor_rules_pass_on_good_labels():
    assert check_labels([GOOD, SKELETON]) == []


#: (change to a good label, the code it must produce): the CVAT editor rules' case table
EDITOR_CASES = [
    (lambda lab: lab.update(name=""), "T201"),
    (lambda lab: lab.update(name="x" * 65), "T201"),
    (lambda lab: lab.update(color="red"), "T202"),
    (lambda lab: lab.update(type="bbox"), "T203"),
    (lambda lab: lab["attributes"][0].update(input_type="dropdown"), "T204"),
    (lambda lab: lab["attributes"][0].update(mutable="yes"), "T204"),
    (lambda lab: lab["attributes"][0].update(values=[]), "T204"),
    (lambda lab: lab["attributes"][0].update(values=["a", " a"], default_value="a"), "T204"),
    (lambda lab: lab["attributes"][0].update(values=["a\nb"]), "T204"),
    (lambda lab: lab["attributes"][1].update(name="occ"), "T204"),
    (lambda lab: lab["attributes"][2].update(values=["yes"]), "T204"),
    (lambda lab: lab["attributes"][1].update(values=["0", "6"]), "T205"),
    (lambda lab: lab["attributes"][1].update(values=["6", "0", "1"]), "T205"),
    (lambda lab: lab["attributes"][1].update(values=["0", "6", "0"]), "T205"),
    (lambda lab: lab["attributes"][1].update(values=["0", "6", "4"]), "T205"),
    (lambda lab: lab["attributes"][0].update(default_value="heavy"), "T206"),
    (lambda lab: lab["attributes"][1].update(default_value="7"), "T206"),
    (lambda lab: lab["attributes"][2].update(default_value="no"), "T206"),
]


@pytest.mark.parametrize(("change", "code"), EDITOR_CASES)
def test_editor_rules_fail(change, code):
    assert codes(mutate(GOOD, change)) == [code]


#: changes to a good skeleton, each of which must produce T207
SKELETON_CASES = [
    lambda lab: lab.update(sublabels=[]),
    lambda lab: lab.pop("svg"),
    lambda lab: lab["sublabels"][1].update(type="rectangle"),
    lambda lab: lab.update(svg=lab["svg"] + '<circle data-label-name="foot"></circle>'),
]


@pytest.mark.parametrize("change", SKELETON_CASES)
def test_skeleton_rules_fail(change):
    found = codes(mutate(SKELETON, change))
    assert found and set(found) == {"T207"}


def test_duplicate_names_fail():
    assert codes([GOOD, GOOD]) == ["T201"]
    # the second 'head' also leaves the SVG's 'hand' without a sublabel
    assert codes(mutate(SKELETON, lambda lab: lab["sublabels"][1].update(name="head"))) == [
        "T201", "T207"]


def test_finding_points_into_the_json():
    d = check_labels(mutate(GOOD, lambda lab: lab["attributes"][1].update(values=["6", "0",
                                                                                  "1"])))[0]
    assert d.pointer == "/0/attributes/1/values"


def test_target_check_T208_T209_and_spec_positions():
    data = minimal([{"id": 1, "name": "shelf", "shapes": ["polygon", "keypoints"],
                     "keypoints": "c", "attributes": ["n"]}],
                   attributes={"n": {"type": "integer"}},
                   keypoint_schemas={"c": {"points": ["a", "b"]}})
    diags = Cvat().check(project_from(data))
    assert sorted(d.code for d in diags) == ["T208", "T209"]
    assert all(d.line is not None for d in diags)


def test_spec_step_that_does_not_divide_the_range_is_T205():
    data = minimal([{"id": 1, "name": "car", "attributes": ["w"]}],
                   attributes={"w": {"type": "number", "min": 0, "max": 10, "step": 3}})
    diags = Cvat().check(project_from(data))
    assert [d.code for d in diags] == ["T205"]
    assert diags[0].file == "spec.yaml" and diags[0].line is not None


@pytest.mark.corpus
def test_real_cvat_xml_labels_read_back(corpus):
    """The label definitions in Datumaro's real CVAT XML test assets, through the same checks.

    Both files define the same skeleton (sublabels '1'..'4', SVG naming them); the image file
    also declares a number attribute with values '2.4 1 -5.6' (min above max, negative step),
    which CVAT's editor would refuse: the checks must say exactly that and nothing else.
    """
    files = sorted(corpus.glob("github/*/tests/assets/cvat_dataset/*/*.xml"))
    assert len(files) >= 2
    seen = {}
    for f in files:
        labels = read_labels_xml(str(f))
        seen[f.parent.name] = (labels, check_labels(labels, file=str(f)))
    labels, diags = seen["for_images"]
    skeleton = next(lab for lab in labels if lab["name"] == "skeleton")
    assert skeleton["type"] == "skeleton"
    assert [s["name"] for s in skeleton["sublabels"]] == ["1", "2", "3", "4"]
    assert [(d.code, d.pointer) for d in diags] == [("T205", "/0/attributes/3/values")]
    assert "min 2.4 is not below max 1" in diags[0].message
    a1 = labels[0]["attributes"][0]
    assert a1["input_type"] == "checkbox" and a1["values"] == ["false", "true"]
    labels, diags = seen["for_video"]
    assert diags == []
    assert labels[0]["attributes"][0] == {"name": "hgl", "mutable": True,
                                          "input_type": "select", "default_value": "jk",
                                          "values": ["jk", "hgkf"]}
    assert [lab["name"] for lab in labels] == ["klhg", "z U k", "II", "skeleton"]
    json.dumps(labels)  # plain JSON data


def test_image_attributes_become_tag_labels(sink_labels):
    tags = [lab for lab in sink_labels if lab["type"] == "tag"]
    assert [t["name"] for t in tags] == ["image:weather", "image:box"]
    assert tags[0]["attributes"][0]["values"] == ["__undefined__", "sun", "rain"]
    assert check_labels(sink_labels) == []


def test_class_named_like_an_image_tag_is_T210():
    data = minimal([{"id": 1, "name": "image:weather"}],
                   attributes={"weather": {"type": "enum", "scope": "image",
                                           "values": ["sun"]}})
    found = [d.code for d in Cvat().check(project_from(data))]
    assert "T210" in found


def test_generated_specs_build_cvat_sdk_models():
    """cvat-sdk's models and the editor rules on labels of hypothesis-generated specs."""
    from hypothesis import HealthCheck, given, settings

    from tests.test_targets_property import specs

    api = cvat_sdk()
    from cvat_sdk.models import LabelType

    @settings(max_examples=examples(40), deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow])
    @given(specs())
    def check(data):
        labels = labels_json(project_from(data))
        assert check_labels(labels) == []
        typed = api.model_utils.validate_and_convert_types(
            labels, ([api.models.PatchedLabelRequest],), ["labels"], True, True,
            api.Configuration())
        assert api.ApiClient().sanitize_for_serialization(typed) == labels
        for lab in labels:
            LabelType(lab["type"])

    check()
