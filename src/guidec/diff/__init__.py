"""Diff two spec versions: classified changes, semver verdict, changelog, migration map.

Public API (the playbook site and the commands use exactly this)::

    from guidec.diff import diff_projects, changes_since, changes_since_markdown
    changes = diff_projects(old, new)          # list[Change], [] when equivalent
    changes = changes_since(old, new)          # the same, breaking first (the site's order)
    text = changes_since_markdown(old, new)    # a Markdown changelog section

Every change carries a D-code registered in :mod:`guidec.codes`, its impact on three
consumers (labels, models, tools) and the semver bump it requires (:mod:`guidec.diff.kinds`).
"""

from __future__ import annotations

from guidec.diff import catalog as _catalog  # noqa: F401 - registers the D-codes
from guidec.diff.compare import ClassMatching, Match, diff_projects, match_classes
from guidec.diff.kinds import CONSUMERS, KINDS, Bump, Change
from guidec.diff.semver import declared_bump, required_bump, verdict
from guidec.view import Project

__all__ = ["CONSUMERS", "KINDS", "Bump", "Change", "ClassMatching", "Match",
           "changes_since", "changes_since_markdown", "declared_bump", "diff_projects",
           "match_classes", "required_bump", "verdict"]


def changes_since(old: Project, new: Project) -> list[Change]:
    """The playbook site's entry point: every change from ``old`` to ``new``, breaking first.

    Each :class:`Change` has ``kind`` (added | removed | renamed | deprecated | changed),
    ``subject`` (``class:<name>``, ``attribute:<name>``, ``rule:<id>``, ...), ``message`` (one
    sentence), ``code``, ``impacts()`` and ``bump()``.
    """
    changes = diff_projects(old, new)
    return sorted(changes, key=lambda c: (-c.bump(), c.code, c.subject))


def changes_since_markdown(old: Project, new: Project, *, heading_level: int = 2) -> str:
    """The "what changed since" section of the playbook site, from the same diff."""
    from guidec.diff.mapping import migration_map
    from guidec.diff.report import render_markdown

    changes = diff_projects(old, new)
    return render_markdown(old, new, changes, heading_level=heading_level,
                           migration=migration_map(old, new, changes) if changes else None)
