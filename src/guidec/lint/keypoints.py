"""Lint rules about keypoint schemas: point names, skeleton and flip pairs, and their use."""

from __future__ import annotations

import re
from collections import Counter

from guidec.diagnostics import Severity, did_you_mean
from guidec.lint import lint_rule
from guidec.view import Project

_SIDES = {"left": "right", "right": "left", "l": "r", "r": "l"}
_TOKEN = re.compile(r"([_\-. ]+)")


def mirror_name(name: str) -> str | None:
    """The name of the mirror point by its tokens (``left_eye`` -> ``right_eye``,
    ``hand_l`` -> ``hand_r``), or None when the name has no side."""
    parts = _TOKEN.split(name)
    changed = False
    for i in range(0, len(parts), 2):
        low = parts[i].lower()
        if low in _SIDES:
            other = _SIDES[low]
            if parts[i].isupper():
                other = other.upper()
            elif parts[i][:1].isupper():
                other = other.capitalize()
            parts[i] = other
            changed = True
    return "".join(parts) if changed else None


def _schemas(project: Project):
    for name, ks in project.spec.keypoint_schemas.items():
        yield name, ks, ("keypoint_schemas", name)


@lint_rule("L301", "duplicate-keypoint", Severity.ERROR,
           "A keypoint schema lists the same point name twice.",
           why="Points are addressed by name in skeletons, flips and tool configs, and by index "
               "in COCO deliveries; a repeated name makes both ambiguous.",
           example="keypoint_schemas:\n  face: {points: [nose, eye, eye]}")
def duplicate_points(project: Project):
    for name, ks, at in _schemas(project):
        seen: set[str] = set()
        for i, p in enumerate(ks.points):
            if p in seen:
                yield duplicate_points.code(f"keypoint schema {name!r} lists point {p!r} twice",
                                            path=(*at, "points", i))
            seen.add(p)


@lint_rule("L302", "unknown-keypoint", Severity.ERROR,
           "A skeleton edge or a flip pair names a point the schema does not list.",
           example="keypoint_schemas:\n  face:\n    points: [nose, left_eye, right_eye]\n"
                   "    skeleton: [[nose, left_ear]]")
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


@lint_rule("L303", "inconsistent-flip-pairs", Severity.ERROR,
           "Flip pairs are not a symmetric one-to-one matching: a point is paired with itself, "
           "appears in two pairs, or a pair is listed twice.",
           why="A horizontal flip swaps each point with exactly one partner; augmentation code "
               "(flip_idx in YOLO, `swap` in mmpose) silently mislabels joints otherwise.",
           example="keypoint_schemas:\n  body:\n    points: [left_eye, right_eye, nose]\n"
                   "    flip: [[left_eye, right_eye], [right_eye, left_eye]]")
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


@lint_rule("L304", "unpaired-side-keypoint", Severity.WARNING,
           "A point named for a side (left_*, *_r, ...) is not flip-paired with its mirror "
           "point, though the schema has it.",
           why="A flip moves a left wrist to where a right wrist is; without the pair, "
               "augmented training data teaches the model the wrong side.",
           example="keypoint_schemas:\n  body:\n    points: [left_eye, right_eye]\n"
                   "    flip: []")
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


@lint_rule("L305", "keypoints-without-schema", Severity.ERROR,
           "A class allows the `keypoints` shape but has no keypoint schema (its own or its "
           "parent's).",
           why="Tools and validators need the point names and their order.",
           example="classes:\n  - {id: 1, name: person, shapes: [box, keypoints]}")
def keypoints_without_schema(project: Project):
    for c in project.classes:
        if "keypoints" in c.shapes and c.keypoints is None and c.model.keypoints is None:
            if c.model.shapes is None:
                continue  # inherited: reported at the parent
            yield keypoints_without_schema.code(
                f"class {c.name!r} allows keypoints but names no keypoint schema; add "
                "`keypoints: <schema>`", path=(*c.spec_path, "shapes",
                                                 c.model.shapes.index("keypoints")))


@lint_rule("L306", "schema-without-keypoints-shape", Severity.WARNING,
           "A class names a keypoint schema but does not allow the `keypoints` shape.",
           example="classes:\n  - {id: 1, name: person, shapes: [box], keypoints: coco17}")
def schema_without_shape(project: Project):
    for c in project.classes:
        if c.model.keypoints is not None and "keypoints" not in c.shapes:
            yield schema_without_shape.code(
                f"class {c.name!r} names keypoint schema {c.model.keypoints!r} but its shapes "
                f"({', '.join(c.shapes)}) do not include keypoints",
                path=(*c.spec_path, "keypoints"))


@lint_rule("L307", "keypoint-sigmas-length", Severity.ERROR,
           "A keypoint schema's `sigmas` do not give one value per point.",
           why="OKS agreement (COCO keypoint evaluation) needs one sigma per point.",
           example="keypoint_schemas:\n  face: {points: [a, b, c], sigmas: [0.025, 0.025]}")
def sigmas(project: Project):
    for name, ks, at in _schemas(project):
        if ks.sigmas is not None and len(ks.sigmas) != len(ks.points):
            yield sigmas.code(f"keypoint schema {name!r} has {len(ks.points)} points but "
                              f"{len(ks.sigmas)} sigmas", path=(*at, "sigmas"))


@lint_rule("L308", "bad-skeleton-edge", Severity.WARNING,
           "A skeleton edge joins a point to itself or repeats another edge.",
           example="keypoint_schemas:\n  arm:\n    points: [shoulder, elbow]\n"
                   "    skeleton: [[shoulder, elbow], [elbow, shoulder]]")
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
