"""The one class resolver (guidec.labels): its precedence against a per-row reference, and one
answer for validate, migrate and the writers."""

from __future__ import annotations

import json

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from guidec.diff.mapping import migration_map
from guidec.diff.relabel import migrate_table
from guidec.labels import resolve_labels
from guidec.readers import read_delivery
from guidec.table import Shape, TableBuilder
from guidec.validation import run_rules
from guidec.view import load_project
from guidec.writers import label_ids, label_names
from guidec.writers.coco import write as write_coco

SPEC = """\
guidec: 1
project: {id: t, title: T, version: 1.0.0}
classes:
  - {id: 1, name: product, shapes: [box], aliases: [item]}
  - {id: 2, name: shelf, shapes: [box]}
  - {id: 3, name: old, shapes: [box], deprecated: true, replaced_by: product}
  - {id: 7, name: price tag, shapes: [box]}
"""
NAMES = ["product", "item", "shelf", "old", "price tag", "prodcut", "Product", "7", None]
IDS = [-1, 1, 2, 3, 7, 99]


def _project(tmp_path):
    path = tmp_path / "spec.yaml"
    path.write_text(SPEC, encoding="utf-8")
    return load_project(str(path))


def _table(rows, declared=None):
    b = TableBuilder()
    b.add_file("d.json", "coco", "/annotations/{}", "/images/{}")
    b.declared_categories = dict(declared or {})
    b.add_image(1, "a.jpg", 640, 480, src_index=0)
    for i, (label, lid) in enumerate(rows):
        b.add_annotation(image_index=0, src_index=i, ann_id=i + 1, label=label, label_id=lid,
                         shape=Shape.BOX, bbox=(1, 1, 5, 5))
    return b.build()


def _reference(project, label, lid, declared):
    """The documented precedence, row by row: name, alias, then id only without a name."""
    name = label if label is not None else (declared.get(lid) or {}).get("name")
    if name is not None:
        c = project.by_name.get(str(name)) or project.by_alias.get(str(name))
        return c.index if c is not None else -1
    if lid >= 0 and lid in project.by_id:
        return project.by_id[lid].index
    return -1


@settings(deadline=None)
@given(rows=st.lists(st.tuples(st.sampled_from(NAMES), st.sampled_from(IDS)), max_size=60),
       declared=st.dictionaries(st.sampled_from(IDS[1:]),
                                st.sampled_from(["shelf", "item", "nope"]).map(
                                    lambda n: {"name": n}), max_size=3))
def test_resolver_agrees_with_the_per_row_reference(tmp_path_factory, rows, declared):
    project = _project(tmp_path_factory.mktemp("s"))
    res = resolve_labels(_table(rows, declared), project)
    want = [_reference(project, lab, lid, declared) for lab, lid in rows]
    assert res.cls.tolist() == want
    # every conflict is a pair whose name and id name two different classes, with its rows
    seen = set()
    for c in res.conflicts:
        assert c.by_label != c.by_id
        assert project.classes[c.by_id].id == c.id
        for r in c.rows.tolist():
            assert res.cls[r] == c.by_label
            seen.add(r)
    for r, (lab, lid) in enumerate(rows):
        name = lab if lab is not None else (declared.get(lid) or {}).get("name")
        clash = (want[r] >= 0 and lid in project.by_id and name is not None
                 and project.by_id[lid].index != want[r])
        assert (r in seen) == clash


def test_deprecated_class_stays_itself_and_current_follows_replaced_by(tmp_path):
    project = _project(tmp_path)
    res = resolve_labels(_table([("old", -1), ("shelf", -1), (None, 3)]), project)
    names = [project.classes[i].name for i in res.cls]
    assert names == ["old", "shelf", "old"]
    assert [project.classes[i].name for i in res.current(project)] == ["product", "shelf",
                                                                        "product"]


def test_huge_ids_resolve_without_overflow(tmp_path):
    project = _project(tmp_path)
    res = resolve_labels(_table([("shelf", 2**62), (None, 1), ("item", -1)]), project)
    assert res.cls.tolist() == [project.by_name["shelf"].index, project.by_name["product"].index,
                                project.by_name["product"].index]


def test_one_answer_for_validate_migrate_and_writers(tmp_path):
    """The issue's case: category {id: 1, name: prodcut} where class 1 is product."""
    project = _project(tmp_path)
    delivery = tmp_path / "delivery.json"
    delivery.write_text(json.dumps({
        "images": [{"id": 1, "file_name": "a.jpg", "width": 640, "height": 480}],
        "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [1, 1, 5, 5]},
                        {"id": 2, "image_id": 1, "category_id": 2, "bbox": [9, 9, 5, 5]}],
        "categories": [{"id": 1, "name": "prodcut"}, {"id": 2, "name": "shelf"}]}))
    table = read_delivery([str(delivery)], project=project).table
    # validate: unknown, with the class its id would have named in the message
    found = run_rules(table, project)
    assert [(d.code, d.extra["annotation"]) for d in found] == [("V100", 1)]
    assert "'product'" in found[0].message and "did you mean 'product'" in found[0].message
    # migrate (to the same spec): not filed under product, reported as unknown
    out = migrate_table(table, project, project, migration_map(project, project))
    assert out.table.label.tolist() == ["prodcut", "shelf"]
    assert [d.code for d in out.diagnostics] == ["D605"]
    # writers: the label stays, and the COCO file read back says the same
    assert label_names(table, project) == ["prodcut", "shelf"]
    assert label_ids(table, project).tolist() == [1, 2]
    (name, data), = write_coco(out.table, project).items()
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / name).write_bytes(data)
    doc = json.loads(data)
    cats = {c["id"]: c["name"] for c in doc["categories"]}
    assert [cats[a["category_id"]] for a in doc["annotations"]] == ["prodcut", "shelf"]
    back = read_delivery([str(tmp_path / "out" / name)], project=project).table
    assert [(d.code, d.extra["annotation"]) for d in run_rules(back, project)] == [("V100", 1)]


def test_name_and_id_naming_two_classes_is_one_finding_per_pair(tmp_path):
    project = _project(tmp_path)
    rows = [("shelf", 1), ("shelf", 1), ("shelf", 1), ("product", 1), ("item", 2)]
    found = [d for d in run_rules(_table(rows), project) if d.code == "V104"]
    assert [(d.extra["annotation"], d.extra["count"]) for d in found] == [(1, 3), (5, 1)]
    assert "label 'shelf' is class 'shelf' but id 1 is class 'product'" in found[0].message
    res = resolve_labels(_table(rows), project)
    assert np.array_equal(res.cls, [project.by_name[n].index for n in
                                    ["shelf", "shelf", "shelf", "product", "product"]])
