"""QA over time: the small record each ``guidec qa --record`` run writes, and the weekly report
``guidec qa report RECORD…`` makes from several — trends per class and per error type, the spec
version of each batch, and the regressions between consecutive batches.

A record (``"record": "guidec-qa/1"``) holds the spec's id and version, the batch name, the date,
the overall counts and rates, per class precision / recall / F1, the error types with their
rates and limits, the thresholds and the verdict — everything the report needs, nothing per
object (a record of a 10,000-class spec stays small enough to mail).

A **regression** of a batch against the one before it (records sorted by date, then batch):
the verdict went from pass to fail; a threshold that passed fails (error rates with a limit
included); the F1 of a class present in both fell by more than ``F1_DROP``; the rate of an error
type without a limit rose by more than ``RATE_RISE``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from itertools import pairwise

from guidec.diagnostics import GuidecError

FORMAT = "guidec-qa/1"
F1_DROP = 0.05
RATE_RISE = 0.01
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def make_record(doc: dict, spec, batch: str, date: str) -> dict:
    """The record of one ``guidec qa`` run from its ``qa`` JSON object."""
    keep = ("reference", "candidate", "matched", "correct", "precision", "recall", "f1",
            "accuracy")
    return {
        "record": FORMAT,
        "spec": {"id": spec.project.id, "version": spec.project.version},
        "batch": batch,
        "date": date,
        "reference": doc["reference"]["files"],
        "candidate": doc["candidate"]["files"],
        "images": doc["images"]["compared"],
        "overall": {k: doc["overall"][k] for k in keep},
        "classes": {name: {k: c[k] for k in keep if k != "correct" and k != "accuracy"}
                    for name, c in doc["classes"].items()},
        "error_types": doc["error_types"],
        "thresholds": doc["thresholds"],
        "verdict": doc["verdict"],
    }


def read_records(paths: list[str]) -> list[dict]:
    """Records from files, sorted by (date, batch); one clear error for a file that is not a
    record (which file, and what was expected)."""
    from guidec import inputs

    out = []
    for path in paths:
        try:
            raw = inputs.read_bytes(path)
            rec = json.loads(raw)
        except OSError as exc:
            raise GuidecError(f"{path}: cannot read the record: {exc}") from None
        except (ValueError, UnicodeDecodeError) as exc:
            raise GuidecError(f"{path}: not JSON ({exc}); expected a record written by "
                              "guidec qa --record") from None
        problem = _problem(rec)
        if problem:
            raise GuidecError(f"{path}: not a guidec qa record: {problem}")
        rec = dict(rec, _file=path)
        out.append(rec)
    return sorted(out, key=lambda r: (r["date"], r["batch"], r["_file"]))


def _problem(rec) -> str | None:
    if not isinstance(rec, dict):
        return f"expected a JSON object, found {type(rec).__name__}"
    if rec.get("record") != FORMAT:
        return f"'record' is {rec.get('record')!r}, expected {FORMAT!r}"
    for key, kind in (("batch", str), ("date", str), ("overall", dict), ("classes", dict),
                      ("error_types", dict), ("thresholds", list), ("verdict", str),
                      ("spec", dict)):
        if not isinstance(rec.get(key), kind):
            return f"/{key} must be {'an' if kind in (dict, list) else 'a'} " \
                   f"{ {str: 'string', dict: 'object', list: 'array'}[kind]}"
    if not _DATE.match(rec["date"]):
        return f"/date {rec['date']!r} is not YYYY-MM-DD"
    return None


@dataclass
class Regression:
    batch: str
    since: str  # the batch before
    what: str


def regressions(records: list[dict]) -> list[Regression]:
    out = []
    for prev, cur in pairwise(records):
        b, a = cur["batch"], prev["batch"]
        if prev["verdict"] == "pass" and cur["verdict"] == "fail":
            out.append(Regression(b, a, "the verdict went from pass to fail"))
        before = {t["name"]: t for t in prev["thresholds"]}
        for t in cur["thresholds"]:
            old = before.get(t["name"])
            if old is not None and old.get("pass") is True and t.get("pass") is False:
                out.append(Regression(b, a, f"{t['name']} failed: {_f(t['measured'])} "
                                            f"(was {_f(old['measured'])}, limit "
                                            f"{t['direction']} {t['threshold']})"))
        for name, c in cur["classes"].items():
            old = prev["classes"].get(name)
            if old and c.get("f1") is not None and old.get("f1") is not None \
                    and old["f1"] - c["f1"] > F1_DROP:
                out.append(Regression(b, a, f"F1 of {name} fell from {_f(old['f1'])} to "
                                            f"{_f(c['f1'])}"))
        for name, e in cur["error_types"].items():
            old = prev["error_types"].get(name)
            if not old:
                continue
            # a type with a limit regresses as its threshold (above); one without, by its rise
            if e.get("limit") is None and e["rate"] - old["rate"] > RATE_RISE:
                out.append(Regression(b, a, f"{name} rose from {_f(old['rate'])} to "
                                            f"{_f(e['rate'])}"))
    return out


def _f(v) -> str:
    return "–" if v is None else f"{v:.3f}"


def top_classes(records: list[dict], n: int = 10) -> list[str]:
    """The classes with the most reference objects over all batches."""
    total: dict[str, int] = {}
    for r in records:
        for name, c in r["classes"].items():
            total[name] = total.get(name, 0) + int(c.get("reference") or 0)
    return sorted(total, key=lambda k: (-total[k], k))[:n]


def markdown(records: list[dict], regs: list[Regression]) -> str:
    """The weekly report as Markdown, for a client email."""
    if not records:
        return "# QA report\n\nNo records.\n"
    first, last = records[0], records[-1]
    lines = [f"# QA report: {last['spec']['id']}, {first['date']} to {last['date']}", "",
             f"{len(records)} batch(es). Latest: **{last['batch']}** ({last['date']}, spec "
             f"{last['spec']['version']}): **{last['verdict']}**.", "",
             "| date | batch | spec | verdict | precision | recall | F1 | accuracy |",
             "|---|---|---|---|---|---|---|---|"]
    for r in records:
        o = r["overall"]
        lines.append(f"| {r['date']} | {r['batch']} | {r['spec']['version']} | {r['verdict']} "
                     f"| {_f(o['precision'])} | {_f(o['recall'])} | {_f(o['f1'])} | "
                     f"{_f(o['accuracy'])} |")
    versions = [(r["batch"], r["spec"]["version"]) for r in records]
    changes = [f"{versions[i - 1][1]} → {v} at {b}" for i, (b, v) in enumerate(versions)
               if i and v != versions[i - 1][1]]
    if changes:
        lines += ["", "Spec versions: " + "; ".join(changes) + "."]
    lines += ["", "## Regressions", ""]
    lines += [f"- **{g.batch}** (since {g.since}): {g.what}" for g in regs] or ["None."]
    classes = top_classes(records)
    if classes:
        lines += ["", "## F1 per class", "", "| class | " + " | ".join(
            r["batch"] for r in records) + " |", "|---|" + "---|" * len(records)]
        for name in classes:
            lines.append(f"| {name} | " + " | ".join(
                _f(r["classes"].get(name, {}).get("f1")) for r in records) + " |")
    types = sorted({t for r in records for t in r["error_types"]})
    if types:
        lines += ["", "## Error rates", "", "| error type | limit | " + " | ".join(
            r["batch"] for r in records) + " |", "|---|---|" + "---|" * len(records)]
        for t in types:
            lim = next((r["error_types"][t].get("limit") for r in reversed(records)
                        if t in r["error_types"]), None)
            lines.append(f"| {t} | {'–' if lim is None else lim} | " + " | ".join(
                _f(r["error_types"].get(t, {}).get("rate")) for r in records) + " |")
    return "\n".join(lines) + "\n"
