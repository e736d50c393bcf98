"""The one error taxonomy: every error type guidec knows, in words for annotators and reviewers
(the playbook, lint's "is this type defined?") and as the QA conflicts that count toward it
(``guidec qa`` compares its rate with ``qa.max_error_rates``).

A spec adds its own types under ``qa.error_types``; ``wrong_<attribute>`` exists for every
attribute of the spec (counted by attribute mismatches on that attribute). Rates are counts over
the reference objects judged, except for types marked ``per_candidate`` (over the candidate
objects judged).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ErrorType:
    text: str  # one line, as reviewers use it
    counted_by: tuple[str, ...] = ()  # QA conflict codes that count toward it (none: not measured)
    per_candidate: bool = False


ERROR_TYPES: dict[str, ErrorType] = {
    "missed_object": ErrorType(
        "An object that the rules say must be labeled has no label.", ("Q010",)),
    "extra_object": ErrorType(
        "A label on something that is not an object of any class (or is excluded).",
        ("Q011",), per_candidate=True),
    "wrong_class": ErrorType("The object is labeled, but with the wrong class.", ("Q012",)),
    "loose_box": ErrorType(
        "The shape is not tight: it leaves background inside or cuts off the object.",
        ("Q013",)),  # Q013 on boxes and rotated boxes
    "polygon_error": ErrorType(
        "A polygon or mask boundary strays from the object's outline.",
        ("Q013", "Q019")),  # Q013 on polygons and masks, and every Q019
    "merged_instances": ErrorType("Two or more separate objects share one label.", ("Q014",)),
    "split_instance": ErrorType("One object is labeled as several pieces.", ("Q015",),
                                per_candidate=True),
    "duplicate": ErrorType("The same object is labeled twice.", ("Q022",), per_candidate=True),
    "wrong_attribute": ErrorType("An attribute value does not match what is visible.",
                                 ("Q016",)),
    "missing_attribute": ErrorType("A required attribute is not filled in.", ("Q016",)),
    "wrong_keypoint": ErrorType(
        "A keypoint is misplaced, swapped left/right, or has the wrong visibility.",
        ("Q017", "Q018")),
    "swapped_keypoints": ErrorType("Left and right keypoints are exchanged.", ("Q018",)),
    "wrong_text": ErrorType("The transcribed text differs from what is written in the image.",
                            ("Q020",)),
    "reversed_direction": ErrorType("A line is drawn in the wrong direction.", ("Q021",)),
}
#: The types every playbook explains, whether or not the spec limits them.
CORE_ERRORS = ("missed_object", "wrong_class", "loose_box", "merged_instances", "extra_object")


def attribute_type(attribute: str) -> str:
    """The error type of mismatches on one attribute."""
    return f"wrong_{attribute}"


def known(spec) -> dict[str, str]:
    """Every error type a spec may name, with its definition: the built-in ones, one per
    attribute, and the spec's own (which win)."""
    out = {name: t.text for name, t in ERROR_TYPES.items()}
    for name in spec.attributes:
        out.setdefault(attribute_type(name), f"The value of {name!r} does not match what is "
                                             "visible.")
    out.update(spec.qa.error_types)
    return out
