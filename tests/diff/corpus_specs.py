"""Specs written at test time from real taxonomy histories in ../shared/corpus.

The class lists are read with ``ast`` (nothing is imported or copied into the repo). Declared
splits, merges, renames and carve-outs are the ones we can justify from the data itself; each
is explained where it is declared.
"""

from __future__ import annotations

import ast
from pathlib import Path

MAPILLARY = "pypi/mmsegmentation-1.2.2/mmseg/datasets/mapillary.py"
LVIS = "pypi/mmdet-3.3.0/mmdet/datasets/lvis.py"
CITYSCAPES = "pypi/cityscapesscripts-2.3.0/cityscapesscripts/helpers/labels.py"
MMSEG_CITYSCAPES = "pypi/mmsegmentation-1.2.2/mmseg/datasets/cityscapes.py"
MMSEG_BDD = "pypi/mmsegmentation-1.2.2/mmseg/datasets/bdd100k.py"


def metainfo(path: Path) -> dict[str, dict]:
    """{class name in the file: METAINFO dict} for every class that defines one."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = {}
    for node in tree.body:
        if not isinstance(node, ast.ClassDef):
            continue
        for stmt in node.body:
            if isinstance(stmt, ast.Assign) and any(
                    isinstance(t, ast.Name) and t.id == "METAINFO" for t in stmt.targets):
                value = stmt.value
                if isinstance(value, ast.Call):  # dict(classes=..., palette=...)
                    out[node.name] = {kw.arg: ast.literal_eval(kw.value)
                                      for kw in value.keywords}
                else:
                    out[node.name] = ast.literal_eval(value)
    return out


def _hex(rgb) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def _spec(pid: str, title: str, version: str, classes: list[dict], **extra) -> dict:
    return {"guidec": 1, "project": {"id": pid, "title": title, "version": version},
            "classes": classes, **extra}


# --------------------------------------------------------------------------- Mapillary
# v1.2 -> v2.0. Ids are list positions (mask values), as in the dataset's config.
# Declarations, each justified by the data:
#  * 'Traffic Light' (v1, colour 250,170,30) is split into the six 'Traffic Light - ...'
#    classes of v2, which all keep exactly that colour.
#  * 'Lane Marking - General' (v1, white) is split into the v2 'Lane Marking - ...' classes
#    that keep its white colour (the note's marking--general -> continuous/discrete).
#  * 'Person Group' and 'Pole Group' are carved out of 'Person' and 'Pole': same colour as
#    their source, and v1 labeled groups as the single class.
#  * 'Billboard' has no same-colour successor: removed, undeclared (diff must say so).
MAPILLARY_SPLITS = {"Traffic Light": "Traffic Light - ",
                    "Lane Marking - General": "Lane Marking - "}
MAPILLARY_CARVED = {"Person Group": "Person", "Pole Group": "Pole"}


def mapillary(corpus: Path) -> tuple[dict, dict]:
    info = metainfo(corpus / MAPILLARY)
    v1, v2 = info["MapillaryDataset_v1"], info["MapillaryDataset_v2"]
    old = [{"id": i, "name": n, "color": _hex(c)}
           for i, (n, c) in enumerate(zip(v1["classes"], v1["palette"], strict=True))]
    new = [{"id": i, "name": n, "color": _hex(c)}
           for i, (n, c) in enumerate(zip(v2["classes"], v2["palette"], strict=True))]
    v1_colour = dict(zip(v1["classes"], map(_hex, v1["palette"]), strict=True))
    v2_names = set(v2["classes"])
    for entry in new:
        if entry["name"] in MAPILLARY_CARVED:
            entry["carved_from"] = MAPILLARY_CARVED[entry["name"]]
    next_id = 1000  # deprecated v1 classes kept for their labels: ids no mask uses
    for old_name, prefix in MAPILLARY_SPLITS.items():
        parts = [e["name"] for e in new if e["name"].startswith(prefix)
                 and e["color"] == v1_colour[old_name] and e["name"] not in v1_colour]
        assert old_name not in v2_names and len(parts) >= 2, (old_name, parts)
        new.append({"id": next_id, "name": old_name, "color": v1_colour[old_name],
                    "deprecated": True, "replaced_by": parts, "since": "2.0.0"})
        next_id += 1
    return (_spec("mapillary-vistas", "Mapillary Vistas", "1.2.0", old),
            _spec("mapillary-vistas", "Mapillary Vistas", "2.0.0", new))


# --------------------------------------------------------------------------- LVIS
# v0.5 -> v1. Ids are 1-based list positions (LVIS category ids). The one rename LVIS
# documents (v0.5 'baby' became v1 'person', the same synset) is declared as an alias.
def lvis(corpus: Path) -> tuple[dict, dict]:
    info = metainfo(corpus / LVIS)
    v05, v1 = info["LVISV05Dataset"]["classes"], info["LVISV1Dataset"]["classes"]
    old = [{"id": i + 1, "name": n} for i, n in enumerate(v05)]
    new = [{"id": i + 1, "name": n} for i, n in enumerate(v1)]
    if "baby" in v05 and "baby" not in v1 and "person" in v1:
        next(e for e in new if e["name"] == "person")["aliases"] = ["baby"]
    return (_spec("lvis", "LVIS", "0.5.0", old), _spec("lvis", "LVIS", "1.0.0", new))


# --------------------------------------------------------------------------- Cityscapes
def cityscapes(corpus: Path) -> dict:
    """The 35 Cityscapes labels: id, trainId, category, instances, ignoreInEval, colour."""
    tree = ast.parse((corpus / CITYSCAPES).read_text(encoding="utf-8"))
    classes = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Label":
            name, lid, train, cat, _cat_id, inst, ignore, color = (
                ast.literal_eval(a) for a in node.args)
            if lid < 0:  # 'license plate' (-1): not a class of the label images
                continue
            classes.append({"id": lid, "name": name, "color": _hex(color), "category": cat,
                            "instances": inst, "ignore_in_eval": ignore, "train_id": train})
    return _spec("cityscapes", "Cityscapes", "1.0.0", classes)


def mmseg_19(corpus: Path, rel: str, cls: str, pid: str, version: str) -> dict:
    info = metainfo(corpus / rel)[cls]
    classes = [{"id": i, "name": n, "color": _hex(c)}
               for i, (n, c) in enumerate(zip(info["classes"], info["palette"], strict=True))]
    return _spec(pid, pid, version, classes)
