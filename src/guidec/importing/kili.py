"""Kili ``jsonInterface``: ``{"jobs": {JOB: {mlTask, tools, content: {categories, input},
required, isChild}}}`` (or the project JSON holding ``jsonInterface``).

OBJECT_DETECTION jobs give classes (rectangle -> box, polygon, semantic -> mask, marker ->
points, polyline / vector -> polyline) with their colour; a category's ``children`` jobs are
its attributes. Top-level CLASSIFICATION jobs become image attributes (radio / singleDropdown ->
enum, checkbox / multipleDropdown -> multiple enum), TRANSCRIPTION jobs text attributes;
children of a classification's category get ``when``.
"""

from __future__ import annotations

import json

from guidec.importing import I101, Draft, color_of, read_text, unreadable
from guidec.importing._hosted import options_attribute

FORMAT = "kili"
TOOLS = {"rectangle": "box", "polygon": "polygon", "semantic": "mask", "marker": "points",
         "polyline": "polyline", "vector": "polyline"}


def detect(path: str, head: str) -> bool:
    return head.lstrip().startswith("{") and '"jobs"' in head and '"mlTask"' in head


def read(path: str, d: Draft) -> None:
    try:
        data = json.loads(read_text(path))
    except json.JSONDecodeError as exc:
        raise unreadable(path, f"not JSON: {exc.msg} (line {exc.lineno})") from None
    if isinstance(data, dict) and isinstance(data.get("jsonInterface"), dict):
        data = data["jsonInterface"]
    jobs = data.get("jobs") if isinstance(data, dict) else None
    if not isinstance(jobs, dict):
        raise unreadable(path, "no 'jobs' object (a Kili jsonInterface has one)")
    d.title = "Kili project"

    def attr_job(jname: str, carrier: str | None, scope: str, when: dict | None):
        job = jobs.get(jname)
        if not isinstance(job, dict):
            d.lose(I101, f"child job {jname!r} is not defined; left out", ("jobs", jname))
            return None
        task = job.get("mlTask")
        content = job.get("content") or {}
        if task == "TRANSCRIPTION":
            kind, cats = "text", {}
        elif task == "CLASSIFICATION":
            kind, cats = content.get("input", "radio"), content.get("categories") or {}
        else:
            d.lose(I101, f"job {jname!r} ({task}) as a child has no spec counterpart; left out",
                   ("jobs", jname))
            return None
        options = [{"name": c.get("name") or k, "_key": k, "_children": c.get("children")}
                   for k, c in cats.items() if isinstance(c, dict)]
        key = options_attribute(d, jname, kind, options, required=bool(job.get("required")),
                                scope=scope, carrier=carrier, where=("jobs", jname), when=when,
                                title=job.get("instruction"))
        if key:
            for o in options:
                for child in o["_children"] or []:
                    attr_job(child, carrier, scope, {key: [o["name"]]})
        return key

    for jname, job in jobs.items():
        if not isinstance(job, dict) or job.get("isChild"):
            continue
        task = job.get("mlTask")
        if task == "OBJECT_DETECTION":
            raw = job.get("tools") if isinstance(job.get("tools"), list) else []
            tools = [TOOLS[t] for t in raw if isinstance(t, str) and t in TOOLS]
            other = [t for t in raw if not (isinstance(t, str) and t in TOOLS)]
            if other:
                d.lose(I101, f"job {jname!r}: tools {', '.join(map(str, other))} have no spec "
                       "shape; left out", ("jobs", jname, "tools"))
            if not tools:
                continue
            for key, cat in ((job.get("content") or {}).get("categories") or {}).items():
                if not isinstance(cat, dict):
                    continue
                name = cat.get("name") or key
                c = d.add_class(name, where=("jobs", jname, "content", "categories", key),
                                shapes=tools,
                                color=color_of(d, cat.get("color"), f"category {name!r}",
                                               ("jobs", jname, "content", "categories", key)))
                for child in cat.get("children") or []:
                    attr_job(child, name, "object", None)
                if not c.get("attributes"):
                    c.pop("attributes", None)
        elif task in ("CLASSIFICATION", "TRANSCRIPTION"):
            attr_job(jname, None, "image", None)
        else:
            d.lose(I101, f"job {jname!r} ({task}) has no spec counterpart; left out",
                   ("jobs", jname))
