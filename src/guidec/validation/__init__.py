"""Validation rules over the columnar annotation table (``guidec validate``).

A rule is a function ``fn(frame) -> Iterable[Diagnostic]`` registered with :func:`rule`, which
names every code it may report. Codes are entered once in the shared code table
(:mod:`guidec.codes`), so ``guidec rules`` and the docs list them with their documentation.
Rules are array expressions over the table (numpy, shapely 2 array functions); they loop only
over the rows that have a finding. Derived columns several rules need (class of each row,
image size per row, polygon rings as shapely geometries, areas) are computed once, lazily, by
:class:`guidec.validation.frame.Frame`.

Code groups (V001-V049 belong to the readers):

========== ==============================================================
V050-V099  structure: ids, references between annotations and images
V100-V149  taxonomy: unknown, deprecated classes, shapes a class allows
V150-V199  attributes
V200-V249  geometry: boxes, polygons, masks, rotated boxes, declared area
V250-V299  keypoints
V300-V349  resolution: image sizes, proxy or normalized coordinates
V350-V399  OCR transcriptions
V400-V449  the machine ``check`` of the spec's rules
========== ==============================================================

Severity of a finding: the code's default, replaced by the spec rule's ``severity`` for
findings of a spec ``check``, then by the spec's ``severity_overrides`` (by code or name;
``off`` drops the code).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

import numpy as np

from guidec.codes import Code, code
from guidec.diagnostics import Diagnostic, Severity
from guidec.registry import Registry
from guidec.source import gc_paused as _gc_paused

GROUPS = {
    "structure": (50, 99),
    "taxonomy": (100, 149),
    "attributes": (150, 199),
    "geometry": (200, 249),
    "keypoints": (250, 299),
    "resolution": (300, 349),
    "text": (350, 399),
    "checks": (400, 449),
}

RuleFn = Callable[["Frame"], Iterable[Diagnostic]]  # noqa: F821 - Frame is imported lazily


@dataclass(frozen=True, slots=True)
class RuleEntry:
    name: str  # function name, for errors and profiling
    group: str
    codes: tuple[Code, ...]
    fn: RuleFn


RULES: Registry[RuleEntry] = Registry("validation rule", __name__, key=lambda e: e.name)


def vcode(rule_code: str, *, group: str) -> Code:
    """A validation code from the code table, checking it lies in its group's range."""
    lo, hi = GROUPS[group]
    num = int(rule_code[1:])
    if rule_code[0] != "V" or not lo <= num <= hi:
        raise ValueError(f"{rule_code} is outside the {group} range V{lo:03d}-V{hi:03d}")
    return code(rule_code)


def rule(*codes: Code, group: str) -> Callable[[RuleFn], RuleFn]:
    """Register a rule function that may report ``codes``."""

    def deco(fn: RuleFn) -> RuleFn:
        RULES.add(RuleEntry(fn.__name__, group, tuple(codes), fn))
        return fn

    return deco


def gc_paused():
    """Pause the cyclic garbage collector: it triples the time of building many objects."""
    return _gc_paused(freeze=False)


#: Rules that run in a forked process beside the others when ``jobs`` > 1 on a big table: the
#: geometry rules whose time grows with the vertices, about as long together as all the rest
#: on a polygon-heavy delivery. Their findings join the others' in rule order, so the report is
#: the same for any number of jobs.
APART = frozenset({"polygon_validity", "overlap", "inside", "area_mismatch"})
#: The frame's derived columns both sides need, made before the fork.
SHARED = ("cls", "has_image", "vert_bounds", "box_ok")
#: Tables smaller than this run every rule in this process (forking costs more).
APART_MIN_ROWS = 200_000
#: ... and so do tables with fewer polygon vertices and no spec check of overlaps or
#: containment: then the rules apart take less than forking and its imports (0.1-0.15 s). On
#: the 2-vCPU VM of benchmarks/README.md they take about 0.04 s per million vertices: no gain
#: at 3.8 million (50,000 images of 60 % polygons, YOLO, CVAT or Label Studio: the same rule
#: time or worse), a third of the rules' time at 10.5 million (train2017-sized COCO).
APART_MIN_VERTICES = 8_000_000


def _worth_apart(table, project) -> bool:
    if len(table) < APART_MIN_ROWS:
        return False
    if len(table.vertices) >= APART_MIN_VERTICES:
        return True
    return any(r.model.check is not None and (r.model.check.max_iou_same_class is not None
                                              or r.model.check.inside is not None)
               for r in project.rules)


def run_rules(table, project, allowed: Callable[[str], bool] | None = None,
              *, threads: int | None = None, timings: dict | None = None,
              jobs: int = 1) -> list[Diagnostic]:
    """Every finding of every rule on ``table``, graded and sorted.

    ``allowed`` is a code predicate (``--select``/``--ignore``); a rule runs only when one of
    its codes is allowed and not switched ``off`` by the spec. ``timings``, when given,
    receives seconds per rule function. With ``jobs`` > 1 and a big table that gives them work
    (many polygon vertices, or spec checks of overlaps or containment), the rules of :data:`APART`
    run in a forked process while this one runs the others; the findings and their order are
    those of one process.
    """
    import time

    from guidec import inputs
    from guidec.validation.frame import Frame

    overrides = {k: v for k, v in project.spec.severity_overrides.items()}

    def grade_of(code: Code) -> str | None:
        return overrides.get(code.code) or overrides.get(code.name)

    def wanted(code: Code) -> bool:
        if allowed is not None and not allowed(code.code):
            return False
        return grade_of(code) != "off"

    frame = Frame(table, project, threads=threads)
    entries = [e for e in sorted(RULES.values(), key=lambda e: (e.codes[0].code, e.name))
               if any(wanted(c) for c in e.codes)]

    def run(group: list[RuleEntry]) -> tuple[dict[str, list[Diagnostic]], dict[str, float]]:
        found: dict[str, list[Diagnostic]] = {}
        spent: dict[str, float] = {}
        # NaN and infinite coordinates are reported by the readers (V009); the array
        # expressions here let them fall out of every comparison without warnings
        with gc_paused(), np.errstate(all="ignore"):
            for entry in group:
                t0 = time.perf_counter()
                out = found[entry.name] = []
                for d in entry.fn(frame):
                    code = next(c for c in entry.codes if c.code == d.code)
                    if not wanted(code):
                        continue
                    grade = grade_of(code)
                    if grade:
                        d = replace(d, severity=Severity.parse(grade))
                    out.append(d)
                spent[entry.name] = time.perf_counter() - t0
        return found, spent

    apart = [e for e in entries if e.name in APART]
    forked = None
    if jobs > 1 and apart and len(apart) < len(entries) and _worth_apart(table, project):
        with gc_paused(), np.errstate(all="ignore"):  # as the rules derive them
            for shared in SHARED:  # derived once here, inherited by the child, not twice
                getattr(frame, shared)
        forked = inputs.Forked.start(lambda: run(apart))
    found, spent = run([e for e in entries if forked is None or e.name not in APART])
    if forked is not None:
        try:
            there, spent_there = forked.result()
        except Exception:  # the child died (memory, a signal): its rules run here instead
            there, spent_there = run(apart)
        found.update(there)
        spent.update(spent_there)
    if timings is not None:
        for name, sec in spent.items():
            timings[name] = timings.get(name, 0.0) + sec
    out = [d for e in entries for d in found[e.name]]
    out.sort(key=Diagnostic.sort_key)
    return out
