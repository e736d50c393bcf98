from __future__ import annotations

import json
import math

import numpy as np
import pytest

from guidec import masks
from guidec.readers import detect_format, read_delivery
from guidec.table import Shape

from .helpers import png_bytes

# ---------------------------------------------------------------- Label Studio
LS = [{
    "id": 7, "data": {"image": "/data/local-files/?d=0001.jpg"},
    "annotations": [{"id": 1, "was_cancelled": False, "result": [
        {"id": "r1", "from_name": "bbox", "to_name": "image", "type": "rectanglelabels",
         "original_width": 200, "original_height": 100, "image_rotation": 0,
         "value": {"x": 10, "y": 20, "width": 30, "height": 40, "rotation": 0,
                   "rectanglelabels": ["car"]}},
        {"id": "r1", "from_name": "car__occlusion", "to_name": "image", "type": "choices",
         "original_width": 200, "original_height": 100,
         "value": {"x": 10, "y": 20, "width": 30, "height": 40, "choices": ["partial"]}},
        {"id": "r2", "from_name": "bbox", "to_name": "image", "type": "rectanglelabels",
         "original_width": 200, "original_height": 100,
         "value": {"x": 50, "y": 50, "width": 10, "height": 20, "rotation": 90,
                   "rectanglelabels": ["car"]}},
        {"id": "p1", "from_name": "poly", "to_name": "image", "type": "polygonlabels",
         "original_width": 200, "original_height": 100,
         "value": {"points": [[0, 0], [50, 0], [50, 50]], "polygonlabels": ["road"]}},
        {"id": "p1", "from_name": "transcription", "to_name": "image", "type": "textarea",
         "value": {"text": ["STOP"]}},
        {"id": "k1", "from_name": "kp", "to_name": "image", "type": "keypointlabels",
         "original_width": 200, "original_height": 100,
         "value": {"x": 50, "y": 50, "width": 1, "keypointlabels": ["nose"]}},
        {"id": "w1", "from_name": "weather", "to_name": "image", "type": "choices",
         "value": {"choices": ["rain"]}},
    ]}, {"id": 2, "was_cancelled": True, "result": []}],
    "predictions": [],
}]


def test_label_studio_percent_to_pixels(tmp_path):
    p = tmp_path / "export.json"
    p.write_text(json.dumps(LS), encoding="utf-8")
    assert detect_format(str(p)) == "label_studio"
    r = read_delivery([str(p)])
    t = r.table
    assert r.diagnostics == []
    assert len(t.images) == 1 and t.images.width[0] == 200
    assert list(t.ann_id) == ["r1", "r2", "p1", "k1"]
    assert [Shape(s).name for s in t.shape] == ["BOX", "ROTATED_BOX", "POLYGON", "POINTS"]
    assert t.bbox[0].tolist() == [20, 20, 60, 40]
    assert t.attributes["occlusion"][0] == "partial"
    # rotation 90 about the top-left (100, 50) of a 20x20 px box: centre -> (90, 60)
    x, y, w, h = t.bbox[1]
    assert (x + w / 2, y + h / 2) == pytest.approx((90, 60))
    assert t.rotation[1] == 90
    assert t.rings_of(2)[0].tolist() == [[0, 0], [100, 0], [100, 50]]
    assert t.text[2] == "STOP"
    assert t.rings_of(3)[0].tolist() == [[100, 50]]
    assert t.images.attributes["weather"][0] == "rain"
    assert t.location(2)[2] == "/0/annotations/0/result/3"


def test_label_studio_brush_rle_roundtrip():
    # encode a 4x3 RGBA mask with LS's bit layout (all literal words), decode it back
    w, h = 4, 3
    mask = np.zeros((h, w), dtype=bool)
    mask[1, 1:3] = True
    rgba = np.zeros((h, w, 4), dtype=np.uint8)
    rgba[mask] = 255
    vals = rgba.ravel().tolist()
    bits = format(len(vals), "032b") + format(7, "05b") + "".join(format(3, "04b")
                                                                   for _ in range(4))
    i = 0
    while i < len(vals):
        n = min(16, len(vals) - i)
        bits += "0" + "00" + format(n - 1, "04b") + "".join(format(v, "08b")
                                                            for v in vals[i:i + n])
        i += n
    bits += "0" * (-len(bits) % 8)
    data = [int(bits[k:k + 8], 2) for k in range(0, len(bits), 8)]
    assert (masks.decode_label_studio(data, w, h) == mask).all()
    with pytest.raises(masks.RleError):
        masks.decode_label_studio(data[:5], w, h)


def test_label_studio_bad_values(tmp_path):
    bad = json.loads(json.dumps(LS))
    bad[0]["annotations"][0]["result"][0]["value"]["x"] = "10"
    p = tmp_path / "e.json"
    p.write_text(json.dumps(bad), encoding="utf-8")
    r = read_delivery([str(p)])
    assert [(d.code, d.pointer) for d in r.diagnostics] == [
        ("V008", "/0/annotations/0/result/0/value")]


# ---------------------------------------------------------------- YOLO
def _yolo(tmp_path, rows: dict[str, str], yaml_text: str = "names: [car, person]\n"):
    (tmp_path / "images").mkdir()
    (tmp_path / "labels").mkdir()
    (tmp_path / "data.yaml").write_text(yaml_text, encoding="utf-8")
    for stem, text in rows.items():
        (tmp_path / "images" / f"{stem}.png").write_bytes(png_bytes(200, 100))
        (tmp_path / "labels" / f"{stem}.txt").write_text(text, encoding="utf-8")
    return tmp_path


def test_yolo_detect_segment_obb(tmp_path):
    root = _yolo(tmp_path, {
        "a": "0 0.5 0.5 0.2 0.4\n1 0.1 0.1 0.2 0.1 0.2 0.2 0.1 0.2 0.15 0.15\n",
        "b": "0 0.1 0.1 0.3 0.1 0.3 0.3 0.1 0.3\n0 0.5\n"})
    (root / "images" / "c.png").write_bytes(png_bytes(10, 10))  # no label file: no objects
    assert detect_format(str(root)) == "yolo"
    r = read_delivery([str(root)])
    t = r.table
    assert sorted(t.images.key) == ["a", "b", "c"]
    assert t.bbox[0].tolist() == pytest.approx([80, 30, 40, 40])
    assert list(t.label) == ["car", "person", "car"]
    assert [Shape(s).name for s in t.shape] == ["BOX", "POLYGON", "POLYGON"]
    assert t.rings_of(1)[0][0].tolist() == pytest.approx([20, 10])
    assert [(d.code, d.line) for d in r.diagnostics] == [("V017", 2)]
    assert t.location(0)[1] == 1


def test_yolo_obb_and_pose(tmp_path):
    root = _yolo(tmp_path, {"a": "0 0.1 0.1 0.3 0.1 0.3 0.3 0.1 0.3\n"
                                 "1 0.5 0.5 0.2 0.2 0.5 0.5 2 0 0 0\n"},
                 "names: {0: car, 1: person}\nkpt_shape: [2, 3]\nflip_idx: [1, 0]\n")
    t = read_delivery([str(root / "data.yaml")]).table
    assert [Shape(s).name for s in t.shape] == ["ROTATED_BOX", "KEYPOINTS"]
    assert t.bbox[0].tolist() == pytest.approx([20, 10, 40, 20])
    assert t.keypoints_of(1).tolist() == [[100, 50, 2], [0, 0, 0]]
    assert t.declared_categories == {0: {"name": "car"}, 1: {"name": "person"}}


def test_yolo_bad_data_yaml(tmp_path):
    root = _yolo(tmp_path, {"a": "0 0.5 0.5 0.1 0.1\n"}, "nc: 3\nnames: [a, b]\nkpt_shape: 5\n")
    r = read_delivery([str(root)])
    assert sorted(d.code for d in r.diagnostics) == ["V016", "V016"]


def test_yolo_missing_image(tmp_path):
    (tmp_path / "x.txt").write_text("0 0.5 0.5 0.1 0.1\n", encoding="utf-8")
    r = read_delivery([str(tmp_path / "x.txt")])
    assert [d.code for d in r.diagnostics] == ["V019"]
    assert math.isnan(r.table.bbox[0, 0])


# ---------------------------------------------------------------- masks
def test_palette_mask_one_row_per_class(tmp_path):
    (tmp_path / "SegmentationClass").mkdir()
    (tmp_path / "JPEGImages").mkdir()
    rows = [bytes([0, 0, 1, 1]), bytes([0, 15, 15, 1]), bytes([255, 0, 0, 0])]
    palette = bytes(range(256)) * 3
    (tmp_path / "SegmentationClass" / "x.png").write_bytes(
        png_bytes(4, 3, rows, color_type=3, palette=palette, filter_type=4))
    (tmp_path / "JPEGImages" / "x.png").write_bytes(png_bytes(8, 6))
    r = read_delivery([str(tmp_path / "SegmentationClass")])
    t = r.table
    assert r.diagnostics == []
    assert t.label_id.tolist() == [0, 1, 15, 255]
    assert t.images.width[0] == 8  # the image's size, not the mask's: rules see the mismatch
    assert t.rle[1]["size"] == [3, 4]
    assert masks.decode(t.rle[2]).sum() == 2 and t.area[2] == 2
    assert t.bbox[1].tolist() == [2, 0, 2, 2]


def test_corrupt_png_is_one_finding(tmp_path):
    data = bytearray(png_bytes(4, 4))
    data[-20] ^= 0xFF
    p = tmp_path / "m.png"
    p.write_bytes(bytes(data))
    r = read_delivery([str(p)])
    assert [d.code for d in r.diagnostics] == ["V018"]


def test_unknown_format_and_missing_file(tmp_path):
    p = tmp_path / "notes.md"
    p.write_text("hello", encoding="utf-8")
    r = read_delivery([str(p), str(tmp_path / "nope.json")])
    assert [d.code for d in r.diagnostics] == ["V003", "V001"]


def test_unknown_input_format_is_an_error():
    from guidec.diagnostics import GuidecError

    with pytest.raises(GuidecError):
        read_delivery([], "darknet")


def test_background_rows_follow_the_spec(tmp_path):
    from guidec.view import load_project

    (tmp_path / "spec.yaml").write_text(
        "guidec: 1\nproject: {id: t, title: T, version: 1.0.0}\nclasses:\n"
        "  - {id: 1, name: road, color: '#ff0000'}\n", encoding="utf-8")
    project = load_project(str(tmp_path / "spec.yaml"))
    grey = tmp_path / "g.png"
    grey.write_bytes(png_bytes(3, 1, [bytes([0, 1, 9])]))
    rgb = tmp_path / "c.png"
    rgb.write_bytes(png_bytes(3, 1, [bytes([0, 0, 0, 255, 0, 0, 0, 128, 0])], color_type=2))
    t = read_delivery([str(grey)], project=project).table
    assert t.label_id.tolist() == [1, 9] and list(t.label) == ["road", None]
    t = read_delivery([str(rgb)], project=project).table
    assert list(t.label) == ["#008000", "road"]
    assert len(read_delivery([str(grey)]).table) == 3  # no spec: every value is a row


def grey16(values: list[list[int]], filter_type: int = 0) -> bytes:
    rows = [b"".join(v.to_bytes(2, "big") for v in row) for row in values]
    return png_bytes(len(values[0]), len(values), rows, depth=16, filter_type=filter_type)


@pytest.mark.parametrize("filter_type", [0, 1, 2, 3, 4])
def test_sixteen_bit_grey_is_decoded_exactly(filter_type):
    from guidec.readers import png as pngmod

    values = [[0, 7, 26001, 26001, 65535], [300, 7, 26002, 26002, 1000]]
    p = pngmod.decode(grey16(values, filter_type))
    assert p.pixels.dtype == np.uint16 and p.pixels.tolist() == values


def test_sixteen_bit_colour_is_refused_with_the_reason():
    from guidec.readers import png as pngmod

    with pytest.raises(pngmod.PngError, match="16-bit colour"):
        pngmod.decode(png_bytes(1, 1, [bytes(6)], color_type=2, depth=16))


def test_instance_id_map_gives_one_row_per_instance(tmp_path):
    """Cityscapes' *_instanceIds.png: class * 1000 + instance (from 0); a bare class id for
    class-level regions (stuff, and groups such as 'cargroup')."""
    from guidec.validation import run_rules
    from guidec.view import load_project

    (tmp_path / "spec.yaml").write_text(
        "guidec: 1\nproject: {id: t, title: T, version: 1.0.0}\nclasses:\n"
        "  - {id: 7, name: road, shapes: [mask], instances: false, definition: Road.}\n"
        "  - {id: 26, name: car, shapes: [mask], definition: Car.}\n", encoding="utf-8")
    project = load_project(str(tmp_path / "spec.yaml"))
    good = tmp_path / "a_gtFine_instanceIds.png"
    good.write_bytes(grey16([[7, 7, 26, 26000], [7, 7, 26000, 26001]], filter_type=4))
    r = read_delivery([str(good)], project=project)
    t = r.table
    assert t.label_id.tolist() == [7, 26, 26, 26]
    assert list(t.label) == ["road", "car", "car", "car"]
    assert t.instances.tolist() == [-1, -1, 26000, 26001]  # 26: a group of cars
    assert list(t.ann_id) == [None, None, 26000, 26001]
    assert t.area.tolist() == [4, 1, 2, 1]
    assert [d.code for d in run_rules(t, project) if d.code == "V103"] == []
    bad = tmp_path / "b_gtFine_instanceIds.png"
    bad.write_bytes(grey16([[7001, 7002], [26001, 0]]))
    found = [(d.code, d.extra["annotation"]) for d in run_rules(
        read_delivery([str(bad)], project=project).table, project) if d.code == "V103"]
    assert found == [("V103", 7001), ("V103", 7002)]
