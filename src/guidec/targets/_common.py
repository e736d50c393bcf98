"""Helpers shared by the targets: stable number and JSON formatting, per-class views of the
resolved project (which attributes a class carries, whether it has a transcription).

Everything here reads only :class:`guidec.view.Project`; nothing re-parses the spec.
"""

from __future__ import annotations

import functools
import json
import math
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import orjson

from guidec.spec.model import Attribute, TextRegion
from guidec.view import Project, ResolvedClass

T = TypeVar("T")

# The name every target gives a text region's transcription (LS control, CVAT attribute,
# COCO ``attributes`` key). A spec attribute of type text with this name is the same field.
TRANSCRIPTION = "transcription"


def per_project(fn: Callable[[Project], T]) -> Callable[[Project], T]:
    """Memoize ``fn(project)`` for as long as the project lives (a target's check, its emit and
    other targets reading the same derived data compute it once)."""
    cache: dict[int, tuple[weakref.ref, T]] = {}

    @functools.wraps(fn)
    def wrapper(project: Project) -> T:
        hit = cache.get(id(project))
        if hit is not None and hit[0]() is project:
            return hit[1]
        value = fn(project)
        for key in [k for k, (ref, _) in cache.items() if ref() is None]:
            del cache[key]
        cache[id(project)] = (weakref.ref(project), value)
        return value

    wrapper.cache_clear = cache.clear  # type: ignore[attr-defined]
    return wrapper


def fmt_num(x: float | int) -> str:
    """``4`` for 4.0, ``0.25`` for 0.25: the shortest text that round-trips."""
    if isinstance(x, bool):
        return "true" if x else "false"
    if isinstance(x, int):
        return str(x)
    if math.isfinite(x) and float(x).is_integer() and abs(x) < 1e15:
        return str(int(x))
    return repr(float(x))


def json_text(data: object) -> str:
    """Deterministic JSON: sorted keys, two-space indent, UTF-8 text, trailing newline.

    orjson writes the same bytes as ``json.dumps(indent=2, sort_keys=True,
    ensure_ascii=False)`` for the data targets build (str keys, finite numbers) about 20x
    faster; the stdlib is the fallback for anything orjson refuses.
    """
    try:
        return orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS).decode(
            "utf-8") + "\n"
    except TypeError:
        return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def text_region_of(c: ResolvedClass) -> TextRegion | None:
    """The class's text region settings (a ``text_region`` shape without settings gets the
    defaults: transcription required)."""
    if c.text_region is not None:
        return c.text_region
    if "text_region" in c.shapes:
        return TextRegion()
    return None


def transcription_mode(project: Project, c: ResolvedClass) -> str | None:
    """``"required"`` / ``"optional"`` when annotators transcribe this class's regions, else None.

    A class transcribes when it has a text region (``transcription`` not ``none``) or carries a
    text attribute named ``transcription``; required wins over optional.
    """
    modes = []
    tr = text_region_of(c)
    if tr is not None and tr.transcription != "none":
        modes.append(tr.transcription)
    a = project.attributes.get(TRANSCRIPTION)
    if a is not None and a.type == "text" and TRANSCRIPTION in c.attributes:
        modes.append("required" if a.required else "optional")
    if not modes:
        return None
    return "required" if "required" in modes else "optional"


def class_attributes(project: Project, c: ResolvedClass) -> list[tuple[str, Attribute]]:
    """Object attributes of a class, in the class's order, without the transcription field
    (targets treat it separately, see :func:`transcription_mode`)."""
    out = []
    for name in c.attributes:
        a = project.attributes.get(name)
        if a is None or a.scope != "object":
            continue
        if name == TRANSCRIPTION and a.type == "text":
            continue
        out.append((name, a))
    return out


def image_attributes(project: Project) -> list[tuple[str, Attribute]]:
    return [(n, project.attributes[n]) for n in project.image_attributes]


@dataclass(frozen=True)
class NumberRange:
    min: float
    max: float
    step: float
    assumed: bool  # True when guidec filled in a bound or step the spec does not give


def number_range(a: Attribute) -> NumberRange:
    """``[min, max, step]`` for an integer/number attribute, filling what the spec leaves out.

    Integer: step 1. Number: step 1 when both bounds are integers, else a hundredth of the range.
    Missing bounds: 0 and 1000 (or max - 1000 / min + 1000 when one bound is given).
    """
    lo, hi, step = a.min, a.max, a.step
    assumed = lo is None or hi is None
    if lo is None and hi is None:
        lo, hi = 0.0, 1000.0
    elif lo is None:
        lo = hi - 1000.0
    elif hi is None:
        hi = lo + 1000.0
    if step is None:
        if a.type == "integer" or (float(lo).is_integer() and float(hi).is_integer()):
            step = 1.0
        else:
            step = (hi - lo) / 100.0 if hi > lo else 1.0
    return NumberRange(float(lo), float(hi), float(step), assumed)


def divides(lo: float, hi: float, step: float) -> bool:
    """Whether ``step`` divides ``hi - lo`` (with float tolerance)."""
    if step <= 0:
        return False
    n = (hi - lo) / step
    return abs(n - round(n)) < 1e-9 * max(1.0, abs(n))


def enum_default(a: Attribute) -> str | None:
    if a.default is None:
        return None
    if isinstance(a.default, list):
        return None
    return str(a.default)


def bool_text(v: object) -> str:
    return "true" if v in (True, "true", "True", 1) else "false"
