"""Label Studio labeling configuration (``label_studio/config.xml``).

The layout (which control carries which labels, which attribute becomes which control) is
computed once by :func:`layout`; the XML emitter here and the Label Studio export schema in
:mod:`guidec.targets.schemas` both read it, and so can readers of Label Studio exports.

Decisions (documented in site/docs/targets.md):

- One object ``<Image name="image" value="$image">``.
- One labels control per shape kind: ``box`` (RectangleLabels, canRotate="false"),
  ``rotated_box`` (RectangleLabels, canRotate="true"), ``polygon`` (PolygonLabels), ``mask``
  (BrushLabels), ``polyline`` (VectorLabels), ``points`` (KeyPointLabels), ``text_region``
  (PolygonLabels: quadrilaterals and polygons) and one KeyPointLabels per keypoint schema,
  ``keypoints.<schema>``, whose labels are the schema's points (as written). A class whose only instance
  shape is keypoints also gets a label in ``box``: the instance box (COCO keypoint annotations
  carry one).
- Label ``value`` is the class name, ``background`` its colour, ``category`` its spec id (Label
  Studio's converter uses it as category id), ``hint`` its title. A class's hotkey goes on its first
  label only (two labels with one key would fight).
- Hierarchy: every active class (parents and children) is a label, in the spec's pre-order, so
  children follow their parent; the hint shows the path. Deprecated classes are left out.
- Object attributes: one control per attribute, ``perRegion="true"`` with ``whenLabelValue`` (the
  classes carrying it) and ``required`` ON the control, inside a ``View`` with the same condition
  that also holds a header. enum -> Choices (single or multiple), bool -> Choices ``true`` /
  ``false``, integer/number -> Number (min, max, step), text -> TextArea.
- ``when:`` conditions: one nested ``View visibleWhen="choice-selected"`` (``whenTagName`` the
  other attribute's Choices, ``whenChoiceValue`` the wanted values) per condition around the
  control, so it shows only when every condition holds. A condition on a number or text
  attribute, on an attribute of the other scope, or on a value with a comma cannot be
  expressed: T103 (warning, once per build), and the control shows always.
- Control names are identifiers (Label Studio lists them comma-separated in ``toName`` and
  ``whenTagName``), derived from the spec's names by
  :func:`guidec.readers.label_studio.control_names` so that readers map them back: an attribute
  or schema whose name is an identifier keeps it (``Leaf Area Affected(%)`` ->
  ``Leaf_Area_Affected``); an attribute named like a fixed control gets ``attr_`` in front. The
  header above the control shows the name as written.
- Transcriptions of text regions: one per-region TextArea ``transcription``.
- Image attributes: the same controls without ``perRegion``.
- More than :data:`FILTER_THRESHOLD` labels in one control: a ``Filter`` search box above it and
  a scrolling list, so thousands of classes stay usable.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from guidec.codes import code
from guidec.diagnostics import Diagnostic
from guidec.names import is_identifier
from guidec.readers.label_studio import control_names
from guidec.spec.model import Attribute
from guidec.targets import TARGETS, Target
from guidec.targets._common import (
    TRANSCRIPTION,
    class_attributes,
    enum_default,
    fmt_num,
    image_attributes,
    number_range,
    per_project,
    transcription_mode,
)
from guidec.view import Project, assigned_color

OBJECT = "image"
#: The task data key the ``Image`` object reads (``value="$image"``): tasks made for a project
#: built from this config (``guidec sample``'s tasks.json) put the image URL under it.
IMAGE_KEY = "image"
FILTER_THRESHOLD = 50

# shape kind -> (control name, tag, extra attributes)
SHAPE_CONTROLS: dict[str, tuple[str, str, dict[str, str]]] = {
    "box": ("box", "RectangleLabels", {"canRotate": "false"}),
    "rotated_box": ("rotated_box", "RectangleLabels", {"canRotate": "true"}),
    "polygon": ("polygon", "PolygonLabels", {}),
    "mask": ("mask", "BrushLabels", {}),
    "polyline": ("polyline", "VectorLabels", {}),
    "points": ("points", "KeyPointLabels", {}),
    "text_region": ("text_region", "PolygonLabels", {}),
}
RESULT_TYPES = {  # tag -> result "type" and value key in exports
    "RectangleLabels": "rectanglelabels",
    "PolygonLabels": "polygonlabels",
    "BrushLabels": "brushlabels",
    "VectorLabels": "vectorlabels",
    "KeyPointLabels": "keypointlabels",
    "Choices": "choices",
    "Number": "number",
    "TextArea": "textarea",
}

T101 = code("T101")
T102 = code("T102")
T103 = code("T103")


@dataclass
class LabelEntry:
    value: str  # the class (or keypoint) name, as exported
    color: str
    hotkey: str | None = None
    category: int | None = None  # class id
    hint: str | None = None


@dataclass
class Control:
    name: str
    tag: str  # RectangleLabels, Choices, ...
    labels: list[LabelEntry] = field(default_factory=list)
    attrs: dict[str, str] = field(default_factory=dict)
    # attribute controls
    attribute: str | None = None  # spec attribute name (None for labels / transcription)
    classes: tuple[str, ...] = ()  # whenLabelValue: classes the control applies to
    per_region: bool = False
    required: bool = False
    choices: tuple[str, ...] = ()
    multiple: bool = False
    default: str | None = None
    number: tuple[float, float, float] | None = None  # min, max, step
    title: str = ""
    shape: str | None = None  # shape kind of a labels control
    keypoint_schema: str | None = None
    # when: conditions Label Studio can show: (Choices control name, its values), all must hold
    conditions: tuple[tuple[str, tuple[str, ...]], ...] = ()
    hidden_condition: bool = False  # a when: condition Label Studio cannot show (T103)

    @property
    def result_type(self) -> str:
        return RESULT_TYPES[self.tag]

    @property
    def value_key(self) -> str:
        return "text" if self.tag == "TextArea" else self.result_type


@dataclass
class Layout:
    object_name: str
    labels_controls: list[Control]
    region_controls: list[Control]  # per-region attribute and transcription controls
    image_controls: list[Control]  # image-level attribute controls

    @property
    def controls(self) -> list[Control]:
        return [*self.labels_controls, *self.region_controls, *self.image_controls]

    def control(self, name: str) -> Control | None:
        for c in self.controls:
            if c.name == name:
                return c
        return None

    def attribute_control(self, attribute: str) -> Control | None:
        for c in self.controls:
            if c.attribute == attribute:
                return c
        return None

    def keypoints_control(self, schema: str) -> Control | None:
        """The KeyPointLabels control of a keypoint schema."""
        for c in self.labels_controls:
            if c.keypoint_schema == schema:
                return c
        return None


def attribute_title(name: str, a: Attribute) -> str:
    """What annotators read above an attribute's control: its title, else its name (a machine
    word such as ``lane_kind`` becomes ``Lane kind``; any other name is shown as written)."""
    if a.title:
        return a.title
    return name.replace("_", " ").capitalize() if is_identifier(name) else name


def _attribute_control(name: str, a: Attribute, control_name: str, classes: tuple[str, ...],
                       per_region: bool) -> Control:
    title = attribute_title(name, a)
    required = a.required and a.when is None
    if a.type in ("enum", "bool"):
        if a.type == "enum":
            choices = tuple(a.value_names)
            default = enum_default(a)
            multiple = a.multiple
        else:
            choices = ("true", "false")
            default = None if a.default is None else ("true" if a.default else "false")
            multiple = False
        return Control(control_name, "Choices", attribute=name, classes=classes,
                       per_region=per_region, required=required, choices=choices,
                       multiple=multiple, default=default if default in choices else None,
                       title=title)
    if a.type in ("integer", "number"):
        r = number_range(a)
        return Control(control_name, "Number", attribute=name, classes=classes,
                       per_region=per_region, required=required,
                       number=(r.min, r.max, r.step), title=title)
    return Control(control_name, "TextArea", attribute=name, classes=classes,
                   per_region=per_region, required=required, title=title)


@per_project
def layout(project: Project) -> Layout:
    """Which Label Studio controls the project needs, with their labels and conditions.

    Computed once per project (the check, the config and the export schema all read it).
    """
    active = project.active_classes
    by_shape: dict[str, Control] = {}
    hotkey_used: set[str] = set()

    def add_label(ctrl: Control, c) -> None:
        hk = None
        if c.hotkey and c.name not in hotkey_used:
            hk = c.hotkey
            hotkey_used.add(c.name)
        hint = c.title if c.depth == 0 else " / ".join(
            project.by_name[n].title for n in c.path if n in project.by_name)
        ctrl.labels.append(LabelEntry(c.name, c.color, hk, c.id,
                                      hint if hint != c.name else None))

    for kind in SHAPE_CONTROLS:
        name, tag, extra = SHAPE_CONTROLS[kind]
        ctrl = Control(name, tag, attrs=dict(extra), shape=kind)
        for c in active:
            shapes = set(c.shapes)
            wants = kind in shapes
            if kind == "box" and "keypoints" in shapes and not (
                    shapes & {"box", "rotated_box", "polygon", "mask", "text_region"}):
                wants = True  # keypoint-only class: its instance box
            if wants:
                add_label(ctrl, c)
        if ctrl.labels:
            by_shape[kind] = ctrl
    kp_controls = []
    used_schemas = []
    for c in active:
        if "keypoints" in c.shapes and c.keypoints and c.keypoints not in used_schemas:
            used_schemas.append(c.keypoints)
    attr_ctrl, schema_ctrl = control_names(project)
    for schema in used_schemas:
        ks = project.keypoint_schemas[schema]
        ctrl = Control(schema_ctrl[schema], "KeyPointLabels", shape="keypoints",
                       keypoint_schema=schema)
        for p in ks.points:
            ctrl.labels.append(LabelEntry(p, assigned_color(f"{schema}.{p}")))
        kp_controls.append(ctrl)
    labels_controls = [*by_shape.values(), *kp_controls]

    region: list[Control] = []
    # transcription first: it is the name every target uses for text regions
    tr_classes = [c for c in active if transcription_mode(project, c)]
    if tr_classes:
        name = TRANSCRIPTION  # a fixed control name: no attribute control takes it
        required = all(transcription_mode(project, c) == "required" for c in tr_classes)
        region.append(Control(name, "TextArea", classes=tuple(c.name for c in tr_classes),
                              per_region=True, required=required, title="Transcription"))
    carriers: dict[str, list[str]] = {}
    for c in active:
        for a_name, _ in class_attributes(project, c):
            carriers.setdefault(a_name, []).append(c.name)
    for a_name in carriers:  # in order of first use by a class
        a = project.attributes[a_name]
        region.append(_attribute_control(a_name, a, attr_ctrl[a_name],
                                         tuple(carriers[a_name]), True))
    image = [_attribute_control(n, a, attr_ctrl[n], (), False)
             for n, a in image_attributes(project)]
    _conditions(project, region, [*region, *image])  # a region's control may follow the image's
    _conditions(project, image, image)
    return Layout(OBJECT, labels_controls, region, image)


def _conditions(project: Project, group: list[Control], pool: list[Control]) -> None:
    """Fill ``conditions`` of the attribute controls of ``group`` whose ``when:`` Label Studio
    can show: every attribute it names has a Choices control in ``pool`` (for a region's
    control: the region's and the image's; for the image's: the image's) and no wanted value
    has a comma (``whenChoiceValue`` is comma-separated). Otherwise the control is marked
    ``hidden_condition`` and shows always."""
    choices = {c.attribute: c for c in pool if c.attribute and c.tag == "Choices"}
    for ctrl in group:
        a = project.attributes.get(ctrl.attribute) if ctrl.attribute else None
        if a is None or not a.when:
            continue
        conds = []
        for other, wanted in a.when.items():
            target = choices.get(other)
            values = wanted if isinstance(wanted, list) else [wanted]
            texts = tuple(("true" if v else "false") if isinstance(v, bool) else str(v)
                          for v in values)
            if target is None or not texts or any("," in t or t not in target.choices
                                                  for t in texts):
                ctrl.hidden_condition = True
                break
            conds.append((target.name, texts))
        else:
            ctrl.conditions = tuple(conds)


# --------------------------------------------------------------------------- XML
def _label_el(parent: ET.Element, entry: LabelEntry) -> None:
    el = ET.SubElement(parent, "Label", value=entry.value, background=entry.color)
    if entry.hotkey:
        el.set("hotkey", entry.hotkey)
    if entry.category is not None:
        el.set("category", str(entry.category))
    if entry.hint:
        el.set("hint", entry.hint)


def _control_el(parent: ET.Element, ctrl: Control, to_name: str) -> ET.Element:
    el = ET.SubElement(parent, ctrl.tag, name=ctrl.name, toName=to_name)
    if ctrl.tag == "Choices":
        el.set("choice", "multiple" if ctrl.multiple else "single-radio")
        el.set("showInline", "true")
    if ctrl.per_region:
        el.set("perRegion", "true")
    if ctrl.classes:
        el.set("whenLabelValue", ",".join(ctrl.classes))
    if ctrl.required:
        el.set("required", "true")
    if ctrl.tag == "Number" and ctrl.number is not None:
        lo, hi, step = ctrl.number
        el.set("min", fmt_num(lo))
        el.set("max", fmt_num(hi))
        el.set("step", fmt_num(step))
    if ctrl.tag == "TextArea":
        el.set("editable", "true")
        el.set("maxSubmissions", "1")
        el.set("rows", "1")
        if ctrl.per_region:
            el.set("displayMode", "region-list")
    for value in ctrl.choices:
        ch = ET.SubElement(el, "Choice", value=value)
        if value == ctrl.default:
            ch.set("selected", "true")
    for k, v in ctrl.attrs.items():
        el.set(k, v)
    for entry in ctrl.labels:
        _label_el(el, entry)
    return el


def _condition_views(parent: ET.Element, ctrl: Control) -> ET.Element:
    """One nested ``View visibleWhen="choice-selected"`` per condition of a ``when:``
    attribute (a View hides what it holds; nesting makes them all hold)."""
    for tag_name, values in ctrl.conditions:
        parent = ET.SubElement(parent, "View", visibleWhen="choice-selected",
                               whenTagName=tag_name, whenChoiceValue=",".join(values))
    return parent


def config_xml(project: Project, lay: Layout | None = None) -> str:
    lay = lay or layout(project)
    root = ET.Element("View")
    ET.SubElement(root, "Header", value=f"{project.spec.project.title} "
                                        f"(spec {project.spec.project.version})")
    ET.SubElement(root, "Image", name=lay.object_name, value=f"${IMAGE_KEY}", zoom="true",
                  zoomControl="true", rotateControl="false")
    for ctrl in lay.labels_controls:
        if len(ctrl.labels) > FILTER_THRESHOLD:
            box = ET.SubElement(root, "View")
            ET.SubElement(box, "Filter", name=f"filter_{ctrl.name}", toName=ctrl.name,
                          minlength="0", placeholder="Type to find a class")
            scroller = ET.SubElement(box, "View",
                                     style="max-height: 240px; overflow-y: auto")
            _control_el(scroller, ctrl, lay.object_name)
        else:
            _control_el(root, ctrl, lay.object_name)
    for ctrl in lay.region_controls:
        wrap = ET.SubElement(root, "View", visibleWhen="region-selected",
                             whenLabelValue=",".join(ctrl.classes))
        wrap = _condition_views(wrap, ctrl)
        ET.SubElement(wrap, "Header", value=ctrl.title, size="6")
        _control_el(wrap, ctrl, lay.object_name)
    for ctrl in lay.image_controls:
        wrap = _condition_views(root, ctrl)
        ET.SubElement(wrap, "Header", value=ctrl.title, size="6")
        _control_el(wrap, ctrl, lay.object_name)
    ET.indent(root, space="  ")
    return ET.tostring(root, encoding="unicode") + "\n"


@TARGETS.add
class LabelStudio(Target):
    name = "label_studio"
    description = "Label Studio labeling configuration (config.xml)"

    def check(self, project: Project) -> list[Diagnostic]:
        out = []
        lay = layout(project)
        conditional = set()
        for ctrl in lay.region_controls:
            conditional.update(ctrl.classes)
        for c in project.active_classes:
            if "," in c.name and c.name in conditional:
                out.append(project.loaded.source.place(T101(
                    f"class {c.name!r} has a comma in its name; Label Studio cannot show its "
                    "attribute controls (whenLabelValue is comma-separated)",
                    path=(*c.spec_path, "name"), hint="rename the class")))
        if not lay.labels_controls:
            out.append(T102("no active class has a shape Label Studio can draw",
                            file=project.loaded.path))
        hidden = [c.attribute for c in [*lay.region_controls, *lay.image_controls]
                  if c.hidden_condition]
        if hidden:  # once per build, naming every such attribute
            out.append(project.loaded.source.place(T103(
                "Label Studio cannot hide " + ", ".join(repr(n) for n in hidden)
                + " until its `when:` condition holds (it names a number or text attribute, "
                "an object attribute for an image one, or a value with a comma): annotators see "
                + ("it" if len(hidden) == 1 else "them") + " always",
                path=("attributes", hidden[0], "when"),
                hint="guidec validate still checks the condition; say it in the "
                     "attribute's description")))
        return out

    def emit(self, project: Project) -> dict[str, str | bytes]:
        return {"config.xml": config_xml(project)}
