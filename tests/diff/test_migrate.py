"""guidec migrate: tables rewritten by the migration map; COCO written and read back."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guidec.diff.mapping import migration_map
from guidec.diff.relabel import migrate_table
from guidec.readers import read_delivery
from guidec.table import Shape, TableBuilder
from guidec.writers.coco import write as write_coco
from tests.budget import examples
from tests.diff.helpers import base, cls, project, spec_text


def renamed() -> dict:
    d = base()
    d["project"]["version"] = "1.1.0"
    van = cls(d, "van")
    van.update(name="minivan", aliases=["van"])
    car = cls(d, "car")
    car.update(name="automobile", aliases=["car"])
    return d


def delivery(rows) -> object:
    """rows: (label, label_id, bbox, attributes, keypoints|None)."""
    b = TableBuilder()
    f = b.add_file("d.json", "coco", "/annotations/{}")
    b.add_image(1, "a.jpg", 640, 480, src_file=f)
    b.add_image(2, "b.jpg", 640, 480, src_file=f)
    for i, (label, lid, bbox, attrs, kp) in enumerate(rows):
        b.add_annotation(image_index=i % 2, shape=Shape.KEYPOINTS if kp else Shape.BOX,
                         label=label, label_id=lid, ann_id=i + 1, bbox=bbox,
                         attributes=attrs, keypoints=kp, src_file=f, src_index=i)
    return b.build()


LABELS = st.sampled_from([("car", 1), ("van", 2), ("person", 3), ("cyclist", 4),
                          ("sign", 5)])
ROW = st.tuples(LABELS, st.tuples(*[st.integers(0, 300)] * 4),
                st.sampled_from([None, "none", "partial", "heavy"]))


def _rows(drawn):
    out = []
    for (label, lid), (x, y, w, h), occ in drawn:
        attrs = {"occlusion": occ} if occ and label in ("car", "van") else None
        out.append((label, lid, (x, y, w + 1, h + 1), attrs, None))
    return out


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ROW, min_size=1, max_size=30))
def test_pure_rename_round_trip_gives_the_original_labels(tmp_path_factory, drawn):
    v1, v2 = project(base()), project(renamed())
    table = delivery(_rows(drawn))
    fwd = migrate_table(table, v1, v2, migration_map(v1, v2))
    assert fwd.diagnostics == []
    # through the COCO writer and back, as guidec migrate does
    folder = tmp_path_factory.mktemp("rt")
    (name, data), = write_coco(fwd.table, v2).items()
    (folder / name).write_bytes(data)
    read = read_delivery([str(folder / name)])
    assert read.diagnostics == []
    again = read.table
    assert set(again.label.tolist()) <= {"automobile", "minivan", "person", "cyclist", "sign"}
    back = migrate_table(again, v2, v1, migration_map(v2, v1))
    assert back.table.label.tolist() == table.label.tolist()
    assert back.table.label_id.tolist() == table.label_id.tolist()
    np.testing.assert_array_equal(back.table.bbox, table.bbox)
    for k, col in table.attributes.items():
        assert back.table.attributes[k].tolist() == col.tolist()


def test_removed_class_is_dropped_and_reported():
    old = base()
    new = base()
    new["project"]["version"] = "2.0.0"
    new["classes"].remove(cls(new, "sign"))
    v1, v2 = project(old), project(new)
    table = delivery([("sign", 5, (1, 1, 5, 5), None, None), ("car", 1, (1, 1, 9, 9), None, None)])
    res = migrate_table(table, v1, v2, migration_map(v1, v2))
    assert res.table.label.tolist() == ["car"]
    (d,) = res.diagnostics
    assert d.code == "D602" and "'sign'" in d.message and d.extra["count"] == 1


def test_split_keeps_old_label_and_asks_for_review():
    new = base()
    van = cls(new, "van")
    van.update(deprecated=True, replaced_by=["minivan", "panel van"],
               children=[{"id": 10, "name": "minivan"}, {"id": 11, "name": "panel van"}])
    v1, v2 = project(base()), project(new)
    mapping = migration_map(v1, v2)
    entry = next(e for e in mapping["classes"] if e["from"]["name"] == "van")
    assert (entry["kind"], entry["fallback"]) == ("split", "parent")
    res = migrate_table(delivery([("van", 2, (1, 1, 5, 5), None, None)]), v1, v2, mapping)
    assert res.table.label.tolist() == ["van"]
    assert [d.code for d in res.diagnostics] == ["D601"]


def test_required_attribute_default_is_backfilled_and_missing_one_reported():
    new = base()
    new["attributes"]["parked"] = {"type": "bool", "required": True, "default": False}
    new["attributes"]["make"] = {"type": "text", "required": True}
    cls(new, "car")["attributes"] = ["occlusion", "count", "parked", "make"]
    v1, v2 = project(base()), project(new)
    res = migrate_table(delivery([("car", 1, (1, 1, 5, 5), None, None),
                                  ("van", 2, (1, 1, 5, 5), None, None)]), v1, v2,
                        migration_map(v1, v2))
    assert res.table.attributes["parked"].tolist() == [False, None]
    (d,) = res.diagnostics
    assert d.code == "D603" and "'make'" in d.message


def test_enum_value_removed_is_cleared():
    new = base()
    new["attributes"]["occlusion"]["values"] = ["none", "partial"]
    v1, v2 = project(base()), project(new)
    res = migrate_table(delivery([("car", 1, (1, 1, 5, 5), {"occlusion": "heavy"}, None)]),
                        v1, v2, migration_map(v1, v2))
    assert res.table.attributes["occlusion"].tolist() == [None]
    assert [d.code for d in res.diagnostics] == ["D604"]


def test_keypoints_follow_the_permutation():
    new = base()
    new["keypoint_schemas"]["face"]["points"] = ["nose", "r_eye", "l_eye", "chin"]
    v1, v2 = project(base()), project(new)
    kp = [(10, 10, 2), (20, 10, 2), (15, 20, 1)]  # l_eye, r_eye, nose
    res = migrate_table(delivery([("person", 3, (0, 0, 30, 30), None, kp),
                                  ("car", 1, (1, 1, 5, 5), None, None)]), v1, v2,
                        migration_map(v1, v2))
    got = res.table.keypoints_of(0).tolist()
    assert got == [[15, 20, 1], [20, 10, 2], [10, 10, 2], [0, 0, 0]]
    assert res.table.keypoints_of(1).tolist() == []


def test_unknown_labels_are_left_alone_and_reported():
    v1 = project(base())
    res = migrate_table(delivery([("unicycle", 99, (1, 1, 5, 5), None, None)]), v1, v1,
                        migration_map(v1, v1))
    assert res.table.label.tolist() == ["unicycle"]
    assert [d.code for d in res.diagnostics] == ["D605"]


# ------------------------------------------------------------------------- the command
@pytest.fixture
def specs(write):
    return (write("v1/spec.yaml", spec_text(base())), write("v2/spec.yaml", spec_text(renamed())))


def _coco_file(tmp_path, v1):
    table = delivery([("car", 1, (1, 1, 5, 5), {"occlusion": "none"}, None),
                      ("van", 2, (2, 2, 5, 5), None, None)])
    (_name, data), = write_coco(table, v1).items()
    path = tmp_path / "delivery.json"
    path.write_bytes(data)
    return path


def test_migrate_command_writes_a_new_file_and_never_touches_the_input(
        cli, specs, tmp_path):
    old, new = specs
    src = _coco_file(tmp_path, project(base()))
    before = src.read_bytes()
    out = tmp_path / "out.json"
    r = cli("migrate", "--from", old, "--to", new, src, "--out", out,
            "--map-out", tmp_path / "map.yaml")
    assert r.code == 0, r
    assert src.read_bytes() == before
    doc = json.loads(out.read_text())
    assert {c["name"] for c in doc["categories"]} >= {"automobile", "minivan"}
    assert [a["category_id"] for a in doc["annotations"]] == [1, 2]
    assert "migrated 2 of 2 annotation(s) from 1.0.0 to 1.1.0" in r.err
    assert "kind: rename" in (tmp_path / "map.yaml").read_text()


def test_migrate_refuses_to_overwrite_its_input(cli, specs, tmp_path):
    old, new = specs
    src = _coco_file(tmp_path, project(base()))
    r = cli("migrate", "--from", old, "--to", new, src, "--out", src)
    assert r.code == 2 and "refusing to write" in r.err


def test_migrate_exits_1_when_annotations_are_dropped(cli, write, tmp_path):
    new = base()
    new["classes"].remove(cls(new, "van"))
    old_p = write("a/spec.yaml", spec_text(base()))
    new_p = write("b/spec.yaml", spec_text(new))
    src = _coco_file(tmp_path, project(base()))
    r = cli("migrate", "--from", old_p, "--to", new_p, src, "--out", tmp_path / "o.json")
    assert r.code == 1 and "D602" in r.out


def test_diff_command_markdown_and_fail_on(cli, specs):
    old, new = specs
    r = cli("diff", old, new, "--format", "markdown")
    assert r.code == 0, r
    assert r.out.startswith("## P 1.1.0\n") and "was renamed to 'automobile'" in r.out
    assert cli("diff", old, new, "--fail-on", "minor").code == 1
    assert cli("diff", old, new, "--fail-on", "breaking").code == 0
    assert cli("diff", old, new, "--consumer", "labels,bogus").code == 2


# ------------------------------------------------------------------------- every format
def _png(path, w: int, h: int) -> None:
    import struct
    import zlib

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(
            ">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    raw = b"".join(b"\0" + b"\0" * w for _ in range(h))
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0,
                                                                          0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def _boxes_table():
    b = TableBuilder()
    f = b.add_file("d.json", "coco", "/annotations/{}")
    b.add_image(1, "a.png", 64, 48, src_file=f)
    b.add_image(2, "b.png", 64, 48, src_file=f)
    rows = [("car", 1, (1, 2, 10, 12), {"occlusion": "none"}), ("van", 2, (5, 5, 20, 8), None),
            ("sign", 5, (30, 10, 8, 8), None), ("car", 1, (40, 30, 12, 10), None)]
    for i, (label, lid, bbox, attrs) in enumerate(rows):
        b.add_annotation(image_index=i % 2, shape=Shape.BOX, label=label, label_id=lid,
                         ann_id=i + 1, bbox=bbox, attributes=attrs, src_file=f)
    return b.build()


@pytest.mark.parametrize("fmt", ["coco", "cvat", "voc", "label_studio", "yolo"])
def test_migrate_every_format_through_a_rename_and_back(cli, specs, tmp_path, fmt):
    from guidec.output import write_tree
    from guidec.writers import load_writers

    old, new = specs
    writer = load_writers()[fmt]
    files = writer.write(_boxes_table(), project(base()))
    src = tmp_path / "in"
    write_tree(str(src), files)
    path = src / next(iter(files)) if writer.SINGLE_FILE else src
    if fmt == "yolo":
        (src / "images").mkdir()
        for name in ("a.png", "b.png"):
            _png(src / "images" / name, 64, 48)
    before = read_delivery([str(path)], fmt, project=project(base()))
    fwd = tmp_path / "v2"
    back = tmp_path / "v1"
    out2 = fwd / path.name if writer.SINGLE_FILE else fwd
    out1 = back / path.name if writer.SINGLE_FILE else back
    r = cli("migrate", "--from", old, "--to", new, path, "--out", out2, "--input-format", fmt)
    assert r.code == 0, r
    mid_path = out2
    if fmt == "yolo":
        (fwd / "images").mkdir()
        for name in ("a.png", "b.png"):
            _png(fwd / "images" / name, 64, 48)
    mid = read_delivery([str(mid_path)], fmt, project=project(renamed()))
    assert "automobile" in mid.table.label.tolist() and "car" not in mid.table.label.tolist()
    r = cli("migrate", "--from", new, "--to", old, mid_path, "--out", out1, "--input-format",
            fmt)
    assert r.code == 0, r
    if fmt == "yolo":
        (back / "images").mkdir()
        for name in ("a.png", "b.png"):
            _png(back / "images" / name, 64, 48)
    after = read_delivery([str(out1)], fmt, project=project(base()))
    assert after.table.label.tolist() == before.table.label.tolist()
    np.testing.assert_allclose(after.table.bbox, before.table.bbox, atol=1e-3)
    assert {k: v.tolist() for k, v in after.table.attributes.items()} == {
        k: v.tolist() for k, v in before.table.attributes.items()}


@pytest.mark.parametrize("rgb", [False, True])
def test_migrate_label_maps_recodes_ids_and_colours(cli, write, tmp_path, rgb):
    from guidec.writers.mask import encode_png

    old = base()
    new = base()
    new["project"]["version"] = "2.0.0"
    cls(new, "van").update(id=7, color="#0000ff")  # renumbered and recoloured
    old_p = write("a/spec.yaml", spec_text(old))
    new_p = write("b/spec.yaml", spec_text(new))
    pix = np.zeros((6, 8, 3) if rgb else (6, 8), dtype=np.uint8)
    if rgb:
        pix[1:3, 1:4] = (255, 0, 0)  # car
        pix[4:6, 5:8] = (0, 255, 0)  # van
    else:
        pix[1:3, 1:4] = 1
        pix[4:6, 5:8] = 2
    (tmp_path / "masks").mkdir()
    src = tmp_path / "masks" / "frame.png"
    src.write_bytes(encode_png(pix))
    out = tmp_path / "v2"
    r = cli("migrate", "--from", old_p, "--to", new_p, src, "--out", out, "--input-format",
            "mask")
    assert r.code == 0, r
    got = read_delivery([str(out / "frame.png")], "mask", project=project(new))
    labels = sorted(x for x in got.table.label.tolist() if x)
    assert labels == ["car", "van"]
    from guidec.readers import png as pngmod

    px = pngmod.decode((out / "frame.png").read_bytes()).pixels
    if rgb:
        assert tuple(px[4, 5][:3]) == (0, 0, 255) and tuple(px[1, 1][:3]) == (255, 0, 0)
    else:
        assert px[4, 5] == 7 and px[1, 1] == 1 and px[0, 0] == 0
    assert src.read_bytes() == encode_png(pix)  # input untouched


def test_migrated_delivery_validates_under_the_new_spec(cli, write, tmp_path):
    old = base()
    new = base()
    new["project"]["version"] = "2.0.0"
    cls(new, "van").update(id=7)
    new["attributes"]["occlusion"]["values"] = ["none", "partial"]
    old_p, new_p = write("a/spec.yaml", spec_text(old)), write("b/spec.yaml", spec_text(new))
    t = delivery([("car", 1, (1, 1, 20, 20), {"occlusion": "heavy"}, None),
                  ("van", 2, (30, 30, 20, 20), None, None)])
    src = tmp_path / "in.json"
    src.write_bytes(next(iter(write_coco(t, project(old)).values())))
    before = cli("validate", "--spec", new_p, src)
    assert before.code == 1 and "'heavy' is not one of" in before.out
    r = cli("migrate", "--from", old_p, "--to", new_p, src, "--out", tmp_path / "out.json")
    assert r.code == 0 and "D604" in r.out
    after = cli("validate", "--spec", new_p, tmp_path / "out.json")
    assert after.code == 0, after
    doc = json.loads((tmp_path / "out.json").read_text())
    assert [a["category_id"] for a in doc["annotations"]] == [1, 7]
