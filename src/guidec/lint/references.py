"""Lint rules about identity and references: ids, names, classes, attributes, schemas."""

from __future__ import annotations

from collections import defaultdict

from guidec.diagnostics import did_you_mean
from guidec.lint import lint_rule
from guidec.view import Project


@lint_rule("L101")
def duplicate_ids(project: Project):
    seen: dict[int, tuple[str, bool]] = {}
    for c in project.classes:
        if c.id in seen:
            other, other_deprecated = seen[c.id]
            if other_deprecated or c.deprecated:
                continue  # L103 reports ids of deprecated classes given to another class
            yield duplicate_ids.code(f"class id {c.id} of {c.name!r} is already used by "
                                     f"{other!r}", path=(*c.spec_path, "id"))
        else:
            seen[c.id] = (c.name, c.deprecated)


@lint_rule("L102")
def duplicate_names(project: Project):
    seen: dict[str, str] = {}
    for c in project.classes:
        key = c.name
        if key in seen:
            yield duplicate_names.code(f"class name {c.name!r} (id {c.id}) is already used "
                                       f"by class id {seen[key]}", path=(*c.spec_path, "name"))
        else:
            seen[key] = str(c.id)
    for c in project.classes:
        for i, alias in enumerate(c.aliases):
            if alias in project.by_name and alias != c.name:
                yield duplicate_names.code(
                    f"alias {alias!r} of {c.name!r} is the name of another class",
                    path=(*c.spec_path, "aliases", i))


@lint_rule("L103")
def retired_reused(project: Project):
    retired_ids = set(project.spec.retired.ids)
    retired_names = set(project.spec.retired.names)
    deprecated_ids: dict[int, str] = {}
    for c in project.classes:
        if c.deprecated:
            deprecated_ids.setdefault(c.id, c.name)
    for c in project.classes:
        holder = deprecated_ids.get(c.id)
        if holder is not None and holder != c.name:
            if c.deprecated:
                yield retired_reused.code(
                    f"deprecated classes {holder!r} and {c.name!r} share id {c.id}",
                    path=(*c.spec_path, "id"))
            else:
                yield retired_reused.code(
                    f"class {c.name!r} reuses id {c.id} of deprecated class {holder!r}; "
                    "old deliveries mean the deprecated class by it", path=(*c.spec_path, "id"))
        if c.id in retired_ids:
            yield retired_reused.code(f"class {c.name!r} uses retired id {c.id}",
                                      path=(*c.spec_path, "id"))
        if c.name in retired_names:
            yield retired_reused.code(f"class {c.name!r} uses a retired name",
                                      path=(*c.spec_path, "name"))


@lint_rule("L104")
def unknown_classes(project: Project):
    names = set(project.by_name)

    def msg(what: str, name: str) -> tuple[str, str | None]:
        guess = did_you_mean(name, names)
        return (f"{what} unknown class {name!r}" + (f" (did you mean {guess!r}?)" if guess
                                                      else ""), None)

    for r in project.rules:
        for i, target in enumerate(r.model.applies_to):
            if target != "*" and target not in names:
                text, _ = msg(f"rule {r.id!r} applies to", target)
                yield unknown_classes.code(text, path=(*r.spec_path, "applies_to", i))
        if r.model.check and r.model.check.inside and r.model.check.inside not in names:
            text, _ = msg(f"rule {r.id!r} checks 'inside'", r.model.check.inside)
            yield unknown_classes.code(text, path=(*r.spec_path, "check", "inside"))
    for ex in project.examples:
        for j, s in enumerate(ex.example.shapes):
            if s.class_ not in names:
                text, _ = msg("example shape draws", s.class_)
                yield unknown_classes.code(text, path=(*ex.spec_path, "shapes", j, "class"))
    for c in project.classes:
        for i, target in enumerate(c.replaced_by):
            if target not in names:
                text, _ = msg(f"{c.name!r} is replaced by", target)
                p = (*c.spec_path, "replaced_by") + ((i,) if len(c.replaced_by) > 1 and
                                                     isinstance(c.model.replaced_by, list) else ())
                yield unknown_classes.code(text, path=p)


@lint_rule("L105")
def unknown_attributes(project: Project):
    attrs = project.spec.attributes
    object_scoped = {n for n, a in attrs.items() if a.scope != "image"}
    for c in project.classes:
        listed = c.model.attributes
        if not listed or object_scoped.issuperset(listed):  # most classes: all fine
            continue
        for i, a in enumerate(listed):
            if a not in attrs:
                guess = did_you_mean(a, attrs)
                yield unknown_attributes.code(
                    f"class {c.name!r} lists unknown attribute {a!r}"
                    + (f" (did you mean {guess!r}?)" if guess else ""),
                    path=(*c.spec_path, "attributes", i))
            elif attrs[a].scope == "image":
                yield unknown_attributes.code(
                    f"attribute {a!r} is image-scoped; classes list only object attributes",
                    path=(*c.spec_path, "attributes", i))
    for name, a in attrs.items():
        for other in (a.when or {}):
            if other not in attrs:
                guess = did_you_mean(other, attrs)
                yield unknown_attributes.code(
                    f"attribute {name!r} depends on unknown attribute {other!r}"
                    + (f" (did you mean {guess!r}?)" if guess else ""),
                    path=("attributes", name, "when", other), at_key=True)
    for r in project.rules:
        ch = r.model.check
        if ch and ch.attribute and ch.attribute not in attrs:
            guess = did_you_mean(ch.attribute, attrs)
            yield unknown_attributes.code(
                f"rule {r.id!r} checks unknown attribute {ch.attribute!r}"
                + (f" (did you mean {guess!r}?)" if guess else ""),
                path=(*r.spec_path, "check", "attribute"))


@lint_rule("L106")
def unknown_schema(project: Project):
    schemas = project.spec.keypoint_schemas
    for c in project.classes:
        k = c.model.keypoints
        if k is not None and k not in schemas:
            guess = did_you_mean(k, schemas)
            yield unknown_schema.code(
                f"class {c.name!r} uses unknown keypoint schema {k!r}"
                + (f" (did you mean {guess!r}?)" if guess else ""),
                path=(*c.spec_path, "keypoints"))


@lint_rule("L107")
def hotkeys(project: Project):
    seen: dict[str, str] = {}
    for c in project.active_classes:
        if c.hotkey is None:
            continue
        k = c.hotkey.lower()
        if k in seen:
            yield hotkeys.code(f"hotkey {c.hotkey!r} of {c.name!r} is already bound to "
                               f"{seen[k]!r}", path=(*c.spec_path, "hotkey"))
        else:
            seen[k] = c.name


@lint_rule("L108")
def duplicate_rules(project: Project):
    seen = defaultdict(int)
    for r in project.rules:
        seen[r.id] += 1
        if seen[r.id] == 2:
            yield duplicate_rules.code(f"rule id {r.id!r} is used twice",
                                       path=(*r.spec_path, "id"))
