"""--jobs for the rules: on a big table the costliest geometry rules (validation.APART) run in a
forked process beside the others; the findings and their order are those of one process, and a
child that dies is replaced by running its rules here (never a hang, never a finding lost)."""

from __future__ import annotations

import os
import random
import signal

import pytest

from guidec import inputs, validation
from guidec.table import Shape, TableBuilder
from guidec.validation import run_rules
from guidec.view import load_project

SPEC = """\
guidec: 1
project: {id: t, title: T, version: 1.0.0}
classes:
  - {id: 1, name: shelf, shapes: [polygon, box]}
  - {id: 2, name: product, shapes: [box, polygon]}
rules:
  - {id: dup, title: No duplicates, applies_to: [product], check: {max_iou_same_class: 0.6}}
  - {id: on-shelf, title: On a shelf, applies_to: [product], check: {inside: shelf}}
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    path = tmp_path_factory.mktemp("s") / "spec.yaml"
    path.write_text(SPEC)
    return load_project(str(path))


def _table(seed: int = 3, images: int = 40):
    """Shelves (some bow-ties: invalid), products on and off them, near-duplicate products,
    unknown labels, repeated ids: findings from the rules apart and from the others."""
    rnd = random.Random(seed)
    b = TableBuilder()
    b.add_file("d.json", "coco", "/annotations/{}", "/images/{}")
    k = 0
    for i in range(images):
        b.add_image(i + 1, f"{i}.jpg", 800, 600, src_index=i)
        for _ in range(rnd.randint(1, 3)):
            x, y = rnd.uniform(0, 500), rnd.uniform(0, 400)
            ring = [(x, y), (x + 200, y), (x + 200, y + 100), (x, y + 100)]
            if rnd.random() < 0.2:
                ring = [ring[0], ring[2], ring[1], ring[3]]  # a bow-tie
            b.add_annotation(image_index=i, src_index=k, ann_id=k + 1, label="shelf",
                             label_id=1, shape=Shape.POLYGON, rings=[ring],
                             bbox=[x, y, 200, 100])
            k += 1
        for _ in range(rnd.randint(0, 8)):
            x, y = rnd.uniform(0, 700), rnd.uniform(0, 500)
            box = [x, y, rnd.uniform(5, 60), rnd.uniform(5, 60)]
            label = rnd.choice(["product"] * 8 + ["tram"])
            for _copy in range(2 if rnd.random() < 0.15 else 1):
                b.add_annotation(image_index=i, src_index=k,
                                 ann_id=k + 1 if rnd.random() > 0.05 else 1, label=label,
                                 label_id=2 if label == "product" else 7, shape=Shape.BOX,
                                 bbox=[box[0] + rnd.choice([0, 0, 1]), *box[1:]])
                k += 1
    return b.build()


def _plain(diags):
    return [(d.code, d.severity, d.message, d.file, d.pointer, d.line) for d in diags]


def test_rules_apart_give_the_findings_of_one_process(project, monkeypatch):
    monkeypatch.setattr(validation, "APART_MIN_ROWS", 0)
    started = []
    real = inputs.Forked.start
    monkeypatch.setattr(inputs.Forked, "start",
                        staticmethod(lambda fn: started.append(1) or real(fn)))
    table = _table()
    one = run_rules(table, project, jobs=1)
    assert not started
    two = run_rules(table, project, jobs=2)
    assert started == [1]  # the rules apart really ran in a child
    codes = {d.code for d in one}
    assert {"V204", "V405", "V404", "V100", "V050"} <= codes  # apart and not apart
    assert _plain(two) == _plain(one)


def test_a_child_that_dies_is_replaced_by_its_rules_here(project, monkeypatch):
    monkeypatch.setattr(validation, "APART_MIN_ROWS", 0)
    real = inputs.Forked.start

    def dying(fn):
        def die():
            os.kill(os.getpid(), signal.SIGKILL)  # as the out-of-memory killer does
        return real(die)

    monkeypatch.setattr(inputs.Forked, "start", staticmethod(dying))
    table = _table(seed=4)
    assert _plain(run_rules(table, project, jobs=2)) == _plain(run_rules(table, project, jobs=1))


def test_small_tables_run_every_rule_here(project, monkeypatch):
    started = []
    monkeypatch.setattr(inputs.Forked, "start", staticmethod(lambda fn: started.append(1)))
    run_rules(_table(), project, jobs=2)
    assert not started and len(_table()) < validation.APART_MIN_ROWS


def test_a_big_box_only_table_without_overlap_checks_runs_every_rule_here(tmp_path, monkeypatch):
    """Many rows, no polygons, no spec check the rules apart make: forking would cost more
    than they do."""
    path = tmp_path / "spec.yaml"
    path.write_text(SPEC.split("rules:")[0])
    plain = load_project(str(path))
    monkeypatch.setattr(validation, "APART_MIN_ROWS", 0)
    started = []
    real = inputs.Forked.start
    monkeypatch.setattr(inputs.Forked, "start",
                        staticmethod(lambda fn: started.append(1) or real(fn)))
    table = _table()
    run_rules(table, plain, jobs=2)
    assert not started  # the table's few vertices: below APART_MIN_VERTICES
    run_rules(table, load_project_with_rules(tmp_path), jobs=2)
    assert started == [1]
    monkeypatch.setattr(validation, "APART_MIN_VERTICES", 1)  # as if it had millions
    assert len(table.vertices) >= 1
    run_rules(table, plain, jobs=2)
    assert started == [1, 1]


def load_project_with_rules(tmp_path):
    path = tmp_path / "with-rules.yaml"
    path.write_text(SPEC)
    return load_project(str(path))
