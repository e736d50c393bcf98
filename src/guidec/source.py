"""YAML with positions: every value keeps the line and column it came from.

``load_yaml`` reads one file (size-capped, duplicate keys refused, alias expansion bounded)
and returns plain Python data plus a :class:`Positions` table from data path to
``(line, col)``. Any problem is a :class:`~guidec.diagnostics.GuidecError` carrying Y-coded
diagnostics with the file and place; nothing here ever lets a traceback out.
"""

from __future__ import annotations

import gc
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import yaml
import yaml.constructor

from guidec import _frozen, inputs
from guidec.codes import code
from guidec.diagnostics import Diagnostic, GuidecError, Path

MAX_FILE_BYTES = 64 * 1024 * 1024  # a 100,000-class spec is about 20 MB
MAX_SPEC_ENV = "GUIDEC_MAX_SPEC_BYTES"
MAX_NODES = 3_000_000  # values built, counting every alias expansion
MAX_DEPTH = 64

Y001 = code("Y001")
Y002 = code("Y002")
Y003 = code("Y003")
Y004 = code("Y004")
Y005 = code("Y005")
Y006 = code("Y006")
Y007 = code("Y007")

try:  # guidec/_yamlfast.c, built with guidec when libyaml's headers are there
    from guidec import _yamlfast
except ImportError:  # pragma: no cover - the Python builder gives the same data
    _yamlfast = None

#: Read specs through the compiled builder when it is built (tests turn it off to compare).
USE_NATIVE = True


@contextmanager
def gc_paused(freeze: bool | None = None) -> Iterator[None]:
    """Pause the cyclic garbage collector while building a large acyclic object graph.

    Loading a 10,000-class spec allocates about a million tuples, dicts and models; the
    collector would walk them all several times over for nothing (none form cycles)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if _frozen.FREEZE_AFTER_BUILD if freeze is None else freeze:
            gc.freeze()
        if was:
            gc.enable()


class Positions:
    """Data path -> (line, col) of the value, and of the key for mapping entries.

    Stored per container (one dict or list of libyaml marks per mapping or sequence, filled
    while reading), so a 10,000-class spec does not build a path tuple per value; ``find``
    turns a mark into 1-based ``(line, col)`` only when a finding is reported.
    """

    __slots__ = ("_keys", "_root", "_vals")

    def __init__(self) -> None:
        self._vals: dict[Path, dict | list] = {}  # container path -> {key: mark} / [mark]
        self._keys: dict[Path, dict] = {}  # mapping path -> {key: mark of the key}
        self._root = None

    @staticmethod
    def _pos(mark) -> tuple[int, int]:
        if mark.__class__ is int:  # from the compiled builder: line << 32 | column
            return ((mark >> 32) + 1, (mark & 0xFFFFFFFF) + 1)
        return (mark.line + 1, mark.column + 1)

    def value_at(self, path: Path) -> tuple[int, int] | None:
        if not path:
            return self._pos(self._root) if self._root is not None else None
        marks = self._vals.get(tuple(path[:-1]))
        if marks is None:
            return None
        last = path[-1]
        if isinstance(marks, list):
            ok = isinstance(last, int) and not isinstance(last, bool) and 0 <= last < len(marks)
            return self._pos(marks[last]) if ok else None
        mark = marks.get(last)
        return self._pos(mark) if mark is not None else None

    def key_at(self, path: Path) -> tuple[int, int] | None:
        if not path:
            return None
        marks = self._keys.get(tuple(path[:-1]))
        mark = marks.get(path[-1]) if marks is not None else None
        return self._pos(mark) if mark is not None else None

    def find(self, path: Path, prefer_key: bool = False) -> tuple[int, int] | None:
        """Position of ``path``, or of its nearest ancestor that has one."""
        p = tuple(path)
        if p and not prefer_key:  # the usual case, once per finding: the value is recorded
            marks = self._vals.get(p[:-1])
            if marks.__class__ is dict:
                mark = marks.get(p[-1])
                if mark is not None:
                    return self._pos(mark)
        while True:
            if prefer_key:
                k = self.key_at(p)
                if k is not None:
                    return k
            v = self.value_at(p)
            if v is not None:
                return v
            k = self.key_at(p)
            if k is not None:
                return k
            if not p:
                return None
            p = p[:-1]

    # Flat views, for callers that want every position (built on demand).
    @property
    def values(self) -> dict[Path, tuple[int, int]]:
        out: dict[Path, tuple[int, int]] = {}
        if self._root is not None:
            out[()] = self._pos(self._root)
        for path, marks in self._vals.items():
            items = enumerate(marks) if isinstance(marks, list) else marks.items()
            for k, mark in items:
                out[(*path, k)] = self._pos(mark)
        return out

    @property
    def keys(self) -> dict[Path, tuple[int, int]]:
        return {(*path, k): self._pos(mark) for path, marks in self._keys.items()
                for k, mark in marks.items()}


@dataclass
class YamlDoc:
    file: str
    data: object
    positions: Positions


def spec_max_bytes() -> int:
    """The size bound of one spec file: ``GUIDEC_MAX_SPEC_BYTES`` (bytes, or with K/M/G),
    else :data:`MAX_FILE_BYTES`."""
    return inputs.parse_size(os.environ.get(MAX_SPEC_ENV) or "") or MAX_FILE_BYTES


def read_text(path: str, *, max_bytes: int | None = None, code_file: str | None = None) -> str:
    """Read a UTF-8 text file with a size cap; problems become Y001/Y002."""
    max_bytes = max_bytes or spec_max_bytes()
    raise_it = f" (raise the bound with {MAX_SPEC_ENV}, e.g. {MAX_SPEC_ENV}=256M)"
    shown = code_file or path
    try:
        size = os.path.getsize(path)
    except OSError as exc:
        raise GuidecError(f"cannot read {shown}",
                          [Y001(f"cannot read file: {exc.strerror or exc}", file=shown)]) from None
    if size > max_bytes:
        raise GuidecError(f"{shown} is too large", [Y002(
            f"file is {size:,} bytes; specs are limited to {max_bytes:,} bytes{raise_it}",
            file=shown)])
    try:
        with inputs.open_regular(path) as fh:
            inputs.note(shown, fh)
            raw = fh.read(max_bytes + 1)
    except OSError as exc:
        raise GuidecError(f"cannot read {shown}",
                          [Y001(f"cannot read file: {exc.strerror or exc}", file=shown)]) from None
    if len(raw) > max_bytes:
        raise GuidecError(f"{shown} is too large", [Y002(
            f"file is larger than {max_bytes:,} bytes{raise_it}", file=shown)])
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        d = Y003(f"file is not UTF-8 text (byte 0x{raw[exc.start]:02x})", file=shown)
        raise GuidecError(f"{shown} is not UTF-8", [d.with_position(line, col)]) from None


def load_yaml(path: str, *, display: str | None = None, text: str | None = None) -> YamlDoc:
    """Load one YAML file into plain data with positions.

    Built straight from libyaml's event stream (``CParser``): composing PyYAML nodes runs the
    implicit-tag resolver in Python for every value and is six times slower on large specs.
    The compiled builder (``guidec/_yamlfast.c``) does the same from libyaml's own events for
    files without anchors, tags, merge keys or problems (4x faster again); any other file, and
    every file when it is not built, goes through the Python builder, which gives the same
    data and positions (``tests/test_yamlfast.py``) and reports the problems.
    """
    shown = display or path
    if text is None:
        text = read_text(path, code_file=shown)
    if _yamlfast is not None and USE_NATIVE:
        doc = _native_load(text, shown)
        if doc is not None:
            return doc
    builder = _EventBuilder(shown)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    try:
        with gc_paused():
            builder.run(loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        msg = " ".join(str(p) for p in (exc.context, exc.problem) if p) or "invalid YAML"
        d = Y003(msg, file=shown)
        if mark is not None:
            d = d.with_position(mark.line + 1, mark.column + 1)
        raise GuidecError(f"{shown}: {d.message}", [d]) from None
    except yaml.YAMLError as exc:  # reader errors (control characters, ...)
        d = Y003(str(exc).splitlines()[0] if str(exc) else "invalid YAML", file=shown)
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "mark", None)
        if mark is not None:
            d = d.with_position(mark.line + 1, mark.column + 1)
        raise GuidecError(f"{shown}: {d.message}", [d]) from None
    except _Stop:
        pass
    finally:
        loader.dispose()
    if builder.errors:
        raise GuidecError(f"{shown}: {builder.errors[0].message}", builder.errors)
    if not builder.has_document:
        d = Y007("the file is empty; a spec is a YAML mapping", file=shown)
        raise GuidecError(f"{shown}: {d.message}", [d.with_position(1, 1)])
    return YamlDoc(shown, builder.root, builder.positions)


class _Native:
    """What the compiled builder needs from the Python one: the first characters of typed
    plain scalars and their resolution (the Python builder's own, so both agree)."""

    fallback = object()
    _special: bytes | None = None

    @classmethod
    def special(cls) -> bytes:
        if cls._special is None:
            table = bytearray(256)
            for k in yaml.resolver.Resolver.yaml_implicit_resolvers:
                if k is not None and len(k) == 1 and ord(k) < 256:
                    table[ord(k)] = 1
            cls._special = bytes(table)
        return cls._special


def _native_load(text: str, shown: str) -> YamlDoc | None:
    """The compiled builder's reading of ``text``, or None: the Python builder reads it."""
    builder = _EventBuilder(shown)
    fallback = _Native.fallback

    def resolve(v: str):
        # the Python builder's treatment of a plain scalar that may be typed
        if _PLAIN_INT.match(v) and len(v) <= 4000:
            return int(v)
        value = builder._scalar(_PlainEvent(v))
        if builder.errors or value is _MERGE:
            return fallback
        return value

    with gc_paused():
        got = _yamlfast.build(text.encode("utf-8"), _Native.special(), {}, resolve, fallback,
                              MAX_NODES, MAX_DEPTH)
    if got is None:
        return None
    root, root_mark, vals, keys = got
    positions = Positions()
    positions._root, positions._vals, positions._keys = root_mark, vals, keys
    return YamlDoc(shown, root, positions)


class _PlainEvent:
    """A plain scalar without tag or anchor, as ``_EventBuilder._scalar`` reads one."""

    __slots__ = ("value",)
    tag = None
    implicit = (True, False)
    style = None
    start_mark = end_mark = None

    def __init__(self, value: str) -> None:
        self.value = value


_STR = "tag:yaml.org,2002:str"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_MERGE = "tag:yaml.org,2002:merge"
_SKIP = object()  # the value of a key that could not be used (already reported)
_TAGS = {"!!" + t: "tag:yaml.org,2002:" + t for t in
         ("str", "int", "float", "bool", "null", "timestamp", "binary", "map", "seq")}


class _Stop(Exception):
    """Stop reading: the first fatal problem is recorded in ``errors``."""


class _Frame:
    __slots__ = ("anchor", "data", "depth", "is_map", "key", "kpos", "merges", "path", "size",
                 "vpos")

    def __init__(self, is_map, path, depth, anchor):
        self.is_map, self.path, self.depth, self.anchor = is_map, path, depth, anchor
        self.size = 1
        self.key = None  # mapping: the pending key (None: a key is expected next)
        self.merges: list | None = None  # mapping: (value, mark) of each `<<` (rare)
        if is_map:
            self.data: dict | list = {}
            self.vpos: dict | list = {}  # marks of the values
            self.kpos: dict | None = {}  # marks of the keys
        else:
            self.data, self.vpos, self.kpos = [], [], None


_SLOW = object()
_PLAIN_INT = re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$")
_PLAIN_FLOAT = re.compile(r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$")
_BOOLS = {"true": True, "yes": True, "on": True, "false": False, "no": False, "off": False}


def _fast_scalar(tag: str, value: str):
    """The common implicit scalars without building a node (the 10,000-class budget);
    anything unusual (0x10, 1_000, 1:30, .inf) goes through PyYAML's constructor."""
    if tag == "tag:yaml.org,2002:int":
        return int(value) if _PLAIN_INT.match(value) and len(value) <= 4000 else _SLOW
    if tag == "tag:yaml.org,2002:float":
        return float(value) if _PLAIN_FLOAT.match(value) else _SLOW
    if tag == "tag:yaml.org,2002:bool":
        return _BOOLS.get(value.lower(), _SLOW)
    if tag == "tag:yaml.org,2002:null":
        return None
    return _SLOW


class _EventBuilder:
    def __init__(self, file: str) -> None:
        self.file = file
        self.positions = Positions()
        self.errors: list[Diagnostic] = []
        self.root = None
        self.has_document = False
        self.documents = 0
        self.total = 0  # values built, aliases counted at each use
        self.anchors: dict[str, tuple[object, int, int]] = {}  # value, size, depth below
        self.stack: list[_Frame] = []
        self.resolvers = yaml.resolver.Resolver.yaml_implicit_resolvers
        self._constructor = yaml.constructor.SafeConstructor()

    # -- errors ------------------------------------------------------------------------------
    def _fail(self, code, msg: str, mark, fatal: bool = False) -> None:
        d = code(msg, file=self.file)
        if mark is not None:
            d = d.with_position(mark.line + 1, mark.column + 1)
        self.errors.append(d)
        if fatal:
            raise _Stop

    def _count(self, n: int, depth: int, mark) -> None:
        self.total += n
        if self.total > MAX_NODES:
            self._fail(Y005, f"the document expands to more than {MAX_NODES:,} values "
                       "(aliases included)", mark, fatal=True)
        if depth > MAX_DEPTH:
            self._fail(Y005, f"values nest deeper than {MAX_DEPTH} levels", mark, fatal=True)

    # -- the event loop ----------------------------------------------------------------------
    def run(self, loader) -> None:
        """Build the data from libyaml's events.

        The loop runs once per event (220,000 for a 10,000-class spec), so the common cases
        (plain scalars, mapping keys, nested collections without anchors) are written out
        here; anything unusual goes through the helper methods below."""
        E = yaml.events
        Scalar, MapStart, SeqStart = E.ScalarEvent, E.MappingStartEvent, E.SequenceStartEvent
        MapEnd, SeqEnd, Alias = E.MappingEndEvent, E.SequenceEndEvent, E.AliasEvent
        DocStart, StreamEnd = E.DocumentStartEvent, E.StreamEndEvent
        # first characters that may start a non-string plain scalar (null, bool, int, ...)
        special = {k for k in self.resolvers if k is not None}
        vals = self.positions._vals
        keys = self.positions._keys
        stack = self.stack
        get_event = loader.get_event
        plain: dict[str, object] = {}  # plain scalar text -> its value (see below)
        top: _Frame | None = None  # stack[-1], kept in a local
        while True:
            ev = get_event()
            cls = ev.__class__
            if cls is Scalar:
                if ev.anchor is not None:
                    value = self._scalar(ev)
                    self.anchors[ev.anchor] = (value, 1, 0)
                    self._value(value, 1, 0, ev)
                    continue
                v = ev.value
                if ev.tag is not None:
                    value = self._scalar(ev)
                elif not ev.implicit[0]:
                    value = v  # quoted
                elif v and v[0] not in special:
                    value = v  # the common case: plain text
                else:
                    # Plain scalars that may be typed (keys such as `title`, numbers) resolve
                    # by their text alone, and a spec repeats the same few hundred of them:
                    # resolve each once per file, not 60,000 times. Plain decimal ints (ids,
                    # all different) skip the resolver's regular expressions.
                    value = plain.get(v, _SLOW)
                    if value is _SLOW:
                        if _PLAIN_INT.match(v) and len(v) <= 4000:
                            value = int(v)
                        else:
                            n_errors = len(self.errors)
                            value = self._scalar(ev)
                            if len(self.errors) == n_errors:
                                plain[v] = value
                if top is None:
                    self._attach(value, 1, ev)
                    continue
                m = ev.start_mark
                if top.is_map:
                    key = top.key
                    if key is None:  # this scalar is a key
                        if value.__class__ is str and value not in top.data and value != "<<":
                            top.kpos[value] = m
                            top.key = value
                        else:
                            self._key(top, value, ev)
                        continue
                    top.key = None
                    self.total += 1
                    if self.total > MAX_NODES or top.depth >= MAX_DEPTH:
                        self._count(0, top.depth + 1, m)
                    top.size += 1
                    if key is _SKIP:
                        continue
                    if key is _MERGE:
                        self._add_merge(top, value, m)
                        continue
                    top.vpos[key] = m
                    top.data[key] = value
                else:
                    self.total += 1
                    if self.total > MAX_NODES or top.depth >= MAX_DEPTH:
                        self._count(0, top.depth + 1, m)
                    top.size += 1
                    top.vpos.append(m)
                    top.data.append(value)
            elif cls is MapStart or cls is SeqStart:
                m = ev.start_mark
                if top is None:
                    path, depth = (), 0
                    if self.positions._root is None:
                        self.positions._root = m
                elif top.is_map:
                    key = top.key
                    if key is None:
                        self._fail(Y006, "mapping keys must be plain scalars", m)
                        self._skip_collection(get_event)
                        top.key = _SKIP
                        continue
                    path, depth = None, top.depth + 1
                    if key is not _SKIP and key is not _MERGE:
                        path = (*top.path, key)
                        top.vpos.setdefault(key, m)
                else:
                    path, depth = (*top.path, len(top.data)), top.depth + 1
                    top.vpos.append(m)
                self.total += 1
                if self.total > MAX_NODES or depth > MAX_DEPTH:
                    self._count(0, depth, m)
                is_map = cls is MapStart
                top = _Frame(is_map, path if path is not None else (), depth, ev.anchor)
                if path is not None:
                    vals[path] = top.vpos
                    if is_map:
                        keys[path] = top.kpos
                stack.append(top)
            elif cls is MapEnd or cls is SeqEnd:
                frame = stack.pop()
                top = stack[-1] if stack else None
                if frame.merges:
                    self._merge(frame)
                if frame.anchor is not None:
                    below = self._depth_below(frame.data)
                    self.anchors[frame.anchor] = (frame.data, frame.size, below)
                if top is not None and not top.is_map:
                    top.size += frame.size
                    top.data.append(frame.data)
                elif (top is not None and top.key is not None and top.key is not _SKIP
                      and top.key is not _MERGE):
                    top.size += frame.size
                    top.data[top.key] = frame.data
                    top.key = None
                else:
                    self._attach(frame.data, frame.size, ev, already_counted=True,
                                 path_done=True)
            elif cls is Alias:
                if ev.anchor not in self.anchors:
                    self._fail(Y003, f"found undefined alias {ev.anchor!r}", ev.start_mark,
                               fatal=True)
                value, size, below = self.anchors[ev.anchor]
                depth = (top.depth + 1) if top else 0
                self._count(size, depth + below, ev.start_mark)
                self._value(value, size, below, ev)
            elif cls is DocStart:
                self.documents += 1
                if self.documents > 1:
                    self._fail(Y007, "the file holds several YAML documents; a spec is one "
                               "document", ev.start_mark, fatal=True)
            elif cls is StreamEnd:
                return

    @staticmethod
    def _skip_collection(get_event) -> None:
        """Read past a mapping or sequence used as a key (already reported)."""
        E = yaml.events
        starts = (E.MappingStartEvent, E.SequenceStartEvent)
        ends = (E.MappingEndEvent, E.SequenceEndEvent)
        depth = 1
        while depth:
            cls = get_event().__class__
            if cls in starts:
                depth += 1
            elif cls in ends:
                depth -= 1

    @staticmethod
    def _add_merge(frame: _Frame, value, mark) -> None:
        if frame.merges is None:
            frame.merges = []
        frame.merges.append((value, mark))

    _had_root = False

    def _depth_below(self, value, limit: int = MAX_DEPTH + 1) -> int:
        """Nesting depth of ``value`` (bounded), for aliases used deep in the tree."""
        best, stack = 0, [(value, 0)]
        while stack:
            v, d = stack.pop()
            if d > best:
                best = d
                if best >= limit:
                    return best
            if isinstance(v, dict):
                stack.extend((x, d + 1) for x in v.values() if isinstance(x, dict | list))
            elif isinstance(v, list):
                stack.extend((x, d + 1) for x in v if isinstance(x, dict | list))
        return best

    def _mark_child(self, top: _Frame | None, mark) -> None:
        """Record where the next value of ``top`` starts."""
        if top is None:
            if self.positions._root is None:
                self.positions._root = mark
        elif not top.is_map:
            top.vpos.append(mark)
        elif top.key is not None and top.key is not _SKIP and top.key is not _MERGE:
            top.vpos.setdefault(top.key, mark)

    def _value(self, value, size: int, below: int, ev) -> None:
        top = self.stack[-1] if self.stack else None
        if top is None:
            self._attach(value, size, ev)
            return
        if top.is_map and top.key is None:  # this scalar is a key
            self._key(top, value, ev)
            return
        self._mark_child(top, ev.start_mark)
        if isinstance(ev, yaml.events.ScalarEvent):
            self._count(1, top.depth + 1, ev.start_mark)
        self._attach(value, size, ev, already_counted=True, path_done=True)

    def _key(self, frame: _Frame, key, ev) -> None:
        if isinstance(ev, yaml.events.AliasEvent) and not isinstance(key, str | int | float):
            self._fail(Y006, "mapping keys must be plain scalars", ev.start_mark)
            frame.key = _SKIP
            return
        if key is _MERGE:
            frame.key = _MERGE
            return
        if key is None or isinstance(key, float | bool):
            if key is None:
                self._fail(Y006, "a mapping key is empty (null)", ev.start_mark)
                frame.key = _SKIP
                return
            key = ev.value if isinstance(ev, yaml.events.ScalarEvent) else str(key)
        if key in frame.data:
            first = frame.kpos.get(key)
            where = f" (first at line {first.line + 1})" if first is not None else ""
            self._fail(Y004, f"duplicate key {key!r}{where}", ev.start_mark)
            frame.key = _SKIP
            return
        frame.kpos[key] = ev.start_mark
        frame.key = key

    def _attach(self, value, size: int, ev, already_counted: bool = False,
                path_done: bool = False) -> None:
        top = self.stack[-1] if self.stack else None
        if top is None:
            self.root = value
            self._had_root = True
            self.has_document = True
            if self.positions._root is None:
                self.positions._root = ev.start_mark
            return
        top.size += size
        if not top.is_map:
            top.data.append(value)
            return
        if top.key is None:  # a collection used as a key was skipped before; not reached
            return
        key, top.key = top.key, None
        if key is _SKIP:
            return
        if key is _MERGE:
            self._add_merge(top, value, ev.start_mark)
            return
        top.data[key] = value

    def _merge(self, frame: _Frame) -> None:
        for value, mark in frame.merges:  # `<<: *defaults` fills keys not given
            sources = value if isinstance(value, list) else [value]
            for src in sources:
                if not isinstance(src, dict):
                    self._fail(Y003, "a merge key (<<) takes a mapping or a list of mappings",
                               mark)
                    continue
                for k, v in src.items():
                    frame.data.setdefault(k, v)

    def _scalar(self, ev):
        value = ev.value
        tag = ev.tag
        if tag is not None and tag != "!":
            tag = _TAGS.get(tag, tag)
            if tag in (_STR, _TIMESTAMP):
                return value
        elif ev.implicit[0]:  # plain scalar: YAML 1.1 implicit types, as PyYAML resolves them
            tag = None
            for t, regexp in self.resolvers.get(value[:1] if value else "", ()):
                if regexp.match(value):
                    tag = t
                    break
            if tag is None:
                for t, regexp in self.resolvers.get(None, ()):
                    if regexp.match(value):
                        tag = t
                        break
            if tag is None or tag in (_STR, _TIMESTAMP):
                return value  # dates stay text: `since: 2024-05-01` is a label, not a date
            if tag == _MERGE:
                return _MERGE
        else:
            return value  # quoted
        fast = _fast_scalar(tag, value)
        if fast is not _SLOW:
            return fast
        node = yaml.ScalarNode(tag, value, ev.start_mark, ev.end_mark, ev.style)
        try:
            return self._constructor.construct_object(node)
        except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
            shown = value if len(value) <= 40 else f"{value[:20]}...{value[-10:]}"
            why = (f"a number of {len(value):,} digits is beyond any spec value"
                   if len(value) > 4000 and value.lstrip("+-").isdigit() else str(exc)[:200])
            self._fail(Y003, f"cannot read scalar {shown!r}: {why}", ev.start_mark)
            return None
