"""Attributes: defined for the class, present when required, values of the declared type.

Each column is factorized (:func:`guidec.columns.distinct`); a value is judged once per
distinct value and the verdict is spread back to the rows with numpy indexing.
"""

from __future__ import annotations

import math
import re

import numpy as np

from guidec.columns import is_none
from guidec.spec.model import Attribute
from guidec.validation import rule, vcode
from guidec.validation.frame import Frame

G = "attributes"

V150 = vcode("V150", group=G)
V151 = vcode("V151", group=G)
V152 = vcode("V152", group=G)
V153 = vcode("V153", group=G)
V154 = vcode("V154", group=G)
V155 = vcode("V155", group=G)
V156 = vcode("V156", group=G)
V157 = vcode("V157", group=G)

_TRUE = {"true", "1", "yes"}
_FALSE = {"false", "0", "no"}


def _number(v) -> float | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, int | float):
        return float(v)
    if isinstance(v, str):
        try:
            return float(v.strip())
        except ValueError:
            return None
    return None


def judge(attr: Attribute, v) -> tuple[object, str] | None:
    """``(code, message)`` when value ``v`` breaks ``attr``, else None."""
    t = attr.type
    if t == "bool":
        if isinstance(v, bool) or (isinstance(v, str) and v.strip().lower() in _TRUE | _FALSE):
            return None
        if isinstance(v, int) and v in (0, 1):
            return None
        return V154, f"{v!r} is not a boolean"
    if t in ("integer", "number"):
        x = _number(v)
        if x is None or math.isnan(x):
            return V154, f"{v!r} is not a{'n integer' if t == 'integer' else ' number'}"
        if t == "integer" and x != math.floor(x):
            return V155, f"{v!r} is not an integer"
        if attr.min is not None and x < attr.min:
            return V155, f"{v!r} is below the minimum {attr.min:g}"
        if attr.max is not None and x > attr.max:
            return V155, f"{v!r} is above the maximum {attr.max:g}"
        if attr.step is not None:
            base = attr.min if attr.min is not None else 0.0
            k = (x - base) / attr.step
            if abs(k - round(k)) > 1e-9 * max(1.0, abs(k)):
                return V155, f"{v!r} is not on the step {attr.step:g} from {base:g}"
        return None
    if t == "text":
        if not isinstance(v, str):
            return V154, f"{v!r} is not text"
        if attr.min_length is not None and len(v) < attr.min_length:
            return V156, f"{v!r} is shorter than {attr.min_length} characters"
        if attr.max_length is not None and len(v) > attr.max_length:
            return V156, f"{v!r} is longer than {attr.max_length} characters"
        if attr.pattern is not None and re.search(attr.pattern, v) is None:
            return V156, f"{v!r} does not match the pattern {attr.pattern!r}"
        return None
    # enum
    names = attr.value_names
    if isinstance(v, list | tuple):
        if not attr.multiple:
            return V153, f"{list(v)!r} has several values, but the attribute takes one"
        items = list(v)
    elif attr.multiple and isinstance(v, str):
        items = [s.strip() for s in v.split(",") if s.strip()]
    else:
        items = [v]
    bad = [x for x in items if isinstance(x, bool) or str(x) not in names]
    if bad:
        return V153, (f"{bad[0]!r} is not one of {', '.join(names)}")
    return None


def when_holds(f: Frame, attr: Attribute, columns: dict[str, np.ndarray], size: int):
    """Rows where ``attr``'s ``when`` condition holds (all rows when it has none)."""
    ok = np.ones(size, dtype=bool)
    for other, wanted in (attr.when or {}).items():
        wanted = wanted if isinstance(wanted, list | tuple) else [wanted]
        wanted_s = {str(w).lower() if isinstance(w, bool) else str(w) for w in wanted}
        col = columns.get(other)
        spec_other = f.project.attributes.get(other)
        default = spec_other.default if spec_other is not None else None
        if col is None:
            hold = _matches(default, wanted_s)
            ok &= hold
            continue
        vals, inv = f.factor(col)
        verdict = np.array([_matches(default if x is None else x, wanted_s) for x in vals]
                           + [False], dtype=bool)[:-1]
        ok &= verdict[inv] if len(vals) else False
    return ok


def _matches(value, wanted: set[str]) -> bool:
    if value is None:
        return False
    items = value if isinstance(value, list | tuple) else [value]
    return any((str(x).lower() if isinstance(x, bool) else str(x)) in wanted for x in items)


def _check_columns(f: Frame, columns: dict[str, np.ndarray], size: int, scope: str,
                   make, has_attr):
    """Findings for the attribute columns of annotations (scope 'object') or images."""
    p = f.project
    for name in sorted(columns):
        col = columns[name]
        set_rows = np.flatnonzero(~is_none(col))
        attr = p.attributes.get(name)
        if attr is None:
            for r in set_rows:
                yield make(V150, r, f"attribute {name!r} is not defined in the spec",
                           {"attribute": name})
            continue
        if attr.scope != scope:
            for r in set_rows:
                yield make(V151, r, f"attribute {name!r} is an {attr.scope}-level attribute, "
                                    f"given on an {'annotation' if scope == 'object' else 'image'}",
                           {"attribute": name})
            continue
        if len(set_rows) == 0:
            continue
        belongs = has_attr(name)
        foreign = set_rows[~belongs[set_rows]] if belongs is not None else set_rows[:0]
        for r in foreign:
            yield make(V151, r, f"attribute {name!r} is not an attribute of class "
                                f"{f.class_name(r)!r}", {"attribute": name})
        rows = set_rows[belongs[set_rows]] if belongs is not None else set_rows
        if len(rows) == 0:
            continue
        vals, inv_all = f.factor(col)
        inv = inv_all[rows]
        verdicts = [None if v is None else judge(attr, v) for v in vals]
        bad_vals = np.array([v is not None for v in verdicts] + [False], dtype=bool)[:-1]
        for j in np.flatnonzero(bad_vals[inv]):
            code, msg = verdicts[inv[j]]
            yield make(code, rows[j], f"attribute {name!r}: {msg}", {"attribute": name})
        if attr.when:
            holds = when_holds(f, attr, columns, size)
            cond = ", ".join(f"{k} in {v!r}" for k, v in attr.when.items())
            for r in rows[~holds[rows]]:
                yield make(V157, r, f"attribute {name!r} is set although its condition "
                                    f"({cond}) does not hold", {"attribute": name})


@rule(V150, V151, V153, V154, V155, V156, V157, group=G)
def attribute_values(f: Frame):
    p = f.project
    classes = p.classes

    def has_attr(name):
        # a deprecated class is reported once (V101); its attributes belong to the
        # replacement it migrates to, so they are not judged against the old class
        return f.per_class([name in c.attributes or c.deprecated for c in classes],
                           dtype=bool, fill=True)[f.cls]

    def make_ann(code, r, msg, extra):
        return f.ann(code, r, f"{f.ann_label(r)}: {msg}", **extra)

    yield from _check_columns(f, f.t.attributes, f.n, "object", make_ann, has_attr)

    def make_img(code, i, msg, extra):
        return f.img(code, i, f"image {f.image_name(i)!r}: {msg}", **extra)

    # Label Studio task data (``data.<key>``: store, site, region) is metadata, not labels
    labels = {k: v for k, v in f.t.images.attributes.items() if not k.startswith("data.")}
    yield from _check_columns(f, labels, len(f.t.images), "image", make_img,
                              lambda name: None)


@rule(V152, group=G)
def attribute_required(f: Frame):
    p = f.project
    t = f.t
    for name, attr in sorted(p.attributes.items()):
        if not attr.required:
            continue
        if attr.scope == "image":
            m = len(t.images)
            col = t.images.attributes.get(name)
            missing = np.ones(m, bool) if col is None else is_none(col)
            if attr.when:
                missing &= when_holds(f, attr, t.images.attributes, m)
            for i in np.flatnonzero(missing):
                yield f.img(V152, i, f"image {f.image_name(i)!r} lacks required attribute "
                                     f"{name!r}", attribute=name)
            continue
        carries = f.per_class([name in c.attributes for c in p.classes], dtype=bool,
                              fill=False)[f.cls]
        if not carries.any():
            continue
        col = t.attributes.get(name)
        missing = carries & (np.ones(f.n, bool) if col is None else is_none(col))
        if attr.when:
            missing &= when_holds(f, attr, t.attributes, f.n)
        for r in np.flatnonzero(missing):
            yield f.ann(V152, r, f"{f.ann_label(r)} ({f.class_name(r)}) lacks required "
                                 f"attribute {name!r}", attribute=name)
