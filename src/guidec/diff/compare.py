"""Compare two resolved projects: every difference becomes one classified :class:`Change`.

Class identity: a class of the old spec is the class of the new spec with the same id, then
(if the id is gone or now names something else) the class with the same name, then the class
that declares the old name in ``aliases``. guidec never guesses a rename: a class that only
*looks* like a removed one (same colour, same definition) earns a hint, not a match.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from guidec.diagnostics import Severity
from guidec.diff.kinds import Change, make
from guidec.spec import check_keywords
from guidec.view import Project, ResolvedClass


# --------------------------------------------------------------------------- class matching
@dataclass(frozen=True, slots=True)
class Match:
    old: ResolvedClass
    new: ResolvedClass
    by: str  # 'id' | 'name' | 'alias'


@dataclass
class ClassMatching:
    matches: dict[str, Match] = field(default_factory=dict)  # old name -> match
    unmatched_old: list[ResolvedClass] = field(default_factory=list)
    matched_new: set[str] = field(default_factory=set)  # new names that some old class maps to
    # old name -> the new class that now holds its id under another, undeclared name
    id_taken: dict[str, ResolvedClass] = field(default_factory=dict)

    def new_name(self, old_name: str) -> str | None:
        m = self.matches.get(old_name)
        return m.new.name if m else None


def match_classes(old: Project, new: Project) -> ClassMatching:
    out = ClassMatching()
    new_by_id, new_by_name, new_by_alias = new.by_id, new.by_name, new.by_alias
    for o in old.classes:
        n = new_by_id.get(o.id)
        m: Match | None = None
        if n is not None and (n.name == o.name or o.name in n.aliases or n.name in o.aliases):
            m = Match(o, n, "id")
        elif o.name in new_by_name:
            m = Match(o, new_by_name[o.name], "name")
        elif o.name in new_by_alias:
            m = Match(o, new_by_alias[o.name], "alias")
        if m is None:
            if n is not None and n.name not in old.by_name:
                # same id, a name the old spec never had, no alias: an undeclared rename or
                # an id reused; never guessed, reported (D105)
                out.id_taken[o.name] = n
            out.unmatched_old.append(o)
        else:
            out.matches[o.name] = m
            out.matched_new.add(m.new.name)
    return out


# --------------------------------------------------------------------------- entry point
def diff_projects(old: Project, new: Project) -> list[Change]:
    """Every change from ``old`` to ``new``, classified (empty when they are equivalent)."""
    cm = match_classes(old, new)
    changes: list[Change] = []
    changes += _project(old, new)
    changes += _classes(old, new, cm)
    changes += _attributes(old, new, cm)
    changes += _keypoint_schemas(old, new)
    changes += _rules(old, new, cm)
    changes += _media(old, new)
    changes += _qa(old, new)
    changes += _exports_splits(old, new)
    return changes


# --------------------------------------------------------------------------- project
def _project(old: Project, new: Project) -> Iterator[Change]:
    po, pn = old.spec.project, new.spec.project
    if po.id != pn.id:
        yield make("D003", f"project id changed from {po.id!r} to {pn.id!r}", "project",
                   path=("project", "id"))
    for f in ("title", "summary", "description", "owners", "license"):
        if getattr(po, f) != getattr(pn, f):
            yield make("D901", f"project {f} changed", "project", path=("project", f))


# --------------------------------------------------------------------------- classes
def _cls_label(c: ResolvedClass) -> str:
    return f"{c.name!r} (id {c.id})"


def _classes(old: Project, new: Project, cm: ClassMatching) -> Iterator[Change]:
    new_retired_ids = set(new.spec.retired.ids)
    new_retired_names = set(new.spec.retired.names)
    old_retired_ids = set(old.spec.retired.ids)

    # sources per new class, to tell merges from renames
    sources: dict[str, list[Match]] = {}
    for m in cm.matches.values():
        sources.setdefault(m.new.name, []).append(m)

    # -- matched pairs
    for m in cm.matches.values():
        yield from _class_pair(old, new, m, cm, sources)

    # -- old classes with no counterpart
    matched_new_ids = {m.new.id for m in cm.matches.values()}
    unmatched_new = [c for c in new.classes if c.name not in cm.matched_new]
    for o in cm.unmatched_old:
        subject = f"class:{o.name}"
        path = (*o.spec_path, "name")
        cap = Severity.INFO if o.experimental else None
        dest = [cm.new_name(r) or r for r in old.final_replacement(o.name)]
        dest = [d for d in dest if d in new.by_name]
        retired = o.id in new_retired_ids or o.name in new_retired_names
        if o.deprecated and (retired or dest):
            where = f"; its labels go to {', '.join(map(repr, dest))}" if dest else ""
            hint = None if retired else (f"add id {o.id} to `retired.ids` so it is never "
                                         "reused")
            yield make("D103", f"deprecated class {_cls_label(o)} was removed{where}",
                       subject, side="old", path=path, hint=hint, cap=cap,
                       details={"old": o.name, "to": dest, "retired": retired})
            continue
        taker = cm.id_taken.get(o.name)
        if taker is not None:
            yield make("D105", f"id {o.id} was {o.name!r} and is now {taker.name!r}, which "
                       f"does not declare {o.name!r} in `aliases`", subject, side="new",
                       path=(*taker.spec_path, "name"), cap=cap,
                       hint=f"a rename? add `aliases: [{o.name}]` to {taker.name!r}; a "
                            f"different class? give {taker.name!r} a fresh id and retire {o.id}",
                       details={"old": o.name, "new": taker.name, "id": o.id})
            continue
        hint = _rename_hint(o, unmatched_new)
        if retired:
            hint = ((hint + "; ") if hint else "") + ("its id is retired, but the old spec did "
                                                      "not deprecate it first")
        yield make("D102", f"class {_cls_label(o)} was removed and the new spec does not say "
                   "where its labels go", subject, side="old", path=path, cap=cap,
                   hint=hint or "keep it with `deprecated: true` and `replaced_by`, or list "
                   "its name in another class's `aliases`",
                   details={"old": o.name})

    # -- new classes with no old counterpart (split targets are reported with their split)
    old_ids = old.by_id
    split_targets = {r for m in cm.matches.values() if m.new.deprecated
                     for r in m.new.replaced_by}
    taken_ids = {o.id for o in cm.unmatched_old if o.name in cm.id_taken}
    for n in unmatched_new:
        subject = f"class:{n.name}"
        if ((n.id in old_ids and n.id not in matched_new_ids) or n.id in old_retired_ids) \
                and n.id not in taken_ids:
            prev = old_ids.get(n.id)
            was = f"class {prev.name!r}" if prev else "a retired class"
            yield make("D107", f"new class {_cls_label(n)} reuses the id of {was} of the old "
                       "spec", subject, path=(*n.spec_path, "id"),
                       hint="give the new class a fresh id; old deliveries still carry this "
                            "one")
        if n.name in split_targets and not n.carved_from:
            continue
        if n.carved_from:
            sources_ = [s for s in n.carved_from if s in new.by_name]
            under = n.parent is not None and n.parent in sources_
            yield make("D110", f"class {_cls_label(n)} is carved out of "
                       f"{', '.join(map(repr, n.carved_from))}: old labels of those classes "
                       "may hold it", subject, path=(*n.spec_path, "carved_from"),
                       impact="WEW" if under else None,
                       cap=Severity.INFO if n.experimental else None,
                       details={"new": n.name, "from": list(n.carved_from)})
            continue
        if n.deprecated:  # added already deprecated: nothing can have used it
            yield make("D901", f"class {_cls_label(n)} added as deprecated", subject,
                       path=n.spec_path)
            continue
        yield make("D101", f"class {_cls_label(n)} was added"
                   + (f" under {n.parent!r}" if n.parent else ""), subject,
                   path=(*n.spec_path, "name"),
                   impact="III" if n.experimental else None,
                   details={"new": n.name})


def _rename_hint(o: ResolvedClass, candidates: list[ResolvedClass]) -> str | None:
    for n in candidates:
        same_color = o.color_given and n.color_given and o.color == n.color
        same_def = bool(o.definition) and o.definition == n.definition
        if same_color or same_def:
            why = "same colour" if same_color else "same definition"
            return (f"it looks like a rename to {n.name!r} ({why}); if so, declare "
                    f"`aliases: [{o.name}]` on {n.name!r}")
    return None


def _class_pair(old: Project, new: Project, m: Match, cm: ClassMatching,
                sources: dict[str, list[Match]]) -> Iterator[Change]:
    o, n = m.old, m.new
    subject = f"class:{n.name}"
    cap = Severity.INFO if (o.experimental and n.experimental) else None

    def ch(code: str, message: str, field_: str | None = None, **kw) -> Change:
        path = (*n.spec_path, field_) if field_ else n.spec_path
        kw.setdefault("cap", cap)
        return make(code, message, subject, path=path, **kw)

    # identity
    merged = len(sources.get(n.name, ())) > 1
    if m.by in ("name", "alias") and o.id != n.id and not merged:
        yield ch("D106", f"class {o.name!r} changed id from {o.id} to {n.id}"
                 + (f" (now named {n.name!r})" if n.name != o.name else ""), "id",
                 details={"old_id": o.id, "new_id": n.id})
    if merged and m.by != "id":
        yield ch("D109", f"class {o.name!r} (id {o.id}) was merged into {_cls_label(n)}",
                 "aliases", details={"old": o.name, "new": n.name})
        return  # the merged class's own fields are not the destination's
    if m.by == "id" and o.name != n.name:
        yield ch("D104", f"class {o.name!r} (id {o.id}) was renamed to {n.name!r}", "name",
                 details={"old": o.name, "new": n.name})

    # hierarchy
    old_parent = cm.new_name(o.parent) if o.parent else None
    if old_parent != n.parent:
        yield ch("D111", f"class {n.name!r} moved from "
                 f"{('under ' + repr(o.parent)) if o.parent else 'the top level'} to "
                 f"{('under ' + repr(n.parent)) if n.parent else 'the top level'}")

    # lifecycle
    if not o.deprecated and n.deprecated:
        if len(n.replaced_by) > 1:
            abstract = all(new.by_name[r].parent == n.name for r in n.replaced_by
                           if r in new.by_name)
            yield ch("D108", f"class {n.name!r} was split into "
                     f"{', '.join(map(repr, n.replaced_by))}", "replaced_by",
                     impact="WEE" if abstract else None,
                     details={"old": o.name, "to": list(n.replaced_by)})
        else:
            where = f"; labels go to {n.replaced_by[0]!r}" if n.replaced_by else ""
            yield ch("D112", f"class {n.name!r} is deprecated{where}", "deprecated",
                     details={"old": o.name, "to": list(n.replaced_by)})
    elif o.deprecated and not n.deprecated:
        yield ch("D113", f"class {n.name!r} is no longer deprecated", "deprecated")
    elif o.deprecated and n.deprecated:
        mapped = tuple(cm.new_name(r) or r for r in o.replaced_by)
        if mapped != n.replaced_by:
            if len(n.replaced_by) > 1 and len(o.replaced_by) <= 1:
                yield ch("D108", f"deprecated class {n.name!r} is now split into "
                         f"{', '.join(map(repr, n.replaced_by))}", "replaced_by",
                         details={"old": o.name, "to": list(n.replaced_by)})
            else:
                yield ch("D126", f"labels of deprecated class {n.name!r} now go to "
                         f"{', '.join(map(repr, n.replaced_by)) or 'nowhere'}", "replaced_by")
    if not o.experimental and n.experimental:
        yield make("D121", f"class {n.name!r} is now experimental", subject,
                   path=(*n.spec_path, "experimental"))
    elif o.experimental and not n.experimental:
        yield make("D122", f"class {n.name!r} is now stable", subject,
                   path=(*n.spec_path, "experimental"))

    # presentation
    if o.color != n.color and (o.color_given or n.color_given):  # assigned ones follow names
        yield ch("D114", f"class {n.name!r} colour changed from {o.color} to {n.color}",
                 "color" if n.color_given else None)
    if o.hotkey != n.hotkey:
        yield ch("D115", f"class {n.name!r} hotkey changed from {o.hotkey!r} to {n.hotkey!r}",
                 "hotkey")
    if o.title != n.title and not (o.title == o.name and n.title == n.name):
        yield ch("D118", f"class {n.name!r} title changed from {o.title!r} to {n.title!r}",
                 "title")
    if o.definition != n.definition:
        yield ch("D116", f"class {n.name!r} definition changed", "definition",
                 hint="if the boundary of the class moved, say so in include/exclude")
    for f in ("include", "exclude"):
        a, b = getattr(o, f), getattr(n, f)
        if a != b:
            added = [x for x in b if x not in a]
            removed = [x for x in a if x not in b]
            if added or removed:
                parts = ([f"+{len(added)}"] if added else []) + (
                    [f"-{len(removed)}"] if removed else [])
                yield ch("D117", f"class {n.name!r} {f} list changed ({' '.join(parts)})", f,
                         details={"added": added, "removed": removed})
            else:
                yield ch("D901", f"class {n.name!r} {f} list reordered", f)
    if o.examples != n.examples:
        yield ch("D901", f"class {n.name!r} examples changed", "examples")
    if o.since != n.since:
        yield ch("D901", f"class {n.name!r} `since` changed", "since")
    for a in n.aliases:
        if a not in o.aliases and a not in old.by_name:  # old names: declared renames/merges
            yield ch("D119", f"class {n.name!r} gained alias {a!r}", "aliases")
    for a in o.aliases:
        if a not in n.aliases and a != n.name:
            yield ch("D120", f"class {n.name!r} lost alias {a!r}", "aliases",
                     hint=f"deliveries naming {a!r} no longer resolve; keep the alias "
                          "unless no delivery uses it")

    # semantics for models and evaluation
    if o.instances != n.instances:
        yield ch("D123", f"class {n.name!r} instances changed from {o.instances} to "
                 f"{n.instances}", "instances")
    if o.ignore_in_eval != n.ignore_in_eval or o.train_id != n.train_id:
        yield ch("D124", f"class {n.name!r} evaluation changed (ignore_in_eval "
                 f"{o.ignore_in_eval} -> {n.ignore_in_eval}, train_id {o.train_id} -> "
                 f"{n.train_id})")
    old_category = o.category
    if o.model.category is None and o.category is not None:  # derived from the root ancestor
        old_category = cm.new_name(o.category) or o.category
    if old_category != n.category:
        yield ch("D125", f"class {n.name!r} category changed from {o.category!r} to "
                 f"{n.category!r}", "category")

    # geometry
    added = [s for s in n.shapes if s not in o.shapes]
    removed = [s for s in o.shapes if s not in n.shapes]
    for s in added:
        yield ch("D301", f"class {n.name!r} now allows {s}", "shapes")
    for s in removed:
        derivable = "box" in n.shapes and s in ("polygon", "mask", "rotated_box")
        yield ch("D302", f"class {n.name!r} no longer allows {s}"
                 + (" (derivable: converts to box)" if derivable else ""), "shapes",
                 impact="WEE" if derivable else None, details={"shape": s})

    # keypoints and text
    if o.keypoints != n.keypoints:
        yield ch("D310", f"class {n.name!r} keypoint schema changed from {o.keypoints!r} to "
                 f"{n.keypoints!r}", "keypoints")
    if o.text_region != n.text_region:
        yield ch("D311", f"class {n.name!r} text region changed", "text_region",
                 impact=_text_region_impact(o, n))

    # attributes carried
    for a in n.attributes:
        if a not in o.attributes and a in old.attributes:
            attr = new.attributes[a]
            imp = ("EIW" if attr.default is None else "WIW") if attr.required else None
            yield ch("D215", f"class {n.name!r} now carries attribute {a!r}"
                     + (" (required)" if attr.required else ""), "attributes",
                     impact=imp, details={"attribute": a})
    for a in o.attributes:
        if a not in n.attributes and a in new.attributes:
            yield ch("D216", f"class {n.name!r} no longer carries attribute {a!r}",
                     "attributes", details={"attribute": a})


def _text_region_impact(o: ResolvedClass, n: ResolvedClass) -> str | None:
    a, b = o.text_region, n.text_region
    order = {"none": 0, "optional": 1, "required": 2}
    ta = order[a.transcription] if a else 0
    tb = order[b.transcription] if b else 0
    if tb == 2 and ta < 2:
        return "EIW"
    return None


# --------------------------------------------------------------------------- attributes
def _classes_with(project: Project, attr: str) -> list[str]:
    return [c.name for c in project.classes if attr in c.attributes]


def _attributes(old: Project, new: Project, cm: ClassMatching) -> Iterator[Change]:
    oa, na = old.attributes, new.attributes
    for name, a in na.items():
        if name in oa:
            continue
        subject = f"attribute:{name}"
        path = ("attributes", name)
        users = _classes_with(new, name)
        on = f" on {', '.join(map(repr, users[:5]))}{'...' if len(users) > 5 else ''}" \
            if users else (" (image level)" if a.scope == "image" else "")
        if a.required and a.default is None:
            yield make("D202", f"required attribute {name!r} added{on}, without a default",
                       subject, path=path, hint="give it a `default` so old labels can be "
                       "backfilled", details={"attribute": name, "classes": users})
        elif a.required:
            yield make("D203", f"required attribute {name!r} added{on}, default "
                       f"{a.default!r}", subject, path=path,
                       details={"attribute": name, "classes": users, "default": a.default})
        else:
            yield make("D201", f"optional attribute {name!r} added{on}", subject, path=path,
                       details={"attribute": name, "classes": users})
    for name in oa:
        if name not in na:
            yield make("D204", f"attribute {name!r} removed", f"attribute:{name}",
                       side="old", path=("attributes", name),
                       details={"attribute": name})
    for name, a in oa.items():
        b = na.get(name)
        if b is None or a == b:
            continue
        yield from _attribute_pair(name, a, b)


def _attribute_pair(name: str, a, b) -> Iterator[Change]:
    subject = f"attribute:{name}"
    base = ("attributes", name)

    def ch(code: str, message: str, f: str | None = None, **kw) -> Change:
        return make(code, message, subject, path=(*base, f) if f else base, **kw)

    if a.type != b.type:
        widening = (a.type, b.type) == ("integer", "number")
        yield ch("D205", f"attribute {name!r} type changed from {a.type} to {b.type}", "type",
                 impact="WWW" if widening else None)
        return  # values, ranges and the like are not comparable across types
    if a.scope != b.scope:
        yield ch("D218", f"attribute {name!r} scope changed from {a.scope} to {b.scope}",
                 "scope")
    if a.multiple != b.multiple:
        yield ch("D214", f"attribute {name!r} multiple changed from {a.multiple} to "
                 f"{b.multiple}", "multiple")
    if not a.required and b.required:
        yield ch("D206", f"attribute {name!r} is now required"
                 + (f" (default {b.default!r})" if b.default is not None else ""), "required",
                 impact="WIW" if b.default is not None else None)
    elif a.required and not b.required:
        yield ch("D207", f"attribute {name!r} is now optional", "required")
    if a.type == "enum":
        va, vb = a.value_names, b.value_names
        for v in vb:
            if v not in va:
                yield ch("D208", f"attribute {name!r} gained value {v!r}", "values",
                         details={"value": v})
        for v in va:
            if v not in vb:
                yield ch("D209", f"attribute {name!r} lost value {v!r}", "values",
                         details={"value": v})
        if va == vb and a.values != b.values:
            yield ch("D901", f"attribute {name!r} value descriptions changed", "values")
    if a.type in ("integer", "number"):
        narrowed, widened = [], []
        for f, lower_is_wider in (("min", True), ("max", False)):
            x, y = getattr(a, f), getattr(b, f)
            if x == y:
                continue
            if x is None:
                narrowed.append(f"{f} {y}")
            elif y is None:
                widened.append(f"no {f}")
            elif (y < x) == lower_is_wider:
                widened.append(f"{f} {x} -> {y}")
            else:
                narrowed.append(f"{f} {x} -> {y}")
        if a.step != b.step:
            x, y = a.step, b.step
            finer = y is None or (x is not None and x % y == 0)
            (widened if finer else narrowed).append(f"step {x} -> {y}")
        if narrowed:
            yield ch("D210", f"attribute {name!r} range narrowed: {', '.join(narrowed)}")
        if widened:
            yield ch("D211", f"attribute {name!r} range widened: {', '.join(widened)}")
    if a.type == "text" and (a.pattern, a.min_length, a.max_length) != (
            b.pattern, b.min_length, b.max_length):
        yield ch("D213", f"attribute {name!r} text constraints changed", "pattern")
    if a.default != b.default:
        yield ch("D212", f"attribute {name!r} default changed from {a.default!r} to "
                 f"{b.default!r}", "default")
    if a.when != b.when:
        yield ch("D217", f"attribute {name!r} condition changed from {a.when!r} to "
                 f"{b.when!r}", "when")
    if a.mutable != b.mutable:
        yield ch("D901", f"attribute {name!r} mutable changed", "mutable",
                 impact="IIW")
    if (a.title, a.description) != (b.title, b.description):
        yield ch("D901", f"attribute {name!r} title or description changed")


# --------------------------------------------------------------------------- keypoints
def _keypoint_schemas(old: Project, new: Project) -> Iterator[Change]:
    used_old = {c.keypoints for c in old.classes if c.keypoints}
    used_new = {c.keypoints for c in new.classes if c.keypoints}
    for name in new.keypoint_schemas:
        if name not in old.keypoint_schemas and name not in used_new:
            yield make("D312", f"keypoint schema {name!r} added", f"keypoints:{name}",
                       path=("keypoint_schemas", name))
    for name in old.keypoint_schemas:
        if name not in new.keypoint_schemas and name not in used_old:
            yield make("D312", f"keypoint schema {name!r} removed", f"keypoints:{name}",
                       side="old", path=("keypoint_schemas", name))
    for name, a in old.keypoint_schemas.items():
        b = new.keypoint_schemas.get(name)
        if b is None or a.model == b.model:
            continue
        subject = f"keypoints:{name}"
        base = ("keypoint_schemas", name)
        added = [p for p in b.points if p not in a.points]
        removed = [p for p in a.points if p not in b.points]
        common_a = [p for p in a.points if p in b.points]
        common_b = [p for p in b.points if p in a.points]
        perm = [a.points.index(p) if p in a.points else -1 for p in b.points]
        det = {"schema": name, "permutation": perm}
        if added:
            yield make("D303", f"keypoint schema {name!r} added {', '.join(added)}", subject,
                       path=(*base, "points"), details={**det, "added": added})
        if removed:
            yield make("D304", f"keypoint schema {name!r} removed {', '.join(removed)}",
                       subject, path=(*base, "points"), details={**det, "removed": removed})
        if common_a != common_b:
            yield make("D305", f"keypoint schema {name!r} points reordered", subject,
                       path=(*base, "points"), details=det)
        flip_a = {frozenset(x) for x in a.model.flip}
        flip_b = {frozenset(x) for x in b.model.flip}
        if flip_a != flip_b:
            yield make("D306", f"keypoint schema {name!r} flip pairs changed", subject,
                       path=(*base, "flip"))
        if {frozenset(x) for x in a.model.skeleton} != {frozenset(x) for x in b.model.skeleton}:
            yield make("D307", f"keypoint schema {name!r} skeleton changed", subject,
                       path=(*base, "skeleton"))
        if a.visibility != b.visibility:
            yield make("D308", f"keypoint schema {name!r} visibility changed from "
                       f"{a.visibility} to {b.visibility}", subject, path=(*base, "visibility"))
        if a.model.sigmas != b.model.sigmas:
            yield make("D309", f"keypoint schema {name!r} sigmas changed", subject,
                       path=(*base, "sigmas"))
        if a.model.description != b.model.description:
            yield make("D901", f"keypoint schema {name!r} description changed", subject,
                       path=(*base, "description"))


# --------------------------------------------------------------------------- rules
_SEV = {"info": 0, "warning": 1, "error": 2}


def _rules(old: Project, new: Project, cm: ClassMatching) -> Iterator[Change]:
    ro, rn = old.rules_by_id, new.rules_by_id
    for rid, r in rn.items():
        if rid not in ro:
            yield make("D401", f"rule {rid!r} added: {r.title}", f"rule:{rid}",
                       path=r.spec_path, details={"rule": rid})
    for rid, r in ro.items():
        if rid not in rn:
            yield make("D402", f"rule {rid!r} removed: {r.title}", f"rule:{rid}", side="old",
                       path=r.spec_path, details={"rule": rid})
    for rid, a in ro.items():
        b = rn.get(rid)
        if b is None:
            continue
        tighter, looser, other = _rule_delta(a, b, cm)
        subject = f"rule:{rid}"
        det = {"rule": rid, "tighter": tighter, "looser": looser, "other": other}
        if tighter and not looser and not other:
            yield make("D403", f"rule {rid!r} tightened: {', '.join(tighter)}", subject,
                       path=b.spec_path, details=det)
        elif looser and not tighter and not other:
            yield make("D404", f"rule {rid!r} loosened: {', '.join(looser)}", subject,
                       path=b.spec_path, details=det)
        elif tighter or looser or other:
            yield make("D405", f"rule {rid!r} changed: {', '.join(tighter + looser + other)}",
                       subject, path=b.spec_path, details=det)
        ma, mb = a.model, b.model
        if (ma.title, ma.guideline, ma.examples, ma.review) != (
                mb.title, mb.guideline, mb.examples, mb.review):
            yield make("D901", f"rule {rid!r} guideline, title or examples changed", subject,
                       path=b.spec_path)


def _rule_delta(a, b, cm: ClassMatching) -> tuple[list[str], list[str], list[str]]:
    tighter: list[str] = []
    looser: list[str] = []
    other: list[str] = []
    ca = {cm.new_name(c) or c for c in a.classes}
    cb = set(b.classes)
    if a.applies_to_all and b.applies_to_all:
        ca = cb  # '*' stays '*': classes added or removed are reported as such
    elif b.applies_to_all and not a.applies_to_all:
        tighter.append("applies to every class")
        ca = cb
    elif a.applies_to_all and not b.applies_to_all:
        looser.append("no longer applies to every class")
        ca = cb
    if cb - ca:
        tighter.append(f"applies to {len(cb - ca)} more class(es)")
    if ca - cb:
        looser.append(f"applies to {len(ca - cb)} fewer class(es)")
    if _SEV[b.severity] > _SEV[a.severity]:
        tighter.append(f"severity {a.severity} -> {b.severity}")
    elif _SEV[b.severity] < _SEV[a.severity]:
        looser.append(f"severity {a.severity} -> {b.severity}")
    ka = a.model.check.model_dump(exclude_none=True, by_alias=True) if a.model.check else {}
    kb = b.model.check.model_dump(exclude_none=True, by_alias=True) if b.model.check else {}
    same = lambda x, y: cm.new_name(x) == y  # noqa: E731 - a renamed container class
    sink = {"tighter": tighter, "looser": looser, "other": other}
    for key in sorted(set(ka) | set(kb)):
        x, y = _plain_num(ka.get(key)), _plain_num(kb.get(key))
        moved = check_keywords.compare(key, x, y, attribute=ka.get("attribute"),
                                       same_class=same)
        if moved is not None:
            sink[moved[0]].append(moved[1])
    return tighter, looser, other


def _plain_num(v):
    return int(v) if isinstance(v, float) and v.is_integer() else v


# --------------------------------------------------------------------------- media
def _media(old: Project, new: Project) -> Iterator[Change]:
    a, b = old.spec.media, new.spec.media
    subject = "media"
    if a.labeling_resolution != b.labeling_resolution:
        finer = b.labeling_resolution == "original"
        yield make("D501" if finer else "D502", f"labeling resolution changed from "
                   f"{a.labeling_resolution} to {b.labeling_resolution}", subject,
                   path=("media", "labeling_resolution"))
    elif b.labeling_resolution == "proxy" and a.proxy_max_side != b.proxy_max_side:
        x, y = a.proxy_max_side, b.proxy_max_side
        finer = x is not None and (y is None or y > x)
        yield make("D501" if finer else "D502", f"proxy size changed from {x} to {y}",
                   subject, path=("media", "proxy_max_side"))
    if a.coordinates != b.coordinates:
        yield make("D503", f"delivery coordinates changed from {a.coordinates} to "
                   f"{b.coordinates}", subject, path=("media", "coordinates"))
    for f in ("formats", "min_image_size", "max_image_size", "image_sizes", "tiling", "color",
              "jpeg_quality_min", "deidentified"):
        if getattr(a, f) != getattr(b, f):
            yield make("D504", f"media {f} changed from {_short(getattr(a, f))} to "
                       f"{_short(getattr(b, f))}", subject, path=("media", f))


def _short(v: Any) -> str:
    if hasattr(v, "model_dump"):
        v = v.model_dump(exclude_defaults=True)
    text = repr(v)
    return text if len(text) <= 60 else text[:57] + "..."


# --------------------------------------------------------------------------- QA
def _qa(old: Project, new: Project) -> Iterator[Change]:
    a, b = old.spec.qa, new.spec.qa

    def cmp(label: str, path: tuple, x, y, higher_is_tighter: bool = True) -> Iterable[Change]:
        if x == y:
            return
        if x is None:
            tighter = True
        elif y is None:
            tighter = False
        else:
            tighter = (y > x) == higher_is_tighter
        code = "D510" if tighter else "D511"
        yield make(code, f"QA {label} {x} -> {y}", "qa", path=path,
                   details={"field": label, "old": x, "new": y})

    for f in type(a.agreement).model_fields:
        yield from cmp(f"agreement.{f}", ("qa", "agreement", f), getattr(a.agreement, f),
                       getattr(b.agreement, f), higher_is_tighter=(f != "text_cer"))
    ga, gb = a.golden_set, b.golden_set
    yield from cmp("golden_set.min_accuracy", ("qa", "golden_set", "min_accuracy"),
                   ga.min_accuracy if ga else None, gb.min_accuracy if gb else None)
    yield from cmp("golden_set.size", ("qa", "golden_set", "size"),
                   ga.size if ga else None, gb.size if gb else None)
    aa, ab = a.audit, b.audit
    yield from cmp("audit.sample_rate", ("qa", "audit", "sample_rate"),
                   aa.sample_rate if aa else None, ab.sample_rate if ab else None)
    yield from cmp("audit.min_sample", ("qa", "audit", "min_sample"),
                   aa.min_sample if aa else None, ab.min_sample if ab else None)
    for k in sorted(set(a.max_error_rates) | set(b.max_error_rates)):
        yield from cmp(f"max_error_rates.{k}", ("qa", "max_error_rates", k),
                       a.max_error_rates.get(k), b.max_error_rates.get(k),
                       higher_is_tighter=False)
    yield from cmp("reviewers", ("qa", "reviewers"), a.reviewers, b.reviewers)
    if a.error_types != b.error_types:
        yield make("D901", "QA error types changed", "qa", path=("qa", "error_types"))


# --------------------------------------------------------------------------- exports, splits
def _exports_splits(old: Project, new: Project) -> Iterator[Change]:
    ea = {(e.format, e.variant) for e in old.spec.export_list}
    eb = {(e.format, e.variant) for e in new.spec.export_list}
    for f, v in sorted(eb - ea, key=str):
        yield make("D520", f"export {f}{'/' + v if v else ''} added", "exports",
                   path=("exports",))
    for f, v in sorted(ea - eb, key=str):
        yield make("D521", f"export {f}{'/' + v if v else ''} removed", "exports",
                   side="old", path=("exports",))
    sa, sb = old.spec.splits, new.spec.splits
    core = lambda s: (s.names, s.group_by, s.ratios) if s else None  # noqa: E731
    if core(sa) != core(sb):
        key = lambda s: (s.names, s.group_by) if s else None  # noqa: E731
        only_ratios = key(sa) == key(sb)
        yield make("D522", "split ratios changed" if only_ratios else "splits changed",
                   "splits", path=("splits",), impact="III" if only_ratios else None)
    yield from _plan(sa, sb)
    if old.spec.severity_overrides != new.spec.severity_overrides:
        yield make("D523", "validation severity overrides changed", "severity_overrides",
                   path=("severity_overrides",))
    ra, rb = old.spec.retired, new.spec.retired
    dropped = [str(i) for i in ra.ids if i not in rb.ids] + [
        n for n in ra.names if n not in rb.names]
    if dropped:
        yield make("D524", f"retired ids or names no longer listed: {', '.join(dropped)}",
                   "retired", path=("retired",))


# --------------------------------------------------------------------------- composition plan
def _plan(sa, sb) -> Iterator[Change]:
    """splits.priors, hard_negatives, strata: more asked (D525), less asked (D526), a target
    moved (D527); one change per prior, stratum or field."""
    def mk(code, msg, path, what, old_v=None, new_v=None):
        # a removal points into the old spec, where the removed entry still is
        return make(code, msg, "splits", path=path,
                    side="old" if code == "D526" and new_v is None else "new",
                    details={"field": what, "old": old_v, "new": new_v})

    pa = sa.priors if sa else {}
    pb = sb.priors if sb else {}
    for name in sorted(set(pa) | set(pb)):
        a, b = pa.get(name), pb.get(name)
        path = ("splits", "priors", name)
        if a == b:
            continue
        if a is None:
            yield mk("D525", f"class prior for {name!r} added", path, f"priors.{name}", None,
                     b.model_dump())
            continue
        if b is None:
            yield mk("D526", f"class prior for {name!r} removed", path, f"priors.{name}",
                     a.model_dump(), None)
            continue
        if (a.share, a.of) != (b.share, b.of):
            code = "D527" if a.share is not None and b.share is not None else (
                "D525" if b.share is not None else "D526")
            yield mk(code, f"prior share of {name!r} {a.share} of {a.of} -> {b.share} of "
                     f"{b.of}", (*path, "share"), f"priors.{name}.share", a.share, b.share)
        if a.tolerance != b.tolerance and a.share is not None and b.share is not None:
            yield mk("D525" if b.tolerance < a.tolerance else "D526",
                     f"prior tolerance of {name!r} {a.tolerance} -> {b.tolerance}",
                     (*path, "tolerance"), f"priors.{name}.tolerance", a.tolerance,
                     b.tolerance)
        splits = sorted(set(sa.names) | set(sb.names))
        for s in splits:
            x, y = _min_of(a, s), _min_of(b, s)
            if x != y:
                yield mk("D525" if (y or 0) > (x or 0) else "D526",
                         f"minimum of {name!r} in {s} {x} -> {y}", (*path, "min"),
                         f"priors.{name}.min.{s}", x, y)
    ha = sa.hard_negatives if sa else None
    hb = sb.hard_negatives if sb else None
    if ha != hb:
        path = ("splits", "hard_negatives")
        x, y = (ha.min_share if ha else None), (hb.min_share if hb else None)
        if x != y:
            yield mk("D525" if (y or 0) > (x or 0) else "D526",
                     f"hard_negatives.min_share {x} -> {y}", path, "hard_negatives.min_share",
                     x, y)
        if ha and hb and ha.mark != hb.mark:
            yield mk("D527", f"reviewed-empty mark {ha.mark!r} -> {hb.mark!r}",
                     (*path, "mark"), "hard_negatives.mark", ha.mark, hb.mark)
    sta = sa.strata if sa else {}
    stb = sb.strata if sb else {}
    for key in sorted(set(sta) | set(stb)):
        a, b = sta.get(key), stb.get(key)
        path = ("splits", "strata", key)
        if a == b:
            continue
        if a is None:
            yield mk("D525", f"stratum {key!r} added", path, f"strata.{key}", None,
                     b.model_dump())
        elif b is None:
            yield mk("D526", f"stratum {key!r} removed", path, f"strata.{key}",
                     a.model_dump(), None)
        else:
            if a.shares != b.shares:
                yield mk("D527", f"stratum {key!r} shares {a.shares} -> {b.shares}",
                         (*path, "shares"), f"strata.{key}.shares", a.shares, b.shares)
            if a.tolerance != b.tolerance:
                yield mk("D525" if b.tolerance < a.tolerance else "D526",
                         f"stratum {key!r} tolerance {a.tolerance} -> {b.tolerance}",
                         (*path, "tolerance"), f"strata.{key}.tolerance", a.tolerance,
                         b.tolerance)


def _min_of(prior, split: str) -> int | None:
    if prior.min is None:
        return None
    return prior.min.get(split) if isinstance(prior.min, dict) else prior.min
