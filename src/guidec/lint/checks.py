"""Lint rules about rules and their machine checks: applicability to shapes, contradictions,
attributes, and the shapes drawn on examples."""

from __future__ import annotations

from guidec.lint import lint_rule
from guidec.lint._values import value_problem
from guidec.spec.check_keywords import KEYWORDS, TEXT
from guidec.view import Project

#: Which shapes each check key can be evaluated on (any one of them suffices), and the pairs of
#: keys whose first must not exceed the second: both from the one keyword table.
CHECK_SHAPES: dict[str, frozenset[str]] = {k.name: k.shapes for k in KEYWORDS if k.shapes}
_PAIRS = [(k.name, k.at_most) for k in KEYWORDS if k.at_most]


def _why(key: str) -> str:
    if CHECK_SHAPES[key] == {TEXT}:
        return "a text region"
    return "shapes " + ", ".join(sorted(CHECK_SHAPES[key]))


@lint_rule("L601")
def not_applicable(project: Project):
    # Shapes of each class and everything below it, in one pass from the leaves up (pre-order
    # list read backwards); a text region counts as the pseudo-shape "@text".
    subtree: dict[str, set[str]] = {}
    for c in reversed(project.classes):
        own = subtree.setdefault(c.name, set())
        own.update(c.shapes)
        if c.text_region is not None or "text_region" in c.shapes:
            own.add(TEXT)
        if c.parent is not None:
            subtree.setdefault(c.parent, set()).update(own)
    active: set[str] = set()  # shapes of the classes a "*" rule covers
    for c in project.active_classes:
        active.update(c.shapes)
        if c.text_region is not None:
            active.add(TEXT)
    if "text_region" in active:
        active.add(TEXT)

    def fits(shapes: set[str], key: str) -> bool:
        need = CHECK_SHAPES.get(key)
        return need is None or bool(need & shapes)

    for r in project.rules:
        ch = r.model.check
        if ch is None:
            continue
        keys = [k for k in CHECK_SHAPES if getattr(ch, k) is not None]
        for key in keys:
            if r.applies_to_all:
                if r.classes and not fits(active, key):
                    yield not_applicable.code(
                        f"rule {r.id!r} checks {key}, which needs {_why(key)}; no class has "
                        "them", path=(*r.spec_path, "check", key), at_key=True)
                continue
            for i, target in enumerate(r.model.applies_to):
                if target in subtree and not fits(subtree[target], key):
                    c = project.by_name[target]
                    yield not_applicable.code(
                        f"rule {r.id!r} checks {key} on {target!r}, whose shapes "
                        f"({', '.join(c.shapes)}) it cannot apply to (needs {_why(key)})",
                        path=(*r.spec_path, "applies_to", i))


@lint_rule("L602")
def text_region_shape(project: Project):
    for c in project.classes:
        if c.model.text_region is not None and "text_region" not in c.shapes:
            yield text_region_shape.code(
                f"class {c.name!r} has text_region settings but its shapes "
                f"({', '.join(c.shapes)}) do not include text_region",
                path=(*c.spec_path, "text_region"), at_key=True)


@lint_rule("L603")
def contradictory(project: Project):
    for r in project.rules:
        ch = r.model.check
        if ch is None:
            continue
        for lo, hi in _PAIRS:
            a, b = getattr(ch, lo), getattr(ch, hi)
            if a is not None and b is not None and a > b:
                yield contradictory.code(f"rule {r.id!r}: {lo} {a:g} is above {hi} {b:g}; "
                                         "nothing can pass", path=(*r.spec_path, "check", lo))


@lint_rule("L604")
def check_attribute(project: Project):
    attrs = project.spec.attributes
    by_name = project.by_name
    for r in project.rules:
        ch = r.model.check
        if ch is None or ch.attribute is None:
            continue
        a = attrs.get(ch.attribute)
        if a is None or a.scope == "image":
            continue
        if r.applies_to_all:
            covered = [by_name[n] for n in r.classes if n in by_name]
            if covered and not any(ch.attribute in c.attributes for c in covered):
                yield check_attribute.code(f"rule {r.id!r} checks {ch.attribute!r}, which no "
                                           "class carries",
                                           path=(*r.spec_path, "check", "attribute"))
            continue
        for i, target in enumerate(r.model.applies_to):
            c = by_name.get(target)
            if c is not None and ch.attribute not in c.attributes:
                yield check_attribute.code(f"rule {r.id!r} checks {ch.attribute!r} on "
                                           f"{target!r}, which does not carry it",
                                           path=(*r.spec_path, "applies_to", i))


_GEOMETRY_SHAPES = {
    "box": {"box", "text_region"},
    "rotated_box": {"rotated_box", "text_region"},
    "polygon": {"polygon", "mask", "text_region"},
    "polyline": {"polyline"},
    "points": {"points"},
    "keypoints": {"keypoints"},
}


@lint_rule("L605")
def example_shapes(project: Project):
    attrs = project.spec.attributes
    image_attrs = set(project.image_attributes)
    by_name = project.by_name
    for ex in project.examples:
        for j, s in enumerate(ex.example.shapes):
            c = by_name.get(s.class_)
            if c is None:
                continue  # L104
            at = (*ex.spec_path, "shapes", j)
            geom = s.geometry
            good = ex.example.verdict == "good"
            if good and (geom != "keypoints" or s.keypoints is not None):
                kinds = [geom] + (["keypoints"] if s.keypoints is not None
                                  and geom != "keypoints" else [])
                for kind in kinds:
                    if not _GEOMETRY_SHAPES[kind].intersection(c.shapes):
                        yield example_shapes.code(
                            f"example draws {kind} for {c.name!r}, which allows "
                            f"{', '.join(c.shapes)}", path=(*at, kind), at_key=True)
            if s.keypoints is not None and c.keypoints is not None:
                n = len(project.keypoint_schemas[c.keypoints].points)
                if len(s.keypoints) != n:
                    yield example_shapes.code(
                        f"example gives {len(s.keypoints)} keypoints for {c.name!r}; schema "
                        f"{c.keypoints!r} has {n}", path=(*at, "keypoints"))
            if s.text is not None and c.text_region is None:
                yield example_shapes.code(f"example gives text for {c.name!r}, which has no "
                                          "text region", path=(*at, "text"))
            for key, value in s.attributes.items():
                a = attrs.get(key)
                if a is None or (key not in c.attributes and key not in image_attrs):
                    yield example_shapes.code(
                        f"example sets attribute {key!r}, which {c.name!r} does not carry",
                        path=(*at, "attributes", key), at_key=True)
                    continue
                problem = value_problem(a, value) if good else None
                if problem:
                    yield example_shapes.code(f"example attribute {key!r}: {problem}",
                                              path=(*at, "attributes", key))
