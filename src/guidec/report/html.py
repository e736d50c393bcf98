"""The HTML page of ``guidec validate --html``: findings with thumbnails of the offending
annotations drawn over their images.

Each thumbnail is an inline SVG: the image (linked by a path relative to the page, never
copied or decoded, so no imaging library is needed) cropped around the annotation with a
``viewBox``, and the annotation's box, polygon parts and labeled keypoints drawn over it in
its class colour. The page is built as an ElementTree, not from a template.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Sequence
from urllib.parse import quote
from xml.etree import ElementTree as ET

import numpy as np

from guidec import __version__
from guidec.codes import REGISTRY
from guidec.diagnostics import Diagnostic, Severity
from guidec.report import summary_line

MAX_LISTED = 2000  # findings listed on the page (the full list is in --format json)
MAX_THUMBNAILS = 400
THUMB_PX = 220

#: What the verdict pages (guidec qa --html, guidec handoff --html) share: type, tables, verdict.
PAGE_CSS = """
body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222;max-width:1200px}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.6em}table{border-collapse:collapse}
td,th{padding:2px 10px;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}
tr:nth-child(even){background:#f4f4f4}.verdict{font-size:1.3em;font-weight:600;padding:6px 12px;
display:inline-block;border-radius:4px;color:#fff}.pass{background:#1b7f3b}.fail{background:#b00020}
"""

CSS = """
body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}
h1{font-size:1.4em}table{border-collapse:collapse}td,th{padding:2px 10px;text-align:left}
tr:nth-child(even){background:#f4f4f4}.f{display:flex;gap:12px;align-items:flex-start;
border-top:1px solid #ddd;padding:8px 0}.f svg{flex:none;background:#eee}
.error{color:#b00020}.warning{color:#a15c00}.info{color:#00639b}code{font-size:.95em}
.loc{color:#555;font-family:monospace;font-size:.9em;word-break:break-all}
"""


def _sub(parent, tag, text=None, **attrs):
    el = ET.SubElement(parent, tag, {k.rstrip("_").replace("__", "-"): str(v)
                                     for k, v in attrs.items() if v is not None})
    if text is not None:
        el.text = text
    return el


class ImageFinder:
    """Finds an image file from the delivery's file name, under ``--images`` or beside the
    delivery file, and nowhere else: a name that leads out of those folders (``../../etc/
    passwd``, an absolute path, a symlink out) gets no thumbnail and no link."""

    def __init__(self, image_root: str | None, page_dir: str):
        self.root = image_root
        self.page_dir = page_dir
        self.cache: dict[tuple[str, str], str | None] = {}

    def find(self, file_name: str | None, delivery_file: str | None) -> str | None:
        if not file_name:
            return None
        key = (file_name, delivery_file or "")
        if key not in self.cache:
            cands = []  # (candidate, the folder it must stay in)
            if self.root:
                root = os.path.realpath(self.root)
                cands += [(os.path.join(root, file_name), root),
                          (os.path.join(root, os.path.basename(file_name)), root)]
            if delivery_file:
                base = os.path.dirname(os.path.realpath(delivery_file))
                cands += [(os.path.join(base, file_name), base),
                          (os.path.join(base, "images", os.path.basename(file_name)), base)]
            self.cache[key] = next((c for c, inside in cands
                                    if _within(c, inside) and os.path.isfile(c)), None)
        return self.cache[key]

    def href(self, path: str) -> str:
        return quote(os.path.relpath(os.path.abspath(path), self.page_dir).replace(os.sep, "/"))


def _within(path: str, folder: str) -> bool:
    real = os.path.realpath(path)
    return os.path.commonpath([real, folder]) == folder


def _extent(table, row: int) -> np.ndarray | None:
    b = table.bbox[row]
    pts = []
    if np.isfinite(b).all():
        pts += [(b[0], b[1]), (b[0] + b[2], b[1] + b[3])]
    for ring in table.rings_of(row):
        pts += [tuple(p) for p in ring]
    kp = table.keypoints_of(row)
    pts += [(x, y) for x, y, v in kp if v > 0]
    arr = np.array([p for p in pts if np.isfinite(p).all()], dtype=float)
    if len(arr) == 0:
        return None
    return np.array([arr[:, 0].min(), arr[:, 1].min(), arr[:, 0].max(), arr[:, 1].max()])


def thumbnail(table, row: int | None, img: int, href: str, color: str,
              also=()) -> ET.Element:
    """An SVG of image ``img`` cropped around annotation ``row`` (whole image if None); ``also``
    draws more annotations over it, each ``(table, row, color)`` (QA: the candidate beside the
    reference), the crop taking them in."""
    W = float(table.images.width[img])
    H = float(table.images.height[img])
    exts = [e for e in [_extent(table, row) if row is not None else None]
            + [_extent(t, r) for t, r, _ in also] if e is not None]
    ext = np.array([min(e[0] for e in exts), min(e[1] for e in exts),
                    max(e[2] for e in exts), max(e[3] for e in exts)]) if exts else None
    if ext is not None and np.isfinite([W, H]).all():
        w, h = ext[2] - ext[0], ext[3] - ext[1]
        m = max(16.0, 0.35 * max(w, h))
        x0, y0 = max(0.0, ext[0] - m), max(0.0, ext[1] - m)
        x1, y1 = min(W, ext[2] + m), min(H, ext[3] + m)
        if x1 <= x0 or y1 <= y0:  # annotation outside the image: show around it anyway
            x0, y0, x1, y1 = ext[0] - m, ext[1] - m, ext[2] + m, ext[3] + m
    elif np.isfinite([W, H]).all():
        x0, y0, x1, y1 = 0.0, 0.0, W, H
    else:
        x0, y0, x1, y1 = (ext if ext is not None else (0, 0, 100, 100))
    vw, vh = max(x1 - x0, 1.0), max(y1 - y0, 1.0)
    scale = THUMB_PX / max(vw, vh)
    svg = ET.Element("svg", {"xmlns": "http://www.w3.org/2000/svg",
                             "viewBox": f"{x0:.2f} {y0:.2f} {vw:.2f} {vh:.2f}",
                             "width": f"{vw * scale:.0f}", "height": f"{vh * scale:.0f}"})
    _sub(svg, "image", href=href, x=0, y=0,
         width=f"{W:g}" if np.isfinite(W) else None, height=f"{H:g}" if np.isfinite(H) else None)
    for t, r, c in [(table, row, color), *also]:
        if r is not None:
            _draw(svg, t, r, c, max(vw, vh) / 60)
    return svg


def _draw(svg: ET.Element, table, row: int, color: str, radius: float) -> None:
    """Annotation ``row``'s box, polygon parts and labeled keypoints, outlined in ``color``."""
    style = {"fill": "none", "stroke": color, "stroke-width": "2",
             "vector-effect": "non-scaling-stroke"}
    b = table.bbox[row]
    rings = table.rings_of(row)
    if np.isfinite(b).all() and not rings:
        rect = ET.SubElement(svg, "rect", {"x": f"{b[0]:g}", "y": f"{b[1]:g}",
                                           "width": f"{max(b[2], 0):g}",
                                           "height": f"{max(b[3], 0):g}", **style})
        rot = float(table.rotation[row])
        if rot:
            rect.set("transform", f"rotate({rot:g} {b[0] + b[2] / 2:g} {b[1] + b[3] / 2:g})")
    for ring in rings:
        ET.SubElement(svg, "polygon", {"points": " ".join(f"{x:g},{y:g}" for x, y in ring),
                                       **style})
    for x, y, v in table.keypoints_of(row):
        if v > 0:
            ET.SubElement(svg, "circle", {"cx": f"{x:g}", "cy": f"{y:g}", "r": f"{radius:.2f}",
                                          "fill": color})


def validation_page(diags: Sequence[Diagnostic], table, project, page_path: str,
                    image_root: str | None = None, title: str = "guidec validate") -> str:
    page_dir = os.path.dirname(os.path.abspath(page_path))
    finder = ImageFinder(image_root, page_dir)
    colors = {c.name: c.color for c in project.classes} if project is not None else {}
    html = ET.Element("html", lang="en")
    head = _sub(html, "head")
    _sub(head, "meta", charset="utf-8")
    _sub(head, "title", f"{title}: {summary_line(diags)}")
    _sub(head, "style", CSS)
    body = _sub(html, "body")
    _sub(body, "h1", title)
    spec = f"{project.spec.project.id} {project.spec.project.version}" if project else ""
    n_ann = len(table) if table is not None else 0
    n_img = len(table.images) if table is not None else 0
    _sub(body, "p", f"{summary_line(diags)} Spec {spec}; {n_img} images, {n_ann} annotations; "
                    f"guidec {__version__}.")
    counts = Counter(d.code for d in diags)
    if counts:
        tab = _sub(body, "table")
        tr = _sub(tab, "tr")
        for h in ("code", "name", "count", "summary"):
            _sub(tr, "th", h)
        for code in sorted(counts):
            entry = REGISTRY.get(code)
            tr = _sub(tab, "tr")
            _sub(tr, "td", code)
            _sub(tr, "td", entry.name if entry else "")
            _sub(tr, "td", str(counts[code]))
            _sub(tr, "td", entry.summary.splitlines()[0] if entry else "")
    thumbs = 0
    missing_images = 0
    listed = list(diags)[:MAX_LISTED]
    for d in listed:
        div = _sub(body, "div", class_="f")
        row = d.extra.get("_row")
        img = d.extra.get("_image_row")
        if table is not None and row is not None:
            img = int(table.image_index[row])
        if table is not None and img is not None and img >= 0 and thumbs < MAX_THUMBNAILS:
            path = finder.find(table.images.file_name[img], d.file)
            if path is None:
                missing_images += 1
            else:
                cls = d.extra.get("class")
                div.append(thumbnail(table, row, img, finder.href(path),
                                     colors.get(cls, "#ff0040")))
                thumbs += 1
        txt = _sub(div, "div")
        p = _sub(txt, "p")
        sev = d.severity.label
        _sub(p, "strong", d.code, class_=sev)
        code_tail = f" [{sev}] " if d.severity != Severity.ERROR else " "
        _sub(p, "span", code_tail + d.message)
        ident = ", ".join(f"{k} {d.extra[k]!s}" for k in ("image", "annotation", "class", "rule")
                          if d.extra.get(k) is not None)
        _sub(txt, "div", d.location() + (f" ({ident})" if ident else ""), class_="loc")
    if len(diags) > len(listed):
        _sub(body, "p", f"... and {len(diags) - len(listed)} more findings; see "
                        "--format json for all of them.")
    if missing_images:
        _sub(body, "p", f"{missing_images} finding(s) have no thumbnail: their image was not "
                        "found (give the image folder with --images).")
    ET.indent(html)
    return "<!DOCTYPE html>\n" + ET.tostring(html, encoding="unicode", method="html") + "\n"
