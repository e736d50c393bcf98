"""``guidec import``: a spec from the taxonomy another tool already has.

One module per source format; each defines ``FORMAT`` (its ``--from`` name), ``detect(path,
head) -> bool`` (by content: ``head`` is the file's first 64 KiB as text) and ``read(path,
draft)`` which fills a :class:`Draft`. The draft collects the spec as plain data and a loss
report: every part of the source that has no place in the spec is one finding with an I code
(:mod:`guidec.codes.importing`), so nothing is dropped silently.

The written spec is canonical (:func:`guidec.spec.dump.dump_spec`): the same source gives the
same bytes, and ``import`` of what ``guidec build`` writes gives back the spec it was built from,
up to the losses documented in site/docs/import.md.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any

from guidec.codes import code
from guidec.diagnostics import Diagnostic, GuidecError, Path
from guidec.registry import Registry

#: Source modules in detection order (the most specific content test first).
SOURCES: Registry = Registry("import source", __name__, attribute="FORMAT", modules=(
    "label_studio", "cvat", "mmpose", "cityscapes", "yolo", "labelbox", "encord", "kili",
    "coco"))

I001 = code("I001")
I002 = code("I002")
I003 = code("I003")
I101 = code("I101")
I102 = code("I102")
I103 = code("I103")
I104 = code("I104")
I105 = code("I105")
I106 = code("I106")
I107 = code("I107")
I108 = code("I108")
I109 = code("I109")
I110 = code("I110")
I111 = code("I111")
I112 = code("I112")
MAX_NAME = 64  # the spec language's longest class name

HEAD_BYTES = 65536


@dataclass
class Draft:
    """A spec being imported, as plain data, and what could not be carried over."""

    file: str  # the source as shown in findings
    fmt: str = ""
    title: str = ""
    version: str = "1.0.0"
    summary: str = ""
    classes: list[dict] = field(default_factory=list)  # top level; children nested
    attributes: dict[str, dict] = field(default_factory=dict)
    keypoint_schemas: dict[str, dict] = field(default_factory=dict)
    media: dict[str, Any] = field(default_factory=dict)
    exports: list[Any] = field(default_factory=list)
    losses: list[Diagnostic] = field(default_factory=list)
    #: attribute name -> (its definition, the class that defined it first), for I104
    _attr_owner: dict[str, str] = field(default_factory=dict)

    # ------------------------------------------------------------------ findings
    def lose(self, make, message: str, path: Path = (), hint: str | None = None) -> None:
        self.losses.append(make(message, file=self.file, path=path, hint=hint))

    # ------------------------------------------------------------------ classes
    def all_classes(self) -> list[dict]:
        out: list[dict] = []

        def walk(cs: list[dict]) -> None:
            for c in cs:
                out.append(c)
                walk(c.get("children", []))

        walk(self.classes)
        return out

    def find_class(self, name: str) -> dict | None:
        for c in self.all_classes():
            if c["name"] == name:
                return c
        return None

    def add_class(self, name: str, parent: dict | None = None, where: Path = (),
                  **fields: Any) -> dict:
        """The class ``name`` (merged into an existing one of that name: shapes and attributes
        add up, the first colour, hotkey and id stay; a differing one is I105)."""
        name = str(name)
        if len(name) > MAX_NAME:
            short = name.split("/")[0].strip()
            short = short if 0 < len(short) <= MAX_NAME else name[:MAX_NAME]
            self.lose(I111, f"class name {name[:40]!r}... has {len(name)} characters (at most "
                      f"{MAX_NAME}); written as {short!r} with the full name as an alias",
                      where)
            fields["aliases"] = [*fields.get("aliases", []), name]
            name = short
        old = self.find_class(name)
        if old is not None:
            for key, value in fields.items():
                if key in ("shapes", "attributes", "aliases"):
                    merged = list(old.get(key, []))
                    merged += [v for v in value if v not in merged]
                    old[key] = merged
                elif key not in old or old[key] in (None, ""):
                    old[key] = value
                elif old[key] != value and key in ("color", "hotkey", "id", "title"):
                    self.lose(I105, f"class {name!r} appears twice with different {key} "
                              f"({old[key]!r} and {value!r}); the first is kept", where)
            return old
        c = {"name": name, **{k: v for k, v in fields.items() if v not in (None, [], "")}}
        (parent.setdefault("children", []) if parent is not None else self.classes).append(c)
        return c

    # ------------------------------------------------------------------ attributes
    def add_attribute(self, name: str, definition: dict, carrier: str | None = None,
                      where: Path = ()) -> str:
        """Declare attribute ``name``; the key it got. Spec attributes are shared by name:
        a second, different definition of the same name (CVAT attributes belong to a label)
        is kept under ``name (carrier)`` with an I104 finding."""
        name = str(name)
        old = self.attributes.get(name)
        if old is None or old == definition:
            self.attributes[name] = definition
            self._attr_owner.setdefault(name, carrier or "")
            return name
        key = f"{name} ({carrier})" if carrier else f"{name} (2)"
        i = 2
        while key in self.attributes and self.attributes[key] != definition:
            i += 1
            key = f"{name} ({carrier or ''} {i})".replace("( ", "(")
        self.attributes[key] = definition
        owner = self._attr_owner.get(name) or "another label"
        self.lose(I104, f"attribute {name!r} of {carrier or 'a control'!r} differs from the "
                  f"{name!r} of {owner!r}; spec attributes are shared by name, so it is "
                  f"written as {key!r}", where,
                  hint="if both mean the same, make them equal in the source")
        return key

    def order_classes(self, sequences: list[list[str]]) -> None:
        """Order siblings so that every sequence (a tool's label list, which guidec writes in
        the spec's pre-order) reads in order: a stable topological sort; where the lists do
        not decide, the class id, then first-seen order."""
        first: dict[str, int] = {}
        after: dict[str, set[str]] = {}
        for seq in sequences:
            for i, n in enumerate(seq):
                first.setdefault(n, len(first))
                if i:
                    after.setdefault(n, set()).add(seq[i - 1])
        rank: dict[str, int] = {}
        ids = {c["name"]: c.get("id") for c in self.all_classes()}
        todo = sorted(first, key=lambda n: (ids.get(n) if isinstance(ids.get(n), int)
                                            and not isinstance(ids.get(n), bool)
                                            else float("inf"), first[n]))
        while todo:
            ready = [n for n in todo if not (after.get(n, set()) - rank.keys() - {n})]
            pick = ready[0] if ready else todo[0]  # a cycle: first seen wins
            rank[pick] = len(rank)
            todo.remove(pick)

        def sort(cs: list[dict]) -> None:
            cs.sort(key=lambda c: rank.get(c["name"], len(rank)))
            for c in cs:
                sort(c.get("children", []))

        sort(self.classes)

    # ------------------------------------------------------------------ ids
    def number_classes(self, start: int = 1) -> None:
        """Give classes without a usable id the next free ones (pre-order); duplicates are
        I105."""
        seen: set[int] = set()
        todo = []
        for c in self.all_classes():
            cid = c.get("id")
            if isinstance(cid, bool) or not isinstance(cid, int) or cid < 0:
                if cid is not None:
                    self.lose(I105, f"class {c['name']!r} has id {cid!r}; guidec ids are "
                              "whole numbers from 0, so it gets a new one")
                todo.append(c)
            elif cid in seen:
                self.lose(I105, f"class {c['name']!r} has id {cid}, already used; it gets a "
                          "new one")
                todo.append(c)
            else:
                seen.add(cid)
        nxt = max(seen, default=start - 1) + 1 if seen else start
        for c in todo:
            while nxt in seen:
                nxt += 1
            c["id"] = nxt
            seen.add(nxt)

    def inherit_shapes(self, classes: list[dict], inherited: list[str],
                       attrs: tuple[str, ...] = ()) -> None:
        """Leave out shapes a class would inherit anyway (top-level classes: box) and the
        attributes its ancestors carry, as a hand-written spec does."""
        for c in classes:
            own = c.get("shapes")
            if own is not None and list(own) == list(inherited):
                del c["shapes"]
            if c.get("attributes"):
                c["attributes"] = [a for a in c["attributes"] if a not in attrs]
                if not c["attributes"]:
                    del c["attributes"]
            self.inherit_shapes(c.get("children", []), own if own is not None else inherited,
                                (*attrs, *c.get("attributes", [])))

    def unique_colors(self) -> None:
        first: dict[str, str] = {}
        for c in self.all_classes():
            col = c.get("color")
            if col is None:
                continue
            if col in first:
                self.lose(I110, f"colour {col} of {c['name']!r} is already used by "
                          f"{first[col]!r}; {c['name']!r} gets a derived colour")
                del c["color"]
            else:
                first[col] = c["name"]

    # ------------------------------------------------------------------ the spec
    def data(self, project_id: str) -> dict:
        for c in self.all_classes():
            c.setdefault("id", None)
        self.number_classes()
        for c in self.all_classes():  # id and name first (a valid spec is dumped in model order)
            head = {"id": c["id"], "name": c["name"]}
            rest = {k: v for k, v in c.items() if k not in head}
            c.clear()
            c.update(head)
            c.update(rest)
        self.unique_colors()
        self.inherit_shapes(self.classes, ["box"])
        spec: dict[str, Any] = {
            "guidec": 1,
            "project": {"id": project_id, "title": self.title or project_id,
                        "version": self.version},
        }
        if self.summary:
            spec["project"]["summary"] = self.summary
        if self.media:
            spec["media"] = self.media
        if self.attributes:
            spec["attributes"] = self.attributes
        if self.keypoint_schemas:
            spec["keypoint_schemas"] = self.keypoint_schemas
        spec["classes"] = self.classes
        if self.exports:
            spec["exports"] = self.exports
        return spec


@dataclass
class Imported:
    spec: dict  # the spec as plain data
    text: str  # the canonical YAML written
    losses: list[Diagnostic]
    fmt: str


def project_id(path: str) -> str:
    stem = os.path.basename(path)
    for suffix in (".json", ".yaml", ".yml", ".xml", ".py", ".txt"):
        if stem.lower().endswith(suffix):
            stem = stem[: -len(suffix)]
            break
    pid = re.sub(r"[^A-Za-z0-9_.\-]+", "-", stem).strip("-.") or "imported"
    return pid if re.match(r"^[A-Za-z_]", pid) else f"p-{pid}"


def read_head(path: str) -> str:
    try:
        with open(path, "rb") as fh:
            raw = fh.read(HEAD_BYTES)
    except OSError as exc:
        raise GuidecError(f"{path}: cannot read: {exc.strerror or exc}",
                          [I001(f"cannot read the source: {exc.strerror or exc}", file=path)]
                          ) from None
    return raw.decode("utf-8", errors="replace").lstrip("\ufeff")


def read_text(path: str) -> str:
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
    except OSError as exc:
        raise GuidecError(f"{path}: cannot read: {exc.strerror or exc}",
                          [I001(f"cannot read the source: {exc.strerror or exc}", file=path)]
                          ) from None
    try:
        return raw.decode("utf-8").lstrip("\ufeff")
    except UnicodeDecodeError as exc:
        raise unreadable(path, f"not UTF-8 text (byte {exc.start})") from None


def unreadable(path: str, why: str) -> GuidecError:
    """The one error of a source that cannot be read as its format (I001)."""
    return GuidecError(f"{path}: {why}", [I001(why, file=path)])


def detect(path: str) -> str:
    head = read_head(path)
    for name, mod in SOURCES.items():
        if mod.detect(path, head):
            return name
    raise GuidecError(f"{path}: not a taxonomy guidec can import", [I002(
        "cannot tell the format of this file; give it with --from (one of "
        f"{', '.join(SOURCES)})", file=path)])


def canonical(spec: dict) -> str:
    """The spec as canonical YAML when it is a valid spec, else as plain sorted YAML."""
    from pydantic import ValidationError

    from guidec.spec.dump import _Dumper, dump_spec
    from guidec.spec.model import Spec

    try:
        return dump_spec(Spec.model_validate(spec))
    except ValidationError:
        import yaml

        return yaml.dump(spec, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100,
                         default_flow_style=False)


def import_source(path: str, fmt: str | None = None, display: str | None = None) -> Imported:
    """Read ``path`` as ``fmt`` (detected from the content when None)."""
    shown = display or path
    if fmt is None:
        fmt = detect(path)
    mod = SOURCES.get(fmt)
    if mod is None:
        raise GuidecError(f"unknown --from {fmt!r}; expected one of {', '.join(SOURCES)}")
    draft = Draft(shown, fmt)
    try:
        mod.read(path, draft)
    except (TypeError, AttributeError, KeyError, IndexError, ValueError, RecursionError) as exc:
        # a value of another type or shape than the format has somewhere the readers do not
        # check it one by one: one clear error, never a traceback (tests/importing/
        # test_robustness.py feeds damaged real shapes)
        raise unreadable(shown, f"not a {fmt} file as guidec reads it: a value has an "
                         f"unexpected type or shape ({type(exc).__name__}: "
                         f"{str(exc)[:120]})") from None
    return finish(draft, project_id(path))


def _drop_derived_colors(spec: dict) -> None:
    """Leave out every class colour that guidec would derive anyway (a config guidec built
    writes derived colours out), checked on the resolved spec: the colours stay the same."""
    from guidec.spec.loader import load_spec_text
    from guidec.view import resolve

    def classes(cs):
        for c in cs:
            yield c
            yield from classes(c.get("children", []))

    def colors() -> dict[str, str] | None:
        try:
            project = resolve(load_spec_text(canonical(spec)))
        except GuidecError:
            return None
        return {c.name: c.color for c in project.classes}

    given = {c["name"]: c["color"] for c in classes(spec["classes"]) if c.get("color")}
    if not given:
        return
    for c in classes(spec["classes"]):
        c.pop("color", None)
    derived = colors()
    for c in classes(spec["classes"]):
        if c["name"] in given and (derived is None or derived.get(c["name"]) != given[c["name"]]):
            c["color"] = given[c["name"]]
    final = colors()
    if final is not None and any(final.get(n) != col for n, col in given.items()):
        for c in classes(spec["classes"]):  # derivation depends on the others: keep them all
            if c["name"] in given:
                c["color"] = given[c["name"]]


def finish(draft: Draft, pid: str) -> Imported:
    spec = draft.data(pid)
    _drop_derived_colors(spec)
    if not draft.all_classes():
        draft.lose(I003, "the source declares no class; the spec has none",
                   hint="add classes to the spec by hand")
    text = canonical(spec)
    losses = sorted(draft.losses, key=lambda d: ([str(p) for p in d.path], d.code))
    return Imported(spec, text, losses, draft.fmt)


def number_attribute(draft: Draft, what: str, lo: float | None, hi: float | None,
                     step: float | None, default: float | None = None,
                     where: Path = ()) -> dict:
    """An integer (whole bounds and step 1 or none) or number attribute; a contradictory
    range is I112 and left out."""
    bad = ((lo is not None and hi is not None and not lo < hi)
           or (step is not None and step <= 0)
           or (default is not None and ((lo is not None and default < lo)
                                        or (hi is not None and default > hi))))
    if bad:
        shown = ", ".join(f"{k} {v:g}" for k, v in (("min", lo), ("max", hi), ("step", step),
                                                     ("default", default)) if v is not None)
        draft.lose(I112, f"{what}: {shown} contradict each other; written as a number "
                   "without range", where)
        return {"type": "number"}
    vals = [v for v in (lo, hi, step) if v is not None]
    integral = all(float(v).is_integer() for v in vals) and step in (None, 1)
    a: dict = {"type": "integer" if integral else "number"}
    for key, v in (("min", lo), ("max", hi), ("step", step)):
        if v is None or (key == "step" and integral):
            continue
        a[key] = int(v) if float(v).is_integer() else v
    if default is not None:
        a["default"] = int(default) if integral else default
    return a


# --------------------------------------------------------------------------- colours
def hex_color(text: object) -> str | None:
    """``#rrggbb`` (lower case) for a CSS colour: ``#rgb``, ``#rrggbb``, ``#rrggbbaa``,
    ``rgb()``/``rgba()`` and the CSS named colours; None when not understood."""
    from guidec.importing._colors import CSS_NAMES

    if not isinstance(text, str):
        return None
    t = text.strip().lower()
    if t in CSS_NAMES:
        return CSS_NAMES[t]
    m = re.fullmatch(r"#([0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})", t)
    if m:
        h = m.group(1)
        if len(h) in (3, 4):
            h = "".join(ch * 2 for ch in h[:3])
        return "#" + h[:6]
    m = re.fullmatch(r"rgba?\(\s*(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*(\d{1,3})\s*(,\s*[\d.]+%?\s*)?\)",
                     t)
    if m and all(int(g) <= 255 for g in m.groups()[:3]):
        return "#" + "".join(f"{int(g):02x}" for g in m.groups()[:3])
    return None


def rgb_hex(rgb: object) -> str | None:
    """``#rrggbb`` for an ``[r, g, b]`` list of 0-255 integers."""
    if (isinstance(rgb, list | tuple) and len(rgb) == 3
            and all(isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 255
                    for v in rgb)):
        return "#" + "".join(f"{v:02x}" for v in rgb)
    return None


def color_of(draft: Draft, value: object, what: str, where: Path = ()) -> str | None:
    if value in (None, ""):
        return None
    h = hex_color(value) if isinstance(value, str) else rgb_hex(value)
    if h is None:
        draft.lose(I103, f"{what}: colour {value!r} is not understood; guidec derives one",
                   where)
    return h


def dropped(draft: Draft, what: str, keys, where: Path = ()) -> None:
    """One I102 for settings of ``what`` that have no place in a spec."""
    keys = sorted(k for k in keys)
    if keys:
        draft.lose(I102, f"{what}: {', '.join(keys)} not carried over (no spec field)", where)


def control_lost(draft: Draft, message: str, where: Path = ()) -> None:
    draft.lose(I101, message, where)
