"""Names as users' tools have them: attributes, keypoint schemas and points named with spaces,
punctuation, leading digits and other scripts build every target, pass the tools' own
parsers, and deliveries that use them validate without unknown-attribute findings."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from guidec.commands.build import emit_all
from guidec.diagnostics import GuidecError
from guidec.names import IDENTIFIER_RE, identifier, is_identifier, name_of, unique_identifiers
from guidec.readers.label_studio import attribute_name, control_names, schema_name
from guidec.spec.loader import load_spec_text
from guidec.spec.model import NAME_PATTERN
from guidec.targets.cvat import check_labels, labels_json
from guidec.targets.label_studio import config_xml, layout
from tests._targets import (
    minimal,
    need_ls_venv,
    project_from,
    run_in_ls,
    sample_coco,
    sample_ls_export,
    users_names,
)
from tests.budget import examples
from tests.test_targets_cvat import cvat_sdk
from tests.test_targets_label_studio import VALIDATE
from tests.test_targets_property import read_label_studio

ALL = ["coco", "cvat", "label_studio", "pascal_voc", "schemas", "site", "yolo"]


@pytest.fixture(scope="module")
def names():
    return project_from(users_names())


# --------------------------------------------------------------------------- the spec language
def test_spec_accepts_users_names(names):
    assert "Leaf Area Affected(%)" in names.attributes
    assert list(names.keypoint_schemas["CVAT skeleton"].points) == ["1", "2", "3"]
    assert names.keypoint_schemas["mmpose body"].points[0] == "root (pelvis)"


def _load_codes(data: dict) -> list[str]:
    with pytest.raises(GuidecError) as exc:
        load_spec_text(yaml.safe_dump(data, allow_unicode=True), display="spec.yaml")
    assert all(d.line is not None for d in exc.value.diagnostics)
    return sorted({d.code for d in exc.value.diagnostics})


@pytest.mark.parametrize("bad", ["", " Leaf", "Leaf ", "a\nb", "tab\there", "\x00", "a\u2028b"])
def test_spec_refuses_blank_padded_and_control_character_names(bad):
    data = minimal([{"id": 1, "name": "leaf"}], attributes={bad: {"type": "bool"}},
                   keypoint_schemas={"k": {"points": [bad]}})
    assert _load_codes(data) == ["S003"]


def test_next_line_character_is_refused_with_plain_words():
    text = ('guidec: 1\nproject: {id: t, title: T, version: 1.0.0}\n'
            'attributes:\n  "a\\x85b": {type: bool}\n')
    with pytest.raises(GuidecError) as exc:
        load_spec_text(text, display="spec.yaml")
    [d] = exc.value.diagnostics
    assert (d.code, d.line) == ("S003", 4)
    assert "pattern" not in d.message and "control character" in d.message, d.message


def test_project_and_rule_ids_stay_identifiers():
    data = minimal([{"id": 1, "name": "leaf"}])
    data["project"]["id"] = "my project"
    assert _load_codes(data) == ["S003"]


# --------------------------------------------------------------------------- identifiers
def test_identifier_keeps_identifiers_and_derives_the_rest():
    assert identifier("occlusion") == "occlusion"
    assert identifier("lane-kind.v2") == "lane-kind.v2"
    assert identifier("Leaf Color") == "Leaf_Color"
    assert identifier("Leaf Area Affected(%)") == "Leaf_Area_Affected"
    assert identifier("1") == "_1"
    assert identifier("root (pelvis)") == "root_pelvis"
    assert identifier("Épaule droite") == "Epaule_droite"
    assert identifier("葉の色") == identifier("葉の色") and identifier("葉の色").startswith("n_")
    assert identifier("葉の色") != identifier("色")


def test_unique_identifiers_tell_near_collisions_apart_in_spec_order():
    got = unique_identifiers(["Leaf Color", "Leaf_Color", "Leaf-Color", "Leaf  Color"])
    # the name that is an identifier keeps it; the others follow in the order given
    assert got == {"Leaf Color": "Leaf_Color_2", "Leaf_Color": "Leaf_Color",
                   "Leaf-Color": "Leaf-Color", "Leaf  Color": "Leaf_Color_3"}
    assert unique_identifiers(["a b"], taken=["a_b"]) == {"a b": "a_b_2"}


FREE_NAME = st.text(min_size=1, max_size=20).filter(lambda s: s.strip() == s and s)


@settings(max_examples=examples(400), deadline=None)
@given(st.lists(st.one_of(FREE_NAME, st.sampled_from(
    ["a b", "a_b", "a-b", "a  b", "_1", "1", "attr_box", "box", "n_0", "Ä b", "A b"])),
    max_size=12, unique=True))
def test_unique_identifiers_property(names):
    got = unique_identifiers(names)
    assert list(got) == names
    assert len(set(got.values())) == len(names)
    for n, ident in got.items():
        assert IDENTIFIER_RE.match(ident) and len(ident) <= 72, ident
        if is_identifier(n):
            assert ident == n
        assert name_of(ident, names) == n
    assert unique_identifiers(names) == got  # deterministic


# --------------------------------------------------------------------------- targets
def test_every_target_builds_without_an_error(names):
    files, diags = emit_all(names, ALL)
    assert not [d for d in diags if d.severity.label == "error"], diags
    assert {f.split("/")[0] for f in files} == set(ALL)


def test_label_studio_controls_are_identifiers_with_the_names_as_headers(names):
    root = ET.fromstring(config_xml(names))
    ctrl = {el.get("name"): el for el in root.iter() if el.get("toName")}
    assert all(IDENTIFIER_RE.match(n) for n in ctrl), list(ctrl)
    assert ctrl["Leaf_Area_Affected"].tag == "Number"
    assert [lab.get("value") for lab in ctrl["keypoints.CVAT_skeleton"]] == ["1", "2", "3"]
    assert [lab.get("value") for lab in ctrl["keypoints.mmpose_body"]] == [
        "root (pelvis)", "Left Shoulder", "Right Shoulder"]
    headers = {el.get("value") for el in root.iter("Header")}
    assert {"Leaf Color", "Leaf Area Affected(%)", "葉の色", 'quote "q" & <x>',
            "Time of Day"} <= headers
    # every control maps back to its attribute / schema, as the reader does it
    attr_ctrl, schema_ctrl = control_names(names)
    for a, c in attr_ctrl.items():
        assert attribute_name(c, names) == a
    for s, c in schema_ctrl.items():
        assert schema_name(c, names) == s
    lay = layout(names)
    assert lay.attribute_control("Leaf Color").name == "Leaf_Color"


def test_attribute_named_like_a_fixed_control_and_its_attr_twin():
    p = project_from(minimal([{"id": 1, "name": "car", "shapes": ["box"],
                               "attributes": ["box", "attr_box"]}],
                             attributes={"box": {"type": "bool"}, "attr_box": {"type": "bool"}}))
    attr_ctrl, _ = control_names(p)
    assert attr_ctrl == {"box": "attr_box_2", "attr_box": "attr_box"}
    assert attribute_name("attr_box_2", p) == "box"
    assert attribute_name("attr_box", p) == "attr_box"


def test_cvat_labels_keep_the_names(names):
    labels = labels_json(names)
    by = {lab["name"]: lab for lab in labels}
    assert [s["name"] for s in by["hand"]["sublabels"]] == ["1", "2", "3"]
    assert 'data-label-name="root (pelvis)"' in by["person"]["svg"]
    attrs = {a["name"] for a in by["Leaf"]["attributes"]}
    assert {"Leaf Color", "Leaf Area Affected(%)", "葉の色", 'quote "q" & <x>'} <= attrs
    assert "image:Time of Day" in by
    assert check_labels(labels) == []


def test_cvat_sdk_accepts_the_labels(names):
    api = cvat_sdk()
    labels = labels_json(names)
    typed = api.model_utils.validate_and_convert_types(
        labels, ([api.models.PatchedLabelRequest],), ["labels"], True, True,
        api.Configuration())
    request = api.models.ProjectWriteRequest(name="names", labels=typed)
    assert api.ApiClient().sanitize_for_serialization(request)["labels"] == labels


@pytest.mark.integration
def test_label_studio_parser_accepts_the_config(names):
    venv = need_ls_venv()
    res = run_in_ls(venv, VALIDATE, json.dumps([config_xml(names)]))
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout) == [None]


def test_json_schema_properties_are_the_names(names):
    files, _ = emit_all(names, ["schemas"])
    coco = json.loads(files["schemas/coco.schema.json"])
    props = set()
    for branch in coco["$defs"]["annotation"]["allOf"]:
        props |= set(branch["then"]["properties"]["attributes"]["properties"])
    assert {"Leaf Color", "Leaf Area Affected(%)", "a,b"} <= props


# --------------------------------------------------------------------------- deliveries
def _codes(cli, spec, path) -> list[str]:
    r = cli("validate", "--spec", spec, path, "--format", "json")
    assert r.code in (0, 1), r
    return [f["code"] for f in json.loads(r.out)["findings"]]


@pytest.fixture
def spec_file(write):
    return write("spec.yaml", yaml.safe_dump(users_names(), sort_keys=False,
                                             allow_unicode=True))


def test_coco_delivery_with_the_names_validates(cli, write, spec_file, names):
    doc = sample_coco(names)
    codes = _codes(cli, spec_file, write("coco.json", json.dumps(doc)))
    assert not [c for c in codes if c in ("V150", "V100")], codes
    # the reader is not blind: a name off by one character is unknown
    doc["annotations"][0]["attributes"]["Leaf colour"] = "green"
    assert "V150" in _codes(cli, spec_file, write("coco2.json", json.dumps(doc)))


def test_label_studio_export_with_the_names_validates(cli, write, spec_file, names):
    doc = sample_ls_export(names)
    codes = _codes(cli, spec_file, write("ls.json", json.dumps(doc)))
    assert "V150" not in codes, codes


CVAT_XML = """<?xml version="1.0" encoding="utf-8"?>
<annotations>
  <version>1.1</version>
  <image id="0" name="a.jpg" width="640" height="480">
    <box label="Leaf" occluded="0" source="manual" xtl="10" ytl="10" xbr="60" ybr="50" z_order="0">
      <attribute name="Leaf Color">yellow</attribute>
      <attribute name="Leaf Area Affected(%)">12.5</attribute>
      <attribute name="a,b">x</attribute>
      <attribute name="葉の色">緑</attribute>
    </box>
    <skeleton label="hand" source="manual" z_order="0">
      <points label="1" source="manual" outside="0" occluded="0" points="20,20"/>
      <points label="2" source="manual" outside="0" occluded="0" points="30,20"/>
      <points label="3" source="manual" outside="0" occluded="0" points="40,20"/>
    </skeleton>
  </image>
</annotations>
"""


def test_cvat_checkboxes_of_a_multi_valued_enum_are_read_as_its_values(cli, write):
    data = minimal([{"id": 1, "name": "Leaf", "attributes": ["Spots: kind"]}],
                   attributes={"Spots: kind": {"type": "enum", "multiple": True,
                                               "values": ["rust", "mildew", "rot"]}})
    spec = write("spec.yaml", yaml.safe_dump(data, allow_unicode=True))
    [label] = labels_json(project_from(data))
    assert [a["name"] for a in label["attributes"]] == [
        "Spots: kind:rust", "Spots: kind:mildew", "Spots: kind:rot"]
    xml = ('<annotations><version>1.1</version><image id="0" name="a.jpg" width="64" '
           'height="48"><box label="Leaf" occluded="0" xtl="1" ytl="1" xbr="9" ybr="9">'
           '<attribute name="Spots: kind:rust">true</attribute>'
           '<attribute name="Spots: kind:mildew">false</attribute>'
           '<attribute name="Spots: kind:rot">true</attribute></box></image></annotations>')
    assert _codes(cli, spec, write("annotations.xml", xml)) == []
    bad = xml.replace("kind:rot", "kind:blight")
    assert "V150" in _codes(cli, spec, write("bad/annotations.xml", bad))


def test_cvat_delivery_with_the_names_validates(cli, write, spec_file):
    codes = _codes(cli, spec_file, write("annotations.xml", CVAT_XML))
    assert "V150" not in codes and "V100" not in codes, codes
    bad = CVAT_XML.replace('name="Leaf Color"', 'name="Leaf color "')
    assert "V150" in _codes(cli, spec_file, write("bad/annotations.xml", bad))


@settings(max_examples=examples(60), deadline=None)
@given(st.lists(FREE_NAME, min_size=1, max_size=4, unique=True))
def test_arbitrary_attribute_names_round_trip_through_label_studio(attr_names):
    valid = [n for n in attr_names if re.match(NAME_PATTERN, n)]
    if not valid:
        return
    p = project_from(minimal([{"id": 1, "name": "leaf", "attributes": valid}],
                             attributes={n: {"type": "enum", "values": ["v"]} for n in valid}))
    _, _, values = read_label_studio(config_xml(p), p)
    assert values == {(n, "v") for n in valid}
