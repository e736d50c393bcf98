"""Label Studio config: structure, escaping, large taxonomies, and Label Studio's own parser."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from guidec.lint import run_lint
from guidec.targets.label_studio import FILTER_THRESHOLD, LabelStudio, config_xml, layout
from guidec.view import load_project
from tests._targets import (
    big_taxonomy,
    kitchen_sink,
    minimal,
    need_ls_venv,
    project_from,
    run_in_ls,
)
from tests.budget import examples
from tests.conftest import SPECS, spec_files


def parse(project) -> ET.Element:
    return ET.fromstring(config_xml(project))


def controls(root: ET.Element) -> dict[str, ET.Element]:
    return {el.get("name"): el for el in root.iter() if el.get("toName")}


@pytest.fixture(scope="module")
def sink():
    return project_from(kitchen_sink())


def test_retail_shelf_controls():
    p = load_project(str(SPECS / "retail-shelf" / "spec.yaml"))
    ctrls = controls(parse(p))
    assert ctrls["box"].tag == "RectangleLabels" and ctrls["box"].get("canRotate") == "false"
    box_labels = {lab.get("value"): lab for lab in ctrls["box"]}
    assert "sku" not in box_labels  # deprecated: never offered to annotators
    assert box_labels["product"].get("background") == "#1f77b4"
    assert box_labels["product"].get("hotkey") == "1"
    assert box_labels["product"].get("category") == "1"
    assert [lab.get("value") for lab in ctrls["text_region"]] == ["price_tag"]
    tr = ctrls["transcription"]
    assert (tr.get("whenLabelValue"), tr.get("required")) == ("price_tag", "true")
    assert [lab.get("value") for lab in ctrls["polygon"]] == ["shelf"]
    assert not [n for n in ctrls if n.startswith("keypoints.")]
    assert ctrls["store_format"].get("perRegion") is None


def test_rotation_and_hotkey_once(sink):
    ctrls = controls(parse(sink))
    assert ctrls["rotated_box"].get("canRotate") == "true"
    name = 'Truck "w/Box" & <trailer>'
    assert [lab.get("value") for lab in ctrls["rotated_box"]] == [name, "truck.small"]
    # a class in two controls carries its hotkey once
    assert ctrls["box"][0].get("hotkey") == "t"
    assert ctrls["rotated_box"][0].get("hotkey") is None


def test_per_region_condition_is_on_the_control(sink):
    ctrls = controls(parse(sink))
    occ = ctrls["occlusion"]
    assert occ.get("perRegion") == "true"
    assert occ.get("whenLabelValue") == 'Truck "w/Box" & <trailer>,truck.small'
    assert occ.get("required") == "true"
    # optional attributes are not required
    assert ctrls["doors"].get("required") is None
    assert ctrls["parked"].get("required") is None


def test_attribute_types_map_to_controls(sink):
    ctrls = controls(parse(sink))
    assert ctrls["occlusion"].tag == "Choices"
    assert ctrls["occlusion"].get("choice") == "single-radio"
    assert [c.get("value") for c in ctrls["occlusion"]] == ["none", "partial", "heavy"]
    assert ctrls["lane_kind"].get("choice") == "multiple"
    assert ctrls["doors"].tag == "Number"
    assert (ctrls["doors"].get("min"), ctrls["doors"].get("max"),
            ctrls["doors"].get("step")) == ("0", "6", "1")
    assert ctrls["score"].get("step") == "0.25"
    assert ctrls["pose_note"].tag == "TextArea"
    assert [c.get("value") for c in ctrls["parked"]] == ["true", "false"]
    assert ctrls["parked"][1].get("selected") == "true"  # default false


def test_image_attributes_are_not_per_region(sink):
    ctrls = controls(parse(sink))
    assert ctrls["weather"].tag == "Choices"
    assert ctrls["weather"].get("perRegion") is None
    assert ctrls["weather"].get("whenLabelValue") is None
    assert ctrls["weather"].get("required") == "true"
    # an attribute named like a reserved control gets a prefixed control name
    assert ctrls["attr_box"].tag == "TextArea"
    assert layout(sink).attribute_control("box").name == "attr_box"


def test_shape_kinds_get_their_controls(sink):
    ctrls = controls(parse(sink))
    assert ctrls["mask"].tag == "BrushLabels"
    assert ctrls["polygon"].tag == "PolygonLabels"
    assert ctrls["polyline"].tag == "VectorLabels"
    assert ctrls["points"].tag == "KeyPointLabels"
    assert ctrls["text_region"].tag == "PolygonLabels"
    assert [lab.get("value") for lab in ctrls["keypoints.body"]] == ["head", "left_hand",
                                                                     "right_hand"]
    # a keypoint-only class gets its instance box
    assert "person" in [lab.get("value") for lab in ctrls["box"]]
    tr = ctrls["transcription"]
    assert (tr.tag, tr.get("perRegion"), tr.get("required"), tr.get("whenLabelValue")) == (
        "TextArea", "true", "true", "sign text")


def test_names_with_markup_round_trip(sink):
    text = config_xml(sink)
    assert "&quot;w/Box&quot; &amp; &lt;trailer&gt;" in text
    values = [lab.get("value") for lab in ET.fromstring(text).iter("Label")]
    assert 'Truck "w/Box" & <trailer>' in values


def test_hierarchy_and_deprecation(sink):
    ctrls = controls(parse(sink))
    labels = [lab.get("value") for lab in ctrls["box"]]
    assert labels.index("truck.small") == labels.index('Truck "w/Box" & <trailer>') + 1
    assert "old_truck" not in config_xml(sink)
    child = next(lab for lab in ctrls["box"] if lab.get("value") == "truck.small")
    assert child.get("hint") == 'Truck "w/Box" & <trailer> / truck.small'


def test_large_taxonomy_gets_a_filter():
    p = project_from(big_taxonomy(200))
    root = parse(p)
    filters = list(root.iter("Filter"))
    assert {f.get("toName") for f in filters} == {"box", "polygon"}
    small = project_from(big_taxonomy(FILTER_THRESHOLD - 10))
    assert not list(parse(small).iter("Filter"))


def test_conditional_attribute_is_not_required():
    data = minimal([{"id": 1, "name": "car", "attributes": ["occlusion", "cause"]}],
                   attributes={"occlusion": {"type": "enum", "values": ["none", "some"]},
                               "cause": {"type": "enum", "values": ["car", "tree"],
                                         "required": True, "when": {"occlusion": ["some"]}}})
    ctrls = controls(parse(project_from(data)))
    assert ctrls["cause"].get("required") is None


def test_comma_in_attributed_class_is_T101():
    data = minimal([{"id": 1, "name": "car, red", "attributes": ["a"]},
                    {"id": 2, "name": "bus, blue"}],
                   attributes={"a": {"type": "bool"}})
    diags = LabelStudio().check(project_from(data))
    assert [d.code for d in diags] == ["T101"]
    assert "car, red" in diags[0].message and diags[0].line is not None


def test_no_drawable_class_is_T102():
    data = minimal([{"id": 1, "name": "old", "deprecated": True}])
    assert [d.code for d in LabelStudio().check(project_from(data))] == ["T102"]


def test_deterministic(sink):
    assert config_xml(sink) == config_xml(project_from(kitchen_sink()))


VALIDATE = """
import json, sys
from label_studio_sdk.label_interface import LabelInterface
out = []
for cfg in json.load(sys.stdin):
    try:
        LabelInterface(cfg).validate()
        out.append(None)
    except Exception as exc:
        out.append(type(exc).__name__ + ": " + str(exc)[:300])
print(json.dumps(out))
"""


@pytest.mark.integration
def test_label_interface_validates_every_config():
    """label_studio_sdk's LabelInterface(...).validate() on every shipped spec and edge spec."""
    venv = need_ls_venv()
    projects = [load_project(str(p)) for p in spec_files()]
    projects += [project_from(kitchen_sink()), project_from(big_taxonomy(300))]
    for p in projects:
        assert not [d for d in run_lint(p) if d.severity.label == "error"]
    configs = [config_xml(p) for p in projects]
    broken = configs[0].replace('toName="image"', 'toName="nowhere"', 1)
    res = run_in_ls(venv, VALIDATE, json.dumps([*configs, broken]))
    assert res.returncode == 0, res.stderr
    verdicts = json.loads(res.stdout)
    assert verdicts[:-1] == [None] * len(configs)
    assert verdicts[-1] is not None  # the parser is not a rubber stamp


@pytest.mark.corpus
def test_idioms_match_label_studios_own_templates(corpus):
    """Label Studio's shipped computer-vision templates are the reference for idiomatic
    configs: same object tag and data key, the OCR template's per-region TextArea attributes,
    and every control tag we emit for a shape is one the templates or LS's SDK use."""
    import yaml

    folder = next(corpus.glob("pypi/label_studio-*/label_studio/annotation_templates/"
                              "computer-vision"))
    templates = {p.parent.name: ET.fromstring(yaml.safe_load(p.read_text())["config"])
                 for p in folder.glob("*/config.yml")}
    ocr = templates["optical-character-recognition"].find("TextArea")
    ours = controls(parse(project_from(kitchen_sink())))["transcription"]
    for key in ("perRegion", "required", "maxSubmissions", "displayMode", "editable"):
        assert ours.get(key) == ocr.get(key), key
    det = templates["object-detection-with-bounding-boxes"]
    ours_root = parse(project_from(kitchen_sink()))
    assert ours_root.find("Image").get("value") == det.find("Image").get("value") == "$image"
    template_tags = {el.tag for t in templates.values() for el in t.iter()}
    emitted = {el.tag for el in ours_root.iter() if el.get("toName")}
    # VectorLabels (polylines) and Filter are newer than the templates; the SDK knows them
    assert emitted - template_tags <= {"VectorLabels", "Filter", "Number"}


@pytest.mark.integration
def test_label_interface_validates_generated_specs():
    """Label Studio's own parser on configs of hypothesis-generated specs (awkward names with
    quotes, ampersands, angle brackets and accents; every shape kind and attribute type)."""
    from hypothesis import HealthCheck, given, settings

    from tests.test_targets_property import specs

    venv = need_ls_venv()
    configs: list[str] = []

    @settings(max_examples=examples(40), deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow])
    @given(specs())
    def collect(data):
        configs.append(config_xml(project_from(data)))

    collect()
    res = run_in_ls(venv, VALIDATE, json.dumps(configs))
    assert res.returncode == 0, res.stderr
    bad = [(c, v) for c, v in zip(configs, json.loads(res.stdout), strict=True) if v]
    assert not bad, bad[0]


def _when_spec():
    return minimal(
        [{"id": 1, "name": "car", "shapes": ["box"],
          "attributes": ["occlusion", "occluder", "cause", "doors", "door_state"]}],
        attributes={
            "occlusion": {"type": "enum", "values": ["none", "partial", "heavy"]},
            "occluder": {"type": "enum", "values": ["car", "tree"],
                         "when": {"occlusion": ["partial", "heavy"]}, "required": True},
            "cause": {"type": "text", "when": {"occlusion": "heavy", "weather": ["fog"]}},
            "doors": {"type": "integer", "min": 0, "max": 4},
            "door_state": {"type": "enum", "values": ["open", "shut"], "when": {"doors": [2]}},
            "weather": {"type": "enum", "scope": "image", "values": ["sun", "fog"]},
            "fog_level": {"type": "number", "scope": "image", "min": 0, "max": 1,
                          "when": {"weather": ["fog"]}},
        })


def test_when_conditions_become_nested_choice_views():
    p = project_from(_when_spec())
    root = parse(p)
    parent = {child: el for el in root.iter() for child in el}

    def conditions(name):
        el = controls(root)[name]
        out = []
        while el in parent:
            el = parent[el]
            if el.get("visibleWhen") == "choice-selected":
                out.append((el.get("whenTagName"), el.get("whenChoiceValue")))
        return sorted(out)

    assert conditions("occluder") == [("occlusion", "partial,heavy")]
    # every condition holds: nested views; a region's control may follow an image attribute
    assert conditions("cause") == [("occlusion", "heavy"), ("weather", "fog")]
    assert conditions("fog_level") == [("weather", "fog")]
    assert conditions("occlusion") == [] and conditions("door_state") == []
    # a condition on a number: T103 once, naming the attribute
    diags = LabelStudio().check(p)
    assert [d.code for d in diags] == ["T103"]
    assert "'door_state'" in diags[0].message and diags[0].line is not None


@pytest.mark.integration
def test_label_interface_validates_conditional_views():
    venv = need_ls_venv()
    res = run_in_ls(venv, VALIDATE, json.dumps([config_xml(project_from(_when_spec()))]))
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout) == [None]
