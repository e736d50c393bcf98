"""The migration map: a machine-readable map from an old taxonomy to a new one.

Layout (``<from>__<to>.yaml``, after the design note)::

    guidec_migration: 1            # map format
    guidec: 0.1.0                  # guidec that wrote it
    direction: forward
    from: {project, version, sha256}
    to:   {project, version, sha256}
    classes:                       # one entry per old class, in old spec order
      - {from: {id, name}, kind: identity|rename|renumber|move|merge|split|retire,
         to: [{id, name}], lossless: bool, fallback: null|parent|review|drop}
    ids: {old id: new id}          # for id-keyed formats (COCO, YOLO); lossless entries only
    names: {old name: new name}    # for name-keyed formats (VOC, CVAT, Label Studio)
    retired_ids: [...]
    attributes: {name: {kind: identity|added|removed|changed, required, default,
                        values: {old: new | null}}}
    keypoints: {schema: {points, permutation (new index -> old index, -1 = added with v=0),
                         added, removed, flip_idx}}
    coverage: {new_classes: [...], carved_out: {...}, loosened_rules: [...]}
    review: [{kind, subject, message}]
"""

from __future__ import annotations

import hashlib
import json

from guidec import __version__
from guidec.diff.compare import diff_projects, match_classes
from guidec.diff.kinds import Change
from guidec.view import Project

MAP_FORMAT = 1


def spec_hash(project: Project) -> str:
    """sha256 of the spec's merged data (includes resolved), independent of YAML formatting,
    key order and comments."""
    import orjson

    data = orjson.dumps(project.loaded.raw, default=str,
                        option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS)
    return hashlib.sha256(data).hexdigest()


def _ref(c) -> dict:
    return {"id": c.id, "name": c.name}


def migration_map(old: Project, new: Project, changes: list[Change] | None = None) -> dict:
    changes = diff_projects(old, new) if changes is None else changes
    cm = match_classes(old, new)
    review: list[dict] = []

    # destination of every old class in the new spec
    dests: dict[str, tuple[str, ...]] = {}
    for o in old.classes:
        m = cm.matches.get(o.name)
        if m is not None:
            n = m.new
            dest = new.final_replacement(n.name) if n.deprecated and n.replaced_by else ()
            dests[o.name] = dest or (n.name,)
        else:
            via = tuple(cm.new_name(r) or r for r in old.final_replacement(o.name))
            dests[o.name] = tuple(d for d in via if d in new.by_name)
    incoming: dict[str, int] = {}
    for d in dests.values():
        if len(d) == 1:
            incoming[d[0]] = incoming.get(d[0], 0) + 1

    classes, ids, names = [], {}, {}
    for o in old.classes:
        dest = dests[o.name]
        m = cm.matches.get(o.name)
        entry = {"from": _ref(o), "to": [_ref(new.by_name[d]) for d in dest]}
        if not dest and o.name in cm.id_taken:  # never guess a rename: review
            taker = cm.id_taken[o.name]
            entry.update(kind="retire", lossless=False, fallback="review", declared=False)
            review.append({"kind": "undeclared-rename", "subject": f"class:{o.name}",
                           "message": f"id {o.id} was {o.name!r} and is {taker.name!r} now, "
                                      "without a declared alias: not migrated; declare "
                                      f"`aliases: [{o.name}]` if it is the same class"})
        elif not dest:
            entry.update(kind="retire", lossless=False, fallback="drop")
            review.append({"kind": "retired", "subject": f"class:{o.name}",
                           "message": f"labels of {o.name!r} (id {o.id}) have no class in "
                                      f"{new.spec.project.version}; migrate drops them"})
        elif len(dest) > 1:
            keeps = m is not None and o.name in new.by_name
            entry.update(kind="split", lossless=False, fallback="parent" if keeps and all(
                new.by_name[d].parent == m.new.name for d in dest) else "review")
            review.append({"kind": "split", "subject": f"class:{o.name}",
                           "message": f"labels of {o.name!r} must be split into "
                                      f"{', '.join(map(repr, dest))} by a person"})
        else:
            n = new.by_name[dest[0]]
            if incoming.get(n.name, 0) > 1 and n.name != o.name:
                kind = "merge"
            elif n.name != o.name:
                kind = "rename"
            elif n.id != o.id:
                kind = "renumber"
            elif (cm.new_name(o.parent) if o.parent else None) != n.parent:
                kind = "move"
            else:
                kind = "identity"
            entry.update(kind=kind, lossless=kind != "merge", fallback=None)
            ids[o.id] = n.id
            names[o.name] = n.name
        classes.append(entry)
    # aliases of the new spec resolve too (name-keyed deliveries made with old aliases)
    for o in old.classes:
        for a in o.aliases:
            if o.name in names and a not in names:
                names[a] = names[o.name]

    carved: dict[str, list[str]] = {}
    for n in new.classes:
        for src in n.carved_from:
            carved.setdefault(src, []).append(n.name)
            review.append({"kind": "carved-out", "subject": f"class:{n.name}",
                           "message": f"old labels of {src!r} may hold {n.name!r} "
                                      "(carved out): review them"})

    attributes: dict[str, dict] = {}
    for name in sorted(set(old.attributes) | set(new.attributes)):
        a, b = old.attributes.get(name), new.attributes.get(name)
        if a is None:
            attributes[name] = {"kind": "added", "required": b.required, "default": b.default}
            if b.required and b.default is None:
                review.append({"kind": "required-attribute", "subject": f"attribute:{name}",
                               "message": f"required attribute {name!r} is new and has no "
                                          "default: old labels need a value"})
        elif b is None:
            attributes[name] = {"kind": "removed"}
        else:
            entry = {"kind": "identity" if a == b else "changed", "required": b.required,
                     "default": b.default}
            if a.type != b.type:
                entry["kind"] = "retyped"
                review.append({"kind": "attribute-type", "subject": f"attribute:{name}",
                               "message": f"attribute {name!r} changed type "
                                          f"{a.type} -> {b.type}: values need review"})
            elif a.type == "enum":
                vb = set(b.value_names)
                entry["values"] = {v: (v if v in vb else None) for v in a.value_names}
                for v in a.value_names:
                    if v not in vb:
                        review.append({"kind": "enum-value", "subject": f"attribute:{name}",
                                       "message": f"value {v!r} of {name!r} no longer exists; "
                                                  "migrate clears it"})
            if b.required and not a.required and b.default is None:
                review.append({"kind": "required-attribute", "subject": f"attribute:{name}",
                               "message": f"attribute {name!r} is now required and has no "
                                          "default: old labels without it need a value"})
            attributes[name] = entry

    keypoints: dict[str, dict] = {}
    for name, b in sorted(new.keypoint_schemas.items()):
        a = old.keypoint_schemas.get(name)
        if a is None:
            continue
        keypoints[name] = {
            "points": list(b.points),
            "permutation": [a.points.index(p) if p in a.points else -1 for p in b.points],
            "added": [p for p in b.points if p not in a.points],
            "removed": [p for p in a.points if p not in b.points],
            "flip_idx": list(b.flip_idx),
        }

    destinations = {d for ds in dests.values() for d in ds}
    new_classes = [c.name for c in new.classes
                   if c.name not in cm.matched_new and not c.deprecated
                   and c.name not in destinations]
    loosened = sorted(ch.details.get("rule") for ch in changes
                      if ch.code in ("D402", "D404") and ch.details.get("rule"))
    return {
        "guidec_migration": MAP_FORMAT,
        "guidec": __version__,
        "direction": "forward",
        "from": {"project": old.spec.project.id, "version": old.spec.project.version,
                 "sha256": spec_hash(old)},
        "to": {"project": new.spec.project.id, "version": new.spec.project.version,
               "sha256": spec_hash(new)},
        "classes": classes,
        "ids": ids,
        "names": names,
        "retired_ids": sorted(set(new.spec.retired.ids)),
        "attributes": attributes,
        "keypoints": keypoints,
        "coverage": {"new_classes": new_classes, "carved_out": carved,
                     "loosened_rules": loosened},
        "review": review,
    }


def dump_map(mapping: dict, fmt: str = "yaml") -> str:
    if fmt == "json":
        return json.dumps(mapping, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    import yaml

    return yaml.safe_dump(mapping, sort_keys=True, allow_unicode=True, width=100)
