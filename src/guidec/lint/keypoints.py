"""Lint rules about keypoint schemas: point names, skeleton and flip pairs, and their use."""

from __future__ import annotations

import re
from collections import Counter

from guidec.diagnostics import did_you_mean
from guidec.lint import lint_rule
from guidec.view import Project

_SIDES = {"left": "right", "right": "left", "l": "r", "r": "l"}
_TOKEN = re.compile(r"([_\-. ]+)")


_SUFFIX = re.compile(r"^(.*[a-z])([LR])(\d*)$")  # eyeL, forelegR1
_CAMEL = re.compile(r"(?:(?<=^)|(?<=[a-z0-9]))(Left|Right)(?=[A-Z0-9]|$)")  # LeftEye, handRight


def mirror_name(name: str) -> str | None:
    """The name of the mirror point (``left_eye`` -> ``right_eye``, ``hand_l`` -> ``hand_r``,
    ``eyeL`` -> ``eyeR``, ``LeftHand`` -> ``RightHand``), or None when the name has no side."""
    parts = _TOKEN.split(name)
    changed = False
    for i in range(0, len(parts), 2):
        tok = parts[i]
        low = tok.lower()
        if low in _SIDES:
            other = _SIDES[low]
            if tok.isupper():
                other = other.upper()
            elif tok[:1].isupper():
                other = other.capitalize()
            parts[i] = other
            changed = True
            continue
        new = _CAMEL.sub(lambda m: "Right" if m[1] == "Left" else "Left", tok)
        if new == tok:
            m = _SUFFIX.match(tok)
            if m:
                new = m[1] + ("R" if m[2] == "L" else "L") + m[3]
        if new != tok:
            parts[i] = new
            changed = True
    return "".join(parts) if changed else None


def _schemas(project: Project):
    for name, ks in project.spec.keypoint_schemas.items():
        yield name, ks, ("keypoint_schemas", name)


@lint_rule("L301")
def duplicate_points(project: Project):
    for name, ks, at in _schemas(project):
        seen: set[str] = set()
        for i, p in enumerate(ks.points):
            if p in seen:
                yield duplicate_points.code(f"keypoint schema {name!r} lists point {p!r} twice",
                                            path=(*at, "points", i))
            seen.add(p)


@lint_rule("L302")
def unknown_points(project: Project):
    for name, ks, at in _schemas(project):
        points = set(ks.points)
        for key in ("skeleton", "flip"):
            for i, pair in enumerate(getattr(ks, key)):
                for j, p in enumerate(pair):
                    if p not in points:
                        guess = did_you_mean(p, points)
                        what = "skeleton edge" if key == "skeleton" else "flip pair"
                        yield unknown_points.code(
                            f"{what} of keypoint schema {name!r} names unknown point {p!r}"
                            + (f" (did you mean {guess!r}?)" if guess else ""),
                            path=(*at, key, i, j))


@lint_rule("L303")
def flip_pairs(project: Project):
    for name, ks, at in _schemas(project):
        partner: dict[str, tuple[str, int]] = {}
        for i, (a, b) in enumerate(ks.flip):
            if a == b:
                yield flip_pairs.code(f"flip pair {i} of {name!r} pairs {a!r} with itself; "
                                      "points on the axis need no pair",
                                      path=(*at, "flip", i))
                continue
            for p, q, j in ((a, b, 0), (b, a, 1)):
                if p in partner:
                    other, k = partner[p]
                    if other == q:
                        yield flip_pairs.code(f"flip pair [{a}, {b}] of {name!r} repeats pair "
                                              f"{k}", path=(*at, "flip", i))
                        break
                    yield flip_pairs.code(f"point {p!r} of {name!r} is flipped with {other!r} "
                                          f"(pair {k}) and with {q!r}", path=(*at, "flip", i, j))
                    break
            else:
                partner[a] = (b, i)
                partner[b] = (a, i)


@lint_rule("L304")
def unpaired(project: Project):
    for name, ks, at in _schemas(project):
        index = {p: i for i, p in enumerate(ks.points)}
        partner: dict[str, str] = {}
        for a, b in ks.flip:
            partner.setdefault(a, b)
            partner.setdefault(b, a)
        for p, i in index.items():
            m = mirror_name(p)
            if m is None or m not in index or m == p:
                continue
            got = partner.get(p)
            if got == m:
                continue
            if got is None:
                if index[m] < i and partner.get(m) is None:
                    continue  # reported once, at the first of the two
                yield unpaired.code(f"point {p!r} of {name!r} has no flip pair; add "
                                    f"[{p}, {m}] to flip", path=(*at, "points", i))
            else:
                yield unpaired.code(f"point {p!r} of {name!r} is flipped with {got!r}, not "
                                    f"with its mirror {m!r}", path=(*at, "points", i))


@lint_rule("L305")
def keypoints_without_schema(project: Project):
    for c in project.classes:
        if "keypoints" in c.shapes and c.keypoints is None and c.model.keypoints is None:
            if c.model.shapes is None:
                continue  # inherited: reported at the parent
            yield keypoints_without_schema.code(
                f"class {c.name!r} allows keypoints but names no keypoint schema; add "
                "`keypoints: <schema>`", path=(*c.spec_path, "shapes",
                                                 c.model.shapes.index("keypoints")))


@lint_rule("L306")
def schema_without_shape(project: Project):
    for c in project.classes:
        if c.model.keypoints is not None and "keypoints" not in c.shapes:
            yield schema_without_shape.code(
                f"class {c.name!r} names keypoint schema {c.model.keypoints!r} but its shapes "
                f"({', '.join(c.shapes)}) do not include keypoints",
                path=(*c.spec_path, "keypoints"))


@lint_rule("L307")
def sigmas(project: Project):
    for name, ks, at in _schemas(project):
        if ks.sigmas is not None and len(ks.sigmas) != len(ks.points):
            yield sigmas.code(f"keypoint schema {name!r} has {len(ks.points)} points but "
                              f"{len(ks.sigmas)} sigmas", path=(*at, "sigmas"))


@lint_rule("L308")
def skeleton_edges(project: Project):
    for name, ks, at in _schemas(project):
        seen: Counter = Counter()
        for i, (a, b) in enumerate(ks.skeleton):
            if a == b:
                yield skeleton_edges.code(f"skeleton edge {i} of {name!r} joins {a!r} to itself",
                                          path=(*at, "skeleton", i))
                continue
            key = frozenset((a, b))
            seen[key] += 1
            if seen[key] == 2:
                yield skeleton_edges.code(f"skeleton edge [{a}, {b}] of {name!r} is listed "
                                          "twice", path=(*at, "skeleton", i))


def _descriptive(name: str) -> bool:
    return not any(ch.isdigit() for ch in name)


@lint_rule("L309")
def flip_not_mirrored(project: Project):
    for name, ks, at in _schemas(project):
        for i, (a, b) in enumerate(ks.flip):
            if a == b:
                continue  # L303
            ma, mb = mirror_name(a), mirror_name(b)
            if ma is None and mb is None:
                if _descriptive(a) and _descriptive(b):
                    yield flip_not_mirrored.code(
                        f"flip pair [{a}, {b}] of {name!r} names no side; a flip does not move "
                        "points on the body's axis", path=(*at, "flip", i))
            elif ma != b:
                yield flip_not_mirrored.code(
                    f"flip pair [{a}, {b}] of {name!r} is not a mirror pair"
                    + (f" (the mirror of {a!r} is {ma!r})" if ma else ""),
                    path=(*at, "flip", i))
