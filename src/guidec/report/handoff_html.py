"""The handoff report page (``guidec handoff --html``): the verdict, the splits (images, share
against the ratio), the groups that leak, the duplicate pairs with both images side by side,
class counts per split against the priors, the strata and the hard negatives.

Built from the JSON report itself (``guidec handoff --format json``): every number shown
carries ``data-key`` (its JSON pointer in that document) and ``data-value`` (the JSON value), so a
test can hold the page to the JSON. The page has no script; thumbnails are small JPEGs
embedded as ``data:`` URIs (made with Pillow, only with ``--images``), so the page travels as
one file.
"""

from __future__ import annotations

import base64
import io
import json
import os
from xml.etree import ElementTree as ET

from guidec import __version__
from guidec.report.html import PAGE_CSS, _sub, _within

THUMB = 160  # longest side of a thumbnail, pixels
MAX_PAIRS = 100  # duplicate pairs drawn
MAX_LEAKS = 100  # leaking groups listed
CSS = PAGE_CSS + """
.bad{color:#b00020;font-weight:600}.pair{display:flex;gap:12px;align-items:flex-start;
border-top:1px solid #ddd;padding:8px 0}.pair figure{margin:0}.pair figcaption{font-family:
monospace;font-size:.85em;word-break:break-all;max-width:200px}.na{color:#777}
"""


def ptr(*parts) -> str:
    """A JSON pointer (RFC 6901) into the report: class names may hold dots and slashes."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def _num(parent, key: str, value, fmt: str = "{:.3f}", tag: str = "td", bad: bool = False):
    text = "–" if value is None else (fmt.format(value) if isinstance(value, float)
                                      else f"{value:,}" if isinstance(value, int) else str(value))
    return _sub(parent, tag, text, class_="n bad" if bad else "n", data__key=key,
                data__value=json.dumps(value))


def _row(table, cells):
    tr = _sub(table, "tr")
    for c in cells:
        _sub(tr, "th", c)
    return tr


def data_uri(path: str) -> str | None:
    """A small JPEG of the image at ``path`` as a ``data:`` URI; None when Pillow is missing or
    the file is not a readable image."""
    try:
        from PIL import Image
    except ImportError:
        return None
    try:
        with Image.open(path) as im:
            im.draft("RGB", (THUMB, THUMB))
            im = im.convert("RGB")
            im.thumbnail((THUMB, THUMB))
            buf = io.BytesIO()
            im.save(buf, "JPEG", quality=70)
    except (OSError, ValueError, Image.DecompressionBombError):
        return None
    return "data:image/jpeg;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def find_image(root: str | None, name: str) -> str | None:
    """The file of image ``name`` under ``root`` (as named, or by its last component), never
    outside it."""
    if not root or not name:
        return None
    real = os.path.realpath(root)
    for cand in (os.path.join(real, name), os.path.join(real, os.path.basename(name))):
        if _within(cand, real) and os.path.isfile(cand):
            return cand
    return None


def handoff_page(doc: dict, image_root: str | None = None) -> str:
    """The page; ``doc`` is the JSON report of ``guidec handoff``."""
    h = doc["handoff"]
    html = ET.Element("html", lang="en")
    head = _sub(html, "head")
    _sub(head, "meta", charset="utf-8")
    _sub(head, "title", f"guidec handoff: {h['verdict']}")
    _sub(head, "style", CSS)
    body = _sub(html, "body")
    spec = doc["spec"]
    _sub(body, "h1", f"Handoff report — {spec['id']} {spec['version']}")
    p = _sub(body, "p")
    _sub(p, "span", h["verdict"].upper(),
         class_=f"verdict {'pass' if h['verdict'] == 'pass' else 'fail'}",
         data__key=ptr("handoff", "verdict"), data__value=json.dumps(h["verdict"]))
    s = doc["summary"]
    p = _sub(body, "p")
    _sub(p, "span", "Findings: ")
    _num(p, ptr("summary", "errors"), s["errors"], tag="span")
    _sub(p, "span", " errors, ")
    _num(p, ptr("summary", "warnings"), s["warnings"], tag="span")
    _sub(p, "span", " warnings, ")
    _num(p, ptr("summary", "infos"), s["infos"], tag="span")
    _sub(p, "span", f" infos. Delivery: {', '.join(doc['delivery']['files'])}. "
                    f"guidec {__version__}.")
    _splits(body, h)
    _leaks(body, doc)
    _pairs(body, doc, image_root)
    plan = h.get("plan") or {}
    _classes(body, h, plan)
    if "strata" in plan:
        _strata(body, plan["strata"])
    if "hard_negatives" in plan:
        _hard_negatives(body, plan["hard_negatives"])
    ET.indent(html)
    return "<!DOCTYPE html>\n" + ET.tostring(html, encoding="unicode", method="html") + "\n"


def _splits(body, h) -> None:
    _sub(body, "h2", "Splits")
    tab = _sub(body, "table")
    _row(tab, ["split", "images", "share", "ratio", "objects"])
    for n, sp in h["splits"].items():
        tr = _sub(tab, "tr")
        _sub(tr, "td", n)
        _num(tr, ptr("handoff", "splits", n, "images"), sp["images"])
        ratio = sp.get("ratio")
        off = ratio is not None and abs(sp["share"] - ratio) > h["tolerance"] + 1e-12
        _num(tr, ptr("handoff", "splits", n, "share"), sp["share"], bad=off)
        _num(tr, ptr("handoff", "splits", n, "ratio"), ratio)
        _num(tr, ptr("handoff", "splits", n, "objects"), sp["objects"])
    if h.get("cramers_v") is not None:
        p = _sub(body, "p", "Cramér's V of split × class: ")
        _num(p, ptr("handoff", "cramers_v"), h["cramers_v"], tag="span")


def _findings(doc, code: str) -> list[tuple[int, dict]]:
    return [(i, f) for i, f in enumerate(doc["findings"]) if f["code"] == code]


def _leaks(body, doc) -> None:
    leaks = [(i, f) for i, f in _findings(doc, "H053") if "group" in f]
    _sub(body, "h2", "Group leakage")
    if not leaks:
        _sub(body, "p", "No group is in two splits." if doc["handoff"]["group_key"] else
             "Not checked: no group key (splits.group_by or --groups).", class_="na")
        return
    tab = _sub(body, "table")
    _row(tab, ["group", "split", "images", "first images"])
    for i, f in leaks[:MAX_LEAKS]:
        for split, names in f["splits"].items():
            tr = _sub(tab, "tr")
            _sub(tr, "td", str(f["group"]), data__key=ptr("findings", i, "group"),
                 data__value=json.dumps(f["group"]))
            _sub(tr, "td", split)
            _sub(tr, "td", f"{len(names):,}", class_="n")
            _sub(tr, "td", ", ".join(names[:5]) + (", …" if len(names) > 5 else ""))
    if len(leaks) > MAX_LEAKS:
        _sub(body, "p", f"… and {len(leaks) - MAX_LEAKS:,} more groups (in the JSON report).")


def _pairs(body, doc, image_root) -> None:
    pairs = []
    for i, f in _findings(doc, "H054"):
        if "images" in f:
            pairs.append((i, f, [w.split("/", 1) for w in f["images"]], 0))
    for i, f in _findings(doc, "H059"):
        if "images" in f:
            pairs.append((i, f, [w.split("/", 1) for w in f["images"]], f["distance"]))
    _sub(body, "h2", "Duplicates across splits")
    if not pairs:
        _sub(body, "p", "None found." if image_root else
             "Not searched: no --images.", class_="na")
        return
    for i, f, members, _d in pairs[:MAX_PAIRS]:
        div = _sub(body, "div", class_="pair")
        cap = _sub(div, "div")
        _sub(cap, "strong", f["code"] + " ")
        if f["code"] == "H059":
            _sub(cap, "span", "Hamming distance ")
            _num(cap, ptr("findings", i, "distance"), f["distance"], tag="span")
        else:
            _sub(cap, "span", "identical bytes")
        for split, name in members[:4]:  # identical bytes may be in three splits
            fig = _sub(div, "figure")
            uri = data_uri(path) if (path := find_image(image_root, name)) else None
            if uri:
                _sub(fig, "img", src=uri, alt=name)
            _sub(fig, "figcaption", f"{split}/{name}")
    if len(pairs) > MAX_PAIRS:
        _sub(body, "p", f"… and {len(pairs) - MAX_PAIRS:,} more pairs (in the JSON report).")


def _classes(body, h, plan) -> None:
    _sub(body, "h2", "Classes per split")
    names = list(h["splits"])
    classes = sorted({c for sp in h["splits"].values() for c in sp["counts"]}
                     | set(next(iter(plan.get("priors", {}).values()), {})))
    if not classes:
        _sub(body, "p", "No object.", class_="na")
        return
    tab = _sub(body, "table")
    _row(tab, ["class", *[f"{n} objects" for n in names], *[f"{n} share / prior" for n in names
                                                           if plan.get("priors")]])
    priors = plan.get("priors", {})
    for c in classes:
        tr = _sub(tab, "tr")
        _sub(tr, "td", c)
        for n in names:
            pr = priors.get(n, {}).get(c)
            low = pr is not None and pr.get("min") is not None and pr["objects"] < pr["min"]
            if c in h["splits"][n]["counts"]:
                _num(tr, ptr("handoff", "splits", n, "counts", c), h["splits"][n]["counts"][c], bad=low)
            else:
                _sub(tr, "td", "0", class_="n bad" if low else "n")
        if priors:
            for n in names:
                pr = priors.get(n, {}).get(c)
                td = _sub(tr, "td")
                if pr is None or pr.get("target") is None:
                    if pr is not None and pr.get("min") is not None:
                        _sub(td, "span", "min ")
                        _num(td, ptr("handoff", "plan", "priors", n, c, "min"), pr["min"], tag="span")
                    continue
                k = ("handoff", "plan", "priors", n, c)
                off = pr["share"] is not None and abs(pr["share"] - pr["target"]) > \
                    pr["tolerance"] + 1e-12
                _num(td, ptr(*k, "share"), pr["share"], tag="span", bad=off)
                _sub(td, "span", " / ")
                _num(td, ptr(*k, "target"), pr["target"], fmt="{:g}", tag="span")
                _sub(td, "span", f" of {pr['of']}")
                if pr.get("min") is not None:
                    _sub(td, "span", ", min ")
                    _num(td, ptr(*k, "min"), pr["min"], tag="span")


def _strata(body, strata) -> None:
    _sub(body, "h2", "Strata")
    for key, per in strata.items():
        _sub(body, "h3", key)
        tab = _sub(body, "table")
        _row(tab, ["split", "value", "images", "share", "planned", "images without the key"])
        for split, row in per.items():
            k = ("handoff", "plan", "strata", key, split)
            for v, cell in row["values"].items():
                tr = _sub(tab, "tr")
                _sub(tr, "td", split)
                _sub(tr, "td", v)
                kv = (*k, "values", v)
                _num(tr, ptr(*kv, "images"), cell["images"])
                off = cell["target"] is None or (cell["share"] is not None and abs(
                    cell["share"] - cell["target"]) > cell["tolerance"] + 1e-12)
                _num(tr, ptr(*kv, "share"), cell["share"], bad=off)
                _num(tr, ptr(*kv, "target"), cell["target"], fmt="{:g}")
                _num(tr, ptr(*k, "without"), row["without"], bad=row["without"] > 0)


def _hard_negatives(body, hn) -> None:
    _sub(body, "h2", "Hard negatives")
    tab = _sub(body, "table")
    _row(tab, ["split", "images", "empty", "reviewed empty", "share", "min share",
               "forgotten (empty, not marked)", "marked, with objects"])
    for split, row in hn.items():
        tr = _sub(tab, "tr")
        _sub(tr, "td", split)
        k = ("handoff", "plan", "hard_negatives", split)
        _num(tr, ptr(*k, "images"), row["images"])
        _num(tr, ptr(*k, "empty"), row["empty"])
        _num(tr, ptr(*k, "reviewed_empty"), row["reviewed_empty"])
        _num(tr, ptr(*k, "share"), row["share"], bad=row["share"] < row["min_share"] - 1e-12)
        _num(tr, ptr(*k, "min_share"), row["min_share"], fmt="{:g}")
        _num(tr, ptr(*k, "forgotten"), row["forgotten"], bad=row["forgotten"] > 0)
        _num(tr, ptr(*k, "marked_with_objects"), row["marked_with_objects"],
             bad=row["marked_with_objects"] > 0)
