"""Lint rules about attributes: defaults, ranges, conditions (`when`) and enum values."""

from __future__ import annotations

from collections import Counter

from guidec.lint import lint_rule
from guidec.lint._values import value_problem
from guidec.view import Project


@lint_rule("L501")
def when_values(project: Project):
    attrs = project.spec.attributes
    for name, a in attrs.items():
        for other, wanted in (a.when or {}).items():
            at = ("attributes", name, "when", other)
            if other == name:
                yield when_values.code(f"attribute {name!r} is conditional on itself",
                                       path=at, at_key=True)
                continue
            target = attrs.get(other)
            if target is None:
                continue  # L105
            values = wanted if isinstance(wanted, list) else [wanted]
            if isinstance(wanted, list) and not wanted:
                yield when_values.code(f"condition of {name!r} on {other!r} lists no value",
                                       path=at)
            for i, v in enumerate(values):
                problem = value_problem(target, v, allow_list=False)
                if problem:
                    yield when_values.code(
                        f"attribute {name!r} applies when {other!r} is {v!r}, but {problem}",
                        path=(*at, i) if isinstance(wanted, list) else at)


@lint_rule("L502")
def defaults(project: Project):
    for name, a in project.spec.attributes.items():
        if a.default is None:
            continue
        problem = value_problem(a, a.default)
        if problem:
            yield defaults.code(f"default of attribute {name!r}: {problem}",
                                path=("attributes", name, "default"))


@lint_rule("L503")
def check_values(project: Project):
    attrs = project.spec.attributes
    for r in project.rules:
        ch = r.model.check
        if ch is None or ch.attribute is None or ch.attribute not in attrs:
            continue
        a = attrs[ch.attribute]
        for key, values in (("in", ch.in_), ("not_in", ch.not_in)):
            for i, v in enumerate(values or []):
                problem = value_problem(a, v, allow_list=False)
                if problem:
                    yield check_values.code(f"rule {r.id!r} checks {ch.attribute!r} {key} "
                                            f"{v!r}, but {problem}",
                                            path=(*r.spec_path, "check", key, i))


@lint_rule("L504")
def unused(project: Project):
    used: set[str] = set()
    for c in project.classes:
        used.update(c.model.attributes or ())
    for name, a in project.spec.attributes.items():
        if a.scope == "object" and name not in used:
            yield unused.code(f"attribute {name!r} is carried by no class",
                              path=("attributes", name), at_key=True)


@lint_rule("L505")
def ranges(project: Project):
    for name, a in project.spec.attributes.items():
        at = ("attributes", name)
        if a.min is not None and a.max is not None:
            if a.min > a.max:
                yield ranges.code(f"attribute {name!r} has min {a.min:g} above max {a.max:g}",
                                  path=(*at, "min"))
            elif a.step is not None and a.step > a.max - a.min > 0:
                yield ranges.code(f"attribute {name!r} has step {a.step:g}, wider than its "
                                  f"range {a.min:g}-{a.max:g}", path=(*at, "step"))
        if a.type == "integer" and a.step is not None and not float(a.step).is_integer():
            yield ranges.code(f"integer attribute {name!r} has a fractional step {a.step:g}",
                              path=(*at, "step"))
        if (a.min_length is not None and a.max_length is not None
                and a.min_length > a.max_length):
            yield ranges.code(f"attribute {name!r} has min_length {a.min_length} above "
                              f"max_length {a.max_length}", path=(*at, "min_length"))


@lint_rule("L506")
def condition_on_class(project: Project):
    attrs = project.spec.attributes
    conditional = {n for n, a in attrs.items() if a.when}
    for c in project.classes:
        if conditional.isdisjoint(c.attributes):  # most classes: nothing to check
            continue
        carried = set(c.attributes)
        own = c.model.attributes or []
        for name in c.attributes:
            if name not in conditional:
                continue
            a = attrs[name]
            for other in a.when:
                o = attrs.get(other)
                if o is None or o.scope == "image" or other in carried:
                    continue
                i = own.index(name) if name in own else None
                path = (*c.spec_path, "attributes", i) if i is not None else c.spec_path
                yield condition_on_class.code(
                    f"class {c.name!r} carries {name!r}, which depends on {other!r}, but not "
                    f"{other!r}", path=path)


@lint_rule("L507")
def duplicate_values(project: Project):
    for name, a in project.spec.attributes.items():
        if isinstance(a.values, list):
            seen: Counter = Counter()
            for i, v in enumerate(a.values):
                seen[v] += 1
                if seen[v] == 2:
                    yield duplicate_values.code(f"enum attribute {name!r} lists {v!r} twice",
                                                path=("attributes", name, "values", i))


@lint_rule("L508")
def condition_cycle(project: Project):
    attrs = project.spec.attributes
    reported: set[str] = set()
    for start in attrs:
        seen = [start]
        cur = start
        while True:
            nxt = next((o for o in (attrs[cur].when or {}) if o in attrs and o != cur), None)
            if nxt is None:
                break
            if nxt == start:
                if not reported.intersection(seen):
                    reported.update(seen)
                    yield condition_cycle.code(
                        "conditional attributes form a cycle: "
                        + " -> ".join([*seen, start]),
                        path=("attributes", start, "when", seen[1] if len(seen) > 1 else start),
                        at_key=True)
                break
            if nxt in seen or len(seen) > len(attrs):
                break
            seen.append(nxt)
            cur = nxt
