"""The QA report page (``guidec qa --html``): the verdict, the thresholds, a per-class table with
bars, the confusion matrix as a heat map, the error types against their limits, the classes to
fix first (linked to their playbook pages and rules) and the worst conflicts drawn over their
images, reference and candidate in two colours.

Every plot is SVG that guidec writes itself; the page has no script. Every number shown carries
``data-key`` (its path in the ``qa`` JSON object) and ``data-value`` (the JSON value), so a test
can hold the page to the JSON; the text is the value rounded for reading.
"""

from __future__ import annotations

import html as _html
import json
import os
from xml.etree import ElementTree as ET

from guidec import __version__
from guidec.report.html import PAGE_CSS, THUMB_PX, ImageFinder, _sub, thumbnail

REF_COLOR = "#1b9e77"  # reference objects
CAND_COLOR = "#d95f02"  # candidate objects
MAX_MATRIX = 30  # classes in the heat map (the most frequent)
MAX_WORST = 60  # conflicts drawn
CSS = PAGE_CSS + """
.na{color:#777}.bad{color:#b00020;font-weight:600}.f{display:flex;gap:12px;border-top:1px solid
#ddd;padding:8px 0}.f svg{flex:none;background:#eee}.loc{color:#555;font-family:monospace;
font-size:.9em;word-break:break-all}.key span{display:inline-block;width:12px;height:12px;
margin:0 4px 0 12px;vertical-align:middle}
"""


def _num(parent, key: str, value, fmt: str = "{:.3f}", tag: str = "td"):
    """A cell showing ``value`` with its JSON path and exact value for tests and tools."""
    text = "–" if value is None else (fmt.format(value) if isinstance(value, float)
                                      else f"{value:,}" if isinstance(value, int) else str(value))
    return _sub(parent, tag, text, class_="n", data__key=key, data__value=json.dumps(value))


def _bar(parent, value: float | None, width: int = 90, color: str = "#4c78a8"):
    svg = ET.SubElement(parent, "svg", {"width": str(width), "height": "10",
                                        "role": "img"})
    _sub(svg, "rect", x=0, y=0, width=width, height=10, fill="#e6e6e6")
    if value is not None:
        _sub(svg, "rect", x=0, y=0, width=f"{max(0.0, min(1.0, value)) * width:.1f}",
             height=10, fill=color)
    return svg


def _heat(doc: dict) -> ET.Element:
    conf = doc["confusion"]
    rows, cols, mat = conf["reference"], conf["candidate"], conf["matrix"]
    # the most frequent classes, plus the extra / missed margins
    total = [sum(r) + sum(m[i] for m in mat) for i, r in enumerate(mat)]
    keep = sorted(range(len(rows) - 1), key=lambda i: (-total[i], rows[i]))[:MAX_MATRIX]
    keep = [*sorted(keep), len(rows) - 1]
    cell = 22
    left = 12 + 7 * max(len(r) for r in rows)
    top = 12 + 6 * max(len(c) for c in cols)
    n = len(keep)
    svg = ET.Element("svg", {"xmlns": "http://www.w3.org/2000/svg", "role": "img",
                             "width": str(left + cell * n + 10),
                             "height": str(top + cell * n + 10)})
    peak = max((mat[i][j] for i in keep for j in keep), default=0) or 1
    for a, i in enumerate(keep):
        t = _sub(svg, "text", rows[i], x=left - 6, y=top + a * cell + 15,
                 **{"text-anchor": "end", "font-size": "11"})
        t.set("data-row", rows[i])
        t = _sub(svg, "text", cols[i], x=0, y=0, **{"font-size": "11", "transform":
                 f"translate({left + a * cell + 15},{top - 6}) rotate(-60)"})
        for b, j in enumerate(keep):
            v = mat[i][j]
            shade = v / peak
            color = "#b00020" if i != j else "#1b7f3b"
            rect = _sub(svg, "rect", x=left + b * cell, y=top + a * cell, width=cell - 1,
                        height=cell - 1, fill=color if v else "#f2f2f2",
                        **{"fill-opacity": f"{0.15 + 0.85 * shade:.3f}" if v else "1"})
            _sub(rect, "title", f"reference {rows[i]}, candidate {cols[j]}: {v}")
            if v:
                _sub(svg, "text", str(v), x=left + b * cell + cell / 2, y=top + a * cell + 15,
                     **{"text-anchor": "middle", "font-size": "10",
                        "data-key": f"confusion.matrix.{i}.{j}", "data-value": str(v)})
    return svg


def qa_page(doc: dict, result, project, page_path: str, image_root: str | None = None,
            playbook: str | None = None, conflicts=()) -> str:
    """The page; ``doc`` is the ``qa`` JSON object, ``conflicts`` the conflict findings."""
    html = ET.Element("html", lang="en")
    head = _sub(html, "head")
    _sub(head, "meta", charset="utf-8")
    verdict = doc["verdict"]
    _sub(head, "title", f"guidec qa: {verdict}")
    _sub(head, "style", CSS)
    body = _sub(html, "body")
    spec = project.spec.project
    _sub(body, "h1", f"Quality report — {spec.title} {spec.version}")
    p = _sub(body, "p")
    _sub(p, "span", verdict.upper(), class_=f"verdict {'pass' if verdict == 'pass' else 'fail'}",
         data__key="verdict", data__value=json.dumps(verdict))
    ref, cand, im = doc["reference"], doc["candidate"], doc["images"]
    _sub(body, "p", f"Reference: {', '.join(ref['files'])} ({ref['images']:,} images, "
                    f"{ref['annotations']:,} annotations). Candidate: {', '.join(cand['files'])}"
                    f" ({cand['images']:,} images, {cand['annotations']:,} annotations). "
                    f"{im['compared']:,} images compared; match threshold "
                    f"{doc['match_threshold']}. guidec {__version__}.")
    if verdict == "not run":
        return _done(html)
    o = doc["overall"]
    tab = _sub(body, "table")
    tr = _sub(tab, "tr")
    for h in ("reference", "candidate", "matched", "correct", "precision", "recall", "F1",
              "accuracy"):
        _sub(tr, "th", h)
    tr = _sub(tab, "tr")
    for k in ("reference", "candidate", "matched", "correct", "precision", "recall", "f1",
              "accuracy"):
        _num(tr, f"overall.{k}", o[k])

    _sub(body, "h2", "Thresholds of the spec")
    tab = _sub(body, "table")
    tr = _sub(tab, "tr")
    for h in ("threshold", "limit", "measured", "result"):
        _sub(tr, "th", h)
    for i, t in enumerate(doc["thresholds"]):
        tr = _sub(tab, "tr")
        _sub(tr, "td", t["name"])
        _sub(tr, "td", f"{t['direction']} {t['threshold']}", class_="n")
        _num(tr, f"thresholds.{i}.measured", t["measured"], "{:.4f}")
        res = {True: ("pass", ""), False: ("FAIL", "bad"), None: ("not measured", "na")}
        word, cls = res[t["pass"]]
        _sub(tr, "td", word, class_=cls or None)

    _sub(body, "h2", "Classes")
    tab = _sub(body, "table")
    tr = _sub(tab, "tr")
    for h in ("class", "reference", "candidate", "matched", "precision", "", "recall", "",
              "F1", "", "mean similarity"):
        _sub(tr, "th", h)
    for name, c in doc["classes"].items():
        tr = _sub(tab, "tr")
        _sub(tr, "td", name)
        for k in ("reference", "candidate", "matched"):
            _num(tr, f"classes.{name}.{k}", c[k])
        for k in ("precision", "recall", "f1"):
            _num(tr, f"classes.{name}.{k}", c[k])
            _bar(_sub(tr, "td"), c[k])
        _num(tr, f"classes.{name}.mean_similarity", c["mean_similarity"])

    _sub(body, "h2", "Confusion matrix")
    _sub(body, "p", "Rows: the reference's class; columns: the candidate's. The last row counts "
                    "extra objects, the last column missed ones. Green: agreement; red: "
                    "confusion; darker: more." + (
                        f" The {MAX_MATRIX} most frequent classes are shown."
                        if len(doc["confusion"]["reference"]) - 1 > MAX_MATRIX else ""))
    body.append(_heat(doc))

    _sub(body, "h2", "Error types")
    tab = _sub(body, "table")
    tr = _sub(tab, "tr")
    for h in ("error type", "count", "of", "rate", "limit", ""):
        _sub(tr, "th", h)
    for name, e in doc["error_types"].items():
        tr = _sub(tab, "tr")
        _sub(tr, "td", name)
        _num(tr, f"error_types.{name}.count", e["count"])
        _num(tr, f"error_types.{name}.of", e["of"])
        _num(tr, f"error_types.{name}.rate", e["rate"], "{:.4f}")
        _num(tr, f"error_types.{name}.limit", e["limit"], "{}")
        over = e["limit"] is not None and e["rate"] > e["limit"]
        _bar(_sub(tr, "td"), min(1.0, e["rate"] / e["limit"]) if e["limit"] else e["rate"],
             color="#b00020" if over else "#4c78a8")

    _fix_first(body, doc, result, project, playbook)
    _worst(body, doc, result, project, page_path, image_root, conflicts)
    return _done(html)


def _done(html: ET.Element) -> str:
    ET.indent(html)
    return "<!DOCTYPE html>\n" + ET.tostring(html, encoding="unicode", method="html") + "\n"


def _fix_first(body, doc, result, project, playbook) -> None:
    """The classes behind failing thresholds, worst first, linked to their playbook pages and
    rules: fix the guideline before scaling the volume."""
    failing = [t["name"] for t in doc["thresholds"] if t["pass"] is False]
    if not failing:
        return
    types = {n.rsplit(".", 1)[1] for n in failing if n.startswith("qa.max_error_rates.")}
    per_class: dict[str, dict[str, int]] = {}
    for c in result.conflicts:
        hit = [t for t in c.types if t in types] if types else list(c.types)
        if not hit:
            continue
        cls = _class_of(result, c, project)
        for t in hit:
            per_class.setdefault(cls, {}).setdefault(t, 0)
            per_class[cls][t] += 1
    _sub(body, "h2", "Fix the guideline first")
    _sub(body, "p", "Failing: " + ", ".join(failing) + ". The classes with the most conflicts "
                    "of the failing types; read their playbook pages and rules with the "
                    "annotators before the next batch.")
    slugs = _slugs(project) if playbook else None
    ul = _sub(body, "ul")
    for cls, counts in sorted(per_class.items(), key=lambda kv: (-sum(kv[1].values()),
                                                                 kv[0]))[:15]:
        li = _sub(ul, "li")
        rc = project.lookup(cls)
        if playbook and rc is not None:
            _sub(li, "a", cls, href=f"{playbook.rstrip('/')}/classes/"
                                    f"{slugs['class'][rc.name]}/")
        else:
            _sub(li, "strong", cls)
        _sub(li, "span", ": " + ", ".join(f"{t} {n}" for t, n in sorted(counts.items())))
        if rc is not None and rc.rules:
            _sub(li, "span", "; rules: ")
            for k, rid in enumerate(rc.rules):
                if k:
                    _sub(li, "span", ", ")
                if playbook:
                    _sub(li, "a", rid, href=f"{playbook.rstrip('/')}/rules/"
                                            f"{slugs['rule'][rid]}/")
                else:
                    _sub(li, "code", rid)


def _slugs(project) -> dict:
    from guidec.targets.site.navigation import Navigation

    nav = Navigation(project, None, {})
    return {"class": nav.class_slug, "rule": nav.rule_slug}


def _class_of(result, c, project) -> str:
    cmp = result.cmp
    side, row = (cmp.ref, cmp.er_row[c.ref]) if c.ref >= 0 else (cmp.cand, cmp.ec_row[c.cand])
    ci = int(side.cls[row])
    return project.classes[ci].name if ci >= 0 else "(unknown)"


def _worst(body, doc, result, project, page_path, image_root, conflicts) -> None:
    """The first conflicts (errors of class and presence first, then the least alike pairs),
    drawn over their images when the images are found."""
    if not result.conflicts:
        return
    cmp = result.cmp
    finder = ImageFinder(image_root, os.path.dirname(os.path.abspath(page_path)))
    order = {"Q012": 0, "Q010": 1, "Q011": 2, "Q014": 3, "Q015": 4, "Q022": 5, "Q018": 6}

    def badness(k: int):
        c = result.conflicts[k]
        d = c.detail
        measure = next((d[x] for x in ("iou", "oks", "boundary_iou") if x in d), 1.0)
        return (order.get(c.code, 9), measure, k)

    _sub(body, "h2", "Worst conflicts")
    key = _sub(body, "p", class_="key")
    _sub(key, "span", style=f"background:{REF_COLOR}").tail = "reference"
    _sub(key, "span", style=f"background:{CAND_COLOR}").tail = "candidate"
    drawn = missing = 0
    for k in sorted(range(len(result.conflicts)), key=badness)[:MAX_WORST]:
        c = result.conflicts[k]
        div = _sub(body, "div", class_="f")
        unit = int(cmp.er_unit[c.ref]) if c.ref >= 0 else int(cmp.ec_unit[c.cand])
        img_r, img_c = int(cmp.units.ref_img[unit]), int(cmp.units.cand_img[unit])
        rt, ct = cmp.ref.table, cmp.cand.table
        r_row = int(cmp.er_row[c.ref]) if c.ref >= 0 else None
        c_row = int(cmp.ec_row[c.cand]) if c.cand >= 0 else None
        src = rt.files[rt.images.src_file[img_r]].path if len(rt.files) else None
        path = finder.find(rt.images.file_name[img_r], src)
        if path is None:
            src = ct.files[ct.images.src_file[img_c]].path if len(ct.files) else None
            path = finder.find(ct.images.file_name[img_c], src)
        if path is not None:
            href = finder.href(path)
            if r_row is not None:
                svg = thumbnail(rt, r_row, img_r, href, REF_COLOR,
                                also=[(ct, c_row, CAND_COLOR)] if c_row is not None else [])
            else:
                svg = thumbnail(ct, c_row, img_c, href, CAND_COLOR)
            div.append(svg)
            drawn += 1
        else:
            missing += 1
        txt = _sub(div, "div")
        d = conflicts[k] if k < len(conflicts) else None
        _sub(txt, "p", f"{c.code} {_html.unescape(d.message) if d else ''}")
        if d is not None:
            _sub(txt, "div", d.location(), class_="loc")
    if missing:
        _sub(body, "p", f"{missing} conflict(s) have no thumbnail: their image was not found "
                        "(give the image folder with --images).")
    _sub(body, "p", f"{min(len(result.conflicts), MAX_WORST)} of {len(result.conflicts):,} "
                    f"conflicts shown; --format json lists them all. Thumbnails "
                    f"{THUMB_PX} px.", class_="na")


# --------------------------------------------------------------------------- trends
PALETTE = ("#4c78a8", "#f58518", "#54a24b", "#e45756", "#72b7b2", "#eeca3b", "#b279a2",
           "#ff9da6", "#9d755d", "#bab0ac")


def _lines(series: dict[str, list], batches: list[str], title: str,
           limits: dict[str, float] | None = None) -> ET.Element:
    """A line chart: one line per series over the batches (None leaves a gap), the y axis from
    0 to the largest value (at least 1 for shares), dashed limits where given."""
    w, h, left, bottom, top = 640, 220, 44, 40, 12
    vals = [v for s in series.values() for v in s if v is not None]
    vals += list((limits or {}).values())
    ymax = max([1.0] if all(0 <= v <= 1 for v in vals) and max(vals or [0]) > 0.2
               else [max(vals or [0]) * 1.1 or 1.0])
    n = max(len(batches), 1)

    def x(i: int) -> float:
        return left + (w - left - 10) * (i / (n - 1) if n > 1 else 0.5)

    def y(v: float) -> float:
        return top + (h - top - bottom) * (1 - v / ymax)

    svg = ET.Element("svg", {"xmlns": "http://www.w3.org/2000/svg", "role": "img",
                             "width": str(w + 170), "height": str(h)})
    _sub(svg, "title", title)
    for k in range(5):
        v = ymax * k / 4
        _sub(svg, "line", x1=left, x2=w - 10, y1=f"{y(v):.1f}", y2=f"{y(v):.1f}",
             stroke="#e6e6e6")
        _sub(svg, "text", f"{v:.2f}", x=left - 4, y=f"{y(v) + 4:.1f}",
             **{"text-anchor": "end", "font-size": "10"})
    for i, b in enumerate(batches):
        _sub(svg, "text", b, x=f"{x(i):.1f}", y=h - bottom + 14,
             **{"text-anchor": "middle", "font-size": "10"})
    for k, (name, values) in enumerate(series.items()):
        color = PALETTE[k % len(PALETTE)]
        pts = [(x(i), y(v)) for i, v in enumerate(values) if v is not None]
        if len(pts) > 1:
            _sub(svg, "polyline", points=" ".join(f"{a:.1f},{b:.1f}" for a, b in pts),
                 fill="none", stroke=color, **{"stroke-width": "2"})
        for a, b in pts:
            _sub(svg, "circle", cx=f"{a:.1f}", cy=f"{b:.1f}", r=3, fill=color)
        if limits and name in limits:
            _sub(svg, "line", x1=left, x2=w - 10, y1=f"{y(limits[name]):.1f}",
                 y2=f"{y(limits[name]):.1f}", stroke=color, **{"stroke-dasharray": "4 3"})
        _sub(svg, "text", name, x=w + 4, y=top + 14 * k + 10, fill=color,
             **{"font-size": "11"})
    return svg


def trend_page(records: list[dict], regs) -> str:
    """The weekly report: batches, regressions, F1 per class and error rates over time."""
    from guidec.qa.history import top_classes

    html = ET.Element("html", lang="en")
    head = _sub(html, "head")
    _sub(head, "meta", charset="utf-8")
    _sub(head, "title", "guidec qa report")
    _sub(head, "style", CSS)
    body = _sub(html, "body")
    if not records:
        _sub(body, "p", "No records.")
        return _done(html)
    last = records[-1]
    _sub(body, "h1", f"QA report — {last['spec']['id']}, {records[0]['date']} to "
                     f"{last['date']}")
    p = _sub(body, "p", f"{len(records)} batch(es); latest {last['batch']}: ")
    _sub(p, "span", last["verdict"].upper(),
         class_=f"verdict {'pass' if last['verdict'] == 'pass' else 'fail'}")
    tab = _sub(body, "table")
    tr = _sub(tab, "tr")
    for h in ("date", "batch", "spec", "verdict", "precision", "recall", "F1", "accuracy"):
        _sub(tr, "th", h)
    for i, r in enumerate(records):
        tr = _sub(tab, "tr")
        for k in ("date", "batch"):
            _sub(tr, "td", r[k])
        _sub(tr, "td", r["spec"]["version"])
        _sub(tr, "td", r["verdict"], class_="bad" if r["verdict"] == "fail" else None)
        for k in ("precision", "recall", "f1", "accuracy"):
            _num(tr, f"{i}.overall.{k}", r["overall"][k])
    _sub(body, "h2", "Regressions")
    if regs:
        ul = _sub(body, "ul")
        for g in regs:
            li = _sub(ul, "li")
            _sub(li, "strong", g.batch, class_="bad")
            _sub(li, "span", f" (since {g.since}): {g.what}")
    else:
        _sub(body, "p", "None.")
    batches = [r["batch"] for r in records]
    classes = top_classes(records)
    if classes:
        _sub(body, "h2", "F1 per class")
        body.append(_lines({c: [r["classes"].get(c, {}).get("f1") for r in records]
                            for c in classes}, batches, "F1 per class"))
    types = sorted({t for r in records for t in r["error_types"]})
    if types:
        _sub(body, "h2", "Error rates (dashed: the limit)")
        limits = {t: lim for t in types for r in records[-1:]
                  if (lim := r["error_types"].get(t, {}).get("limit")) is not None}
        body.append(_lines({t: [r["error_types"].get(t, {}).get("rate") for r in records]
                            for t in types[:10]}, batches, "Error rates", limits))
    return _done(html)
