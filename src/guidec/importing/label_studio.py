"""Label Studio labeling configs (XML; also a template's ``config.yml`` or a project JSON with
``label_config``).

Labels controls of every ``Image`` object become classes (``RectangleLabels`` box, or
rotated_box with ``canRotate="true"``; ``PolygonLabels`` polygon; ``BrushLabels`` mask;
``VectorLabels`` polyline; ``KeyPointLabels`` points; ``Labels`` with the tools beside it);
a label's ``background`` is the colour, ``hotkey`` the hotkey, ``alias`` an alias, ``category``
the id and ``hint`` the title (a ``A / B`` hint, as guidec writes it, the path in the
hierarchy). ``Choices``, ``Number``, ``Rating`` and ``TextArea`` become attributes: per region
(``perRegion``) with ``whenLabelValue`` / ``whenTagName`` naming the classes that carry them,
else image attributes; ``whenTagName`` + ``whenChoiceValue`` on a Choices control becomes
``when:``. guidec's own ``keypoints.<schema>`` controls become keypoint schemas, its
``text_region`` control text-region classes. A ``Taxonomy`` becomes a class hierarchy.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

from guidec.importing import (
    I102,
    I107,
    Draft,
    color_of,
    control_lost,
    dropped,
    number_attribute,
    read_text,
    unreadable,
)

FORMAT = "label_studio"

LABEL_TAGS = {"RectangleLabels": "box", "PolygonLabels": "polygon", "BrushLabels": "mask",
              "VectorLabels": "polyline", "KeyPointLabels": "points", "Labels": None}
TOOL_TAGS = {"Rectangle": "box", "Polygon": "polygon", "Brush": "mask", "Vector": "polyline",
             "KeyPoint": "points"}
ATTRIBUTE_TAGS = ("Choices", "Number", "Rating", "TextArea")
# settings that only lay a control out, or that this importer reads: not reported as lost
LAYOUT = {"name", "toName", "perRegion", "whenLabelValue", "whenTagName", "whenChoiceValue",
          "visibleWhen", "required", "choice", "showInline", "editable", "maxSubmissions",
          "rows", "displayMode", "canRotate", "min", "max", "step", "maxRating", "value",
          "placeholder", "requiredMessage", "layout", "style", "className", "showSubmitButton",
          "smart", "smartOnly", "zoom", "zoomControl", "rotateControl", "hint"}
LABEL_READ = {"value", "background", "hotkey", "alias", "category", "hint"}
KEYPOINTS_PREFIX = "keypoints."
SHAPE_ORDER = ("box", "rotated_box", "polygon", "mask", "polyline", "points", "keypoints",
               "text_region")


def config_text(path: str, text: str | None = None) -> str:
    """The labeling config XML of a config file, a template ``config.yml`` or a project JSON."""
    text = read_text(path) if text is None else text
    s = text.lstrip()
    if s.startswith("{"):
        try:
            data = json.loads(s)
        except json.JSONDecodeError as exc:
            raise unreadable(path, f"not JSON: {exc.msg} (line {exc.lineno})") from None
        if isinstance(data, dict) and isinstance(data.get("label_config"), str):
            return data["label_config"]
        raise unreadable(path, "a JSON file with no 'label_config' string")
    if not s.startswith("<"):
        import yaml

        try:
            data = yaml.safe_load(s)
        except yaml.YAMLError as exc:
            raise unreadable(path, f"not XML or YAML: {exc}") from None
        if isinstance(data, dict) and isinstance(data.get("config"), str):
            return data["config"]
        raise unreadable(path, "neither a Label Studio XML config nor a template with 'config'")
    return text


def detect(path: str, head: str) -> bool:
    s = head.lstrip()
    if s.startswith("<!--"):
        s = s[s.find("-->") + 3:].lstrip() if "-->" in s else s
    if s.startswith("<View") or s.startswith("<view"):
        return True
    if s.startswith("{") and '"label_config"' in head:
        return True
    return "config:" in head and "<View" in head


def read(path: str, draft: Draft) -> None:
    text = config_text(path)
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise unreadable(path, f"not well-formed XML: {exc}") from None
    Reader(draft, root).run()


def attribute_name(control: str, header: str | None) -> tuple[str, str | None]:
    """``(attribute name, title or None)`` of an attribute control and the header above it.

    guidec names a control after its attribute's identifier (``Leaf Color`` -> ``Leaf_Color``,
    ``box`` -> ``attr_box``) and heads it with the attribute's title, else its name as written
    (``Leaf Color``) or made readable (``lane_kind`` -> ``Lane kind``). So: a header whose
    identifier is the control name is the name; a header that is only the readable form of the
    control name is no title; any other header is the title."""
    from guidec.names import identifier
    from guidec.readers.label_studio import FIXED_CONTROLS
    from guidec.spec.model import NAME_PATTERN

    base = control
    if control.startswith("attr_") and control[5:] in FIXED_CONTROLS:
        base = control[5:]
    if not header:
        return base, None
    if header != base and re.fullmatch(re.escape(identifier(header)) + r"(_\d+)?", base) \
            and len(header) <= 64 and re.match(NAME_PATTERN, header):
        return header, None
    from guidec.spec.model import Attribute
    from guidec.targets.label_studio import attribute_title

    readable = attribute_title(base, Attribute(type="text"))
    return base, (None if header == readable else header)


def _split(text: str | None) -> list[str]:
    return [t.strip() for t in (text or "").split(",") if t.strip()]


class Reader:
    def __init__(self, draft: Draft, root: ET.Element):
        self.d = draft
        self.root = root
        self.parent: dict[ET.Element, ET.Element] = {c: p for p in root.iter() for c in p}
        self.images = {el.get("name") for el in root.iter("Image") if el.get("name")}
        self.objects = {el.get("name"): el.tag for el in root.iter()
                        if el.get("name") and el.get("value", "").startswith("$")
                        and el.tag not in LABEL_TAGS and el.tag not in ATTRIBUTE_TAGS}
        self.labels_of: dict[str, list[str]] = {}  # labels control name -> class names
        self.attr_of: dict[str, str] = {}  # Choices control name -> attribute key
        self.pending: list[tuple] = []
        self.transcribed: set[str] = set()  # classes the transcription TextArea applies to
        self.paths: dict[str, str] = {}  # label -> its hint (a path of titles)
        self.control_of: dict[str, str] = {}  # attribute name -> its control's name

    # ------------------------------------------------------------------ helpers
    def where(self, el: ET.Element) -> tuple:
        return (el.tag, el.get("name") or "")

    def cond(self, el: ET.Element, key: str) -> str | None:
        """``key`` on the element or the nearest View around it."""
        node: ET.Element | None = el
        while node is not None:
            if node.get(key) is not None:
                return node.get(key)
            node = self.parent.get(node)
        return None

    def order_attributes(self) -> None:
        """Attributes whose names share one identifier got control names ``X``, ``X_2``...
        in the spec's attribute order: put each such group back in that order (the controls
        themselves come in order of first use)."""
        from guidec.names import identifier

        d = self.d

        def rank(key: str) -> int:
            base, ctrl = identifier(key), self.control_of.get(key, "")
            m = re.fullmatch(re.escape(base) + r"_(\d+)", ctrl)
            return int(m.group(1)) if m else (0 if ctrl == base else 1)

        groups: dict[str, list[str]] = {}
        for key in d.attributes:
            groups.setdefault(identifier(key), []).append(key)
        out: dict[str, dict] = {}
        for key in d.attributes:
            for k in sorted(groups[identifier(key)], key=rank):
                out.setdefault(k, d.attributes[k])
        d.attributes.clear()
        d.attributes.update(out)

    def chain(self, el: ET.Element):
        """The element and the elements around it, innermost first."""
        node: ET.Element | None = el
        while node is not None:
            yield node
            node = self.parent.get(node)

    def header_before(self, el: ET.Element) -> str | None:
        p = self.parent.get(el)
        if p is None:
            return None
        kids = list(p)
        i = kids.index(el)
        if i > 0 and kids[i - 1].tag == "Header":
            return kids[i - 1].get("value")
        return None

    def on_image(self, el: ET.Element) -> bool:
        to = _split(el.get("toName"))
        if to and all(t in self.images for t in to):
            return True
        what = ", ".join(f"{t} ({self.objects.get(t, 'unknown object')})" for t in to
                         if t not in self.images)
        control_lost(self.d, f"{el.tag} {el.get('name')!r} labels {what or 'nothing'}, not "
                     "an image; left out", self.where(el))
        return False

    # ------------------------------------------------------------------ run
    def run(self) -> None:
        d = self.d
        if len(self.images) > 1:
            d.lose(I102, f"{len(self.images)} Image objects; their controls are merged into "
                   "one spec (a spec labels one image per task)")
        tools = {}
        for el in self.root.iter():
            if el.tag in TOOL_TAGS and el.get("name") and self.on_image(el):
                tools.setdefault(el.get("toName"), []).append(TOOL_TAGS[el.tag])
                dropped(d, f"{el.tag} {el.get('name')!r}", set(el.attrib) - LAYOUT,
                        self.where(el))
        for el in self.root.iter():
            if el.tag in LABEL_TAGS:
                self.labels_control(el, tools)
            elif el.tag == "Taxonomy":
                self.taxonomy(el)
            elif el.tag in ATTRIBUTE_TAGS:
                self.attribute(el)
            elif (el.get("toName") and el.tag not in TOOL_TAGS and el.tag != "Filter") or \
                    el.tag == "Relations":
                # any other control: ellipses, relations, rankers, dates, text and audio tools
                control_lost(d, f"{el.tag} {el.get('name')!r}: a spec has no counterpart; "
                             "left out", self.where(el))
        self.nest()
        self.link_keypoints()
        for args in self.pending:
            self.place(*args)
        # the label lists, the classes of each attribute control and the first classes of the
        # attribute controls in order (guidec writes all three in the spec's class order)
        carriers = [_split(el.get("whenLabelValue")) for name, el, *_ in self.pending
                    if el.get("perRegion") == "true" and el.get("whenLabelValue")
                    and name != "transcription"]  # guidec puts that control first
        firsts: list[str] = []
        for cs in carriers:
            if cs[0] not in firsts:
                firsts.append(cs[0])
        self.d.order_classes([*self.labels_of.values(), *carriers, firsts])
        self.order_attributes()
        self.header()
        for c in self.d.all_classes():  # text regions nobody transcribes
            if "text_region" in c.get("shapes", []) and c["name"] not in self.transcribed:
                c["text_region"] = {"transcription": "none"}

    def header(self) -> None:
        """guidec's first Header: ``<title> (spec <version>)``."""
        h = self.root.find("Header")
        m = re.fullmatch(r"(.+) \(spec (\d+\.\d+\.\d+\S*)\)", (h.get("value") or "")
                         if h is not None else "")
        if m:
            self.d.title, self.d.version = m.group(1), m.group(2)

    # ------------------------------------------------------------------ labels
    def labels_control(self, el: ET.Element, tools: dict) -> None:
        d = self.d
        name = el.get("name") or el.tag
        if not self.on_image(el):
            return
        if el.tag == "Labels":
            shapes = sorted(set(tools.get(el.get("toName"), [])), key=SHAPE_ORDER.index)
            if not shapes:
                control_lost(d, f"Labels {name!r} has no drawing tool (Rectangle, Polygon, "
                             "...) beside it; its labels are read as boxes", self.where(el))
                shapes = ["box"]
        else:
            shape = LABEL_TAGS[el.tag]
            if el.tag == "RectangleLabels" and el.get("canRotate") == "true":
                shape = "rotated_box"
            if el.tag == "PolygonLabels" and name == "text_region":
                shape = "text_region"
            shapes = [shape]
        if el.get("value", "").startswith("$"):
            control_lost(d, f"{el.tag} {name!r} takes its labels from task data "
                         f"({el.get('value')}); they are not in the config", self.where(el))
        dropped(d, f"{el.tag} {name!r}", set(el.attrib) - LAYOUT - {"canRotate"},
                self.where(el))
        if el.tag == "KeyPointLabels" and name.startswith(KEYPOINTS_PREFIX):
            schema = name[len(KEYPOINTS_PREFIX):]
            points = [lab.get("value") or "" for lab in el.iter("Label")]
            d.keypoint_schemas[schema] = {"points": points}
            return
        names = []
        lost_keys: set[str] = set()
        for lab in el.iter("Label"):
            value = lab.get("value")
            if value is None:
                continue
            lost_keys |= set(lab.attrib) - LABEL_READ
            names.append(value)
            fields: dict = {"shapes": shapes}
            color = color_of(d, lab.get("background"), f"label {value!r}", self.where(el))
            if color:
                fields["color"] = color
            if lab.get("hotkey"):
                fields["hotkey"] = lab.get("hotkey")
            if lab.get("alias") and lab.get("alias") != value:
                fields["aliases"] = [lab.get("alias")]
            cat = lab.get("category")
            if cat is not None:
                try:
                    fields["id"] = int(cat)
                except ValueError:
                    fields["id"] = cat  # number_classes reports it
            hint = lab.get("hint")
            if hint and " / " in hint:
                self.paths.setdefault(value, hint)  # nest() decides what is path and title
            elif hint and hint != value:
                fields["title"] = hint
            d.add_class(value, None, self.where(el), **fields)
        dropped(d, f"labels of {el.tag} {name!r}", lost_keys, self.where(el))
        self.labels_of[name] = names

    def nest(self) -> None:
        """Put each class whose hint is a path of titles (``A / B / C``, as guidec writes the
        hint of a child class) under the class the path leads to (titles may hold `` / ``
        themselves: the deepest path of existing classes wins); the rest of the hint is the
        class's title. A hint that leads to no class is the title."""
        d = self.d

        def search(level: list[dict], rest: str, c: dict) -> tuple[dict, str] | None:
            for x in level:
                t = x.get("title", x["name"])
                if x is not c and rest.startswith(t + " / "):
                    tail = rest[len(t) + 3:]
                    return search(x.get("children", []), tail, c) or (x, tail)
            return None

        for name, hint in sorted(self.paths.items(), key=lambda kv: kv[1].count(" / ")):
            c = d.find_class(name)
            if c is None:
                continue
            found = search(d.classes, hint, c)
            title = found[1] if found else hint
            if title != name:
                c["title"] = title
            if found:
                d.classes.remove(c)
                found[0].setdefault("children", []).append(c)

    def link_keypoints(self) -> None:
        """guidec's ``keypoints.<schema>`` controls do not say which class uses the schema:
        the class of the schema's name, else the only class labelled only in the ``box``
        control (guidec puts a keypoint class's instance box there), else the only class."""
        from guidec.names import identifier

        d = self.d
        box_only = [n for n in self.labels_of.get("box", [])
                    if sum(n in names for names in self.labels_of.values()) == 1]
        for schema in list(d.keypoint_schemas):
            c = d.find_class(schema) or next(
                (x for x in d.all_classes() if identifier(x["name"]) == schema), None)
            if c is not None and c["name"] != schema and c["name"] not in d.keypoint_schemas:
                # the control holds the schema's identifier; the class has the name as written
                d.keypoint_schemas[c["name"]] = d.keypoint_schemas.pop(schema)
                schema = c["name"]
            if c is None and len(box_only) == 1 and len(d.keypoint_schemas) == 1:
                c = d.find_class(box_only[0])
            if c is None and len(d.all_classes()) == 1:
                c = d.all_classes()[0]
            if c is None:
                d.lose(I102, f"keypoint schema {schema!r}: the config does not say which "
                       "class uses it; link it with 'keypoints:' on the class",
                       ("KeyPointLabels", KEYPOINTS_PREFIX + schema))
                continue
            c["keypoints"] = schema
            # guidec gives a keypoint class a box label only when it has no other instance
            # shape; then the box stays (a keypoint instance has its box, as in COCO)
            c["shapes"] = sorted(set(c.get("shapes", ["box"])) | {"keypoints"},
                                 key=SHAPE_ORDER.index)

    # ------------------------------------------------------------------ taxonomy
    def taxonomy(self, el: ET.Element) -> None:
        if not self.on_image(el):
            return
        dropped(self.d, f"Taxonomy {el.get('name')!r}", set(el.attrib) - LAYOUT - {
            "leafsOnly", "showFullPath", "pathSeparator"}, self.where(el))

        def walk(node: ET.Element, parent: dict | None) -> None:
            for ch in node:
                if ch.tag != "Choice":
                    continue
                value = ch.get("value") or ch.get("alias")
                if not value:
                    continue
                c = self.d.add_class(value, parent, self.where(el))
                walk(ch, c)

        walk(el, None)

    # ------------------------------------------------------------------ attributes
    def attribute(self, el: ET.Element) -> None:
        d = self.d
        name = el.get("name")
        if not name or not self.on_image(el):
            return
        a: dict = {}
        tag = el.tag
        if tag == "Choices":
            values = [c.get("value") or c.get("alias") or "" for c in el.iter("Choice")]
            values = [v for v in values if v]
            if not values:
                control_lost(d, f"Choices {name!r} has no Choice values in the config "
                             "(from task data?); left out", self.where(el))
                return
            if sorted(values) == ["false", "true"]:
                a["type"] = "bool"
            else:
                a["type"] = "enum"
                a["values"] = values
                if el.get("choice") == "multiple":
                    a["multiple"] = True
            selected = [c.get("value") for c in el.iter("Choice")
                        if c.get("selected") == "true"]
            if selected:
                if a["type"] == "bool":
                    a["default"] = selected[0] == "true"
                elif a.get("multiple"):
                    a["default"] = selected
                else:
                    a["default"] = selected[0]
            dropped(d, f"choices of Choices {name!r}", {k for c in el.iter("Choice")
                                                         for k in c.attrib} - {
                "value", "selected", "alias", "hint", "style"}, self.where(el))
        elif tag in ("Number", "Rating"):
            if tag == "Rating":
                lo, hi, step = "1", el.get("maxRating", "5"), "1"
            else:
                lo, hi, step = el.get("min"), el.get("max"), el.get("step")
            nums = {}
            for key, v in (("min", lo), ("max", hi), ("step", step)):
                if v is None:
                    continue
                try:
                    nums[key] = float(v)
                except ValueError:
                    d.lose(I102, f"{tag} {name!r}: {key} {v!r} is not a number; left out",
                           self.where(el))
            a.update(number_attribute(d, f"{tag} {name!r}", nums.get("min"), nums.get("max"),
                                      nums.get("step"), where=self.where(el)))
        else:
            a["type"] = "text"
        if el.get("required") == "true":
            a["required"] = True
        control = name
        name, title = attribute_name(control, self.header_before(el))
        if title:
            a["title"] = title
        dropped(d, f"{tag} {control!r}", set(el.attrib) - LAYOUT, self.where(el))
        per_region = el.get("perRegion") == "true" or any(
            n.get("visibleWhen") == "region-selected" for n in self.chain(el))
        if not per_region:
            a["scope"] = "image"
        classes = _split(self.cond(el, "whenLabelValue")) or None
        self.pending.append((name, el, classes, None, a))
        self.control_of[name] = control
        if tag == "Choices":
            self.attr_of[control] = name

    def place(self, name: str, el: ET.Element, classes: list[str] | None,
              tag_name: str | None, a: dict) -> None:
        """Declare the attribute and give it to the classes its conditions name."""
        d = self.d
        when: dict[str, list[str]] = {}
        for node in self.chain(el):  # the control and every View around it
            visible, tag_name = node.get("visibleWhen"), node.get("whenTagName")
            if tag_name and tag_name in self.attr_of and visible in (None, "choice-selected"):
                values = _split(node.get("whenChoiceValue"))
                if not values:
                    src = d.attributes.get(self.attr_of[tag_name], {})
                    values = list(src.get("values") or ["true"])
                when.setdefault(self.attr_of[tag_name], values)
            elif tag_name and tag_name in self.labels_of and visible in (None, "region-selected"):
                classes = classes or list(self.labels_of[tag_name])
            elif tag_name or visible not in (None, "region-selected", "choice-selected"):
                d.lose(I107, f"{el.tag} {name!r}: the condition "
                       f"{('whenTagName=' + repr(tag_name)) if tag_name else repr(visible)} "
                       "has no spec counterpart; the attribute always applies", self.where(el))
        if when:
            a["when"] = when
            a.pop("required", None)  # guidec never writes required on a conditional control
        key = d.add_attribute(name, a, where=self.where(el))
        if a.get("scope") == "image":
            return
        targets = classes if classes is not None else [
            c["name"] for c in d.all_classes() if c.get("shapes")]
        for cname in targets:
            c = d.find_class(cname)
            if c is None:
                d.lose(I107, f"{el.tag} {name!r} applies to label {cname!r}, which no labels "
                       "control declares", self.where(el))
                continue
            attrs = c.setdefault("attributes", [])
            if key not in attrs:
                attrs.append(key)
        if name == "transcription" and a["type"] == "text":
            for cname in targets:
                c = d.find_class(cname)
                self.transcribed.add(cname)
                if c is not None and "text_region" in c.get("shapes", []):
                    c["attributes"].remove(key)
                    if not c["attributes"]:
                        del c["attributes"]
                    if not a.get("required"):
                        c["text_region"] = {"transcription": "optional"}
            if not any(key in c.get("attributes", []) for c in d.all_classes()):
                del d.attributes[key]

