"""Real exports that are right were reported wrong: panoptic segment ids (unique per image),
Label Studio tasks with several annotators, Pascal VOC files that count from 0."""

from __future__ import annotations

import json
import zlib

SPEC = ("guidec: 1\nproject: {id: p, title: P, version: 1.0.0}\nclasses:\n"
        "  - {id: 1, name: car, shapes: [box, mask]}\n  - {id: 2, name: road, shapes: [mask], "
        "instances: false}\n")


def _png_rgb(w, h, ids):
    rows = b"".join(b"\x00" + b"".join(bytes([i & 255, (i >> 8) & 255, i >> 16]) for i in row)
                    for row in ids)

    def chunk(kind, body):
        return (len(body).to_bytes(4, "big") + kind + body
                + (zlib.crc32(kind + body) & 0xFFFFFFFF).to_bytes(4, "big"))
    ihdr = w.to_bytes(4, "big") + h.to_bytes(4, "big") + bytes([8, 2, 0, 0, 0])
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(rows))
            + chunk(b"IEND", b""))


def _spec(tmp_path):
    p = tmp_path / "spec.yaml"
    p.write_text(SPEC)
    return p


def _codes(r):
    return sorted((f["code"], f["pointer"]) for f in json.loads(r.out)["findings"])


def test_panoptic_segment_ids_are_per_image_and_pngs_beside_the_json(cli, tmp_path):
    doc = {"images": [{"id": i, "file_name": f"{i}.jpg", "width": 2, "height": 1}
                      for i in (1, 2, 3)],
           "annotations": [{"image_id": i, "file_name": f"{i}.png",
                            "segments_info": [{"id": 1, "category_id": 1, "bbox": [0, 0, 1, 1]},
                                              {"id": 2, "category_id": 2, "bbox": [1, 0, 1, 1]}]}
                           for i in (1, 2, 3)],
           "categories": [{"id": 1, "name": "car", "isthing": 1},
                          {"id": 2, "name": "road", "isthing": 0}]}
    (tmp_path / "panoptic.json").write_text(json.dumps(doc))
    for i in (1, 2):  # beside the JSON (a common layout); image 3's PNG is missing
        (tmp_path / f"{i}.png").write_bytes(_png_rgb(2, 1, [[1, 2]]))
    r = cli("validate", "--spec", _spec(tmp_path), tmp_path / "panoptic.json", "--format",
            "json")
    # no V050 (segment 1 on three images is no duplicate); the missing PNG is one finding on
    # its image, not exit 2 for the run
    assert _codes(r) == [("V018", "/annotations/2/file_name")], r.out
    assert r.code == 1


def test_label_studio_task_with_several_annotators(cli, tmp_path):
    region = {"id": "r1", "type": "rectanglelabels", "from_name": "label", "to_name": "image",
              "original_width": 100, "original_height": 100,
              "value": {"x": 10, "y": 10, "width": 20, "height": 20, "rectanglelabels": ["car"]}}
    task = {"id": 1, "data": {"image": "a.jpg"}, "annotations": [
        {"id": 11, "completed_by": 7, "result": [region]},
        {"id": 12, "completed_by": {"id": 8, "email": "b@x"}, "result": [region]}]}
    (tmp_path / "ls.json").write_text(json.dumps([task]))
    r = cli("validate", "--spec", _spec(tmp_path), tmp_path / "ls.json", "--format", "json")
    assert _codes(r) == [] and r.code == 0, r.out  # not "the same file twice", no id clash
    from guidec.readers import read_delivery

    t = read_delivery([str(tmp_path / "ls.json")]).table
    assert t.images.annotator.tolist() == [7, 8]
    assert t.ann_id.tolist() == ["11/r1", "12/r1"]


def test_voc_zero_based_is_one_finding_per_file(cli, tmp_path):
    xml = ("<annotation><filename>a.jpg</filename><size><width>100</width><height>80</height>"
           "<depth>3</depth></size>"
           + "".join(f"<object><name>car</name><bndbox><xmin>{x}</xmin><ymin>0</ymin>"
                     f"<xmax>{x + 9}</xmax><ymax>79</ymax></bndbox></object>" for x in (0, 50))
           + "</annotation>")
    (tmp_path / "a.xml").write_text(xml)
    r = cli("validate", "--spec", _spec(tmp_path), tmp_path / "a.xml", "--format", "json")
    found = json.loads(r.out)["findings"]
    assert [(f["code"], f["line"]) for f in found] == [("V046", 1)], found
    from guidec.readers import read_delivery

    t = read_delivery([str(tmp_path / "a.xml")]).table
    assert t.bbox.tolist() == [[0, 0, 10, 80], [50, 0, 10, 80]]
