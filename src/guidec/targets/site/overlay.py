"""Example images with their shapes drawn over them, as SVG built with ElementTree.

Each example becomes an HTML ``<figure>``: the photo as a real ``<img>`` (so the browser loads and
sizes it) under an inline ``<svg>`` whose ``viewBox`` is the image's pixel grid, so shapes given in
image pixels land where they belong at any display size. :func:`standalone_svg` gives the same
drawing as one SVG file with the photo as ``<image href>``, for opening at full size.
Shapes take the colour of their class; good examples get a green frame, bad ones red.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET

from guidec.spec.model import Example, ExampleShape
from guidec.view import Project

SVG_NS = "http://www.w3.org/2000/svg"
GOOD, BAD, UNKNOWN = "#2e7d32", "#c62828", "#9e9e9e"


def _fmt(v: float) -> str:
    return f"{v:.2f}".rstrip("0").rstrip(".")


def _pts(points) -> str:
    return " ".join(f"{_fmt(p[0])},{_fmt(p[1])}" for p in points)


def shape_bounds(example: Example) -> tuple[float, float]:
    """The largest x and y any shape reaches: a canvas when the image size is unknown."""
    xs, ys = [1.0], [1.0]
    for s in example.shapes:
        pts: list = []
        if s.box:
            x, y, w, h = s.box
            pts += [(x + w, y + h)]
        if s.rotated_box:
            cx, cy, w, h, _ = s.rotated_box
            r = math.hypot(w, h) / 2
            pts += [(cx + r, cy + r)]
        for seq in (s.polygon, s.polyline, s.points):
            pts += list(seq or [])
        pts += [(k[0], k[1]) for k in (s.keypoints or []) if k is not None]
        xs += [p[0] for p in pts]
        ys += [p[1] for p in pts]
    return math.ceil(max(xs) * 1.05), math.ceil(max(ys) * 1.05)


def _label_anchor(s: ExampleShape) -> tuple[float, float] | None:
    if s.box:
        return s.box[0], s.box[1]
    if s.rotated_box:
        cx, cy, w, h, _ = s.rotated_box
        return cx - w / 2, cy - h / 2
    for seq in (s.polygon, s.polyline, s.points):
        if seq:
            return min(p[0] for p in seq), min(p[1] for p in seq)
    kps = [k for k in (s.keypoints or []) if k is not None]
    if kps:
        return min(k[0] for k in kps), min(k[1] for k in kps)
    return None


def shapes_group(example: Example, project: Project, size: tuple[int, int]) -> ET.Element:
    """``<g>`` with every shape of ``example`` in its class colour.

    Colour, fill and stroke width are set once per shape group and inherited; strokes keep
    their on-screen width at any zoom through ``vector-effect`` (a CSS rule in the site's
    stylesheet and in :data:`STANDALONE_STYLE`), which keeps pages small for big taxonomies.
    """
    w, h = size
    unit = max(w, h) / 400.0  # label and point sizes relative to the image
    g = ET.Element("g", {"class": "guidec-shapes"})
    for s in example.shapes:
        cls = project.lookup(s.class_)
        color = cls.color if cls else UNKNOWN
        attrs = {"stroke": color, "fill": color, "stroke-width": "2.5"}
        if s.text is not None:
            attrs["stroke-dasharray"] = "6 3"
        sg = ET.SubElement(g, "g", attrs)
        title = cls.title if cls else s.class_
        ET.SubElement(sg, "title").text = title + (f": “{s.text}”" if s.text else "")
        if s.box:
            x, y, bw, bh = s.box
            ET.SubElement(sg, "rect", {"x": _fmt(x), "y": _fmt(y), "width": _fmt(bw),
                                       "height": _fmt(bh), "fill-opacity": "0.12"})
        if s.rotated_box:
            cx, cy, bw, bh, angle = s.rotated_box
            ET.SubElement(sg, "rect", {
                "x": _fmt(cx - bw / 2), "y": _fmt(cy - bh / 2), "width": _fmt(bw),
                "height": _fmt(bh), "fill-opacity": "0.12",
                "transform": f"rotate({_fmt(angle)} {_fmt(cx)} {_fmt(cy)})"})
        if s.polygon:
            ET.SubElement(sg, "polygon", {"points": _pts(s.polygon), "fill-opacity": "0.2"})
        if s.polyline:
            ET.SubElement(sg, "polyline", {"points": _pts(s.polyline), "fill": "none"})
        if s.points:
            for p in s.points:
                ET.SubElement(sg, "circle", {"cx": _fmt(p[0]), "cy": _fmt(p[1]),
                                             "r": _fmt(3 * unit)})
        if s.keypoints is not None:
            _keypoints(sg, s, project, cls.keypoints if cls else None, unit)
        anchor = _label_anchor(s)
        if anchor is not None:
            label = title if s.text is None else f"{title}: “{s.text}”"
            ty = anchor[1] - 3 * unit if anchor[1] > 16 * unit else anchor[1] + 14 * unit
            t = ET.SubElement(sg, "text", {
                "x": _fmt(anchor[0]), "y": _fmt(ty), "stroke": "#000", "stroke-width": "2",
                "stroke-dasharray": "none", "paint-order": "stroke",
                "font-size": _fmt(13 * unit), "font-weight": "bold"})
            t.text = label
    return g


def _keypoints(parent: ET.Element, s: ExampleShape, project: Project, schema: str | None,
               unit: float) -> None:
    kps = s.keypoints or []
    ks = project.keypoint_schemas.get(schema) if schema else None
    if ks is not None:
        for a, b in ks.skeleton:
            if a < len(kps) and b < len(kps) and kps[a] is not None and kps[b] is not None \
                    and kps[a][2] > 0 and kps[b][2] > 0:
                ET.SubElement(parent, "line", {
                    "x1": _fmt(kps[a][0]), "y1": _fmt(kps[a][1]), "x2": _fmt(kps[b][0]),
                    "y2": _fmt(kps[b][1])})
    for i, k in enumerate(kps):
        if k is None or k[2] <= 0:
            continue  # not labeled
        name = ks.points[i] if ks is not None and i < len(ks.points) else f"point {i}"
        hidden = ks is not None and ks.visibility == "coco" and k[2] == 1
        attrs = {"cx": _fmt(k[0]), "cy": _fmt(k[1]), "r": _fmt(3.5 * unit)}
        if hidden:
            attrs["fill"] = "#fff"
        c = ET.SubElement(parent, "circle", attrs)
        ET.SubElement(c, "title").text = name + (" (hidden)" if hidden else "")


STANDALONE_STYLE = ("* { vector-effect: non-scaling-stroke; } "
                    "text { font-family: sans-serif; }")


def _svg(size: tuple[int, int], **attrs: str) -> ET.Element:
    w, h = size
    return ET.Element("svg", {"xmlns": SVG_NS, "viewBox": f"0 0 {w} {h}", **attrs})


def figure_html(example: Example, project: Project, size: tuple[int, int], img_src: str | None,
                full_href: str | None, alt: str) -> str:
    """One ``<figure>`` (a single line of HTML, so Markdown keeps it as one raw block)."""
    verdict = example.verdict
    fig = ET.Element("figure", {"class": f"guidec-example guidec-{verdict}"})
    frame = ET.SubElement(fig, "div", {"class": "guidec-frame"})
    if img_src is not None:
        ET.SubElement(frame, "img", {"src": img_src, "alt": alt, "width": str(size[0]),
                                     "height": str(size[1]), "loading": "lazy",
                                     "class": "guidec-photo"})
    else:
        ET.SubElement(frame, "div", {"class": "guidec-nophoto",
                                     "style": f"aspect-ratio: {size[0]} / {size[1]}"}
                      ).text = "image not available"
    svg = _svg(size, **{"class": "guidec-overlay", "preserveAspectRatio": "none",
                        "aria-hidden": "true"})
    svg.append(shapes_group(example, project, size))
    frame.append(svg)
    cap = ET.SubElement(fig, "figcaption")
    badge = ET.SubElement(cap, "span", {"class": f"guidec-verdict guidec-verdict-{verdict}"})
    badge.text = "✓ Good" if verdict == "good" else "✗ Bad"
    if full_href is not None:
        badge.tail = " "
        link = ET.SubElement(cap, "a", {"href": full_href, "class": "guidec-full"})
        link.text = "open full size"
    # XML serialization: it escapes '<' inside attribute values too (the HTML one does not),
    # and every empty element here is void (img) or SVG, where '<x/>' is valid in HTML.
    return ET.tostring(fig, encoding="unicode", method="xml", short_empty_elements=True)


def standalone_svg(example: Example, project: Project, size: tuple[int, int],
                   img_href: str | None) -> str:
    """The example as one SVG document: the photo as ``<image>``, shapes, a verdict frame."""
    w, h = size
    svg = _svg(size, width=str(w), height=str(h))
    ET.SubElement(svg, "style").text = STANDALONE_STYLE
    ET.SubElement(svg, "title").text = (("Good" if example.verdict == "good" else "Bad")
                                        + " example" + (f": {example.caption}"
                                                        if example.caption else ""))
    if img_href is not None:
        ET.SubElement(svg, "image", {"href": img_href, "x": "0", "y": "0", "width": str(w),
                                     "height": str(h)})
    svg.append(shapes_group(example, project, size))
    color = GOOD if example.verdict == "good" else BAD
    unit = max(w, h) / 400.0
    ET.SubElement(svg, "rect", {"x": "0", "y": "0", "width": str(w), "height": str(h),
                                "fill": "none", "stroke": color,
                                "stroke-width": _fmt(6 * unit)})
    return ET.tostring(svg, encoding="unicode") + "\n"
