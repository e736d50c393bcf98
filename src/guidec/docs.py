"""Generate the reference pages of guidec's own user guide from the code.

    python -m guidec.docs site/docs            # (re)write the generated pages
    python -m guidec.docs site/docs --check    # exit 1 if they are out of date

Two pages: ``reference/spec.md`` (every key of the spec language: type, default, description,
from the pydantic models of :mod:`guidec.spec.model`) and ``reference/rules.md`` (every rule
code, from :mod:`guidec.codes`). Files go through :mod:`guidec.output`.
"""

from __future__ import annotations

import argparse
import json
import sys
import types
import typing
from typing import Any, Literal

from annotated_types import MaxLen, MinLen
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from guidec.spec import model as m

#: The models in reference order: (model, heading, where it appears in a spec).
SECTIONS: list[tuple[type[BaseModel], str, str]] = [
    (m.Spec, "Spec (the top of the file)", ""),
    (m.Project, "project", "`project:`"),
    (m.Media, "media", "`media:`"),
    (m.Tiling, "media.tiling", "`media: {tiling: ...}`"),
    (m.Attribute, "attributes", "each value of `attributes: {name: ...}`"),
    (m.KeypointSchema, "keypoint_schemas", "each value of `keypoint_schemas: {name: ...}`"),
    (m.Class, "classes", "each item of `classes:` (and of a class's `children:`)"),
    (m.TextRegion, "text_region", "a class's `text_region:`"),
    (m.Example, "examples", "each item of a class's or rule's `examples:`"),
    (m.ExampleShape, "examples[].shapes", "each item of an example's `shapes:`"),
    (m.Rule, "rules", "each item of `rules:`"),
    (m.Check, "rules[].check", "a rule's `check:`"),
    (m.QA, "qa", "`qa:`"),
    (m.Agreement, "qa.agreement", "`qa: {agreement: ...}`"),
    (m.GoldenSet, "qa.golden_set", "`qa: {golden_set: ...}`"),
    (m.Audit, "qa.audit", "`qa: {audit: ...}`"),
    (m.Export, "exports", "an item of `exports:` written as a mapping"),
    (m.Splits, "splits", "`splits:`"),
    (m.ClassPrior, "splits.priors", "each value of `splits: {priors: {class: ...}}`"),
    (m.HardNegatives, "splits.hard_negatives", "`splits: {hard_negatives: ...}`"),
    (m.Stratum, "splits.strata", "each value of `splits: {strata: {key: ...}}`"),
    (m.Retired, "retired", "`retired:`"),
    (m.Fragment, "Included files", "the top of a file named in `include:`"),
]
_ANCHOR = {model.__name__: heading.lower().replace(".", "").replace("[]", "")
           .replace(" ", "-").replace("(", "").replace(")", "")
           for model, heading, _ in SECTIONS}


def type_text(tp: Any) -> str:
    """A readable type: ``list of identifier``, ``one of `a`, `b```, links to other models."""
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if tp is type(None):
        return "null"
    if origin is typing.Annotated:
        base, *meta = args
        if base is str and any(getattr(x, "pattern", None) for x in meta):
            pattern = next(x.pattern for x in meta if getattr(x, "pattern", None))
            if pattern == m.Identifier.__metadata__[0].pattern:
                return "identifier"
            if pattern == m.NAME_PATTERN:
                return "name (any text but control characters)"
            if pattern == m.Color.__metadata__[0].pattern:
                return "colour (`#rrggbb`)"
        if base is str and any(isinstance(x, MinLen | MaxLen) for x in meta):
            return "text"
        return type_text(base)
    if origin is Literal:
        return "one of " + ", ".join(f"`{a}`" for a in args)
    if origin in (typing.Union, types.UnionType):
        parts = [type_text(a) for a in args if a is not type(None)]
        text = " or ".join(parts)
        return text + (" or null" if type(None) in args else "")
    if origin is list:
        return f"list of {type_text(args[0])}" if args else "list"
    if origin is tuple:
        return "[" + ", ".join(type_text(a) for a in args) + "]"
    if origin is dict:
        return f"mapping of {type_text(args[0])} to {type_text(args[1])}"
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        anchor = _ANCHOR.get(tp.__name__)
        return f"[{tp.__name__}](#{anchor})" if anchor else tp.__name__
    return {str: "text", int: "integer", float: "number", bool: "boolean",
            typing.Any: "any"}.get(tp, getattr(tp, "__name__", str(tp)))


def default_text(f: FieldInfo) -> str:
    if f.is_required():
        return "**required**"
    if f.default_factory is not None:
        value = f.default_factory()
    elif f.default is PydanticUndefined:
        return ""
    else:
        value = f.default
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="json", exclude_defaults=True)
    return "`" + json.dumps(value, ensure_ascii=False) + "`"


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def spec_reference() -> str:
    lines = [
        "# Spec language reference",
        "",
        "<!-- generated by `python -m guidec.docs site/docs`: do not edit by hand -->",
        "",
        f"This page lists every key of the spec language (format `guidec: {m.SPEC_FORMAT}`), "
        "generated from guidec's own models. Unknown keys are errors (S001), so a typo never "
        "passes silently. `guidec schema` writes the same language as a JSON Schema for "
        "editors.",
        "",
    ]
    for model, heading, where in SECTIONS:
        lines += [f"## {heading}", ""]
        doc = (model.__doc__ or "").strip()
        if doc and not doc.startswith(("Usage docs", "A base class")):
            lines += [" ".join(doc.split()), ""]
        if where:
            lines += [f"Where: {where}.", ""]
        lines += ["| key | type | default | description |", "|---|---|---|---|"]
        for name, f in model.model_fields.items():
            key = f.alias or name
            tp = (typing.Annotated[f.annotation, *f.metadata] if f.metadata
                  else f.annotation)
            lines.append(f"| `{key}` | {_cell(type_text(tp))} | "
                         f"{_cell(default_text(f))} | {_cell(f.description or '')} |")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def rules_reference() -> str:
    from guidec.codes import all_codes
    from guidec.commands.rules import markdown

    text = markdown(all_codes())
    head, _, rest = text.partition("\n")
    return (head + "\n\n<!-- generated by `python -m guidec.docs site/docs`: do not edit by "
            "hand -->\n" + rest)


def pages() -> dict[str, str]:
    return {"reference/spec.md": spec_reference(), "reference/rules.md": rules_reference()}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m guidec.docs", description=__doc__.split("\n")[0])
    p.add_argument("out", help="the docs folder, e.g. site/docs")
    p.add_argument("--check", action="store_true", help="exit 1 if the pages are out of date")
    args = p.parse_args(argv)
    from guidec.output import drift, write_tree

    files = pages()
    if args.check:
        stale = drift(args.out, files)
        for rel, why in stale:
            print(f"{args.out}/{rel}: {why}")
        return 1 if stale else 0
    for rel in write_tree(args.out, files):
        print(f"wrote {args.out}/{rel}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
