"""The one class resolver: which class of the spec each row of a delivery table is.

Validation rules (through :class:`guidec.validation.frame.Frame`), ``guidec migrate``, the delivery
writers and QA all ask :func:`resolve_labels`; nothing else turns a delivered label into a class.

A row carries a label (the name as delivered), an id (COCO ``category_id``, a YOLO class index,
``-1`` for none), or both. Rows without a label take the name their file declares for the id
(COCO ``categories``, YOLO ``names``). The precedence, decided once per distinct (label, id) pair:

1. a label that is the name of a class is that class;
2. a label that is an alias of a class is that class;
3. a row with no label at all is the class with its id;
4. anything else is unknown (``-1``): a label the spec does not know is never rescued by its id,
   because a typo in a name says more about the annotator's intent than a number does.

A label and an id that name two different classes resolve by the label and are reported
(V160), as is an unknown label whose id is a class of the spec (V100 names that class). A
deprecated class stays itself (so V101 can report it); :meth:`LabelResolution.current` follows
``replaced_by`` to the one current class where there is exactly one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from guidec.columns import distinct


@dataclass(frozen=True)
class Conflict:
    """A distinct (label, id) pair whose label and id name different classes."""

    label: str
    id: int
    by_label: int  # class index the label names (the one the rows resolve to)
    by_id: int  # class index the id names
    rows: np.ndarray  # the rows holding the pair, ascending


@dataclass(frozen=True)
class LabelResolution:
    cls: np.ndarray  # int32 per row: index into ``project.classes``, -1 unknown or unlabeled
    shown: np.ndarray  # object per row: the label as delivered, "#<id>" for a bare id, None
    id_cls: np.ndarray  # int32 per row: the class the row's id names, -1 none
    conflicts: tuple[Conflict, ...] = ()

    def current(self, project) -> np.ndarray:
        """Class index per row after ``replaced_by``: a deprecated class with exactly one
        current replacement becomes it; other rows keep :attr:`cls`."""
        repl = np.arange(len(project.classes) + 1, dtype=np.int32)
        repl[-1] = -1
        for c in project.classes:
            if c.deprecated:
                final = project.final_replacement(c.name)
                if len(final) == 1 and final[0] in project.by_name:
                    repl[c.index] = project.by_name[final[0]].index
        return repl[self.cls]


def resolve_labels(table, project) -> LabelResolution:
    """Resolve every row of ``table`` (an :class:`~guidec.table.AnnotationTable`) against the
    resolved ``project``. Python runs once per distinct (label, id) pair, never per row."""
    label, lid = table.label, np.asarray(table.label_id, dtype=np.int64)
    n = len(label)
    if n == 0:
        empty = np.zeros(0, dtype=np.int32)
        return LabelResolution(empty, np.zeros(0, dtype=object), empty)
    values, name_of_row = distinct(label)
    pair_of_row, pairs = _pairs(name_of_row, lid)
    declared = getattr(table, "declared_categories", None) or {}
    res = np.full(len(pairs), -1, dtype=np.int32)
    res_id = np.full(len(pairs), -1, dtype=np.int32)
    text = np.full(len(pairs), None, dtype=object)
    for k, (vi, cid) in enumerate(pairs.tolist()):
        name = values[vi]
        if name is None and cid >= 0:
            name = (declared.get(cid) or {}).get("name")
        by_id = project.by_id.get(cid) if cid >= 0 else None
        if by_id is not None:
            res_id[k] = by_id.index
        if name is not None:
            text[k] = str(name)
            c = project.lookup(str(name))
            res[k] = c.index if c is not None else -1
        elif cid >= 0:
            text[k] = f"#{cid}"
            res[k] = res_id[k]
    clash = np.flatnonzero((res >= 0) & (res_id >= 0) & (res != res_id))
    conflicts = ()
    if len(clash):
        order = np.argsort(pair_of_row, kind="stable")
        bounds = np.searchsorted(pair_of_row[order], np.arange(len(pairs) + 1))
        conflicts = tuple(
            Conflict(str(text[k]), int(pairs[k, 1]), int(res[k]), int(res_id[k]),
                     np.sort(order[bounds[k]:bounds[k + 1]]))
            for k in clash.tolist())
    return LabelResolution(res[pair_of_row], text[pair_of_row], res_id[pair_of_row], conflicts)


def _pairs(name_of_row: np.ndarray, lid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(pair index per row, distinct (name index, id) pairs) with one sort of the rows."""
    lo = int(lid.min())
    span = int(lid.max()) - lo + 1
    if span * (int(name_of_row.max()) + 1) < 2**62:
        key = name_of_row.astype(np.int64) * span + (lid - lo)
        uniq, inv = np.unique(key, return_inverse=True)
        pairs = np.stack([uniq // span, uniq % span + lo], axis=1)
    else:  # ids too far apart to pack with the name: sort the pairs as rows
        both = np.stack([name_of_row.astype(np.int64), lid], axis=1)
        pairs, inv = np.unique(both, axis=0, return_inverse=True)
    return inv.reshape(-1), pairs
