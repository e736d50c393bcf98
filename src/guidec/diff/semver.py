"""The semver verdict: the bump a diff requires against the bump the new version declares."""

from __future__ import annotations

from guidec.diff.kinds import CONSUMERS, Bump, Change, make
from guidec.spec.model import SEMVER_RE
from guidec.view import Project


def parse(version: str) -> tuple[int, int, int] | None:
    m = SEMVER_RE.match(version)
    return (int(m[1]), int(m[2]), int(m[3])) if m else None


def declared_bump(old: str, new: str) -> Bump | None:
    """The bump from ``old`` to ``new``; None when either is not semver or ``new`` is not
    greater. Below 1.0.0 a minor step may break (as Cargo reads 0.x): 0.3 -> 0.4 counts as
    major, 0.3.1 -> 0.3.2 as minor."""
    a, b = parse(old), parse(new)
    if a is None or b is None or b <= a:
        return None
    if b[0] > a[0]:
        return Bump.MAJOR
    if a[0] == 0:
        return Bump.MAJOR if b[1] > a[1] else Bump.MINOR
    return Bump.MINOR if b[1] > a[1] else Bump.PATCH


def required_bump(changes: list[Change], consumers: tuple[str, ...] = CONSUMERS) -> Bump:
    return max((c.bump(consumers) for c in changes), default=Bump.NONE)


def verdict(old: Project, new: Project, changes: list[Change],
            consumers: tuple[str, ...] = CONSUMERS) -> list[Change]:
    """``[]`` when the declared version fits the changes, else one D001/D002 change."""
    required = required_bump(changes, consumers)
    vo, vn = old.spec.project.version, new.spec.project.version
    if required == Bump.NONE:
        return []
    path = ("project", "version")
    declared = declared_bump(vo, vn)
    if declared is None:
        why = ("is not semver" if parse(vn) is None or parse(vo) is None
               else "is not greater than the old one")
        return [make("D002", f"version {vn} {why} ({vo} before), but the spec changed: a "
                     f"{required.label} bump is required", "version", path=path,
                     hint=f"set project.version to {suggest(vo, required)}",
                     details={"required": required.label, "declared": None})]
    if declared < required:
        worst = [c for c in changes if c.bump(consumers) == required]
        return [make("D001", f"version {vo} -> {vn} is a {declared.label} bump, but "
                     f"{len(worst)} change(s) require {required.label} (first: "
                     f"{worst[0].code} {worst[0].message})", "version", path=path,
                     hint=f"set project.version to {suggest(vo, required)}",
                     details={"required": required.label, "declared": declared.label})]
    return []


def suggest(old: str, bump: Bump) -> str:
    v = parse(old)
    if v is None:
        return "a semver version such as 1.0.0"
    major, minor, patch = v
    if bump == Bump.MAJOR:
        return f"{major + 1}.0.0" if major else f"0.{minor + 1}.0"
    if bump == Bump.MINOR:
        return f"{major}.{minor + 1}.0" if major else f"0.{minor}.{patch + 1}"
    return f"{major}.{minor}.{patch + 1}"
