"""The spec language, as pydantic models (``extra="forbid"``: an unknown key is an error).

These models describe what a spec file *says*; :mod:`guidec.view` resolves it (hierarchy,
inheritance, references, defaults) into the project every target and rule reads.
The JSON Schema of this module is what ``guidec schema`` writes for editors.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    create_model,
    field_validator,
    model_validator,
)

from guidec.spec.check_keywords import KEYWORDS

SPEC_FORMAT = 1  # the newest spec format this guidec reads

SEMVER_RE = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$"
)

# Identifiers: the project id, rule ids and split names (they become file names, CLI
# arguments and citations, so they stay machine words).
IDENTIFIER_PATTERN = r"^[A-Za-z_][A-Za-z0-9_.\-]*$"
Identifier = Annotated[
    str, StringConstraints(pattern=IDENTIFIER_PATTERN, min_length=1, max_length=64)]
# Names as users' tools have them: classes, attributes, keypoint schemas and points may carry
# spaces, punctuation, leading digits and any script ("Truck w/Box", "Leaf Area Affected(%)",
# "1", "root (pelvis)"). Refused: control and line-break characters (no tool can show them,
# XML and YAML cannot hold them as written) and space at either end (CVAT trims it, so deliveries would not match). Where
# a tool needs an identifier, the target derives one (:mod:`guidec.names`).
NAME_PATTERN = (r"^[^\s\x00-\x1f\x7f-\x9f\u2028\u2029]"
                r"(?:[^\x00-\x1f\x7f-\x9f\u2028\u2029]*[^\s\x00-\x1f\x7f-\x9f\u2028\u2029])?$")
Name = Annotated[str, StringConstraints(pattern=NAME_PATTERN, min_length=1, max_length=64)]
ClassName = Annotated[str, StringConstraints(min_length=1, max_length=64)]
COLOR_PATTERN = r"^#([0-9A-Fa-f]{6}|[0-9A-Fa-f]{3})$"
Color = Annotated[str, StringConstraints(pattern=COLOR_PATTERN)]

ShapeKind = Literal[
    "box", "rotated_box", "polygon", "mask", "polyline", "points", "keypoints", "text_region"
]
SHAPE_KINDS: tuple[str, ...] = ShapeKind.__args__  # type: ignore[attr-defined]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


# --------------------------------------------------------------------------- project
class Project(Strict):
    id: Identifier = Field(description="Stable machine id of the labeling program.")
    title: str = Field(min_length=1, max_length=200, description="Display name of the program.")
    version: str = Field(description="Semantic version of this taxonomy, e.g. 2.1.0.")
    summary: str = Field("", description="One paragraph: what is labeled and why (Markdown).")
    description: str = Field("", description="Longer introduction for the playbook (Markdown).")
    owners: list[str] = Field(default_factory=list,
                              description="Who decides on changes (e-mail addresses or teams).")
    license: str | None = Field(None, description="Licence of the labels produced.")


# --------------------------------------------------------------------------- media
class Tiling(Strict):
    """Large images (aerial mosaics, slides) labeled as tiles."""

    tile_size: tuple[int, int] = Field(description="[width, height] of a tile in pixels.")
    overlap: int = Field(0, ge=0, description="Overlap between neighbouring tiles in pixels.")
    coordinates: Literal["mosaic", "tile"] = Field(
        "mosaic", description="Whether deliveries use mosaic or per-tile pixel coordinates."
    )


class Media(Strict):
    formats: list[Literal["jpeg", "png", "tiff", "webp", "bmp", "dicom"]] = Field(
        default_factory=lambda: ["jpeg", "png"], description="Image file formats of the program."
    )
    labeling_resolution: Literal["original", "proxy"] = Field(
        "original", description="Whether annotators label the original images or smaller proxies."
    )
    proxy_max_side: int | None = Field(
        None, gt=0, description="Longest side of the proxies labeling happens on."
    )
    coordinates: Literal["pixels", "normalized"] = Field(
        "pixels", description="Coordinate space of deliveries: pixels of the original image, or 0-1."
    )
    min_image_size: tuple[int, int] | None = Field(None, description="[width, height] minimum.")
    max_image_size: tuple[int, int] | None = Field(None, description="[width, height] maximum.")
    image_sizes: list[tuple[int, int]] = Field(
        default_factory=list, description="Expected [width, height] sizes; empty = any."
    )
    tiling: Tiling | None = Field(None, description="Large images labeled as tiles.")
    color: Literal["rgb", "grayscale", "multispectral"] = Field(
        "rgb", description="Colour model of the images.")


# --------------------------------------------------------------------------- attributes
AttrType = Literal["enum", "bool", "integer", "number", "text"]


class Attribute(Strict):
    type: AttrType = Field(description="enum, bool, integer, number or text.")
    title: str | None = Field(None, description="Display name (default: the key).")
    description: str = Field("", description="Help text shown to annotators.")
    required: bool = Field(False, description="Annotators must set a value.")
    default: Any = Field(None, description="Value tools pre-fill; must be valid for the "
                         "attribute (enum value, range, step, pattern).")
    # enum
    values: dict[str, str] | list[str] | None = Field(
        None, description="enum: allowed values, as a list or as {value: description}."
    )
    multiple: bool = Field(False, description="enum: several values may be chosen.")
    # integer / number
    min: float | None = Field(None, description="integer / number: smallest value.")
    max: float | None = Field(None, description="integer / number: largest value.")
    step: float | None = Field(None, gt=0, description="integer / number: values are min + k * step.")
    # text
    pattern: str | None = Field(None, description="text: regular expression the value matches.")
    min_length: int | None = Field(None, ge=0)
    max_length: int | None = Field(None, ge=1)
    # scope and conditions
    scope: Literal["object", "image"] = Field(
        "object", description="object: per annotation; image: once per image (weather, ...)."
    )
    when: dict[str, Any] | None = Field(
        None,
        description="Applies only when another attribute has one of the given values, "
        "e.g. {occlusion: [partial, heavy]}.",
    )
    mutable: bool = Field(False, description="May change between video frames (CVAT).")

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, v: str | None) -> str | None:
        if v is not None:
            try:
                re.compile(v)
            except re.error as exc:
                raise ValueError(f"pattern does not compile: {exc}") from None
        return v

    @model_validator(mode="after")
    def _by_type(self) -> Attribute:
        t = self.type
        if t == "enum":
            if not self.values:
                raise ValueError("an enum attribute needs non-empty 'values'")
        elif self.values is not None:
            raise ValueError(f"'values' is only for enum attributes, not {t}")
        if self.multiple and t != "enum":
            raise ValueError("'multiple' is only for enum attributes")
        if t not in ("integer", "number") and (
            self.min is not None or self.max is not None or self.step is not None
        ):
            raise ValueError(f"'min', 'max' and 'step' are for integer and number, not {t}")
        if t != "text" and (
            self.pattern is not None or self.min_length is not None or self.max_length is not None
        ):
            raise ValueError(f"'pattern', 'min_length' and 'max_length' are for text, not {t}")
        return self

    @property
    def value_names(self) -> list[str]:
        if self.values is None:
            return []
        return list(self.values)


# --------------------------------------------------------------------------- keypoints
class KeypointSchema(Strict):
    points: list[Name] = Field(min_length=1, description="Point names, in delivery order.")
    skeleton: list[tuple[str, str]] = Field(
        default_factory=list, description="Edges drawn between points, as [point, point].")
    flip: list[tuple[str, str]] = Field(
        default_factory=list, description="Left/right pairs swapped by a horizontal flip."
    )
    visibility: Literal["coco", "binary", "none"] = Field(
        "coco",
        description="coco: 0 not labeled, 1 labeled but hidden, 2 visible; "
        "binary: 0 hidden, 1 visible; none: no flag.",
    )
    sigmas: list[float] | None = Field(None, description="Per-point OKS sigmas (COCO).")
    description: str = Field("", description="What the points mark (Markdown).")


# --------------------------------------------------------------------------- OCR
class TextRegion(Strict):
    transcription: Literal["required", "optional", "none"] = Field(
        "required", description="Whether each region is transcribed.")
    pattern: str | None = Field(None, description="Regular expression every transcription "
                                "matches in full.")
    alphabet: str | None = Field(None, description="Every character a transcription may use.")
    language: str | None = Field(None, description="BCP 47 tag, e.g. en, de-CH.")
    max_length: int | None = Field(None, ge=1)
    illegible: str | None = Field(
        "###", description="Transcription that marks an illegible region ('###' in ICDAR)."
    )

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, v: str | None) -> str | None:
        if v is not None:
            try:
                re.compile(v)
            except re.error as exc:
                raise ValueError(f"pattern does not compile: {exc}") from None
        return v


# --------------------------------------------------------------------------- examples
class ExampleShape(Strict):
    """One shape drawn on an example image; exactly one geometry key."""

    class_: str = Field(alias="class")
    box: tuple[float, float, float, float] | None = Field(None, description="[x, y, w, h]")
    rotated_box: tuple[float, float, float, float, float] | None = Field(
        None, description="[cx, cy, w, h, angle_degrees]"
    )
    polygon: list[tuple[float, float]] | None = Field(None, description="[[x, y], ...]")
    polyline: list[tuple[float, float]] | None = Field(None, description="[[x, y], ...]")
    points: list[tuple[float, float]] | None = Field(None, description="[[x, y], ...]")
    keypoints: list[tuple[float, float, int] | None] | None = Field(
        None, description="[x, y, visibility] per point of the class's schema, or null."
    )
    text: str | None = Field(None, description="Transcription, for text-region classes.")
    attributes: dict[str, Any] = Field(default_factory=dict,
                                       description="Attribute values of this shape.")

    @model_validator(mode="after")
    def _one_geometry(self) -> ExampleShape:
        kinds = [k for k in ("box", "rotated_box", "polygon", "polyline", "points")
                 if getattr(self, k) is not None]
        if len(kinds) > 1:
            raise ValueError(f"a shape has one geometry, found {', '.join(kinds)}")
        if not kinds and self.keypoints is None:
            raise ValueError("a shape needs a geometry: box, rotated_box, polygon, "
                             "polyline, points or keypoints")
        return self

    @property
    def geometry(self) -> str:
        for k in ("box", "rotated_box", "polygon", "polyline", "points"):
            if getattr(self, k) is not None:
                return k
        return "keypoints"


class Example(Strict):
    image: str = Field(description="Path relative to the spec's folder.")
    verdict: Literal["good", "bad"] = Field(description="Whether the example shows what to do "
                                            "(good) or what not to do (bad).")
    caption: str = Field("", description="One sentence under the image.")
    shapes: list[ExampleShape] = Field(default_factory=list,
                                       description="Shapes drawn over the image.")


# --------------------------------------------------------------------------- classes
class Class(Strict):
    id: int = Field(ge=0, description="Stable numeric id; never reused once retired.")
    name: ClassName = Field(description="Label name used in tools and deliveries.")
    title: str | None = Field(None, description="Display name (default: the name).")
    color: Color | None = Field(None, description="Display and mask colour; when absent, "
                                "guidec derives one from the name, in the parent's hue family "
                                "and apart from every other colour of the spec.")
    hotkey: str | None = Field(None, min_length=1, max_length=16,
                               description="Key that selects the class in tools.")
    shapes: list[ShapeKind] | None = Field(
        None, description="Allowed shapes; inherited from the parent when absent."
    )
    attributes: list[str] | None = Field(
        None, description="Names of attributes (from 'attributes') this class carries, "
        "in addition to its parent's."
    )
    keypoints: str | None = Field(None, description="Name of a keypoint schema.")
    text_region: TextRegion | None = Field(None, description="OCR settings; needs the "
                                           "text_region shape.")
    definition: str = Field("", description="What the class is, in one or two sentences "
                            "annotators can apply (Markdown).")
    include: list[str] = Field(default_factory=list,
                               description="Borderline cases that ARE this class.")
    exclude: list[str] = Field(default_factory=list,
                               description="Look-alikes that are NOT this class.")
    examples: list[Example] = Field(default_factory=list, description="Example images.")
    aliases: list[str] = Field(
        default_factory=list, description="Former or alternative names (declared renames)."
    )
    instances: bool = Field(True, description="false for 'stuff' (sky, road) in semantic labels.")
    ignore_in_eval: bool = Field(False, description="Pixels or objects of this class do not "
                                 "count in evaluation (Cityscapes ignoreInEval).")
    train_id: int | None = Field(None, ge=0, le=255, description="255 = ignore (Cityscapes).")
    category: str | None = Field(None, description="A grouping label (supercategory).")
    deprecated: bool = False
    replaced_by: str | list[str] | None = Field(
        None, description="Where labels of this deprecated class go: one class "
        "(rename or merge) or several (split)."
    )
    since: str | None = Field(None, description="Spec version that introduced or deprecated it.")
    experimental: bool = Field(False, description="On trial: may change or go without a "
                               "major version.")
    carved_from: str | list[str] | None = Field(
        None, description="Classes whose earlier labels may contain instances of this new class "
        "(a carve-out: 'person group' carved from 'person'); old labels of those classes "
        "need review."
    )
    children: list[Class] = Field(default_factory=list,
                                  description="Sub-classes; they inherit shapes, attributes, "
                                  "keypoints and text region.")

    @property
    def replacements(self) -> list[str]:
        if self.replaced_by is None:
            return []
        return [self.replaced_by] if isinstance(self.replaced_by, str) else list(self.replaced_by)

    @property
    def carved_from_list(self) -> list[str]:
        if self.carved_from is None:
            return []
        return [self.carved_from] if isinstance(self.carved_from, str) else list(self.carved_from)


# --------------------------------------------------------------------------- rules
def _check_fields() -> dict:
    """The fields of :class:`Check`, one per keyword of the one table
    (:mod:`guidec.spec.check_keywords`)."""
    out = {}
    for kw in KEYWORDS:
        extra = {"description": kw.description} if kw.description else {}
        if kw.field_name != kw.name:
            extra["alias"] = kw.name
        out[kw.field_name] = (kw.type | None, Field(None, **kw.bounds, **extra))
    return out


class _CheckBase(Strict):
    """A machine-checkable rule, from a fixed vocabulary; combine keys to narrow it."""

    @model_validator(mode="after")
    def _coherent(self) -> Check:
        given = self.model_dump(exclude_none=True, by_alias=True)
        if not given:
            raise ValueError("a check needs at least one condition")
        for kw in KEYWORDS:
            if kw.goes_with and kw.name in given and kw.goes_with not in given:
                raise ValueError(f"'{kw.name}' goes with '{kw.goes_with}'")
        if "attribute" in given and "in" not in given and "not_in" not in given:
            raise ValueError("'attribute' needs 'in' or 'not_in'")
        if "text_pattern" in given:
            try:
                re.compile(given["text_pattern"])
            except re.error as exc:
                raise ValueError(f"text_pattern does not compile: {exc}") from None
        return self


Check = create_model("Check", __base__=_CheckBase, __module__=__name__, **_check_fields())
Check.__doc__ = _CheckBase.__doc__


class Rule(Strict):
    id: Identifier = Field(description="Stable id of the rule (cited by reviewers).")
    title: str = Field(min_length=1, description="The rule in one line.")
    applies_to: list[str] = Field(
        default_factory=lambda: ["*"],
        description="Class names ('*' = every class); a parent covers its children.",
    )
    guideline: str = Field("", description="Markdown prose for annotators.")
    examples: list[Example] = Field(default_factory=list, description="Good and bad examples.")
    check: Check | None = Field(None, description="Machine check, when the rule can be checked.")
    severity: Literal["error", "warning", "info"] = Field(
        "error", description="Severity of findings of the check.")
    review: Literal["annotator", "reviewer", "specialist"] = Field(
        "annotator", description="Who applies the rule; 'specialist' needs domain review."
    )


# --------------------------------------------------------------------------- QA
class Agreement(Strict):
    box_iou: float | None = Field(None, ge=0, le=1)
    polygon_iou: float | None = Field(None, ge=0, le=1)
    mask_iou: float | None = Field(None, ge=0, le=1)
    mask_boundary_f: float | None = Field(None, ge=0, le=1)
    keypoint_oks: float | None = Field(None, ge=0, le=1)
    text_cer: float | None = Field(None, ge=0, le=1, description="Max character error rate.")
    attribute_accuracy: float | None = Field(None, ge=0, le=1)


class GoldenSet(Strict):
    min_accuracy: float = Field(ge=0, le=1, description="Share of golden items an annotator "
                                "must get right.")
    size: int | None = Field(None, ge=1, description="Items in the golden set.")


class Audit(Strict):
    sample_rate: float = Field(ge=0, le=1, description="Share of items re-checked by reviewers.")
    min_sample: int | None = Field(None, ge=0, description="At least this many per batch.")


class QA(Strict):
    agreement: Agreement = Field(default_factory=Agreement,
                                 description="Minimum agreement between annotators.")
    golden_set: GoldenSet | None = Field(None, description="Accuracy on items with known answers.")
    audit: Audit | None = Field(None, description="Review sampling.")
    max_error_rates: dict[str, float] = Field(
        default_factory=dict, description="Error type -> maximum rate (0-1)."
    )
    error_types: dict[str, str] = Field(
        default_factory=dict, description="Project-specific error types -> one-line definition."
    )
    reviewers: int | None = Field(None, ge=0, description="Review passes per item.")
    boundary_dilation: float = Field(
        0.02, gt=0, le=1, description="Boundary IoU band width as a share of the image "
        "diagonal (at least one pixel); 0.02 as in Cheng et al. and faster-coco-eval.")


# --------------------------------------------------------------------------- exports / splits
ExportFormat = Literal[
    "coco", "yolo", "pascal_voc", "label_studio", "cvat", "semantic_mask", "panoptic"
]


class Export(Strict):
    format: ExportFormat = Field(description="Delivery format.")
    variant: str | None = Field(None, description="yolo: detect | segment | pose | obb; "
                                "coco: instances | keypoints | panoptic.")


class Splits(Strict):
    names: list[Identifier] = Field(min_length=1, description="Split names, e.g. [train, val, test].")
    group_by: str | None = Field(None, description="Metadata key that must not cross splits.")
    ratios: dict[str, float] | None = Field(None, description="Split -> share of images; sums to 1.")


class Retired(Strict):
    """Ids and names that must never be used again (removed in an earlier version)."""

    ids: list[int] = Field(default_factory=list, description="Class ids no class may use.")
    names: list[str] = Field(default_factory=list, description="Class names no class may use.")


# --------------------------------------------------------------------------- spec
class Spec(Strict):
    guidec: int = Field(description="Spec format version.")
    project: Project
    include: list[str] = Field(default_factory=list, description="Files merged into this spec.")
    media: Media = Field(default_factory=Media)
    attributes: dict[Name, Attribute] = Field(default_factory=dict)
    keypoint_schemas: dict[Name, KeypointSchema] = Field(default_factory=dict)
    classes: list[Class] = Field(default_factory=list)
    rules: list[Rule] = Field(default_factory=list)
    qa: QA = Field(default_factory=QA)
    exports: list[ExportFormat | Export] = Field(default_factory=list)
    splits: Splits | None = None
    retired: Retired = Field(default_factory=Retired)
    severity_overrides: dict[str, Literal["error", "warning", "info", "off"]] = Field(
        default_factory=dict,
        description="Re-grade validation rules for this program: {V301: warning, L401: off}.",
    )

    @property
    def export_list(self) -> list[Export]:
        return [e if isinstance(e, Export) else Export(format=e) for e in self.exports]


class Fragment(Strict):
    """What an included file may contain: shared parts, merged into the including spec."""

    attributes: dict[Name, Attribute] = Field(default_factory=dict)
    keypoint_schemas: dict[Name, KeypointSchema] = Field(default_factory=dict)
    classes: list[Class] = Field(default_factory=list)
    rules: list[Rule] = Field(default_factory=list)
    include: list[str] = Field(default_factory=list)
