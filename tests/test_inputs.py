"""No command writes over its inputs; the HTML report links nothing outside the delivery and
images folders."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guidec import inputs

SPEC_TEXT = ("guidec: 1\nproject: {id: p, title: P, version: 1.0.0}\n"
             "classes:\n  - {id: 1, name: product}\n")
DELIVERY = {"images": [{"id": 1, "file_name": "a.jpg", "width": 640, "height": 480}],
            "annotations": [{"id": 1, "image_id": 1, "category_id": 999, "bbox": [1, 1, 9, 9]}],
            "categories": [{"id": 999, "name": "nope"}]}


@pytest.fixture
def files(tmp_path):
    spec = tmp_path / "spec.yaml"
    spec.write_text(SPEC_TEXT, encoding="utf-8")
    delivery = tmp_path / "d.json"
    delivery.write_text(json.dumps(DELIVERY))
    return spec, delivery


def _unchanged(*paths):
    return {p: p.read_bytes() for p in paths}


@pytest.mark.parametrize("how", ["-o", "--html"])
@pytest.mark.parametrize("target", ["delivery", "spec", "link", "hardlink"])
def test_validate_never_writes_over_an_input(cli, files, tmp_path, how, target):
    spec, delivery = files
    before = _unchanged(spec, delivery)
    out = {"delivery": delivery, "spec": spec}.get(target)
    if target == "link":
        out = tmp_path / "link.json"
        os.symlink(delivery, out)
    elif target == "hardlink":
        out = tmp_path / "hard.json"
        os.link(delivery, out)
    r = cli("validate", "--spec", spec, delivery, how, out)
    assert r.code == 2, r
    assert "refusing to write" in r.err and "input of this command" in r.err
    assert _unchanged(spec, delivery) == before


def test_spec_includes_are_inputs_too(cli, tmp_path):
    (tmp_path / "common.yaml").write_text("attributes:\n  occ: {type: bool}\n")
    spec = tmp_path / "spec.yaml"
    spec.write_text("guidec: 1\ninclude: [common.yaml]\nproject: {id: p, title: P, version: "
                    "1.0.0}\nclasses:\n  - {id: 1, name: car, attributes: [occ]}\n")
    r = cli("check", spec, "-o", tmp_path / "common.yaml")
    assert r.code == 2 and "refusing to write" in r.err
    assert "occ" in (tmp_path / "common.yaml").read_text()


def test_other_outputs_still_work(cli, files, tmp_path):
    spec, delivery = files
    r = cli("validate", "--spec", spec, delivery, "-o", tmp_path / "report.txt")
    assert r.code == 1 and "V100" in (tmp_path / "report.txt").read_text()
    # and the next command starts with a clean record: the delivery is writable output now
    r = cli("check", spec, "-o", tmp_path / "d.json")
    assert r.code in (0, 1), r


def test_html_report_links_nothing_outside_the_delivery_and_images(cli, files, tmp_path):
    spec, _ = files
    secret = tmp_path / "secret.jpg"
    secret.write_bytes(b"\xff\xd8\xff\xd9")
    inner = tmp_path / "batch"
    inner.mkdir()
    doc = json.loads(json.dumps(DELIVERY))
    doc["images"][0]["file_name"] = "../secret.jpg"
    (inner / "d.json").write_text(json.dumps(doc))
    page = tmp_path / "report.html"
    r = cli("validate", "--spec", spec, inner / "d.json", "--html", page)
    assert r.code == 1, r
    html = page.read_text()
    assert "<image" not in html  # no thumbnail drawn over the file outside the delivery
    assert 'href="secret.jpg"' not in html and 'href="../secret.jpg"' not in html
    # the same file inside the delivery's folder is drawn and linked
    (inner / "secret.jpg").write_bytes(secret.read_bytes())
    doc["images"][0]["file_name"] = "secret.jpg"
    (inner / "d.json").write_text(json.dumps(doc))
    cli("validate", "--spec", spec, inner / "d.json", "--html", page)
    assert 'href="batch/secret.jpg"' in page.read_text()


@pytest.mark.parametrize("option", ["--out", "--map-out"])
def test_migrate_never_writes_over_its_delivery_or_specs(cli, files, option):
    spec, delivery = files
    before = _unchanged(spec, delivery)
    for target in (delivery, spec):
        r = cli("migrate", "--from", spec, "--to", spec, delivery, option, target,
                cwd=delivery.parent)
        assert r.code == 2 and "refusing to write" in r.err, r
        assert not list(delivery.parent.glob("*.1.0.0*")), "wrote before refusing"
    assert _unchanged(spec, delivery) == before


def test_diff_never_writes_over_the_specs_it_compares(cli, files):
    spec, _ = files
    r = cli("diff", spec, spec, "-o", spec)
    assert r.code == 2 and "refusing to write" in r.err, r
    assert spec.read_text() == SPEC_TEXT


def test_a_tree_is_not_written_into_a_delivery_folder_nor_half_written(cli, files, tmp_path):
    spec, _ = files
    voc = tmp_path / "voc"
    voc.mkdir()
    (voc / "a.xml").write_text(
        "<annotation><filename>a.jpg</filename><size><width>10</width><height>10</height>"
        "<depth>3</depth></size><object><name>product</name><bndbox><xmin>1</xmin>"
        "<ymin>1</ymin><xmax>3</xmax><ymax>3</ymax></bndbox></object></annotation>")
    before = sorted(os.listdir(voc)), (voc / "a.xml").read_bytes()
    r = cli("migrate", "--from", spec, "--to", spec, voc, "--out", voc)
    assert r.code == 2 and "refusing to write" in r.err, r
    assert (sorted(os.listdir(voc)), (voc / "a.xml").read_bytes()) == before


def test_files_read_in_forked_workers_are_inputs_too(tmp_path):
    """inputs.map_forked: the results of one process, in order, and the files the workers
    read are recorded here, so an output cannot land on one of them."""
    from guidec import inputs

    paths = []
    for k in range(40):
        (tmp_path / f"{k}.txt").write_text(str(k * k))
        paths.append(str(tmp_path / f"{k}.txt"))
    with inputs.scope():
        got = inputs.map_forked(lambda p: int(inputs.read_bytes(p)), paths, jobs=2,
                                min_items=1, runs_per_job=3)
        assert got == [k * k for k in range(40)]
        assert inputs.clash(paths[-1]) == paths[-1]  # read by a worker, known here
    with inputs.scope():
        assert inputs.map_forked(len, ["ab", "c"], jobs=1) == [2, 1]
        assert inputs.clash(paths[0]) is None


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(
    st.sampled_from(["write", "remember", "read", "ask"]),
    st.lists(st.tuples(st.integers(0, 3), st.sampled_from("abc")), max_size=4)),
    max_size=12))
def test_files_a_compiled_reader_read_are_remembered_as_at_once(ops):
    """inputs.remember_read keeps its arrays until the record is asked for; the record is
    then what remembering them at once gives: a written entry wins, else the first path."""
    model: dict = {}
    with inputs.scope():
        for op, items in ops:
            records = {(1, ino): path for ino, path in items}
            if op == "write":  # what opening an input does
                for key, path in records.items():
                    inputs._SEEN[key] = model[key] = path
            elif op == "remember":
                inputs.remember(records)
            elif op == "read":
                inputs.remember_read(np.ones(len(items), dtype=np.uint64),
                                     np.array([i for i, _ in items], dtype=np.uint64),
                                     [p for _, p in items])
            else:
                assert inputs.seen() == model
            if op in ("remember", "read"):
                for key, path in records.items():
                    model.setdefault(key, path)
        assert inputs.seen() == model
    assert inputs.seen() == {}


def test_forked_children_send_back_only_the_inputs_they_add(tmp_path, monkeypatch):
    """A forked child inherits the inputs recorded before the fork: it sends back only the
    ones it reads itself (not 100,000 paths of a delivery again), and they are known here."""
    from guidec import inputs

    paths = []
    for k in range(6):
        (tmp_path / f"{k}.txt").write_text(str(k))
        paths.append(str(tmp_path / f"{k}.txt"))
    sent: list[dict] = []
    real = inputs.remember
    monkeypatch.setattr(inputs, "remember", lambda records: (sent.append(records),
                                                             real(records)))
    with inputs.scope():
        for p in paths[:2]:
            inputs.read_bytes(p)
        st = os.stat(paths[2])  # as a compiled reader records what it read: kept aside
        inputs.remember_read(np.array([st.st_dev], dtype=np.uint64),
                             np.array([st.st_ino], dtype=np.uint64), [paths[2]])
        forked = inputs.Forked.start(lambda: [inputs.read_bytes(p) for p in paths[2:5]])
        assert forked.result() == [b"2", b"3", b"4"]
        assert sorted(sent[0].values()) == paths[3:5]
        assert inputs.clash(paths[4]) == paths[4]
        sent.clear()
        got = inputs.map_forked(lambda p: inputs.read_bytes(p), paths, jobs=2, min_items=1,
                                runs_per_job=3)
        assert got == [str(k).encode() for k in range(6)]
        assert sorted(v for records in sent for v in records.values()) == paths[5:]
