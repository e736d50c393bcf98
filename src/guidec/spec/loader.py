"""Load a spec: YAML with positions, includes confined to the spec's folder, pydantic validation.

``load_spec(path)`` returns a :class:`LoadedSpec` (the validated :class:`Spec` plus a
:class:`SourceMap` that turns any data path into ``file:line:col``) or raises
:class:`GuidecError` whose diagnostics name every problem found, each with its place.
"""

from __future__ import annotations

import os
import re
import types
import typing
from dataclasses import dataclass, field

from pydantic import BaseModel, ValidationError

from guidec.codes import code
from guidec.diagnostics import Diagnostic, GuidecError, Path, Severity, did_you_mean
from guidec.source import Y001, Positions, YamlDoc, gc_paused, load_yaml
from guidec.spec.model import (
    COLOR_PATTERN,
    IDENTIFIER_PATTERN,
    NAME_PATTERN,
    SHAPE_KINDS,
    SPEC_FORMAT,
    Fragment,
    Spec,
)

Y008 = code("Y008")
Y009 = code("Y009")
Y010 = code("Y010")
S001 = code("S001")
S002 = code("S002")
S003 = code("S003")
S004 = code("S004")

MAX_INCLUDES = 256


@dataclass
class _Segment:
    prefix: Path  # where the included data sits in the merged tree
    file: str
    origin: Path  # the same data's path inside its own file
    positions: Positions


@dataclass
class SourceMap:
    """Maps paths of the merged spec tree to ``(file, line, col)``."""

    root_file: str
    segments: list[_Segment] = field(default_factory=list)

    def locate(self, path: Path, prefer_key: bool = False) -> tuple[str, int | None, int | None]:
        segments = self.segments
        if len(segments) == 1 and not segments[0].prefix and not segments[0].origin:
            best = segments[0]  # no includes (the common case): paths are the file's own
            local = tuple(path)
        else:
            best = None
            for seg in segments:
                n = len(seg.prefix)
                if tuple(path[:n]) == seg.prefix and (best is None or n > len(best.prefix)):
                    best = seg
            if best is None:
                return self.root_file, None, None
            local = best.origin + tuple(path[len(best.prefix):])
        pos = best.positions.find(local, prefer_key=prefer_key)
        if pos is None:
            return best.file, None, None
        return best.file, pos[0], pos[1]

    def place(self, diag: Diagnostic, prefer_key: bool = False) -> Diagnostic:
        """Fill in file, line and column of a diagnostic from its path."""
        if diag.line is not None:
            return diag
        file, line, col = self.locate(diag.path, prefer_key=prefer_key)
        d = diag  # the constructor directly: dataclasses.replace is slow for 10,000 findings
        return Diagnostic(d.code, d.severity, d.message, d.file or file, d.path, line, col,
                          d.hint, d.extra)


@dataclass
class LoadedSpec:
    spec: Spec
    source: SourceMap
    path: str  # the spec file as given
    folder: str  # its folder: includes and example images are relative to it
    raw: dict  # the merged plain data (for linters that need what the model normalized away)
    # every included file (real paths), in the order the loader first read them: depth first,
    # each file's ``include:`` list in its order (guidec manifest hashes the spec with them)
    includes: tuple[str, ...] = ()


def load_spec(path: str, *, display: str | None = None) -> LoadedSpec:
    """Load, merge includes and validate a spec file."""
    shown = display or path
    folder = os.path.dirname(os.path.abspath(path))
    doc = load_yaml(path, display=shown)
    smap = SourceMap(shown, [_Segment((), shown, (), doc.positions)])
    if not isinstance(doc.data, dict):
        from guidec.source import Y007

        d = Y007("the top of a spec is a mapping (guidec:, project:, classes: ...)", file=shown)
        raise GuidecError(f"{shown}: not a mapping", [smap.place(d)])
    data = dict(doc.data)
    diags: list[Diagnostic] = []
    included: list[str] = []
    _merge_includes(data, doc, folder, smap, diags, stack=[os.path.realpath(path)],
                    files=included)
    _check_format(data, smap, diags)
    if diags:
        raise GuidecError(f"{shown}: {diags[0].message}", diags)
    try:
        with gc_paused():
            spec = Spec.model_validate(data)
    except ValidationError as exc:
        diags = pydantic_diagnostics(exc, data, smap, Spec)
        raise GuidecError(f"{shown}: {len(diags)} problem(s) in the spec", diags) from None
    return LoadedSpec(spec, smap, shown, folder, data, tuple(included))


def load_spec_text(text: str, *, display: str = "<spec>", folder: str | None = None) -> LoadedSpec:
    """Load a spec from a string (tests, editors); includes resolve against ``folder``."""
    folder = os.path.abspath(folder or os.getcwd())
    doc = load_yaml(display, display=display, text=text)
    smap = SourceMap(display, [_Segment((), display, (), doc.positions)])
    if not isinstance(doc.data, dict):
        from guidec.source import Y007

        raise GuidecError("not a mapping", [smap.place(
            Y007("the top of a spec is a mapping", file=display))])
    data = dict(doc.data)
    diags: list[Diagnostic] = []
    _merge_includes(data, doc, folder, smap, diags, stack=[os.path.join(folder, display)])
    _check_format(data, smap, diags)
    if diags:
        raise GuidecError(diags[0].message, diags)
    try:
        spec = Spec.model_validate(data)
    except ValidationError as exc:
        raise GuidecError("invalid spec", pydantic_diagnostics(exc, data, smap, Spec)) from None
    return LoadedSpec(spec, smap, display, folder, data)


# --------------------------------------------------------------------------- includes
def _merge_includes(data: dict, doc: YamlDoc, folder: str, smap: SourceMap,
                    diags: list[Diagnostic], stack: list[str], prefix_file: Path = (),
                    files: list[str] | None = None) -> None:
    """Merge the files ``data`` includes (and theirs), at most :data:`MAX_INCLUDES` files in
    all (``files``: those merged so far in this load, shared down the recursion)."""
    files = [] if files is None else files
    includes = data.get("include") or []
    if not isinstance(includes, list):
        return  # the model reports the wrong type
    real_folder = os.path.realpath(folder)
    for i, rel in enumerate(includes):
        where = (*prefix_file, "include", i)
        if not isinstance(rel, str) or not rel.strip():
            continue  # the model reports the wrong type
        if "\0" in rel:
            diags.append(smap.place(Y001(f"include {rel!r} holds a NUL character: no file has "
                                         "such a name", path=where)))
            continue
        d = _confine(rel, real_folder)
        if isinstance(d, str):
            diags.append(smap.place(Y008(d, path=where)))
            continue
        (target,) = d
        if target in stack:
            chain = " -> ".join(os.path.basename(s) for s in [*stack, target])
            diags.append(smap.place(Y009(f"include cycle: {chain}", path=where)))
            continue
        if len(files) >= MAX_INCLUDES:
            diags.append(smap.place(Y009(f"more than {MAX_INCLUDES} included files",
                                         path=where)))
            return
        files.append(target)
        shown = os.path.relpath(target, os.path.dirname(stack[0])) if stack else rel
        try:
            inc = load_yaml(target, display=shown)
        except GuidecError as exc:
            for e in exc.diagnostics:
                diags.append(e)
            if not exc.diagnostics or exc.diagnostics[0].code == "Y001":
                diags.append(smap.place(Y008(f"included file {rel!r} cannot be read",
                                             path=where, severity=Severity.ERROR)))
            continue
        if inc.data is None:
            continue
        if not isinstance(inc.data, dict):
            from guidec.source import Y007

            diags.append(Y007("an included file is a mapping (attributes:, classes:, ...)",
                              file=shown).with_position(1, 1))
            continue
        # Validate the fragment's shape on its own so errors point into the included file.
        frag_map = SourceMap(shown, [_Segment((), shown, (), inc.positions)])
        try:
            Fragment.model_validate(inc.data)
        except ValidationError as exc:
            diags.extend(pydantic_diagnostics(exc, inc.data, frag_map, Fragment))
            continue
        # nested includes first, relative to the same spec folder
        nested = dict(inc.data)
        _merge_includes(nested, inc, folder, frag_map, diags, [*stack, target], files=files)
        smap.segments.extend(s for s in frag_map.segments[1:])
        for key in ("attributes", "keypoint_schemas"):
            for name, value in (nested.get(key) or {}).items():
                existing = data.setdefault(key, {})
                if not isinstance(existing, dict):
                    continue
                if name in existing:
                    diags.append(Diagnostic(
                        "Y010", Severity.ERROR,
                        f"{key[:-1].replace('_', ' ')} {name!r} is defined in {smap.root_file} "
                        f"and again in {shown}", file=shown,
                    ).with_position(*(inc.positions.find((key, name), prefer_key=True) or (1, 1))))
                    continue
                existing[name] = value
                smap.segments.append(_Segment((key, name), shown, (key, name), inc.positions))
        for key in ("classes", "rules"):
            items = nested.get(key) or []
            existing = data.setdefault(key, [])
            if not isinstance(existing, list):
                continue
            for j, item in enumerate(items):
                smap.segments.append(_Segment((key, len(existing)), shown, (key, j),
                                              inc.positions))
                existing.append(item)


def _confine(rel: str, real_folder: str) -> str | tuple[str]:
    """``(real path,)`` of an include inside the folder, or a message why it is refused."""
    if os.path.isabs(rel) or rel.startswith(("~", "\\")) or ":" in rel.split("/")[0]:
        return f"include {rel!r} is absolute; includes are relative to the spec's folder"
    target = os.path.realpath(os.path.join(real_folder, rel))
    if os.path.commonpath([target, real_folder]) != real_folder:
        return f"include {rel!r} leaves the spec's folder"
    return (target,)


def _check_format(data: dict, smap: SourceMap, diags: list[Diagnostic]) -> None:
    fmt = data.get("guidec")
    if fmt is None:
        diags.append(smap.place(S004(
            f"the spec has no format version; add `guidec: {SPEC_FORMAT}` at the top",
            path=())))
        return
    if not isinstance(fmt, int) or isinstance(fmt, bool) or fmt < 1:
        diags.append(smap.place(S004(f"`guidec:` is the spec format version, a whole number "
                                     f"(this guidec reads 1 to {SPEC_FORMAT}); got {fmt!r}",
                                     path=("guidec",))))
    elif fmt > SPEC_FORMAT:
        diags.append(smap.place(S004(
            f"the spec is written for format {fmt}; this guidec reads up to {SPEC_FORMAT}: "
            "upgrade guidec", path=("guidec",))))
    else:
        for upgrade in UPGRADES.get(fmt, ()):
            upgrade(data)


# Upgrades from older spec formats, applied in place before validation:
# {format: [callables]}. Format 1 is the first; none exist yet.
UPGRADES: dict[int, list] = {}


# --------------------------------------------------------------------------- pydantic errors
def pydantic_diagnostics(exc: ValidationError, data, smap: SourceMap,
                         model: type[BaseModel]) -> list[Diagnostic]:
    """Every validation error as a finding in plain words, at its file and line.

    Errors of one value (pydantic reports one per member of a union: ``exports: [cocoo]`` is
    neither a format name nor a mapping) become one finding that says what would do."""
    out: dict[tuple, Diagnostic] = {}
    by_path: dict[tuple, list[tuple[dict, tuple, bool]]] = {}
    errors = exc.errors(include_url=False)
    deep = {tuple(e["loc"][:-1]) for e in errors if len(e["loc"]) > 1}
    for err in errors:
        etype = err["type"]
        if etype in ("literal_error", "enum") and isinstance(err.get("input"), dict | list) \
                and any(loc[:len(err["loc"]) - 1] == tuple(err["loc"][:-1]) and len(loc) >
                        len(err["loc"]) - 1 for loc in deep if loc != tuple(err["loc"][:-1])):
            continue  # a mapping where a word or a mapping goes: its own errors say more
        path, tail_missing = _data_path(err["loc"], data)
        if etype == "extra_forbidden":
            key = path[-1] if path else "?"
            allowed = _allowed_keys(model, path[:-1], data)
            hint = did_you_mean(str(key), allowed) if allowed else None
            msg = f"unknown key {key!r}"
            if hint:
                msg += f" (did you mean {hint!r}?)"
            elif allowed:
                msg += f"; expected one of: {', '.join(sorted(allowed))}"
            d = S001(msg, path=path)
            d = smap.place(d, prefer_key=True)
        elif etype == "missing":
            key = err["loc"][-1]
            d = smap.place(S002(f"missing required key {key!r}", path=path))
        else:
            by_path.setdefault(path, []).append((err, path, tail_missing))
            continue
        out.setdefault((d.file, d.line, d.col, d.code, d.message), d)
    for path, errs in by_path.items():
        where = ".".join(str(p) for p in path) or "spec"
        d = smap.place(S003(f"{where}: {_messages([e for e, _, _ in errs], path)}", path=path),
                       prefer_key=errs[0][2])
        out.setdefault((d.file, d.line, d.col, d.code, d.message), d)
    return sorted(out.values(), key=Diagnostic.sort_key)


# What a pattern of the spec language means, in words (pydantic would print the regex).
PATTERN_WORDS = {
    NAME_PATTERN: "a name must not be empty, start or end with a space, or hold a control "
                  "character or line break",
    IDENTIFIER_PATTERN: "an identifier is letters, digits, '_', '.' and '-', starting with a "
                        "letter or '_' (e.g. retail-shelf, occlusion_limit)",
    COLOR_PATTERN: "a colour is written '#rrggbb' or '#rgb' (e.g. '#1f77b4', '#fff'), "
                   "quoted in YAML",
}

# Other tools' words for guidec's shapes (YOLO, COCO, CVAT, Label Studio, DOTA).
SHAPE_WORDS = {
    "obb": "rotated_box", "rbox": "rotated_box", "rotated_bbox": "rotated_box",
    "rotated_rectangle": "rotated_box", "rotatedbox": "rotated_box", "oriented_box": "rotated_box",
    "bbox": "box", "rectangle": "box", "rect": "box", "bounding_box": "box", "detect": "box",
    "boundingbox": "box", "segmentation": "polygon or mask", "segment": "polygon or mask",
    "seg": "polygon or mask", "instance_segmentation": "polygon or mask",
    "semantic_segmentation": "mask", "brush": "mask", "bitmap": "mask", "rle": "mask",
    "raster": "mask", "polygons": "polygon", "poly": "polygon", "line": "polyline",
    "lines": "polyline", "linestrip": "polyline", "vector": "polyline", "point": "points",
    "keypoint": "keypoints", "skeleton": "keypoints", "pose": "keypoints",
    "ocr": "text_region", "text": "text_region", "textbox": "text_region",
}

_TYPE_WORDS = {
    "string": "text", "int": "a whole number", "float": "a number", "bool": "true or false",
    "list": "a list (`[a, b]` or `- item` lines)", "tuple": "a list (`[a, b]`)",
    "dict": "a mapping (`key: value`)", "model": "a mapping (`key: value`)",
}


def _kind(etype: str) -> str | None:
    """The expected kind of a type error (``int_parsing`` -> ``int``), else None."""
    for kind in ("string", "int", "float", "bool", "list", "tuple", "dict", "model"):
        if etype.startswith(kind + "_") and etype.endswith(("_type", "_parsing", "_class")):
            return kind
        if etype in (f"{kind}_type", f"{kind}_parsing", "model_attributes_type"):
            return "dict" if etype == "model_attributes_type" else kind
    return None


def _shown(value) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing (null)"
    text = repr(value) if isinstance(value, str) else str(value).lower() \
        if isinstance(value, bool) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _choices(err: dict) -> list[str]:
    return re.findall(r"'([^']*)'", str((err.get("ctx") or {}).get("expected", "")))


def _messages(errs: list[dict], path: tuple) -> str:
    """One plain sentence for the errors pydantic reports on one value."""
    literal = [e for e in errs if e["type"] in ("literal_error", "enum")]
    others = [e for e in errs if e not in literal]
    if literal and (not others or not isinstance(literal[0].get("input"), dict | list)):
        return _message(literal[0], path)  # a word where a word goes: say which words
    errs = others or errs
    kinds = [k for k in (_kind(e["type"]) for e in errs) if k]
    if len(errs) > 1 and len(kinds) == len(errs):
        words = list(dict.fromkeys(_TYPE_WORDS[k] for k in kinds))
        return f"expected {' or '.join(words)}, got {_shown(errs[0].get('input'))}"
    return _message(errs[0], path)


def _message(err: dict, path: tuple = ()) -> str:
    etype = err["type"]
    inp = err.get("input")
    ctx = err.get("ctx") or {}
    msg = err.get("msg", "invalid value")
    if msg.startswith("Value error, "):
        return msg[len("Value error, "):]
    if etype == "string_pattern_mismatch":
        words = PATTERN_WORDS.get(ctx.get("pattern"), f"does not match {ctx.get('pattern')}")
        return f"{words} (got {_shown(inp)})"
    if etype in ("literal_error", "enum"):
        allowed = _choices(err)
        text = f"{_shown(inp)} is not one of: {', '.join(allowed)}"
        word = str(inp).strip().lower().replace("-", "_").replace(" ", "_")
        other = SHAPE_WORDS.get(word) if set(allowed) == set(SHAPE_KINDS) else None
        hint = other or (did_you_mean(str(inp), allowed) if isinstance(inp, str) else None)
        if hint:
            text += f" (did you mean {' or '.join(repr(h) for h in hint.split(' or '))}?)"
        return text
    kind = _kind(etype)
    if kind == "string" and path and path[-1] == "version" and isinstance(inp, int | float):
        return (f"YAML reads {inp} as a number: quote the version, e.g. "
                f"version: \"{inp}{'.0' * (2 - str(inp).count('.'))}\" (semantic version)")
    if kind == "string" and isinstance(inp, int | float) and not isinstance(inp, bool):
        return f"expected text, got the number {inp}: quote it (\"{inp}\")"
    if kind is not None:
        return f"expected {_TYPE_WORDS[kind]}, got {_shown(inp)}"
    if etype in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        bound = ctx.get("ge", ctx.get("gt", ctx.get("le", ctx.get("lt"))))
        words = {"greater_than_equal": "at least", "greater_than": "more than",
                 "less_than_equal": "at most", "less_than": "less than"}[etype]
        return f"must be {words} {bound} (got {_shown(inp)})"
    if etype == "string_too_short":
        return "must not be empty" if ctx.get("min_length") == 1 else \
            f"must be at least {ctx.get('min_length')} characters long"
    if etype == "string_too_long":
        return f"must be at most {ctx.get('max_length')} characters long (got {len(str(inp))})"
    if etype == "too_short":
        n = ctx.get("min_length")
        return f"needs at least {n} item{'s' if n != 1 else ''} (got {ctx.get('actual_length')})"
    if etype == "too_long":
        return f"takes at most {ctx.get('max_length')} items (got {ctx.get('actual_length')})"
    if etype == "finite_number":
        return f"must be a finite number (got {_shown(inp)})"
    # anything else: pydantic's sentence without its jargon
    msg = msg.replace("Input should be", "expected").replace("Input ", "the value ")
    msg = re.sub(r" or instance of \w+", "", msg)
    msg = msg.replace("a valid dictionary", "a mapping").replace("a valid string", "text")
    msg = msg.replace("a valid integer", "a whole number").replace("a valid list", "a list")
    msg = msg.replace("a valid number", "a number").replace("a valid boolean", "true or false")
    return f"{msg} (got {_shown(inp)})"


def _data_path(loc: tuple, data) -> tuple[Path, bool]:
    """Drop pydantic's union/validator tags from ``loc``; keep what indexes the data."""
    path: list = []
    cur = data
    for i, part in enumerate(loc):
        if (isinstance(cur, dict) and part in cur) or (isinstance(cur, list) and isinstance(part, int) and 0 <= part < len(cur)):
            path.append(part)
            cur = cur[part]
        elif isinstance(part, str) and "[" in part and part.endswith("]"):
            continue  # a union member tag such as literal['coco', ...]
        elif i == len(loc) - 1 and isinstance(part, str | int) and isinstance(cur, dict):
            path.append(part)  # a missing or unknown key at the end
            return tuple(path), True
        # otherwise: a union member name or a validator tag; skip it
    return tuple(path), False


def _allowed_keys(model: type[BaseModel], path: Path, data) -> list[str]:
    tp: object = model
    for part in path:
        tp = _step(tp, part)
        if tp is None:
            return []
    tp = _model_of(tp)
    if tp is None:
        return []
    return [f.alias or name for name, f in tp.model_fields.items()]


def _model_of(tp) -> type[BaseModel] | None:
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return tp
    for arg in typing.get_args(tp):
        m = _model_of(arg)
        if m is not None:
            return m
    return None


def _step(tp, part):
    m = _model_of(tp) if not (isinstance(tp, type) and issubclass(tp, BaseModel)) else tp
    origin = typing.get_origin(tp)
    if isinstance(part, str) and m is not None and origin is not dict:
        for name, f in m.model_fields.items():
            if part in (name, f.alias):
                return f.annotation
        return None
    # list index or dict key: descend into the item type
    cands = [tp]
    while cands:
        t = cands.pop()
        o = typing.get_origin(t)
        args = typing.get_args(t)
        if o in (list, tuple) and args:
            return args[0]
        if o is dict and len(args) == 2:
            return args[1]
        if o in (typing.Union, types.UnionType) or o is typing.Annotated:
            cands.extend(args)
    return None
