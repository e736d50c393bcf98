"""Cityscapes-style label tables (cityscapesscripts ``helpers/labels.py``), read with :mod:`ast`.

``Label = namedtuple('Label', [...fields...])`` gives the field order and ``labels = [Label(...),
...]`` the rows: ``name``, ``id``, ``trainId`` (255 = ignore), ``category``, ``hasInstances``,
``ignoreInEval`` and ``color`` become the class's name, id, train_id, category, instances,
ignore_in_eval and colour; classes allow polygons and masks. ``categoryId`` has no spec field
(I102); a negative id or a trainId outside 0-255 is I105.
"""

from __future__ import annotations

import ast

from guidec.importing import I102, I105, Draft, read_text, rgb_hex, unreadable
from guidec.importing._pyliteral import NotLiteral, assignments, literal, parse

FORMAT = "cityscapes"
FIELDS = ["name", "id", "trainId", "category", "categoryId", "hasInstances", "ignoreInEval",
          "color"]


def detect(path: str, head: str) -> bool:
    return "namedtuple" in head and ("trainId" in head or "ignoreInEval" in head)


def _fields(tree: ast.Module) -> tuple[str, list[str]]:
    """The name and field order of ``Label = namedtuple('Label', [...])``, else Cityscapes'
    own."""
    for stmt in tree.body:
        if (isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Call)
                and getattr(stmt.value.func, "id", getattr(stmt.value.func, "attr", "")) ==
                "namedtuple" and len(stmt.value.args) >= 2):
            try:
                names = literal(stmt.value.args[1])
            except NotLiteral:
                continue
            if isinstance(names, str):
                names = names.replace(",", " ").split()
            if isinstance(names, list) and all(isinstance(n, str) for n in names) and \
                    isinstance(stmt.targets[0], ast.Name):
                return stmt.targets[0].id, names
    return "Label", FIELDS


def read(path: str, d: Draft) -> None:
    tree = parse(path, read_text(path))
    ctor, fields = _fields(tree)
    node = next((v for _, v in assignments(tree) if isinstance(v, ast.List | ast.Tuple) and v.elts
                 and all(isinstance(e, ast.Call) and getattr(e.func, "id", None) == ctor
                         for e in v.elts)), None)
    if node is None:
        raise unreadable(path, f"no list of {ctor}(...) rows (as 'labels = [Label(...), ...]')")
    d.title = "Cityscapes labels" if "cityscapes" in path.lower() else "Label table"
    lost: set[str] = set()
    for i, call in enumerate(node.elts):
        if not isinstance(call, ast.Call):
            d.lose(I102, f"labels[{i}] is not a Label(...) call; left out", ("labels", i))
            continue
        try:
            row = dict(zip(fields, (literal(a) for a in call.args), strict=False))
            row.update({kw.arg: literal(kw.value) for kw in call.keywords if kw.arg})
        except NotLiteral as exc:
            d.lose(I102, f"labels[{i}]: {exc}; left out", ("labels", i))
            continue
        name = row.get("name")
        if not isinstance(name, str) or not name:
            d.lose(I102, f"labels[{i}] has no name; left out", ("labels", i))
            continue
        c: dict = {"id": row.get("id"), "shapes": ["polygon", "mask"]}
        color = rgb_hex(list(row["color"]) if isinstance(row.get("color"), list | tuple)
                        else row.get("color"))
        if color:
            c["color"] = color
        if isinstance(row.get("category"), str) and row["category"]:
            c["category"] = row["category"]
        if row.get("hasInstances") is False:
            c["instances"] = False
        if row.get("ignoreInEval") is True:
            c["ignore_in_eval"] = True
        tid = row.get("trainId")
        if isinstance(tid, int) and not isinstance(tid, bool) and 0 <= tid <= 255:
            c["train_id"] = tid
        elif tid is not None:
            d.lose(I105, f"{name!r} has trainId {tid!r} (train ids are 0-255, 255 = ignore); "
                   "left out", ("labels", i))
        lost |= set(row) - {"name", "id", "trainId", "category", "hasInstances",
                            "ignoreInEval", "color"}
        d.add_class(name, where=("labels", i), **c)
    if lost:
        d.lose(I102, f"label fields {', '.join(sorted(lost))} not carried over (no spec field)",
               ("labels",))
    d.exports = ["semantic_mask", "panoptic"]
