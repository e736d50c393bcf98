"""Rewrite an annotation table labeled under one spec version to another, by a migration map.

Everything is column operations on the shared :class:`~guidec.table.AnnotationTable`: labels
are resolved once per distinct value, attributes once per column, keypoints with one gather per
schema. What cannot be migrated automatically is reported as findings (D6xx), never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from guidec.codes import code
from guidec.diagnostics import Diagnostic
from guidec.labels import resolve_labels
from guidec.table import AnnotationTable
from guidec.view import Project

D601 = code("D601")
D602 = code("D602")
D603 = code("D603")
D604 = code("D604")
D605 = code("D605")


@dataclass
class MigrateResult:
    table: AnnotationTable  # the migrated rows that are kept
    diagnostics: list[Diagnostic]
    counts: dict[str, int]
    full: AnnotationTable | None = None  # every row, migrated, before the drop
    kept: np.ndarray | None = None  # bool per input row: whether it is in ``table``


def _ranges(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Concatenation of arange(s, e) for every pair, without a Python loop."""
    lengths = (ends - starts).astype(np.int64)
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    offsets = np.cumsum(lengths) - lengths
    return np.repeat(starts - offsets, lengths) + np.arange(total, dtype=np.int64)


def take_rows(t: AnnotationTable, keep: np.ndarray) -> AnnotationTable:
    """The table restricted to the annotation rows where ``keep`` is True."""
    rows = np.flatnonzero(keep)
    r0, r1 = t.ann_ring_offsets[rows], t.ann_ring_offsets[rows + 1]
    ring_idx = _ranges(r0, r1)
    v0, v1 = t.ring_offsets[ring_idx], t.ring_offsets[ring_idx + 1]
    vertices = t.vertices[_ranges(v0, v1)]
    ring_offsets = np.concatenate([[0], np.cumsum(v1 - v0)]).astype(np.int64)
    ann_ring_offsets = np.concatenate([[0], np.cumsum(r1 - r0)]).astype(np.int64)
    k0, k1 = t.kp_offsets[rows], t.kp_offsets[rows + 1]
    kp = t.kp[_ranges(k0, k1)]
    kp_offsets = np.concatenate([[0], np.cumsum(k1 - k0)]).astype(np.int64)
    return replace(
        t, ann_id=t.ann_id[rows], image_index=t.image_index[rows], label=t.label[rows],
        label_id=t.label_id[rows], shape=t.shape[rows], bbox=t.bbox[rows],
        rotation=t.rotation[rows], area=t.area[rows], iscrowd=t.iscrowd[rows],
        vertices=vertices.reshape(-1, 2), ring_offsets=ring_offsets,
        ann_ring_offsets=ann_ring_offsets, kp=kp.reshape(-1, 3), kp_offsets=kp_offsets,
        rle=t.rle[rows], text=t.text[rows],
        attributes={k: v[rows] for k, v in t.attributes.items()},
        src_file=t.src_file[rows], src_line=t.src_line[rows], src_index=t.src_index[rows],
        instance_id=None if t.instance_id is None else t.instance_id[rows],
        score=None if t.score is None else t.score[rows])


def _old_class_index(t: AnnotationTable, old: Project) -> np.ndarray:
    """Index into ``old.classes`` per row (-1 where the old spec does not know the label), by
    the one class resolver (:mod:`guidec.labels`), so migrate reads labels as validate does."""
    return resolve_labels(t, old).cls.astype(np.int64)


def migrate_table(t: AnnotationTable, old: Project, new: Project,
                  mapping: dict) -> MigrateResult:
    diags: list[Diagnostic] = []
    counts: dict[str, int] = {}
    n = len(t)
    file = t.files[0].path if t.files else None
    oidx = _old_class_index(t, old)

    # -- classes: one decision per old class, applied by index
    new_pos: dict[str, int] = {}
    for j, c in enumerate(new.classes):
        new_pos.setdefault(c.name, j)
    decision: dict[str, tuple[str | None, str]] = {}  # old name -> (new name | None, status)
    for entry in mapping["classes"]:
        name = entry["from"]["name"]
        kind = entry["kind"]
        if kind == "retire":
            decision[name] = (None, "drop")
        elif kind == "split":
            kept = name if name in new.by_name else None
            decision[name] = (kept, "review" if kept else "drop")
        else:
            decision[name] = (entry["to"][0]["name"], "ok")
    carved = mapping.get("coverage", {}).get("carved_out", {})
    m_old = len(old.classes)
    target = np.full(m_old + 1, -1, dtype=np.int64)  # last slot: unknown rows
    status = ["ok"] * m_old
    for i, c in enumerate(old.classes):
        to, st = decision.get(c.name, (c.name if c.name in new.by_name else None, "ok"))
        target[i] = new_pos.get(to, -1) if to is not None else -1
        status[i] = st
    new_names = np.empty(len(new.classes) + 1, dtype=object)
    new_names[:-1] = [c.name for c in new.classes]
    new_ids = np.array([c.id for c in new.classes] + [-1], dtype=np.int64)

    known = oidx >= 0
    nidx = target[oidx]  # -1 -> target[-1] == -1 for unknown rows
    new_label = t.label.copy()
    new_id = t.label_id.copy()
    new_label[known] = new_names[nidx[known]]
    new_id[known] = new_ids[nidx[known]]
    drop_cls = np.array([st == "drop" for st in status] + [False])
    keep = ~drop_cls[oidx]
    per_class = np.bincount(oidx[known], minlength=m_old)
    for i in np.flatnonzero(per_class):
        u, st, k = old.classes[i].name, status[i], int(per_class[i])
        if st == "drop":
            diags.append(D602(f"{k} annotation(s) of class {u!r} dropped: no class in "
                              f"{new.spec.project.version} takes them", file=file,
                              count=k, label=u))
        elif st == "review":
            diags.append(D601(f"{k} annotation(s) of class {u!r} kept as {u!r}: the class "
                              "was split; choose the new class by hand", file=file,
                              count=k, label=u))
        elif u in carved:
            diags.append(D601(f"{k} annotation(s) of class {u!r} may hold "
                              f"{', '.join(map(repr, carved[u]))} (carved out): review",
                              file=file, count=k, label=u))
    unknown = ~known & (~np.equal(t.label, None) | (t.label_id >= 0))
    if unknown.any():
        k = int(unknown.sum())
        shown = sorted({str(x) for x in t.label[unknown] if x is not None})[:5]
        diags.append(D605(f"{k} annotation(s) with labels the old spec does not know left "
                          f"unchanged{': ' + ', '.join(shown) if shown else ''}", file=file,
                          count=k))
    counts["annotations"] = n
    counts["dropped"] = int((~keep).sum())

    # -- attributes
    attrs = dict(t.attributes)
    carriers_of: dict[str, list[str]] = {}
    for c in new.classes:
        for a in c.attributes:
            carriers_of.setdefault(a, []).append(c.name)
    def rows_of_classes(names: list[str]) -> np.ndarray:
        """Boolean mask of rows whose new class is one of ``names``: a table lookup."""
        table = np.zeros(len(new.classes) + 1, dtype=bool)
        table[[new_pos[x] for x in names if x in new_pos]] = True
        return table[nidx]

    for name, entry in mapping["attributes"].items():
        col = attrs.get(name)
        if entry["kind"] == "removed":
            if col is not None:
                k = int((~np.equal(col, None)).sum())
                del attrs[name]
                if k:
                    diags.append(D604(f"attribute {name!r} no longer exists: {k} value(s) "
                                      "dropped", file=file, count=k, attribute=name))
            continue
        b = new.attributes.get(name)
        if b is None or b.scope != "object":
            continue
        if col is None:
            col = np.full(n, None, dtype=object)
        col = col.copy()
        values = entry.get("values") or {}
        for v, to in values.items():
            if to is None:
                hit = np.equal(col, v)
                k = int(hit.sum())
                if k:
                    col[hit] = None
                    diags.append(D604(f"value {v!r} of attribute {name!r} no longer exists: "
                                      f"cleared in {k} annotation(s)", file=file, count=k,
                                      attribute=name))
        carriers = carriers_of.get(name, [])
        on = rows_of_classes(carriers) & keep
        missing = on & np.equal(col, None)
        if b.default is not None and missing.any():
            col[missing] = b.default
            counts[f"default:{name}"] = int(missing.sum())
        elif b.required and missing.any():
            k = int(missing.sum())
            diags.append(D603(f"{k} annotation(s) lack required attribute {name!r}, which has "
                              "no default", file=file, count=k, attribute=name))
        if name in attrs or (~np.equal(col, None)).any():
            attrs[name] = col

    # -- keypoints: permute per schema
    kp, kp_offsets = t.kp, t.kp_offsets
    perms = {s: e["permutation"] for s, e in mapping.get("keypoints", {}).items()
             if e["permutation"] != list(range(len(e["permutation"])))}
    if perms and len(kp):
        lengths = np.diff(kp_offsets)
        new_lengths = lengths.copy()
        gather = []  # (rows, index matrix into old kp or -1)
        for schema, perm in perms.items():
            classes = [c.name for c in new.classes if c.keypoints == schema]
            p = np.asarray(perm, dtype=np.int64)
            old_len = len(old.keypoint_schemas[schema].points)
            rows = np.flatnonzero(rows_of_classes(classes) & (lengths == old_len))
            if len(rows):
                new_lengths[rows] = len(p)
                gather.append((rows, p))
        new_offsets = np.concatenate([[0], np.cumsum(new_lengths)]).astype(np.int64)
        out_kp = np.zeros((int(new_offsets[-1]), 3), dtype=np.float64)
        moved = np.zeros(len(t), dtype=bool)
        for rows, p in gather:
            moved[rows] = True
            src = kp_offsets[rows][:, None] + np.where(p >= 0, p, 0)[None, :]
            vals = kp[src]
            vals[:, p < 0, :] = 0.0  # added points: not labeled (v = 0)
            dst = new_offsets[rows][:, None] + np.arange(len(p))[None, :]
            out_kp[dst.ravel()] = vals.reshape(-1, 3)
        rest = np.flatnonzero(~moved)
        out_kp[_ranges(new_offsets[rest], new_offsets[rest + 1])] = kp[
            _ranges(kp_offsets[rest], kp_offsets[rest + 1])]
        kp, kp_offsets = out_kp, new_offsets
        counts["keypoints_permuted"] = int(moved.sum())

    out = replace(t, label=new_label, label_id=new_id, attributes=attrs, kp=kp,
                  kp_offsets=kp_offsets,
                  declared_categories={c.id: {"name": c.name} for c in new.classes})
    full = out
    if not keep.all():
        out = take_rows(out, keep)
    return MigrateResult(out, diags, counts, full, keep)
