from __future__ import annotations

import numpy as np
import pytest

from guidec.readers import detect_format, read_delivery
from guidec.table import Shape

CVAT = """<?xml version="1.0" encoding="utf-8"?>
<annotations>
  <version>1.1</version>
  <meta><task><labels>
    <label><name>car</name><type>rectangle</type><attributes>
      <attribute><name>doors</name><mutable>False</mutable><input_type>number</input_type>
        <default_value>4</default_value><values>0
6
1</values></attribute>
      <attribute><name>parked</name><input_type>checkbox</input_type>
        <default_value>false</default_value><values>false true</values></attribute>
    </attributes></label>
    <label><name>person</name><type>skeleton</type></label>
    <label><name>nose</name><type>points</type><parent>person</parent></label>
    <label><name>eye</name><type>points</type><parent>person</parent></label>
  </labels></task></meta>
  <image id="0" name="a.jpg" width="640" height="480">
    <box label="car" source="manual" occluded="0" xtl="10.00" ytl="20.00" xbr="50.00" ybr="60.00" z_order="0">
      <attribute name="doors">4</attribute>
      <attribute name="parked">true</attribute>
    </box>
    <box label="car" occluded="1" xtl="10" ytl="20" xbr="30" ybr="40" rotation="45"></box>
    <polygon label="car" points="1.5,2;3,4;5,6"/>
    <polyline label="car" points="1,1;2,2"/>
    <points label="car" points="7,8"/>
    <ellipse label="car" cx="100" cy="50" rx="10" ry="5"/>
    <mask label="car" rle="2, 3, 1" left="4" top="2" width="3" height="2"/>
    <skeleton label="person"><points label="eye" points="5,6" outside="1"/><points label="nose" points="1,2" occluded="1"/></skeleton>
    <tag label="car"/>
    <cuboid label="car" xtl1="0"/>
  </image>
  <image id="1" name="b.jpg" width="10" height="10"/>
</annotations>
"""


def test_cvat_reads_every_shape(tmp_path):
    p = tmp_path / "annotations.xml"
    p.write_text(CVAT, encoding="utf-8")
    assert detect_format(str(p)) == "cvat"
    r = read_delivery([str(p)])
    t = r.table
    assert [d.code for d in r.diagnostics] == ["V015"]  # the cuboid
    assert r.diagnostics[0].line == 30
    assert [Shape(s).name for s in t.shape] == [
        "BOX", "ROTATED_BOX", "POLYGON", "POLYLINE", "POINTS", "ELLIPSE", "MASK", "KEYPOINTS",
        "TAG"]
    assert t.bbox[0].tolist() == [10, 20, 40, 40]
    assert t.rotation[1] == 45
    assert t.attributes["doors"][0] == 4 and t.attributes["parked"][0] is True
    assert t.rings_of(2)[0].tolist() == [[1.5, 2], [3, 4], [5, 6]]
    assert t.bbox[5].tolist() == [90, 45, 20, 10]
    # mask: row-major over its 3x2 box at (4, 2): 2 off, 3 on, 1 off
    from guidec.masks import decode

    m = decode(t.rle[6])
    assert m.shape == (480, 640)
    assert m.sum() == 3 and m[2, 6] and m[3, 4] and m[3, 5] and not m[3, 6]
    # skeleton points in meta order (nose, eye): nose occluded -> 1, eye outside -> 0
    assert t.keypoints_of(7).tolist() == [[1, 2, 1], [5, 6, 0]]
    assert t.location(0)[1] == 18
    assert set(t.declared_categories) == {"car", "person", "nose", "eye"}
    assert list(t.images.file_name) == ["a.jpg", "b.jpg"]


@pytest.mark.parametrize(
    ("text", "code", "line"),
    [
        ('<?xml version="1.0"?>\n<!DOCTYPE a [<!ENTITY x "yyyy">]>\n<annotations>&x;</annotations>',
         "V004", 2),
        ('<!DOCTYPE a SYSTEM "file:///etc/passwd">\n<annotations/>', "V004", 1),
        ("<annotations>\n<image id='0' name='a' width='1' height='1'>\n</annotations>", "V002",
         3),
        ("<annotations>" + "<x>" * 200 + "</x>" * 200 + "</annotations>", "V005", 1),
        ('<?xml version="1.0" encoding="tf-8"?>\n<annotations/>', "V002", 1),
        ("<annotations><image id='0' name='a' width='w' height='1'/></annotations>", "V008", 1),
        ("<annotations><image id='0' name='a' width='9' height='9'><box label='c' xtl='nan' "
         "ytl='0' xbr='1' ybr='1'/></image></annotations>", "V009", 1),
        ("<annotations><image id='0' name='a' width='9' height='9'><box label='c' "
         "ytl='0' xbr='1' ybr='1'/></image></annotations>", "V007", 1),
    ],
)
def test_cvat_hostile_and_malformed(tmp_path, text, code, line):
    p = tmp_path / "a.xml"
    p.write_text(text, encoding="utf-8")
    r = read_delivery([str(p)], "cvat")
    assert code in [d.code for d in r.diagnostics], r.diagnostics
    d = next(d for d in r.diagnostics if d.code == code)
    assert d.line == line


VOC = """<annotation>
  <filename>x.jpg</filename>
  <size><width>500</width><height>338</height><depth>3</depth></size>
  <object>
    <name>person</name><pose/><truncated>1</truncated><difficult>0</difficult>
    <bndbox><xmin>1</xmin><ymin>1</ymin><xmax>10</xmax><ymax>20</ymax></bndbox>
    <part><name>head</name><bndbox><xmin>2</xmin><ymin>2</ymin><xmax>4</xmax><ymax>4</ymax></bndbox></part>
  </object>
  <object>
    <name>dog</name>
    <bndbox><xmin>254.38461538461536</xmin><ymin>5</ymin><xmax>300</xmax><ymax>40</ymax></bndbox>
  </object>
  <object><name>cat</name></object>
</annotation>
"""


def test_voc_one_based_inclusive_to_coco(tmp_path):
    p = tmp_path / "x.xml"
    p.write_text(VOC, encoding="utf-8")
    assert detect_format(str(p)) == "voc"
    r = read_delivery([str(p)])
    t = r.table
    assert t.bbox[0].tolist() == [0, 0, 10, 20]  # pixels 1..10 inclusive = 10 wide
    assert list(t.label) == ["person", "head", "dog"]
    assert t.attributes["truncated"][0] == 1 and t.attributes["part_of"][1] == 0
    assert "pose" not in t.attributes  # empty <pose/> is absent
    assert t.bbox[2, 0] == pytest.approx(253.38461538461536)
    assert t.images.width[0] == 500 and t.images.height[0] == 338
    codes = sorted((d.code, d.line) for d in r.diagnostics)
    assert codes == [("V007", 13), ("V020", 11)]


def test_voc_root_mismatch(tmp_path):
    p = tmp_path / "x.xml"
    p.write_text("<annotations/>", encoding="utf-8")
    r = read_delivery([str(p)], "voc")
    assert [d.code for d in r.diagnostics] == ["V006"]


def test_xml_inputs_are_not_modified(tmp_path):
    p = tmp_path / "a.xml"
    p.write_text(CVAT, encoding="utf-8")
    before = p.read_bytes()
    read_delivery([str(p)])
    assert p.read_bytes() == before
    assert np.isfinite(read_delivery([str(p)]).table.bbox[0]).all()


SPEC = """guidec: 1
project: {id: t, title: T, version: 1.0.0}
attributes:
  truncated: {type: bool}
classes:
  - {id: 1, name: person, attributes: [truncated]}
  - {id: 2, name: dog}
"""


def test_voc_format_fields_follow_the_spec(tmp_path):
    from guidec.view import load_project

    (tmp_path / "spec.yaml").write_text(SPEC, encoding="utf-8")
    project = load_project(str(tmp_path / "spec.yaml"))
    p = tmp_path / "x.xml"
    p.write_text(VOC, encoding="utf-8")
    with_spec = read_delivery([str(p)], project=project).table
    assert sorted(with_spec.attributes) == ["truncated"]  # difficult, part_of dropped
    assert with_spec.attributes["truncated"][0] is True  # 0/1 -> bool for a bool attribute
    without = read_delivery([str(p)]).table
    assert sorted(without.attributes) == ["difficult", "part_of", "truncated"]
