"""Reporters: one small renderer per output format over the full list of diagnostics.

Every command that reports findings (check, validate, diff) takes ``--format`` with a name from
:data:`REPORTERS`. A renderer is ``fn(diagnostics, context) -> str``; ``context`` carries the
command name and the files looked at (for summaries and JUnit test cases).
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from xml.etree import ElementTree as ET

from guidec import __version__
from guidec.codes import REGISTRY
from guidec.diagnostics import Diagnostic, Severity
from guidec.registry import Registry


@dataclass
class Context:
    command: str = "check"
    files: Sequence[str] = ()
    color: bool = False
    extra: dict = field(default_factory=dict)
    footer: str = ""  # the human and summary reports end with it (guidec qa: the verdict)


Renderer = Callable[[Sequence[Diagnostic], Context], str]
REPORTERS: Registry[Renderer] = Registry("reporter")


def render(diags: Sequence[Diagnostic], fmt: str, ctx: Context | None = None) -> str:
    ctx = ctx or Context()
    ordered = sorted(diags, key=Diagnostic.sort_key)
    return REPORTERS[fmt](ordered, ctx)


def summary_line(diags: Sequence[Diagnostic]) -> str:
    if not diags:
        return "All checks passed."
    counts = Counter(d.severity for d in diags)
    parts = [f"{counts[s]} {s.label}{'s' if counts[s] != 1 else ''}"
             for s in (Severity.ERROR, Severity.WARNING, Severity.INFO) if counts[s]]
    files = {d.file for d in diags if d.file}
    n = len(diags)
    return (f"Found {n} problem{'s' if n != 1 else ''} ({', '.join(parts)}) "
            f"in {len(files)} file{'s' if len(files) != 1 else ''}.")


def checked_line(ctx: Context) -> str | None:
    """What a run read, for the last line of a report people read: ``Checked 2 files (coco 1,
    yolo 1): 120 images, 3,400 annotations.`` (None for commands that read no delivery)."""
    d = ctx.extra.get("delivery")
    if not d:
        return None
    kinds = Counter(d.get("formats", {}).values())
    n = len(d.get("files", []))
    fmts = ", ".join(f"{k} {v}" for k, v in sorted(kinds.items()))
    return (f"Checked {n:,} file{'s' if n != 1 else ''}" + (f" ({fmts})" if fmts else "")
            + f": {d.get('images', 0):,} images, {d.get('annotations', 0):,} annotations.")


_ANSI = {Severity.ERROR: "\033[31m", Severity.WARNING: "\033[33m", Severity.INFO: "\033[36m"}


@REPORTERS.add("human")
def human(diags: Sequence[Diagnostic], ctx: Context) -> str:
    lines = []
    for d in diags:
        code = d.code
        if ctx.color:
            code = f"{_ANSI[d.severity]}{code}\033[0m"
        sev = "" if d.severity == Severity.ERROR else f"[{d.severity.label}] "
        line = f"{d.location()}: {code} {sev}{d.message}"
        if d.hint:
            line += f"\n    hint: {d.hint}"
        lines.append(line)
    lines.append(summary_line(diags))
    checked = checked_line(ctx)
    if checked:
        lines.append(checked)
    if ctx.footer:
        lines.append(ctx.footer)
    return "\n".join(lines) + "\n"


def as_dict(d: Diagnostic) -> dict:
    out = {
        "code": d.code,
        "name": REGISTRY[d.code].name if d.code in REGISTRY else None,
        "severity": d.severity.label,
        "message": d.message,
        "file": d.file,
        "line": d.line,
        "column": d.col,
        "pointer": d.pointer or None,
        "hint": d.hint,
    }
    for k in sorted(d.extra):
        if not k.startswith("_"):  # "_"-keys are internal (row numbers for the HTML report)
            out.setdefault(k, d.extra[k])
    return out


@REPORTERS.add("json")
def json_report(diags: Sequence[Diagnostic], ctx: Context) -> str:
    counts = Counter(d.severity.label for d in diags)
    doc = {
        "tool": "guidec",
        "version": __version__,
        "command": ctx.command,
        "summary": {
            "problems": len(diags),
            "errors": counts.get("error", 0),
            "warnings": counts.get("warning", 0),
            "infos": counts.get("info", 0),
            "by_code": dict(sorted(Counter(d.code for d in diags).items())),
        },
        "findings": [as_dict(d) for d in diags],
    }
    doc.update(ctx.extra)
    return json.dumps(doc, indent=2, sort_keys=False, default=str) + "\n"


def _gh_escape(text: str, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


@REPORTERS.add("github")
def github(diags: Sequence[Diagnostic], ctx: Context) -> str:
    level = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
    lines = []
    for d in diags:
        props = []
        if d.file:
            props.append(f"file={_gh_escape(d.file, True)}")
        if d.line:
            props.append(f"line={d.line}")
        if d.col:
            props.append(f"col={d.col}")
        props.append(f"title={_gh_escape(d.code, True)}")
        msg = d.message if d.line or not d.pointer else f"{d.message} (at {d.pointer})"
        lines.append(f"::{level[d.severity]} {','.join(props)}::{_gh_escape(msg)}")
    return "\n".join(lines) + ("\n" if lines else "")


def rule_anchor(entry) -> str:
    """The anchor of a code's section on the user guide's rule reference page (mkdocs' slug of
    the heading ``### V204 `polygon-self-intersection```)."""
    return f"{entry.code.lower()}-{entry.name}"


def _help_text(entry, md: bool = False) -> str:
    parts = [entry.summary]
    if entry.why:
        parts.append(("**Why.** " if md else "Why: ") + entry.why)
    if entry.example:
        parts.append(("**Example.**\n\n```yaml\n" + entry.example + "\n```") if md
                     else "Example:\n" + entry.example)
    return "\n\n".join(parts)


@REPORTERS.add("sarif")
def sarif(diags: Sequence[Diagnostic], ctx: Context) -> str:
    level = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
    used = sorted({d.code for d in diags})
    # where the team hosts guidec's user guide (mkdocs build -f site/mkdocs.yml); each rule's
    # full documentation travels in the SARIF's "help" either way
    docs = os.environ.get("GUIDEC_DOCS_URL", "").rstrip("/")
    rules = []
    for code in used:
        entry = REGISTRY.get(code)
        rule = {"id": code}
        if entry:
            rule.update({
                "name": entry.name,
                "shortDescription": {"text": entry.summary.splitlines()[0] if entry.summary else code},
                "fullDescription": {"text": entry.summary},
                "defaultConfiguration": {"level": level[entry.severity]},
                "help": {"text": _help_text(entry), "markdown": _help_text(entry, md=True)},
            })
            if docs:
                rule["helpUri"] = f"{docs}/reference/rules/#{rule_anchor(entry)}"
        rules.append(rule)
    results = []
    for d in diags:
        loc: dict = {"physicalLocation": {"artifactLocation": {"uri": d.file or "<input>"}}}
        if d.line:
            region = {"startLine": d.line}
            if d.col:
                region["startColumn"] = d.col
            loc["physicalLocation"]["region"] = region
        if d.pointer:
            loc["logicalLocations"] = [{"fullyQualifiedName": d.pointer, "kind": "object"}]
        results.append({
            "ruleId": d.code,
            "ruleIndex": used.index(d.code),
            "level": level[d.severity],
            "message": {"text": d.message},
            "locations": [loc],
        })
    doc = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "guidec", "version": __version__,
                                "informationUri": "https://guidec.example", "rules": rules}},
            "results": results,
        }],
    }
    return json.dumps(doc, indent=2) + "\n"


@REPORTERS.add("junit")
def junit(diags: Sequence[Diagnostic], ctx: Context) -> str:
    """One test case per file looked at; a failure per finding at error severity."""
    by_file: dict[str, list[Diagnostic]] = {f: [] for f in ctx.files}
    for d in diags:
        by_file.setdefault(d.file or "<input>", []).append(d)
    suites = ET.Element("testsuites", name=f"guidec {ctx.command}")
    suite = ET.SubElement(suites, "testsuite", name=f"guidec {ctx.command}",
                          tests=str(len(by_file)),
                          failures=str(sum(1 for ds in by_file.values()
                                           if any(d.severity == Severity.ERROR for d in ds))),
                          errors="0")
    for f in sorted(by_file):
        case = ET.SubElement(suite, "testcase", classname=f"guidec.{ctx.command}", name=f)
        errs = [d for d in by_file[f] if d.severity == Severity.ERROR]
        if errs:
            fail = ET.SubElement(case, "failure", message=f"{len(errs)} error(s)",
                                 type=errs[0].code)
            fail.text = "\n".join(f"{d.location()}: {d.code} {d.message}" for d in by_file[f])
        elif by_file[f]:
            out = ET.SubElement(case, "system-out")
            out.text = "\n".join(f"{d.location()}: {d.code} {d.message}" for d in by_file[f])
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"


@REPORTERS.add("summary")
def summary(diags: Sequence[Diagnostic], ctx: Context) -> str:
    """Counts per code, then per class (the ``class`` a finding names, if any)."""
    lines = []
    by_code = Counter(d.code for d in diags)
    worst: dict[str, Severity] = {}
    for d in diags:
        worst[d.code] = max(worst.get(d.code, d.severity), d.severity)
    if by_code:
        lines.append(f"{'code':<6} {'name':<32} {'severity':<8} {'count':>9}")
        for code in sorted(by_code):
            name = REGISTRY[code].name if code in REGISTRY else ""
            lines.append(f"{code:<6} {name:<32} {worst[code].label:<8} {by_code[code]:>9}")
        by_class: dict[str, Counter] = {}
        for d in diags:
            cls = d.extra.get("class")
            if cls is not None:
                by_class.setdefault(str(cls), Counter())[d.code] += 1
        if by_class:
            lines.append("")
            lines.append(f"{'class':<32} {'count':>9}  codes")
            for cls in sorted(by_class, key=lambda c: (-sum(by_class[c].values()), c)):
                cnt = by_class[cls]
                codes = ", ".join(f"{c} x{n}" for c, n in sorted(cnt.items()))
                lines.append(f"{cls:<32} {sum(cnt.values()):>9}  {codes}")
        lines.append("")
    lines.append(summary_line(diags))
    checked = checked_line(ctx)
    if checked:
        lines.append(checked)
    if ctx.footer:
        lines.append(ctx.footer)
    return "\n".join(lines) + "\n"
