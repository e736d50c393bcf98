"""Small pieces the site's pages share: the Jinja environment, links, swatches, slugs,
image facts and how attributes are described."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import jinja2
from markupsafe import Markup

from guidec.resources import template_path
from guidec.spec.model import Attribute
from guidec.targets.site.text import code, literal, prose, prose_inline


@dataclass
class ImageInfo:
    rel: str | None  # docs-relative path of the copy, None when not copied
    size: tuple[int, int] | None
    data: bytes | None = None


def slugify(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug or "x"


def swatch(color: str) -> Markup:
    if not re.fullmatch(r"#[0-9a-f]{6}", color):  # resolved colours are always #rrggbb
        color = "#9e9e9e"
    return Markup(f'<span class="guidec-swatch" style="background:{color}"></span>')


def link(text: Any, href: str) -> Markup:
    return Markup(f"[{literal(text)}]({href})")


def finalize(value: Any) -> Markup:
    """Every ``{{ value }}`` a template prints: Markup as made, anything else as literal text."""
    if value is None:
        return Markup("")
    return value if isinstance(value, Markup) else literal(value)


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(template_path("site")),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # Markdown, not HTML: finalize escapes every value instead
        finalize=finalize,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(prose=prose, prose_inline=prose_inline, code=code, literal=literal)
    return env


def short(title: str, n: int = 24) -> str:
    return title if len(title) <= n else title[:n - 1] + "…"


def plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


# -- attribute words ---------------------------------------------------------------
def show(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def attr_type(a: Attribute) -> str:
    if a.type == "enum":
        return "several of a list" if a.multiple else "one of a list"
    return {"bool": "yes / no", "integer": "whole number", "number": "number",
            "text": "text"}[a.type]


def attr_allowed(a: Attribute) -> Markup:
    if a.type == "enum":
        vals = a.values or []
        if isinstance(vals, dict):
            return Markup(", ".join(f"{code(k)} ({literal(v)})" if v else str(code(k))
                                    for k, v in vals.items()))
        return Markup(", ".join(code(v) for v in vals))
    if a.type == "bool":
        return Markup(f"{code('true')}, {code('false')}")
    if a.type in ("integer", "number"):
        parts = []
        if a.min is not None:
            parts.append(f"≥ {a.min:g}")
        if a.max is not None:
            parts.append(f"≤ {a.max:g}")
        if a.step is not None:
            parts.append(f"in steps of {a.step:g}")
        return literal(", ".join(parts) or "any")
    parts = []
    if a.pattern:
        parts.append(Markup(f"matches {code(a.pattern)}"))
    if a.min_length is not None:
        parts.append(literal(f"at least {a.min_length} characters"))
    if a.max_length is not None:
        parts.append(literal(f"at most {a.max_length} characters"))
    return Markup(", ".join(parts)) if parts else literal("any text")


def attr_when(a: Attribute) -> Markup:
    if not a.when:
        return literal("always")
    conds = []
    for k, v in a.when.items():
        vals = v if isinstance(v, list) else [v]
        conds.append(Markup(f"{code(k)} is " + " or ".join(str(code(show(x))) for x in vals)))
    return Markup("only when " + " and ".join(conds))


def attr_summary(a: Attribute) -> Markup:
    return Markup(f"{literal(attr_type(a))}, {attr_allowed(a)}")


def read_asset(rel: str) -> str:
    with open(template_path("site", rel), encoding="utf-8") as fh:
        return fh.read()

