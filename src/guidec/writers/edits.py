"""What ``guidec migrate`` changes in a delivery, row by row.

A migration rewrites the delivered files themselves rather than writing the table out anew:
each format's ``rewrite`` opens the file it came from and applies only these edits, so that
everything the migration map does not speak of (ids, order, unknown fields, task data,
metadata, image-level results, other annotators, formatting choices a reader ignores) is
carried through. The edits are the difference between the table as read and the table after
:func:`guidec.diff.relabel.migrate_table`: one owner decides what changes, the rewriters only
say it in their format.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from guidec.diff.relabel import MigrateResult
from guidec.labels import resolve_labels
from guidec.table import AnnotationTable
from guidec.view import Project


@dataclass
class RowEdit:
    drop: bool = False
    label: str | None = None  # the new class's name, where the delivered label no longer names it
    label_id: int | None = None  # the new class's id, where it differs from the delivered id
    cls: str | None = None  # the row's class in the new spec (None: unknown, left alone)
    set_attrs: dict = field(default_factory=dict)  # attribute -> new value
    del_attrs: tuple[str, ...] = ()
    kp: np.ndarray | None = None  # (K', 3) in the new schema's order, where it changed


@dataclass
class Edits:
    rows: dict[int, RowEdit]
    old: Project
    new: Project
    mapping: dict
    dest: dict[str, str | None]  # old class name (and alias) -> new class name, None: dropped
    new_classes: list[str]  # classes of the new spec that no old class leads to

    def of_file(self, t: AnnotationTable, fi: int) -> dict[int, RowEdit]:
        """The edits of the rows read from file ``fi``."""
        return {r: e for r, e in self.rows.items() if int(t.src_file[r]) == fi}

    def new_class(self, name: str | None):
        """The new spec's class for a label delivered under the old spec, or None."""
        if name is None:
            return None
        c = self.old.lookup(name)
        if c is None:
            return None
        to = self.dest.get(c.name)
        return self.new.by_name.get(to) if to else None

    def removed_points(self, schema: str | None) -> tuple[str, ...]:
        entry = self.mapping.get("keypoints", {}).get(schema or "")
        return tuple(entry["removed"]) if entry else ()


def _destinations(mapping: dict, old: Project, new: Project) -> dict[str, str | None]:
    dest: dict[str, str | None] = {}
    for entry in mapping["classes"]:
        name = entry["from"]["name"]
        if entry["kind"] == "retire":
            dest[name] = None
        elif entry["kind"] == "split":
            dest[name] = name if name in new.by_name else None
        else:
            dest[name] = entry["to"][0]["name"]
    for c in old.classes:
        dest.setdefault(c.name, c.name if c.name in new.by_name else None)
    return dest


def _same(a, b) -> bool:
    if a is None or b is None:
        return a is b
    if isinstance(a, np.generic):
        a = a.item()
    if isinstance(b, np.generic):
        b = b.item()
    if type(a) is type(b):
        return a == b
    numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (a, b))
    return numbers and a == b  # 3 and 3.0 are one value; True and 1 are not


def _changed(a: np.ndarray | None, b: np.ndarray, kept: np.ndarray) -> np.ndarray:
    """Rows (kept ones) where two attribute columns may differ: an elementwise C loop first,
    the exact comparison of :func:`_same` only on what it flags."""
    if a is None:
        return np.flatnonzero(~np.equal(b, None) & kept)
    try:
        same = np.asarray(a == b, dtype=bool)
    except (ValueError, TypeError):
        return np.flatnonzero(kept)
    return np.flatnonzero(~same & kept) if same.shape == kept.shape else np.flatnonzero(kept)


def row_edits(t: AnnotationTable, result: MigrateResult, old: Project, new: Project,
              mapping: dict) -> Edits:
    full = result.full if result.full is not None else result.table
    kept = result.kept if result.kept is not None else np.ones(len(t), dtype=bool)
    rows: dict[int, RowEdit] = {}

    def edit(r: int) -> RowEdit:
        e = rows.get(r)
        if e is None:
            e = rows[r] = RowEdit()
        return e

    for r in np.flatnonzero(~kept).tolist():
        edit(r).drop = True
    known = resolve_labels(t, old).cls >= 0
    live = known & kept
    # the class each row has now: a label of a class that kept its name stays as delivered
    # (an alias stays an alias), a renamed class's label takes the new name; an id that is
    # still the class's id stays
    relabel: dict[tuple, bool] = {}
    for r in np.flatnonzero(live).tolist():
        to = full.label[r]
        e_cls = to
        said = t.label[r]
        if said is not None:
            key = (said, to)
            moved = relabel.get(key)
            if moved is None:  # the class was renamed, or the text names another class now
                c, was = new.lookup(said), old.lookup(said)
                moved = relabel[key] = c is None or c.name != to or was is None or (
                    was.name != to)
            if moved:
                edit(r).label = to
        if int(full.label_id[r]) != int(t.label_id[r]) and int(full.label_id[r]) >= 0:
            edit(r).label_id = int(full.label_id[r])
        if r in rows:
            rows[r].cls = e_cls
    # attributes: only the columns migrate touched, only the rows whose value changed
    for k in sorted(set(t.attributes) | set(full.attributes)):
        a, b = t.attributes.get(k), full.attributes.get(k)
        if a is b:
            continue
        if b is None:
            for r in np.flatnonzero(~np.equal(a, None) & kept).tolist():
                e = edit(r)
                e.del_attrs = (*e.del_attrs, k)
            continue
        for r in _changed(a, b, kept).tolist():
            va = None if a is None else a[r]
            vb = b[r]
            if _same(va, vb):
                continue
            e = edit(r)
            if vb is None:
                e.del_attrs = (*e.del_attrs, k)
            else:
                e.set_attrs[k] = vb.item() if isinstance(vb, np.generic) else vb
    # keypoints: rows whose points moved to the new schema's order
    if full.kp is not t.kp or full.kp_offsets is not t.kp_offsets:
        n0 = np.diff(t.kp_offsets)
        n1 = np.diff(full.kp_offsets)
        for r in np.flatnonzero(((n0 > 0) | (n1 > 0)) & kept).tolist():
            before, after = t.keypoints_of(r), full.keypoints_of(r)
            if before.shape != after.shape or not np.array_equal(before, after):
                edit(r).kp = after
    for r, e in rows.items():
        if e.cls is None and live[r]:
            e.cls = full.label[r]
    return Edits(rows, old, new, mapping, _destinations(mapping, old, new),
                 list(mapping.get("coverage", {}).get("new_classes", [])))
