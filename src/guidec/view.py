"""The resolved project: the one intermediate representation every target, rule and diff reads.

``resolve(loaded)`` flattens the class hierarchy (pre-order, the order the spec lists them),
links parents and children, inherits shapes, attributes, keypoint schemas and text regions from
parents, resolves rule scopes to concrete classes, assigns deterministic colours where the spec
gives none, and indexes everything by name, id and alias. It never fails: references it cannot
resolve are skipped here and reported by the linter (``guidec check``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from guidec._frozen import fast_init
from guidec.colorspace import Palette, name_color
from guidec.diagnostics import Path
from guidec.spec.loader import LoadedSpec
from guidec.spec.model import (
    Attribute,
    Class,
    Example,
    KeypointSchema,
    Rule,
    Spec,
    TextRegion,
)


@dataclass(frozen=True, slots=True)
class ResolvedKeypoints:
    name: str
    points: tuple[str, ...]
    skeleton: tuple[tuple[int, int], ...]  # 0-based point indexes
    flip_idx: tuple[int, ...]  # for each point, the index of its mirror (itself if none)
    visibility: str
    sigmas: tuple[float, ...] | None
    model: KeypointSchema

    def index(self, point: str) -> int:
        return self.points.index(point)


@fast_init  # resolve builds one per class: 10,000 for a large spec
@dataclass(frozen=True, slots=True)
class ResolvedClass:
    id: int
    name: str
    title: str
    color: str  # '#rrggbb', lower case
    color_given: bool  # False when guidec assigned the colour
    hotkey: str | None
    shapes: tuple[str, ...]
    attributes: tuple[str, ...]  # inherited first, then own; object-scoped only
    keypoints: str | None
    text_region: TextRegion | None
    definition: str
    include: tuple[str, ...]
    exclude: tuple[str, ...]
    examples: tuple[Example, ...]  # the class's own examples
    aliases: tuple[str, ...]
    instances: bool
    ignore_in_eval: bool
    train_id: int | None
    category: str | None  # given, else the root ancestor's name (COCO supercategory)
    deprecated: bool
    replaced_by: tuple[str, ...]
    since: str | None
    experimental: bool
    parent: str | None
    path: tuple[str, ...]  # names from the root to this class
    children: tuple[str, ...]
    rules: tuple[str, ...]  # ids of rules that apply to this class
    index: int  # position in Project.classes
    spec_path: Path  # where the class is written, for diagnostics
    model: Class = field(repr=False, compare=False)
    carved_from: tuple[str, ...] = ()  # classes whose old labels may hold this class

    @property
    def depth(self) -> int:
        return len(self.path) - 1

    @property
    def full_name(self) -> str:
        return "/".join(self.path)


@dataclass(frozen=True, slots=True)
class ResolvedRule:
    id: str
    title: str
    classes: tuple[str, ...]  # concrete classes the rule covers (descendants included)
    applies_to_all: bool
    severity: str
    model: Rule = field(repr=False, compare=False)
    spec_path: Path = ()


@dataclass(frozen=True, slots=True)
class ExampleRef:
    """An example image and where it is written (class or rule), with every class it draws."""

    example: Example
    owner_kind: str  # "class" | "rule"
    owner: str  # class name or rule id
    spec_path: Path
    classes: tuple[str, ...]


@dataclass(frozen=True)
class Project:
    loaded: LoadedSpec
    classes: tuple[ResolvedClass, ...]
    keypoint_schemas: dict[str, ResolvedKeypoints]
    rules: tuple[ResolvedRule, ...]

    # -- shortcuts to the spec -------------------------------------------------
    @property
    def spec(self) -> Spec:
        return self.loaded.spec

    @property
    def attributes(self) -> dict[str, Attribute]:
        return self.spec.attributes

    @cached_property
    def image_attributes(self) -> tuple[str, ...]:
        return tuple(n for n, a in self.spec.attributes.items() if a.scope == "image")

    # -- indexes -------------------------------------------------------------------
    @cached_property
    def by_name(self) -> dict[str, ResolvedClass]:
        out: dict[str, ResolvedClass] = {}
        for c in self.classes:
            out.setdefault(c.name, c)
        return out

    @cached_property
    def by_id(self) -> dict[int, ResolvedClass]:
        out: dict[int, ResolvedClass] = {}
        for c in self.classes:
            out.setdefault(c.id, c)
        return out

    @cached_property
    def by_alias(self) -> dict[str, ResolvedClass]:
        out: dict[str, ResolvedClass] = {}
        for c in self.classes:
            for a in c.aliases:
                out.setdefault(a, c)
        return out

    @cached_property
    def rules_by_id(self) -> dict[str, ResolvedRule]:
        return {r.id: r for r in self.rules}

    @cached_property
    def active_classes(self) -> tuple[ResolvedClass, ...]:
        """Classes annotators may use: not deprecated."""
        return tuple(c for c in self.classes if not c.deprecated)

    def lookup(self, name: str) -> ResolvedClass | None:
        """A class by name, or by one of its aliases."""
        return self.by_name.get(name) or self.by_alias.get(name)

    def descendants(self, name: str) -> list[ResolvedClass]:
        out = []
        stack = list(reversed(self.by_name[name].children)) if name in self.by_name else []
        while stack:
            c = self.by_name[stack.pop()]
            out.append(c)
            stack.extend(reversed(c.children))
        return out

    def final_replacement(self, name: str) -> tuple[str, ...]:
        """Follow ``replaced_by`` to classes that are not deprecated (cycles stop)."""
        seen, out, todo = set(), [], [name]
        while todo:
            n = todo.pop(0)
            if n in seen:
                continue
            seen.add(n)
            c = self.by_name.get(n)
            if c is None:
                continue
            if c.deprecated and c.replaced_by:
                todo.extend(c.replaced_by)
            elif n != name:
                out.append(n)
        return tuple(out)

    @cached_property
    def examples(self) -> tuple[ExampleRef, ...]:
        """Every example in the spec, class examples first, in spec order."""
        out = []
        for c in self.classes:
            for i, ex in enumerate(c.examples):
                out.append(ExampleRef(ex, "class", c.name, (*c.spec_path, "examples", i),
                                      _drawn(ex, c.name)))
        for r in self.rules:
            for i, ex in enumerate(r.model.examples):
                out.append(ExampleRef(ex, "rule", r.id, (*r.spec_path, "examples", i),
                                      _drawn(ex, None)))
        return tuple(out)

    def examples_for(self, name: str) -> list[ExampleRef]:
        return [e for e in self.examples
                if (e.owner_kind == "class" and e.owner == name) or name in e.classes]

    def locate(self, path: Path) -> tuple[str, int | None, int | None]:
        return self.loaded.source.locate(path)


def _drawn(ex: Example, default: str | None) -> tuple[str, ...]:
    names = []
    for s in ex.shapes:
        if s.class_ not in names:
            names.append(s.class_)
    if default is not None and default not in names:
        names.insert(0, default)
    return tuple(names)




def assigned_color(name: str) -> str:
    """A stable colour derived from a name alone (keypoint labels, CVAT tags); classes get
    theirs from :class:`guidec.colorspace.Palette`, which also keeps them apart."""
    return name_color(name)


def normalize_color(color: str) -> str:
    c = color.lower()
    if len(c) == 4:  # #abc -> #aabbcc
        c = "#" + "".join(ch * 2 for ch in c[1:])
    return c


def _resolve_keypoints(name: str, ks: KeypointSchema) -> ResolvedKeypoints:
    points = tuple(ks.points)
    pos = {p: i for i, p in enumerate(points)}
    skeleton = tuple((pos[a], pos[b]) for a, b in ks.skeleton if a in pos and b in pos)
    flip = list(range(len(points)))
    for a, b in ks.flip:
        if a in pos and b in pos:
            flip[pos[a]], flip[pos[b]] = pos[b], pos[a]
    return ResolvedKeypoints(name, points, skeleton, tuple(flip), ks.visibility,
                             tuple(ks.sigmas) if ks.sigmas else None, ks)


def resolve(loaded: LoadedSpec) -> Project:
    from guidec.source import gc_paused

    with gc_paused():
        return _resolve(loaded)


def _resolve(loaded: LoadedSpec) -> Project:
    spec = loaded.spec
    # Pass 1: walk the tree pre-order, inheriting from the (already resolved) parent.
    resolved: list[ResolvedClass] = []
    children_of: dict[str, list[str]] = {}
    object_attrs = {n for n, a in spec.attributes.items() if a.scope == "object"}

    given, uncoloured = [], 0
    stack = list(spec.classes)
    while stack:
        c = stack.pop()
        stack.extend(c.children)
        if c.color:
            given.append(normalize_color(c.color))
        else:
            uncoloured += 1
    palette = Palette(given, uncoloured)

    def walk(cls: Class, path: Path, parent: ResolvedClass | None) -> None:
        shapes = tuple(cls.shapes) if cls.shapes is not None else (
            parent.shapes if parent else ("box",))
        attrs = list(parent.attributes) if parent else []
        for a in cls.attributes or []:
            if a in object_attrs and a not in attrs:
                attrs.append(a)
        keypoints = cls.keypoints or (parent.keypoints if parent else None)
        if keypoints is not None and keypoints not in spec.keypoint_schemas:
            keypoints = None
        text_region = cls.text_region or (parent.text_region if parent else None)
        child_names = tuple(ch.name for ch in cls.children)
        rc = ResolvedClass(
            id=cls.id,
            name=cls.name,
            title=cls.title or cls.name,
            color=normalize_color(cls.color) if cls.color else palette.derive(
                cls.name, parent.color if parent else None),
            color_given=cls.color is not None,
            hotkey=cls.hotkey,
            shapes=shapes,
            attributes=tuple(attrs),
            keypoints=keypoints,
            text_region=text_region,
            definition=cls.definition,
            include=tuple(cls.include),
            exclude=tuple(cls.exclude),
            examples=tuple(cls.examples),
            aliases=tuple(cls.aliases),
            instances=cls.instances,
            ignore_in_eval=cls.ignore_in_eval,
            train_id=cls.train_id,
            category=cls.category or (parent.category if parent else None)
            or (parent.path[0] if parent else None),
            deprecated=cls.deprecated,
            replaced_by=tuple(cls.replacements),
            since=cls.since,
            experimental=cls.experimental,
            parent=parent.name if parent else None,
            path=(*parent.path, cls.name) if parent else (cls.name,),
            children=child_names,
            rules=(),
            index=len(resolved),
            spec_path=path,
            model=cls,
            carved_from=tuple(cls.carved_from_list),
        )
        resolved.append(rc)
        children_of.setdefault(cls.name, []).extend(child_names)
        for j, ch in enumerate(cls.children):
            walk(ch, (*path, "children", j), rc)

    for i, cls in enumerate(spec.classes):
        walk(cls, ("classes", i), None)

    # Pass 2: rule scopes.
    names = {c.name for c in resolved}
    subtree: dict[str, list[str]] = {}

    def under(name: str) -> list[str]:
        if name not in subtree:
            out, stack, seen = [], [name], set()
            while stack:
                n = stack.pop()
                if n in seen:
                    continue
                seen.add(n)
                out.append(n)
                stack.extend(reversed(children_of.get(n, [])))
            subtree[name] = out
        return subtree[name]

    order = {c.name: c.index for c in resolved}
    scopes: dict[tuple[str, ...], tuple[str, ...]] = {}  # applies_to -> covered classes

    def scope(applies_to: tuple[str, ...]) -> tuple[str, ...]:
        # Rules share scopes ('*', one root class): compute each distinct scope once.
        if applies_to not in scopes:
            if "*" in applies_to:
                covered = [c.name for c in resolved if not c.deprecated]
            else:
                seen_names: set[str] = set()
                covered = []
                for target in applies_to:
                    if target in names:
                        for n in under(target):
                            if n not in seen_names:
                                seen_names.add(n)
                                covered.append(n)
                covered.sort(key=order.__getitem__)
            scopes[applies_to] = tuple(covered)
        return scopes[applies_to]

    rules: list[ResolvedRule] = []
    rules_of: dict[str, list[str]] = {c.name: [] for c in resolved}  # no setdefault([]) per pair
    for i, rule in enumerate(spec.rules):
        covered = scope(tuple(rule.applies_to))
        rules.append(ResolvedRule(rule.id, rule.title, covered, "*" in rule.applies_to,
                                  rule.severity, rule, ("rules", i)))
        for n in covered:
            rules_of[n].append(rule.id)

    for c in resolved:  # set in place: 10,000 dataclasses.replace calls cost half a second
        if rules_of[c.name]:
            object.__setattr__(c, "rules", tuple(rules_of[c.name]))

    kps = {n: _resolve_keypoints(n, ks) for n, ks in spec.keypoint_schemas.items()}
    return Project(loaded, tuple(resolved), kps, tuple(rules))


def load_project(path: str) -> Project:
    """Load and resolve a spec file (raises GuidecError with diagnostics on a bad spec)."""
    from guidec.spec.loader import load_spec

    return resolve(load_spec(path))
