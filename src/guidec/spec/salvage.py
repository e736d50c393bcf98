"""The valid rest of an invalid spec, so ``guidec check`` reports schema errors and the lint
findings of every independent part in one run (instead of fix, rerun, fix).

A spec that fails the spec language is loaded again; in each part an error lies in — a class
(the innermost one, children keep theirs), an attribute, a keypoint schema, a rule, or a
top-level section — the wrong keys are dropped, or when that is not enough (or a key the part
needs is wrong) the part is replaced by a minimal valid stand-in that keeps its name and id
when those are valid (so references to it still resolve), until the spec validates. The lint
then runs on that spec, and :meth:`Salvaged.hides` drops what it says about those parts:
every finding located in one, and every finding that names a part whose name was lost. Findings elsewhere are
reported as they would be once the broken parts are fixed — unless a fix changes what they
depend on, which is why this is only done for ``check``.
"""

from __future__ import annotations

import copy
import os
from dataclasses import dataclass, field

from pydantic import ValidationError

from guidec.diagnostics import Diagnostic, GuidecError, Path
from guidec.source import gc_paused, load_yaml
from guidec.spec.loader import (
    LoadedSpec,
    SourceMap,
    _check_format,
    _data_path,
    _merge_includes,
    _Segment,
)
from guidec.spec.model import Spec

ROUNDS = 8  # stand-ins of stand-ins: a part is replaced at most a few times


@dataclass
class Salvaged:
    loaded: LoadedSpec
    replaced: list[Path] = field(default_factory=list)  # parts with keys dropped or replaced
    names: set[str] = field(default_factory=set)  # names that no longer resolve

    def hides(self, d: Diagnostic) -> bool:
        path = tuple(d.path or ())
        if any(path[:len(p)] == p for p in self.replaced):
            return True
        return any(repr(n) in d.message for n in self.names)


def salvage(path: str) -> Salvaged | None:
    """The valid rest of the spec at ``path``, or None when there is none (YAML or include
    problems, a format version guidec does not read, or parts that cannot be replaced)."""
    shown = path
    folder = os.path.dirname(os.path.abspath(path))
    try:
        doc = load_yaml(path, display=shown)
    except GuidecError:
        return None
    if not isinstance(doc.data, dict):
        return None
    smap = SourceMap(shown, [_Segment((), shown, (), doc.positions)])
    data = dict(doc.data)
    diags: list[Diagnostic] = []
    _merge_includes(data, doc, folder, smap, diags, stack=[os.path.realpath(path)], files=[])
    _check_format(data, smap, diags)
    if diags:
        return None
    original = copy.deepcopy(data)
    out = Salvaged(LoadedSpec(None, smap, shown, folder, original, ()))  # type: ignore[arg-type]
    for _ in range(ROUNDS):
        try:
            with gc_paused():
                spec = Spec.model_validate(data)
        except ValidationError as exc:
            keys: dict[Path | None, set] = {}
            for e in exc.errors():
                p = _data_path(e["loc"], data)[0]
                u = _unit(p, data)
                keys.setdefault(u, set())
                if u is not None and len(p) > len(u):
                    keys[u].add(p[len(u)])
            if None in keys:
                return None
            # a part inside another replaced in this round goes with it
            units = [u for u in keys if not any(o != u and u[:len(o)] == o for o in keys)]
            if not all(_fix(u, keys[u], data, out) for u in units):
                return None
            continue
        out.loaded = LoadedSpec(spec, smap, shown, folder, original, ())
        return out
    return None


_LISTS = ("rules",)
_MAPS = ("attributes", "keypoint_schemas")


def _unit(path: Path, data: dict) -> Path | None:
    """The part of the spec an error at ``path`` lies in."""
    if not path:
        return None
    head = path[0]
    if head == "classes":
        unit: Path = ("classes",)
        cur = data.get("classes")
        i = 1
        while i < len(path) and isinstance(cur, list) and isinstance(path[i], int) \
                and 0 <= path[i] < len(cur):
            unit = path[:i + 1]
            node = cur[path[i]]
            if isinstance(node, dict) and i + 2 < len(path) and path[i + 1] == "children":
                cur, i = node.get("children"), i + 2
            else:
                break
        return unit
    if head in _LISTS and len(path) > 1 and isinstance(path[1], int):
        return path[:2]
    if head in _MAPS and len(path) > 1:
        return path[:2]
    return path[:1]


# Keys a part cannot do without: an error in one of them replaces the whole part.
_REQUIRED = {"classes": {"id", "name", "children"}, "attributes": {"type"},
             "keypoint_schemas": {"points"}, "rules": {"id"}}


def _fix(unit: Path, keys: set, data: dict, out: Salvaged) -> bool:
    """First try: drop only the keys of the part that are wrong (a class keeps its
    attributes, shapes and the rest); when the part fails again, or a required key is
    wrong, a stand-in (:func:`_replace`)."""
    parent, key = _parent(unit, data)
    node = parent[key] if parent is not None and _has(parent, key) else None
    required = _REQUIRED.get(unit[0], set()) if len(unit) > 1 else set()
    if (unit not in out.replaced and isinstance(node, dict) and keys
            and not keys & required and all(isinstance(k, str) and k in node for k in keys)):
        out.replaced.append(unit)
        for k in keys:
            del node[k]
        return True
    return _replace(unit, data, out)


def _has(parent, key) -> bool:
    if isinstance(parent, dict):
        return key in parent
    return isinstance(parent, list) and isinstance(key, int) and 0 <= key < len(parent)


def _replace(unit: Path, data: dict, out: Salvaged) -> bool:
    """Put a stand-in at ``unit``; False when the same part failed as a stand-in."""
    parent, key = _parent(unit, data)
    if parent is None or (isinstance(parent, list) and not _has(parent, key)):
        return False
    old = parent[key] if _has(parent, key) else None
    again = out.replaced.count(unit) > 1
    if out.replaced.count(unit) > 3:
        return False
    out.replaced.append(unit)
    head = unit[0]
    if head == "classes" and len(unit) > 1:
        old = old if isinstance(old, dict) else {}
        n = len(out.replaced)
        cid = old.get("id")
        name = old.get("name")
        kept = isinstance(name, str) and bool(name.strip()) and len(name) <= 64
        stand = {"id": cid if type(cid) is int and cid >= 0 else 10**9 + n,
                 "name": name if kept else f"invalid class {n}"}
        if not kept and isinstance(name, str):
            out.names.add(name)  # references to it no longer resolve: say nothing of them
        if not again and isinstance(old.get("children"), list):
            stand["children"] = old["children"]  # validated on their own
        parent[key] = stand
    elif head in _MAPS and len(unit) > 1:
        if again or not isinstance(key, str):
            out.names.add(str(key))
            del parent[key]  # the name itself is invalid
        else:
            parent[key] = {"type": "text"} if head == "attributes" else {"points": ["p"]}
    elif head in _LISTS and len(unit) > 1:
        old = old if isinstance(old, dict) else {}
        rid = old.get("id")
        parent[key] = {"id": rid if isinstance(rid, str) and not again else f"invalid-{key}",
                       "title": "invalid rule"}
    elif head == "project":
        parent[key] = {"id": "invalid", "title": "invalid", "version": "0.0.0"}
    elif head in ("classes", "attributes", "keypoint_schemas", "rules"):
        parent[key] = [] if head in ("classes", "rules") else {}
    else:
        parent.pop(key, None)  # a section with defaults (media, qa, exports, ...)
    return True


def _parent(unit: Path, data: dict):
    cur = data
    for part in unit[:-1]:
        if (isinstance(cur, dict) and part in cur) or (isinstance(cur, list) and isinstance(part, int) and 0 <= part < len(cur)):
            cur = cur[part]
        else:
            return None, None
    return cur, unit[-1]
