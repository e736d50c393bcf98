"""CVAT 1.1 XML, for images (``<image>`` elements) and for video (``<track>`` elements).

Shapes: ``box`` (xtl ytl xbr ybr, optional ``rotation`` in degrees clockwise about the centre
-> ROTATED_BOX), ``polygon``, ``polyline``, ``points`` (``points="x,y;x,y"``), ``ellipse``
(cx cy rx ry [rotation]; the table box is the unrotated bounding box), ``mask`` (``rle``
row-major over its box ``left top width height`` -> COCO RLE of the whole image),
``skeleton`` (child ``points`` in the order of the skeleton's sublabels in ``meta``;
``outside="1"`` -> visibility 0, ``occluded="1"`` -> 1, else 2), ``tag`` (TAG row).
``<attribute name="n">v</attribute>`` children become attribute columns, typed by the meta
``input_type`` (number -> float, checkbox -> bool). CVAT's built-in ``occluded`` flag fills
an attribute ``occluded`` only when the spec defines one. Meta labels become
``declared_categories`` (keyed by name). The job's (else the task's) ``assignee`` in ``meta``
names who labelled the file's images (the images' ``annotator``; ``guidec qa`` reports per
annotator). An attribute ``transcription`` (the CVAT target's text
attribute of text regions) is the row's ``text`` unless the spec defines an attribute of that
name. Locations are lines in the XML.

For video, every shape of a track where the object is in view (``outside="0"``) is a row on
the image of its frame (``frame_000010``, sized by the task's ``original_size``), with the track
id as ``instance_id``; a skeleton track's points come from its nested per-point tracks.
"""

from __future__ import annotations

import os

from guidec import masks, progress
from guidec.readers import Reader
from guidec.readers._codes import V007, V008, V009, V012, V013, V015
from guidec.readers._common import HUGE, read_bytes
from guidec.readers._xml import Element, read_root
from guidec.table import AnnotationTable, Shape, TableBuilder, concat_tables

NAME = "cvat"


def _detect(path: str, head: bytes, is_dir: bool) -> bool:
    if is_dir:
        return False
    h = head.lstrip()
    return h.startswith(b"<") and b"<annotations" in head and b"<annotation>" not in head


def read(paths: list[str], ctx) -> AnnotationTable:
    """Each file through the compiled scanner (:mod:`.cvat_fast`) when it takes it, else the
    general reader below; one table, as one builder over every file would give."""
    tables = [_read_one(p, ctx) for p in paths]
    table = concat_tables(tables)
    if len(tables) > 1:  # later files' meta labels replace earlier ones, as in one builder
        declared: dict = {}
        for t in tables:
            declared.update(t.declared_categories)
        table.declared_categories = declared
    return table


def _read_one(path: str, ctx) -> AnnotationTable:
    from guidec.readers import cvat_fast

    data = None
    if cvat_fast.available():
        size = _size(path)
        if size >= cvat_fast.STREAM_MIN:
            try:
                table = cvat_fast.from_mapped(path, ctx)
            except OSError:
                table = None  # read_bytes below reports why the file cannot be read
            if table is not None:
                prog = progress.active()
                if prog is not None:
                    prog.read(size)
                return table
        data = read_bytes(path, ctx)
        if data is not None and size < cvat_fast.STREAM_MIN:
            table = cvat_fast.from_scan(data, path, ctx)
            if table is not None:
                return table
    b = TableBuilder()
    if data is not None or not cvat_fast.available():
        read_file(path, ctx, b, data)
    else:
        b.add_file(path, NAME)  # unreadable: read_bytes reported it
    return b.build()


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


TRANSCRIPTION = "transcription"  # the text attribute the CVAT target gives text regions


def _project_has(ctx, attr: str) -> bool:
    proj = ctx.project
    return proj is not None and attr in getattr(proj, "attributes", {})


def read_file(path: str, ctx, b: TableBuilder, data: bytes | None = None) -> None:
    """The general reader: any file, every finding. ``data``: the file's bytes, when read."""
    fi = b.add_file(path, NAME)
    root = read_root(path, ctx, "annotations", "a CVAT XML file", data)
    if root is None:
        return
    meta = _meta(root, path, ctx, b)
    fill_occluded = _project_has(ctx, "occluded")
    who = _assignee(root)
    first = b.image_count
    for im in root.findall("image"):
        _image(im, path, fi, ctx, b, meta, fill_occluded)
    if who is not None:
        b.set_annotator(first, who)
    tracks = root.findall("track")
    if tracks:
        _tracks(root, tracks, path, fi, ctx, b, meta, fill_occluded)


def _assignee(root: Element) -> str | None:
    """Who labelled the file: the assignee of its job (or task) in ``meta``, if named."""
    meta = root.find("meta")
    for holder in (meta.find("job"), meta.find("task")) if meta is not None else ():
        a = holder.find("assignee") if holder is not None else None
        if a is not None:
            name = (a.findtext("username") or a.text or "").strip()
            if name:
                return name
    return None


def _meta(root: Element, path, ctx, b: TableBuilder) -> dict:
    """label name -> {"type", "attributes": {name: input_type}, "parent", "sublabels"}."""
    out: dict = {}
    meta = root.find("meta")
    if meta is None:
        return out
    labels_parents = []
    for holder in (meta.find("task"), meta.find("project"), meta.find("job")):
        if holder is None:
            continue
        lab = holder.find("labels")
        if lab is not None:
            labels_parents.append(lab)
    for labels in labels_parents:
        for lab in labels.findall("label"):
            name = lab.findtext("name")
            if name is None:
                ctx.report(V007("label has no <name>", file=path).with_position(lab.line,
                                                                                 lab.col))
                continue
            if name in out:
                ctx.report(V012(f"label {name!r} is declared twice", file=path)
                           .with_position(lab.line, lab.col))
                continue
            attrs = {}
            holder = lab.find("attributes")
            for a in holder.findall("attribute") if holder is not None else []:
                an = a.findtext("name")
                if an:
                    attrs[an] = {
                        "input_type": a.findtext("input_type") or "text",
                        "values": [v for v in (a.findtext("values") or "").replace(
                            "\n", " ").split(" ") if v],
                        "default_value": a.findtext("default_value"),
                        "mutable": a.findtext("mutable"),
                    }
            parent = lab.findtext("parent")
            out[name] = {"name": name, "type": lab.findtext("type"),
                         "color": lab.findtext("color"), "attributes": attrs,
                         "parent": parent, "sublabels": []}
            b.declared_categories[name] = out[name]
    for name, entry in out.items():
        if entry["parent"] in out:
            out[entry["parent"]]["sublabels"].append(name)
    return out


def _num(el: Element, key: str, path, ctx, required: bool = True) -> float | None:
    v = el.get(key)
    if v is None:
        if required:
            ctx.report(V007(f"<{el.tag}> has no '{key}'", file=path).with_position(el.line,
                                                                                  el.col))
        return None
    try:
        x = float(v)
    except ValueError:
        ctx.report(V008(f"'{key}' of <{el.tag}> is not a number: {v!r:.40}", file=path)
                   .with_position(el.line, el.col))
        return None
    if x != x or abs(x) > HUGE:
        ctx.report(V009(f"'{key}' of <{el.tag}> is {v!r:.40}", file=path)
                   .with_position(el.line, el.col))
        return None
    return x


def _points(el: Element, path, ctx) -> list[tuple[float, float]] | None:
    text = el.get("points")
    if text is None:
        ctx.report(V007(f"<{el.tag}> has no 'points'", file=path).with_position(el.line,
                                                                               el.col))
        return None
    out = []
    for pair in text.split(";"):
        pair = pair.strip()
        if not pair:
            continue
        xy = pair.split(",")
        try:
            x, y = float(xy[0]), float(xy[1])
            if len(xy) != 2:
                raise ValueError
        except (ValueError, IndexError):
            ctx.report(V008(f"points of <{el.tag}> must be 'x,y;x,y;...', found {pair!r:.40}",
                            file=path).with_position(el.line, el.col))
            return None
        if x != x or y != y or abs(x) > HUGE or abs(y) > HUGE:
            ctx.report(V009(f"points of <{el.tag}> hold {pair!r:.40}", file=path)
                       .with_position(el.line, el.col))
            return None
        out.append((x, y))
    return out


def _typed(value: str, input_type: str | None):
    if input_type == "number":
        try:
            f = float(value)
            return int(f) if f.is_integer() and "." not in value else f
        except ValueError:
            return value
    if input_type == "checkbox":
        low = value.strip().lower()
        if low in ("true", "false"):
            return low == "true"
    return value


def _attributes(el: Element, label_meta: dict | None, project=None) -> dict:
    return attribute_values([(a.get("name"), a.text) for a in el.findall("attribute")],
                            label_meta, project)


def attribute_values(pairs, label_meta: dict | None, project=None) -> dict:
    """A shape's attributes from its ``<attribute>`` children as (name, text) pairs, typed by
    the label's meta; shared with the compiled path (:mod:`.cvat_fast`)."""
    types = (label_meta or {}).get("attributes", {})
    out = {}
    for name, text in pairs:
        if name is None:
            continue
        value = _typed(text, (types.get(name) or {}).get("input_type"))
        multi = _checkbox_of(name, project)
        if multi is not None:  # "<attribute>:<value>": one checkbox of a multi-valued enum
            chosen = out.setdefault(multi[0], [])
            if value is True or (isinstance(value, str) and value.strip().lower() == "true"):
                chosen.append(multi[1])
            continue
        out[name] = value
    return out


def _checkbox_of(name: str, project) -> tuple[str, str] | None:
    """``(attribute, value)`` when ``name`` is the CVAT target's checkbox of one value of a
    multi-valued enum attribute of the spec (``lane_kind:solid``; names may hold ':')."""
    attrs = getattr(project, "attributes", None)
    if not attrs or name in attrs or ":" not in name:
        return None
    for n, a in attrs.items():
        if (a.type == "enum" and a.multiple and name.startswith(n + ":")
                and name[len(n) + 1:] in a.value_names):
            return n, name[len(n) + 1:]
    return None


def _image(im: Element, path, fi, ctx, b: TableBuilder, meta: dict, fill_occluded) -> None:
    name = im.get("name")
    w = _num(im, "width", path, ctx, required=False)
    h = _num(im, "height", path, ctx, required=False)
    key = im.get("id", name)
    img = b.add_image(key, name, w, h, src_file=fi, src_line=im.line)
    for el in im.children:
        if el.tag != "attribute":
            _shape(el, img, w, h, path, fi, ctx, b, meta, fill_occluded)


def _tracks(root: Element, tracks: list, path, fi, ctx, b: TableBuilder, meta: dict,
            fill_occluded) -> None:
    """CVAT for video: each shape of a track where the object is in view (``outside="0"``)
    becomes a row on the image of its frame, with the track id as ``instance_id``. Frames are
    images named as CVAT and Datumaro export them, ``frame_000010``, of the task's
    ``original_size``; a skeleton track's points come from its per-point sub-tracks."""
    w = h = None
    meta_el = root.find("meta")
    for holder in ([meta_el.find("task"), meta_el.find("job")] if meta_el is not None else []):
        size = holder.find("original_size") if holder is not None else None
        if size is not None:
            w, h = _text_num(size.findtext("width")), _text_num(size.findtext("height"))
            break
    frames: dict[int, int] = {}

    def image_of(el: Element) -> int | None:
        frame = el.get("frame")
        if frame is None or not frame.strip().isdigit():
            ctx.report(V007(f"<{el.tag}> of a track has no frame number", file=path)
                       .with_position(el.line, el.col))
            return None
        n = int(frame)
        if n not in frames:
            frames[n] = b.add_image(n, f"frame_{n:06d}", w, h, src_file=fi, src_line=el.line)
        return frames[n]

    for t in tracks:
        tid = t.get("id")
        track_id = int(tid) if tid is not None and tid.strip().isdigit() else -1
        label = t.get("label")
        subs = [c for c in t.children if c.tag == "track"]
        for el in t.children:
            if el.tag in ("attribute", "track") or el.get("outside") == "1":
                continue
            img = image_of(el)
            if img is None:
                continue
            if el.tag == "skeleton":
                el = _skeleton_frame(el, subs)
            if label is not None and el.get("label") is None:
                el.attrib["label"] = label
            _shape(el, img, w, h, path, fi, ctx, b, meta, fill_occluded, instance=track_id)


def _skeleton_frame(el: Element, subs: list) -> Element:
    """A video skeleton at one frame: its points are the sub-tracks' ``points`` of that frame
    (CVAT writes them as tracks nested in the skeleton's track)."""
    frame = el.get("frame")
    out = Element("skeleton", dict(el.attrib), el.line, el.col)
    out.children = [c for c in el.children if c.tag == "attribute"]
    for sub in subs:
        for p in sub.children:
            if p.tag == "points" and p.get("frame") == frame:
                q = Element("points", dict(p.attrib), p.line, p.col)
                q.attrib["label"] = sub.get("label")
                out.children.append(q)
    return out


def _text_num(text: str | None) -> float | None:
    try:
        x = float(text) if text is not None else None
    except ValueError:
        return None
    return x if x is not None and 0 < x < HUGE else None


def _shape(el: Element, img: int, w, h, path, fi, ctx, b: TableBuilder, meta: dict,
           fill_occluded, instance: int = -1) -> None:
    """One shape element of an image (or of a track at one frame) -> one table row."""
    tag = el.tag
    label = el.get("label")
    # line and column find the element again (guidec migrate rewrites it in place)
    common = dict(image_index=img, label=label or None, src_file=fi, src_line=el.line,
                  src_index=el.col)
    if instance >= 0:
        common["instance_id"] = instance
    lm = meta.get(label) if label else None
    attrs = _attributes(el, lm, ctx.project)
    if TRANSCRIPTION in attrs and not _project_has(ctx, TRANSCRIPTION):
        # the CVAT target's text attribute of text regions: the row's transcription
        value = attrs.pop(TRANSCRIPTION)
        common["text"] = None if value is None else str(value)
    if fill_occluded and "occluded" not in attrs and el.get("occluded") is not None:
        attrs["occluded"] = el.get("occluded") == "1"
    if tag == "box":
        xtl, ytl = _num(el, "xtl", path, ctx), _num(el, "ytl", path, ctx)
        xbr, ybr = _num(el, "xbr", path, ctx), _num(el, "ybr", path, ctx)
        rot = _num(el, "rotation", path, ctx, required=False) or 0.0
        if None in (xtl, ytl, xbr, ybr):
            return
        b.add_annotation(shape=Shape.ROTATED_BOX if rot else Shape.BOX,
                         bbox=(xtl, ytl, xbr - xtl, ybr - ytl), rotation=rot,
                         attributes=attrs, **common)
    elif tag in ("polygon", "polyline", "points"):
        pts = _points(el, path, ctx)
        if pts is None:
            return
        shape = {"polygon": Shape.POLYGON, "polyline": Shape.POLYLINE,
                 "points": Shape.POINTS}[tag]
        b.add_annotation(shape=shape, rings=[pts], attributes=attrs, **common)
    elif tag == "ellipse":
        cx, cy = _num(el, "cx", path, ctx), _num(el, "cy", path, ctx)
        rx, ry = _num(el, "rx", path, ctx), _num(el, "ry", path, ctx)
        rot = _num(el, "rotation", path, ctx, required=False) or 0.0
        if None in (cx, cy, rx, ry):
            return
        b.add_annotation(shape=Shape.ELLIPSE, bbox=(cx - rx, cy - ry, 2 * rx, 2 * ry),
                         rotation=rot, attributes=attrs, **common)
    elif tag == "mask":
        _mask(el, path, ctx, b, w, h, attrs, common)
    elif tag == "skeleton":
        order = (lm or {}).get("sublabels") or []
        pts = {}
        for p in el.findall("points"):
            xy = _points(p, path, ctx)
            if not xy:
                continue
            v = 0 if p.get("outside") == "1" else (1 if p.get("occluded") == "1" else 2)
            pts[p.get("label")] = (xy[0][0], xy[0][1], v)
        names = order or list(pts)
        kps = [pts.get(n, (0.0, 0.0, 0)) for n in names]
        extra = [n for n in pts if n not in names]
        if extra:
            ctx.report(V008(f"skeleton points {extra} are not sublabels of "
                            f"{label!r} in the meta", file=path)
                       .with_position(el.line, el.col))
        b.add_annotation(shape=Shape.KEYPOINTS, keypoints=kps, attributes=attrs, **common)
    elif tag == "tag":
        b.add_annotation(shape=Shape.TAG, attributes=attrs, **common)
    else:
        ctx.report(V015(f"<{tag}> is not read", file=path).with_position(el.line, el.col))
        return
    if not label:  # an empty label="" is no label: the row stays unlabeled, said here
        said = "an empty 'label'" if label is not None else "no 'label'"
        ctx.report(V007(f"<{tag}> has {said}", file=path).with_position(el.line, el.col))


def _mask(el: Element, path, ctx, b, w, h, attrs, common) -> None:
    nums = [_num(el, k, path, ctx) for k in ("left", "top", "width", "height")]
    text = el.get("rle")
    if None in nums or text is None:
        if text is None:
            ctx.report(V007("<mask> has no 'rle'", file=path).with_position(el.line, el.col))
        return
    try:
        box, rle = mask_rle(nums, text, w, h)
    except (ValueError, masks.RleError) as exc:
        ctx.report(V013(f"mask rle cannot be decoded: {exc}", file=path)
                   .with_position(el.line, el.col))
        return
    b.add_annotation(shape=Shape.MASK, bbox=box, rle=rle, attributes=attrs, **common)


def mask_rle(nums: list[float], text: str, w: float | None, h: float | None):
    """The box ``(left, top, width, height)`` and the COCO RLE over the whole ``w`` x ``h``
    image of a CVAT mask (``rle`` runs over its box, row-major, zeros first); ValueError or
    :class:`masks.RleError` when it cannot be decoded. Shared with :mod:`.cvat_fast`."""
    left, top, mw, mh = (int(v) for v in nums)
    values = [int(v) for v in text.replace(" ", "").split(",") if v != ""]
    if w is None or h is None:
        raise masks.RleError("the image has no width/height")
    if mw * mh > 1 << 28 or w * h > 1 << 28:
        raise masks.RleError("mask larger than 2^28 pixels")
    return (left, top, mw, mh), masks.from_cvat(values, left, top, mw, mh, int(w), int(h))


READER = Reader(
    name=NAME,
    description="CVAT for images 1.1 XML: box (rotation), polygon, polyline, points, "
                "ellipse, mask, skeleton, tag, attributes; meta labels",
    detect=_detect,
    read=read,
    extensions=(".xml",),
)
