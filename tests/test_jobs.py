"""--jobs: a delivery of many files read by several worker processes gives the findings, the
order and the summary of one process."""

from __future__ import annotations

import random

import numpy as np
import pytest

from guidec.readers import read_delivery
from tests.readers.tables import assert_same_table

SPEC = """guidec: 1
project: {id: p, title: P, version: 1.0.0}
classes:
  - {id: 1, name: car, color: "#ff0000"}
  - {id: 2, name: bus, color: "#00ff00"}
"""


def _voc_folder(root, n: int = 700) -> None:
    rnd = random.Random(5)
    root.mkdir()
    for i in range(n):
        objs = []
        for _ in range(rnd.randint(0, 4)):
            name = rnd.choice(["car", "bus", "car", "tram", ""])  # tram: unknown; "": V007
            x0 = rnd.choice([1, 5, 0, 12.5]) if rnd.random() < 0.05 else rnd.randint(1, 500)
            y0 = rnd.randint(1, 400)
            x1, y1 = x0 + rnd.randint(-3, 300), y0 + rnd.randint(2, 200)  # some too wide
            objs.append(f"<object><name>{name}</name><difficult>{rnd.randint(0, 1)}"
                        f"</difficult><bndbox><xmin>{x0}</xmin><ymin>{y0}</ymin>"
                        f"<xmax>{x1}</xmax><ymax>{y1}</ymax></bndbox></object>")
        body = "".join(objs)
        if rnd.random() < 0.01:
            body += "<object><name>car</name>"  # not well-formed
        (root / f"{i:05d}.xml").write_text(
            f"<annotation><filename>{i % 650:05d}.jpg</filename><size><width>640</width>"
            f"<height>480</height></size>{body}</annotation>")


def _mask_folder(root, n: int = 300) -> None:
    from guidec.writers.mask import encode_png

    rng = np.random.default_rng(1)
    root.mkdir()
    for i in range(n):
        pix = rng.choice(np.array([0, 1, 2, 9], dtype=np.uint8), size=(12, 16))
        (root / f"{i:04d}.png").write_bytes(encode_png(pix))


@pytest.mark.parametrize("kind", ["voc", "mask"])
def test_findings_are_those_of_one_process(cli, write, tmp_path, kind):
    spec = write("spec.yaml", SPEC)
    folder = tmp_path / "delivery"
    (_voc_folder if kind == "voc" else _mask_folder)(folder)
    one = cli("validate", "--spec", spec, folder, "--format", "json", "--jobs", "1")
    two = cli("validate", "--spec", spec, folder, "--format", "json", "--jobs", "2")
    assert one.code == two.code == 1
    assert one.out == two.out and len(one.out) > 1000
    human = [cli("validate", "--spec", spec, folder, "--jobs", j).out for j in ("1", "3")]
    assert human[0] == human[1]


def test_the_table_is_that_of_one_process(write, tmp_path, monkeypatch):
    from guidec.readers import _common
    from guidec.view import load_project

    project = load_project(str(write("spec.yaml", SPEC)))
    _voc_folder(tmp_path / "d")
    one = read_delivery([str(tmp_path / "d")], project=project, jobs=1)
    calls = []
    real = _common._read_in_workers
    monkeypatch.setattr(_common, "_read_in_workers",
                        lambda *a: calls.append(a[3]) or real(*a))
    two = read_delivery([str(tmp_path / "d")], project=project, jobs=2)
    assert calls == [2]  # the workers really ran
    assert_same_table(one.table, two.table)
    assert one.diagnostics == two.diagnostics


def test_jobs_must_be_a_positive_number(cli, write, tmp_path):
    spec = write("spec.yaml", SPEC)
    r = cli("validate", "--spec", spec, tmp_path, "--jobs", "0")
    assert r.code == 2 and "expected a number of processes" in r.err


def test_a_folder_is_sniffed_in_workers_as_in_one_process(tmp_path, monkeypatch):
    from guidec import readers

    _voc_folder(tmp_path / "d", n=400)
    (tmp_path / "d" / "README.txt").write_text("not a delivery")
    (tmp_path / "d" / "00007.xml").write_text("<html/>")  # a .xml no reader takes
    files = sorted(str(p) for p in (tmp_path / "d").iterdir())
    one = readers._detect_files(files, 1)
    pools = []
    import multiprocessing.pool

    real = multiprocessing.pool.Pool.map
    monkeypatch.setattr(multiprocessing.pool.Pool, "map",
                        lambda self, *a, **k: pools.append(1) or real(self, *a, **k))
    two = readers._detect_files(files, 2)
    assert pools  # the workers really sniffed
    assert one == two
    assert one.count("voc") == 399 and one.count(None) == 2
