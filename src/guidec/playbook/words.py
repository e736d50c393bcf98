"""The spec said in plain words, for annotators: media and coordinates, checks, QA errors."""

from __future__ import annotations

from guidec.codes import Code
from guidec.spec.model import Check, Media, Spec

# The standard error taxonomy: one line each, as reviewers use it.
STANDARD_ERRORS: dict[str, str] = {
    "missed_object": "An object that the rules say must be labeled has no label.",
    "extra_object": "A label on something that is not an object of any class (or is excluded).",
    "wrong_class": "The object is labeled, but with the wrong class.",
    "loose_box": "The shape is not tight: it leaves background inside or cuts off the object.",
    "merged_instances": "Two or more separate objects share one label.",
    "split_instance": "One object is labeled as several pieces.",
    "duplicate": "The same object is labeled twice.",
    "wrong_attribute": "An attribute value does not match what is visible.",
    "missing_attribute": "A required attribute is not filled in.",
    "keypoint_error": "A keypoint is misplaced, swapped left/right, or has the wrong visibility.",
    "transcription_error": "The transcribed text differs from what is written in the image.",
    "polygon_error": "A polygon or mask boundary strays from the object's outline.",
}
CORE_ERRORS = ("missed_object", "wrong_class", "loose_box", "merged_instances", "extra_object")


def _px(v: float) -> str:
    return f"{v:g} px"


def media_in_words(media: Media) -> list[str]:
    """Sentences on labeling resolution, coordinates and image sizes."""
    out: list[str] = []
    if media.labeling_resolution == "proxy":
        side = f" whose longest side is {media.proxy_max_side} px" if media.proxy_max_side else ""
        out.append(f"You label on reduced copies of the images (proxies){side}. "
                   "guidec scales your shapes back to the original images.")
    else:
        out.append("You label on the original images at full resolution.")
    if media.coordinates == "normalized":
        out.append("Deliveries give coordinates as fractions of the image width and height "
                   "(0 to 1), measured from the top-left corner: x to the right, y down.")
    else:
        out.append("Deliveries give coordinates in pixels of the original image, measured "
                   "from its top-left corner: x to the right, y down.")
    if media.min_image_size:
        w, h = media.min_image_size
        out.append(f"Images are at least {w} × {h} pixels (width × height).")
    if media.max_image_size:
        w, h = media.max_image_size
        out.append(f"Images are at most {w} × {h} pixels.")
    if media.image_sizes:
        sizes = ", ".join(f"{w} × {h}" for w, h in media.image_sizes)
        out.append(f"Expected image sizes: {sizes}.")
    if media.tiling:
        t = media.tiling
        where = ("the whole mosaic" if t.coordinates == "mosaic" else "each tile")
        out.append(f"Large images are labeled in tiles of {t.tile_size[0]} × {t.tile_size[1]} "
                   f"pixels overlapping by {t.overlap} px; coordinates refer to {where}.")
    fmts = ", ".join(f.upper() if len(f) <= 4 else f for f in media.formats)
    out.append(f"Image formats: {fmts}; colour: {media.color}.")
    return out


def splits_in_words(spec: Spec) -> list[str]:
    if spec.splits is None:
        return []
    s = spec.splits
    out = [f"Images are split into {', '.join(s.names)}."]
    if s.group_by:
        out.append(f"Images that share the same `{s.group_by}` never go into different splits.")
    return out


_CHECK_WORDS = {
    "min_box_side": lambda v: f"both sides of the box are at least {_px(v)}",
    "max_box_side": lambda v: f"no side of the box is longer than {_px(v)}",
    "min_area": lambda v: f"the shape covers at least {v:g} px²",
    "max_area": lambda v: f"the shape covers at most {v:g} px²",
    "min_aspect_ratio": lambda v: f"width ÷ height is at least {v:g}",
    "max_aspect_ratio": lambda v: f"width ÷ height is at most {v:g}",
    "min_vertices": lambda v: f"the polygon has at least {v} vertices",
    "max_vertices": lambda v: f"the polygon has at most {v} vertices",
    "max_iou_same_class": lambda v: f"no two shapes of the same class overlap with IoU above "
                                    f"{v:g} (duplicates)",
    "max_per_image": lambda v: f"at most {v} per image",
    "min_per_image": lambda v: f"at least {v} per image",
    "keypoints_inside_box": lambda v: ("every labeled keypoint lies inside the object's box"
                                       if v else "keypoints may lie outside the box"),
    "min_visible_keypoints": lambda v: f"at least {v} keypoints are visible",
    "text_pattern": lambda v: f"the transcription matches the pattern `{v}`",
}


def check_in_words(check: Check) -> list[tuple[str, str]]:
    """``[(check key, sentence)]``: what the validator enforces, one condition each."""
    data = check.model_dump(exclude_none=True, by_alias=True)
    out: list[tuple[str, str]] = []
    if "inside" in data:
        tol = data.get("tolerance_px")
        slack = f" (up to {_px(tol)} outside is tolerated)" if tol else ""
        out.append(("inside", f"the shape lies inside a `{data['inside']}`{slack}"))
    if "attribute" in data:
        attr = data["attribute"]
        if "in" in data:
            vals = ", ".join(f"`{v}`" for v in data["in"])
            out.append(("attribute", f"attribute `{attr}` is one of {vals}"))
        if "not_in" in data:
            vals = ", ".join(f"`{v}`" for v in data["not_in"])
            out.append(("attribute", f"attribute `{attr}` is not {vals}"))
    for key, value in data.items():
        if key in _CHECK_WORDS:
            out.append((key, _CHECK_WORDS[key](value)))
    return out


# Which validation rule enforces each check key, by the rule's stable kebab-case name
# (guidec.rules.checks registers them as V4xx codes).
CHECK_RULE_NAMES: dict[str, str] = {
    "min_box_side": "check-box-side", "max_box_side": "check-box-side",
    "min_area": "check-area", "max_area": "check-area",
    "min_aspect_ratio": "check-aspect-ratio", "max_aspect_ratio": "check-aspect-ratio",
    "min_vertices": "check-vertices", "max_vertices": "check-vertices",
    "inside": "check-inside", "max_iou_same_class": "check-overlap",
    "max_per_image": "check-per-image", "min_per_image": "check-per-image",
    "keypoints_inside_box": "check-keypoints-inside-box",
    "min_visible_keypoints": "check-visible-keypoints",
    "attribute": "check-attribute-value", "text_pattern": "check-text-pattern",
}


def check_code(key: str) -> Code | None:
    """The validation rule code that enforces one check key, or ``None`` if none is registered."""
    from guidec import codes

    codes.all_codes()  # import every module that registers codes
    name = CHECK_RULE_NAMES.get(key)
    entry = codes.lookup(name) if name else None
    return entry if entry is not None and entry.code.startswith("V") else None


def percent(v: float) -> str:
    return f"{v * 100:.4g} %"
