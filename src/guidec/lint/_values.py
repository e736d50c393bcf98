"""Whether a value is valid for an attribute: shared by the default, condition and check rules."""

from __future__ import annotations

import math
import re

from guidec.diagnostics import did_you_mean
from guidec.spec.model import Attribute


def value_problem(attr: Attribute, value, *, allow_list: bool | None = None) -> str | None:
    """Why ``value`` is not a valid value of ``attr``, or None when it is.

    ``allow_list``: for multi-valued enums, whether a list of values is accepted (defaults);
    conditions and checks name single values.
    """
    t = attr.type
    if t == "enum":
        names = attr.value_names
        if isinstance(value, list):
            if not (attr.multiple and (allow_list is None or allow_list)):
                return f"a list is not one value of the enum ({', '.join(names)})"
            for v in value:
                p = value_problem(attr, v, allow_list=False)
                if p:
                    return p
            if len(set(map(str, value))) != len(value):
                return "the list repeats a value"
            return None
        if not isinstance(value, str) or value not in names:
            hint = did_you_mean(value, names) if isinstance(value, str) else None
            return (f"{value!r} is not one of the values: {', '.join(names)}"
                    + (f" (did you mean {hint!r}?)" if hint else ""))
        return None
    if t == "bool":
        return None if isinstance(value, bool) else f"{value!r} is not true or false"
    if t in ("integer", "number"):
        if isinstance(value, bool) or not isinstance(value, int | float):
            return f"{value!r} is not a number"
        if isinstance(value, float) and not math.isfinite(value):
            return f"{value!r} is not a finite number"
        if t == "integer" and not float(value).is_integer():
            return f"{value!r} is not a whole number"
        if attr.min is not None and value < attr.min:
            return f"{value!r} is below the minimum {_num(attr.min)}"
        if attr.max is not None and value > attr.max:
            return f"{value!r} is above the maximum {_num(attr.max)}"
        if attr.step:
            base = attr.min if attr.min is not None else 0.0
            k = (value - base) / attr.step
            if abs(k - round(k)) > 1e-9 * max(1.0, abs(k)):
                return f"{value!r} is not a multiple of the step {_num(attr.step)} from {_num(base)}"
        return None
    if t == "text":
        if not isinstance(value, str):
            return f"{value!r} is not text"
        if attr.min_length is not None and len(value) < attr.min_length:
            return f"{value!r} is shorter than {attr.min_length} characters"
        if attr.max_length is not None and len(value) > attr.max_length:
            return f"{value!r} is longer than {attr.max_length} characters"
        if attr.pattern is not None and re.fullmatch(attr.pattern, value) is None:
            return f"{value!r} does not match the pattern {attr.pattern!r}"
        return None
    return None  # pragma: no cover - the model admits no other type


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)
