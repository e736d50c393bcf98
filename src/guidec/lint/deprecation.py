"""Lint rules about deprecation and replacement: ``deprecated``, ``replaced_by``, ``since``."""

from __future__ import annotations

from guidec.lint import lint_rule
from guidec.view import Project


def _replaced_path(c, i: int):
    if isinstance(c.model.replaced_by, list):
        return (*c.spec_path, "replaced_by", i)
    return (*c.spec_path, "replaced_by")


@lint_rule("L201")
def replaced_active(project: Project):
    for c in project.classes:
        if c.replaced_by and not c.deprecated:
            yield replaced_active.code(
                f"class {c.name!r} is not deprecated but has replaced_by; add `deprecated: true` "
                "or remove replaced_by", path=(*c.spec_path, "replaced_by"), at_key=True)


@lint_rule("L202")
def chains(project: Project):
    by_name = project.by_name
    cyclic = _cyclic(project)
    for c in project.classes:
        if not c.deprecated or c.name in cyclic:
            continue
        for i, t in enumerate(c.replaced_by):
            target = by_name.get(t)
            if target is not None and target.deprecated and t not in cyclic:
                final = project.final_replacement(t)
                chain = " -> ".join([c.name, t, *(["/".join(final)] if final else [])])
                yield chains.code(
                    f"{c.name!r} is replaced by {t!r}, which is deprecated too ({chain})"
                    + (f"; replace by {', '.join(map(repr, final))} directly" if final else ""),
                    path=_replaced_path(c, i))


def _cyclic(project: Project) -> set[str]:
    """Names of deprecated classes on a replaced_by cycle (iterative DFS, O(n))."""
    graph = {c.name: [t for t in c.replaced_by] for c in project.classes if c.deprecated}
    state: dict[str, int] = {}  # 1 on stack, 2 done
    on_cycle: set[str] = set()
    for start in graph:
        if start in state:
            continue
        stack = [(start, iter(graph[start]))]
        path = [start]
        state[start] = 1
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                stack.pop()
                path.pop()
                state[node] = 2
                continue
            if nxt not in graph:
                continue
            if state.get(nxt) == 1:
                on_cycle.update(path[path.index(nxt):])
            elif nxt not in state:
                state[nxt] = 1
                path.append(nxt)
                stack.append((nxt, iter(graph[nxt])))
    return on_cycle


@lint_rule("L203")
def cycles(project: Project):
    cyclic = _cyclic(project)
    for c in project.classes:
        if c.name not in cyclic:
            continue
        for i, t in enumerate(c.replaced_by):
            if t in cyclic:
                yield cycles.code(f"replaced_by of {c.name!r} -> {t!r} is part of a cycle; "
                                  "labels of these classes have nowhere to go",
                                  path=_replaced_path(c, i))
                break


@lint_rule("L204")
def deprecated_in_use(project: Project):
    by_name = project.by_name

    def dep(name: str) -> bool:
        c = by_name.get(name)
        return c is not None and c.deprecated

    def instead(name: str) -> str:
        final = project.final_replacement(name)
        return f"; use {', '.join(map(repr, final))}" if final else ""

    for r in project.rules:
        for i, t in enumerate(r.model.applies_to):
            if dep(t):
                yield deprecated_in_use.code(f"rule {r.id!r} applies to deprecated class "
                                             f"{t!r}{instead(t)}",
                                             path=(*r.spec_path, "applies_to", i))
        ch = r.model.check
        if ch is not None and ch.inside and dep(ch.inside):
            yield deprecated_in_use.code(f"rule {r.id!r} checks 'inside' deprecated class "
                                         f"{ch.inside!r}{instead(ch.inside)}",
                                         path=(*r.spec_path, "check", "inside"))
    for ex in project.examples:
        if ex.owner_kind == "class" and dep(ex.owner):
            continue  # a deprecated class may keep its own examples
        for j, s in enumerate(ex.example.shapes):
            if dep(s.class_):
                yield deprecated_in_use.code(f"example draws deprecated class {s.class_!r}"
                                             f"{instead(s.class_)}",
                                             path=(*ex.spec_path, "shapes", j, "class"))
