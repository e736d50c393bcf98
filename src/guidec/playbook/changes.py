"""What changed between two versions of a spec, as a newcomer to the program must know it.

A minimal stand-in for the classified diff (``guidec.diff``): classes added, removed, renamed
(same id, new name, or a declared alias) and newly deprecated. The site calls only
:func:`changes_since`; swap its body for the diff module's output when that exists.
"""

from __future__ import annotations

from dataclasses import dataclass

from guidec.view import Project


@dataclass(frozen=True, slots=True)
class Change:
    kind: str  # added | removed | renamed | deprecated
    subject: str  # the class name in the newer spec (the old one when removed)
    message: str  # one plain sentence (spec names in backticks)


def changes_since(old: Project, new: Project) -> list[Change]:
    """Changes from ``old`` to ``new``, in the newer spec's class order, removals last."""
    out: list[Change] = []
    old_by_id = old.by_id
    matched: set[int] = set()
    for c in new.classes:
        before = old_by_id.get(c.id)
        if before is None:
            before = next((old.by_name[a] for a in c.aliases if a in old.by_name), None)
        if before is None:
            before = old.by_name.get(c.name)
        if before is None:
            out.append(Change("added", c.name, f"New class `{c.name}` ({c.title})."))
            continue
        matched.add(before.id)
        if before.name != c.name:
            out.append(Change("renamed", c.name,
                              f"Class `{before.name}` is now called `{c.name}`."))
        if c.deprecated and not before.deprecated:
            repl = ", ".join(f"`{r}`" for r in c.replaced_by)
            tail = f" use {repl} instead." if repl else " do not use it for new labels."
            out.append(Change("deprecated", c.name, f"Class `{c.name}` is deprecated:{tail}"))
    for c in old.classes:
        if c.id not in matched and c.name not in new.by_name and c.name not in new.by_alias:
            out.append(Change("removed", c.name, f"Class `{c.name}` was removed."))
    return out
