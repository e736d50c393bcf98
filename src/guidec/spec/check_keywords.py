"""The ``check`` vocabulary of spec rules: one table keyed by keyword, the one place to add one.

Each :class:`Keyword` holds everything any part of guidec knows about a key of a rule's
``check:`` (as python-jsonschema keeps its keywords):

* **field**: its type, bounds and description, from which :class:`guidec.spec.model.Check` is
  built (and so the spec's JSON Schema and reference page);
* **lint**: the shapes it can be evaluated on (L601) and the key it must not exceed (L603);
* **rule**: the validation code that enforces it (the vectorised rule functions of
  :mod:`guidec.validation.checks` register that code);
* **playbook**: the sentence the playbook and the rule pages show for a value;
* **diff**: which way a change of its value makes the rule tighter (D403/D404/D405).

Adding a keyword: one entry here, plus the lines of the rule function that measures it (found by
its ``code``). ``tests/test_check_keywords.py`` fails until every part is there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

#: Shapes with an extent (box sides, area, aspect ratio, overlap).
AREA_SHAPES = frozenset({"box", "rotated_box", "polygon", "mask", "text_region"})
#: The pseudo-shape of classes with a text region (a transcription to check).
TEXT = "@text"


def _px(v: float) -> str:
    return f"{v:g} px"


@dataclass(frozen=True)
class Keyword:
    name: str  # as written in the spec
    type: Any  # the field's Python type (pydantic validates it)
    description: str = ""
    bounds: dict = field(default_factory=dict)  # pydantic Field constraints: ge, gt, le
    shapes: frozenset[str] | None = None  # L601: evaluable on any one of these; None = any
    at_most: str | None = None  # L603: this key's value must not exceed that key's
    goes_with: str | None = None  # a key that must be present with this one
    code: str | None = None  # the validation code that enforces it
    #: the playbook sentence for a value; None where another key phrases it (see ``words``)
    words: Callable[[Any], str] | None = None
    #: diff: "higher" (a larger value is tighter), "lower", "subset" (fewer allowed values is
    #: tighter), "superset" (more forbidden values), "true" (true is tighter), "renamed-class"
    #: (a class name: tighter or looser cannot be said, a rename is no change), "other"
    tighter: str = "other"

    @property
    def field_name(self) -> str:
        """The attribute on :class:`~guidec.spec.model.Check` (``in`` is a Python keyword)."""
        return "in_" if self.name == "in" else self.name


KEYWORDS: tuple[Keyword, ...] = (
    Keyword("min_box_side", float, "Both box sides >= this (px).", {"ge": 0}, AREA_SHAPES,
            at_most="max_box_side", code="V400", tighter="higher",
            words=lambda v: f"both sides of the box are at least {_px(v)}"),
    Keyword("max_box_side", float, "", {"gt": 0}, AREA_SHAPES, code="V400", tighter="lower",
            words=lambda v: f"no side of the box is longer than {_px(v)}"),
    Keyword("min_area", float, "Shape area >= this (px^2).", {"ge": 0}, AREA_SHAPES,
            at_most="max_area", code="V401", tighter="higher",
            words=lambda v: f"the shape covers at least {v:g} px²"),
    Keyword("max_area", float, "", {"gt": 0}, AREA_SHAPES, code="V401", tighter="lower",
            words=lambda v: f"the shape covers at most {v:g} px²"),
    Keyword("min_aspect_ratio", float, "width / height >= this.", {"gt": 0}, AREA_SHAPES,
            at_most="max_aspect_ratio", code="V402", tighter="higher",
            words=lambda v: f"width ÷ height is at least {v:g}"),
    Keyword("max_aspect_ratio", float, "", {"gt": 0}, AREA_SHAPES, code="V402",
            tighter="lower", words=lambda v: f"width ÷ height is at most {v:g}"),
    Keyword("min_vertices", int, "", {"ge": 3}, frozenset({"polygon", "polyline"}),
            at_most="max_vertices", code="V403", tighter="higher",
            words=lambda v: f"the polygon has at least {v} vertices"),
    Keyword("max_vertices", int, "", {"ge": 3}, frozenset({"polygon", "polyline"}),
            code="V403", tighter="lower", words=lambda v: f"the polygon has at most {v} vertices"),
    Keyword("inside", str, "Lies inside an instance of this class.", code="V404",
            tighter="renamed-class"),
    Keyword("tolerance_px", float, "Slack for 'inside'.", {"ge": 0}, goes_with="inside",
            code="V404", tighter="lower"),
    Keyword("max_iou_same_class", float, "", {"gt": 0, "le": 1}, AREA_SHAPES, code="V405",
            tighter="lower",
            words=lambda v: f"no two shapes of the same class overlap with IoU above {v:g} "
                            "(duplicates)"),
    Keyword("max_per_image", int, "", {"ge": 0}, code="V406", tighter="lower",
            words=lambda v: f"at most {v} per image"),
    Keyword("min_per_image", int, "", {"ge": 0}, at_most="max_per_image", code="V406",
            tighter="higher", words=lambda v: f"at least {v} per image"),
    Keyword("keypoints_inside_box", bool, "", shapes=frozenset({"keypoints"}), code="V407",
            tighter="true",
            words=lambda v: ("every labeled keypoint lies inside the object's box" if v
                             else "keypoints may lie outside the box")),
    Keyword("min_visible_keypoints", int, "", {"ge": 0}, frozenset({"keypoints"}),
            code="V408", tighter="higher", words=lambda v: f"at least {v} keypoints are visible"),
    Keyword("attribute", str, "With 'in' or 'not_in': allowed values.", code="V409"),
    Keyword("in", list[Any], goes_with="attribute", code="V409", tighter="subset"),
    Keyword("not_in", list[Any], goes_with="attribute", code="V409", tighter="superset"),
    Keyword("text_pattern", str, shapes=frozenset({TEXT}), code="V410",
            words=lambda v: f"the transcription matches the pattern `{v}`"),
)

BY_NAME: dict[str, Keyword] = {k.name: k for k in KEYWORDS}


def words(values: dict[str, Any]) -> list[tuple[str, str]]:
    """``[(key, sentence)]`` for the keys set in a check (``values`` as written in the spec):
    what the validator enforces, one condition each, in the table's order. ``inside`` carries
    its tolerance, ``attribute`` its allowed or forbidden values."""
    out: list[tuple[str, str]] = []
    for kw in KEYWORDS:
        if kw.name not in values:
            continue
        v = values[kw.name]
        if kw.name == "inside":
            tol = values.get("tolerance_px")
            slack = f" (up to {_px(tol)} outside is tolerated)" if tol else ""
            out.append(("inside", f"the shape lies inside a `{v}`{slack}"))
        elif kw.name == "attribute":
            if "in" in values:
                vals = ", ".join(f"`{x}`" for x in values["in"])
                out.append(("attribute", f"attribute `{v}` is one of {vals}"))
            if "not_in" in values:
                vals = ", ".join(f"`{x}`" for x in values["not_in"])
                out.append(("attribute", f"attribute `{v}` is not {vals}"))
        elif kw.words is not None:
            out.append((kw.name, kw.words(v)))
    return out


def compare(key: str, old: Any, new: Any, *, attribute: Any = None,
            same_class: Callable[[Any, Any], bool] | None = None) -> tuple[str, str] | None:
    """How changing one key from ``old`` to ``new`` (None = absent) moves a rule:
    ``("tighter" | "looser" | "other", phrase)``, or None when it is no change."""
    if old == new:
        return None
    if old is None:
        return "tighter", f"checks {key} {new}"
    if new is None:
        return "looser", f"no longer checks {key}"
    kw = BY_NAME.get(key)
    way = kw.tighter if kw else "other"
    if way == "higher":
        return ("tighter" if new > old else "looser"), f"{key} {old} -> {new}"
    if way == "lower":
        return ("tighter" if new < old else "looser"), f"{key} {old} -> {new}"
    if way == "true":
        return ("tighter" if new else "looser"), f"{key} {old} -> {new}"
    if way in ("subset", "superset"):
        a, b = set(map(str, old)), set(map(str, new))
        if way == "subset":
            if b < a:
                return "tighter", f"allows fewer values of {attribute}"
            if b > a:
                return "looser", f"allows more values of {attribute}"
            return "other", "allowed values changed"
        if b > a:
            return "tighter", f"forbids more values of {attribute}"
        if b < a:
            return "looser", f"forbids fewer values of {attribute}"
        return "other", "forbidden values changed"
    if way == "renamed-class" and same_class is not None and same_class(old, new):
        return None
    return "other", f"{key} {old!r} -> {new!r}"
