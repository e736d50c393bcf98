"""Renderers of a diff: human, markdown (a changelog section a client reads), json, github."""

from __future__ import annotations

import json
from collections.abc import Callable

from guidec import __version__
from guidec.diagnostics import Severity
from guidec.diff.kinds import CONSUMERS, Bump, Change
from guidec.diff.semver import declared_bump, required_bump
from guidec.view import Project

_GROUPS = ((Bump.MAJOR, "Breaking changes"), (Bump.MINOR, "New and changed"),
           (Bump.PATCH, "Fixes and documentation"))


def locate(change: Change, old: Project, new: Project) -> tuple[str, int | None, int | None]:
    project = old if change.side == "old" else new
    return project.locate(change.path)


def _order(changes: list[Change], consumers) -> list[Change]:
    return sorted(changes, key=lambda c: (-c.bump(consumers), c.code, c.subject, c.message))


def _summary(old: Project, new: Project, changes: list[Change], verdict: list[Change],
             consumers) -> str:
    required = required_bump(changes, consumers)
    vo, vn = old.spec.project.version, new.spec.project.version
    declared = declared_bump(vo, vn)
    head = (f"{vo} -> {vn}: {len(changes)} change(s); required bump: {required.label}; "
            f"declared: {declared.label if declared else 'none'}")
    return head + (" - OK" if not verdict else f" - {verdict[0].code} {verdict[0].name}")


def render_human(old: Project, new: Project, changes: list[Change], verdict: list[Change],
                 consumers=CONSUMERS, color: bool = False) -> str:
    lines = render_verdict(old, new, verdict)
    for c in _order(changes, consumers):
        file, line, col = locate(c, old, new)
        d = c.diagnostic(file, line, col, consumers)
        impact = ", ".join(f"{k} {c.impact_on(k).label}" for k in consumers)
        lines.append(f"{d.location()}: {c.code} [{c.bump(consumers).label}] {c.message} "
                     f"({impact})")
        if c.hint:
            lines.append(f"    hint: {c.hint}")
    lines.append(_summary(old, new, changes, verdict, consumers))
    return "\n".join(lines) + "\n"


def render_verdict(old: Project, new: Project, verdict: list[Change]) -> list[str]:
    lines = []
    for c in verdict:
        file, line, col = locate(c, old, new)
        d = c.diagnostic(file, line, col)
        lines.append(f"{d.location()}: {c.code} {c.message}")
        if c.hint:
            lines.append(f"    hint: {c.hint}")
    return lines


def render_markdown(old: Project, new: Project, changes: list[Change],
                    consumers=CONSUMERS, *, heading_level: int = 2,
                    migration: dict | None = None) -> str:
    """A changelog section: what changed from ``old`` to ``new`` and what breaks for whom."""
    h = "#" * heading_level
    po, pn = old.spec.project, new.spec.project
    required = required_bump(changes, consumers)
    lines = [f"{h} {pn.title} {pn.version}", "",
             f"Changes since {po.version}. Required version bump: **{required.label}**."]
    if not changes:
        lines += ["", "No changes to the taxonomy, attributes, rules or QA."]
        return "\n".join(lines) + "\n"
    broken = [k for k in consumers if any(c.impact_on(k) == Severity.ERROR for c in changes)]
    if broken:
        lines += ["", "Breaking for: " + ", ".join(_CONSUMER_TEXT[k] for k in broken) + "."]
    for bump, title in _GROUPS:
        group = [c for c in _order(changes, consumers) if c.bump(consumers) == bump]
        if not group:
            continue
        lines += ["", f"{h}# {title}", ""]
        lines += ["| change | labels | models | tools |", "|---|---|---|---|"]
        for c in group:
            cells = " | ".join(_IMPACT_CELL[c.impact_on(k)] for k in CONSUMERS)
            lines.append(f"| {_md_escape(c.message)} (`{c.code}`) | {cells} |")
    if migration and migration.get("review"):
        lines += ["", f"{h}# Needs review when migrating old labels", ""]
        for item in migration["review"]:
            lines.append(f"- {_md_escape(item['message'])}")
    return "\n".join(lines) + "\n"


_CONSUMER_TEXT = {"labels": "existing labels", "models": "trained models",
                  "tools": "tool configs and live projects"}
_IMPACT_CELL = {Severity.ERROR: "breaking", Severity.WARNING: "check", Severity.INFO: "-"}


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_json(old: Project, new: Project, changes: list[Change], verdict: list[Change],
                consumers=CONSUMERS, migration: dict | None = None) -> str:
    def item(c: Change) -> dict:
        file, line, col = locate(c, old, new)
        return {"code": c.code, "name": c.name, "subject": c.subject, "message": c.message,
                "bump": c.bump(consumers).label, "severity": c.severity(consumers).label,
                "impact": c.impacts(), "file": file, "line": line, "column": col,
                "hint": c.hint, "details": c.details}

    vo, vn = old.spec.project.version, new.spec.project.version
    declared = declared_bump(vo, vn)
    doc = {
        "tool": "guidec", "version": __version__, "command": "diff",
        "from": {"project": old.spec.project.id, "version": vo, "file": old.loaded.path},
        "to": {"project": new.spec.project.id, "version": vn, "file": new.loaded.path},
        "consumers": list(consumers),
        "required_bump": required_bump(changes, consumers).label,
        "declared_bump": declared.label if declared else None,
        "ok": not verdict,
        "verdict": [item(c) for c in verdict],
        "changes": [item(c) for c in _order(changes, consumers)],
    }
    if migration is not None:
        doc["migration"] = migration
    return json.dumps(doc, indent=2, default=str) + "\n"


def _gh(text: str, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if prop else text


def render_github(old: Project, new: Project, changes: list[Change], verdict: list[Change],
                  consumers=CONSUMERS) -> str:
    level = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
    lines = []
    for c in _order(verdict, consumers) + _order(changes, consumers):
        file, line, col = locate(c, old, new)
        props = [f"file={_gh(file, True)}"]
        if line:
            props.append(f"line={line}")
        if col:
            props.append(f"col={col}")
        props.append(f"title={_gh(c.code + ' ' + c.bump(consumers).label, True)}")
        lines.append(f"::{level[c.severity(consumers)]} {','.join(props)}::{_gh(c.message)}")
    return "\n".join(lines) + ("\n" if lines else "")


FORMATS: dict[str, Callable[..., str]] = {"human": render_human, "markdown": render_markdown,
                                          "json": render_json, "github": render_github}
