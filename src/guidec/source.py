"""YAML with positions: every value keeps the line and column it came from.

``load_yaml`` reads one file (size-capped, duplicate keys refused, alias expansion bounded)
and returns plain Python data plus a :class:`Positions` table from data path to
``(line, col)``. Any problem is a :class:`~guidec.diagnostics.GuidecError` carrying Y-coded
diagnostics with the file and place; nothing here ever lets a traceback out.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import yaml
import yaml.constructor

from guidec.codes import register
from guidec.diagnostics import Diagnostic, GuidecError, Path, Severity

MAX_FILE_BYTES = 8 * 1024 * 1024  # a 10,000-class spec is about 2 MB
MAX_NODES = 3_000_000  # values built, counting every alias expansion
MAX_DEPTH = 64

Y001 = register("Y001", "file-unreadable", Severity.ERROR, "The file cannot be read.",
                why="guidec needs to read the spec and every file it includes.",
                example="guidec check missing.yaml")
Y002 = register("Y002", "file-too-large", Severity.ERROR,
                f"The file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB.",
                why="A spec that large is almost certainly not a spec; refusing it early "
                    "protects CI machines from memory exhaustion.")
Y003 = register("Y003", "yaml-syntax", Severity.ERROR, "The file is not valid YAML.",
                example="classes: [product, {id: 1")
Y004 = register("Y004", "duplicate-key", Severity.ERROR,
                "A mapping has the same key twice.",
                why="YAML parsers silently keep the last value; the first one is lost without "
                    "a word, which hides editing mistakes.",
                example="project:\n  id: a\n  id: b")
Y005 = register("Y005", "alias-bomb", Severity.ERROR,
                "Aliases expand to more values than a spec can sensibly hold, or nest too deep.",
                why="'Billion laughs' documents expand a few lines of YAML into gigabytes.",
                example='a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]')
Y006 = register("Y006", "bad-key", Severity.ERROR,
                "A mapping key is not a plain scalar (a list, a mapping or null).",
                example="? [a, b]\n: 1")
Y007 = register("Y007", "not-a-document", Severity.ERROR,
                "The file holds no YAML document, several documents, or not a mapping at the top.",
                example="- just\n- a list")


@dataclass
class Positions:
    """Data path -> (line, col) of the value, and of the key for mapping entries."""

    values: dict[Path, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path, tuple[int, int]] = field(default_factory=dict)

    def find(self, path: Path, prefer_key: bool = False) -> tuple[int, int] | None:
        """Position of ``path``, or of its nearest ancestor that has one."""
        p = tuple(path)
        while True:
            if prefer_key and p in self.keys:
                return self.keys[p]
            if p in self.values:
                return self.values[p]
            if p in self.keys:
                return self.keys[p]
            if not p:
                return None
            p = p[:-1]


@dataclass
class YamlDoc:
    file: str
    data: object
    positions: Positions


def read_text(path: str, *, max_bytes: int = MAX_FILE_BYTES, code_file: str | None = None) -> str:
    """Read a UTF-8 text file with a size cap; problems become Y001/Y002."""
    shown = code_file or path
    try:
        size = os.path.getsize(path)
    except OSError as exc:
        raise GuidecError(f"cannot read {shown}",
                          [Y001(f"cannot read file: {exc.strerror or exc}", file=shown)]) from None
    if size > max_bytes:
        raise GuidecError(f"{shown} is too large", [Y002(
            f"file is {size:,} bytes; specs are limited to {max_bytes:,} bytes", file=shown)])
    try:
        with open(path, "rb") as fh:
            raw = fh.read(max_bytes + 1)
    except OSError as exc:
        raise GuidecError(f"cannot read {shown}",
                          [Y001(f"cannot read file: {exc.strerror or exc}", file=shown)]) from None
    if len(raw) > max_bytes:
        raise GuidecError(f"{shown} is too large", [Y002(
            f"file is larger than {max_bytes:,} bytes", file=shown)])
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        d = Y003(f"file is not UTF-8 text (byte 0x{raw[exc.start]:02x})", file=shown)
        raise GuidecError(f"{shown} is not UTF-8", [d.with_position(line, col)]) from None


def load_yaml(path: str, *, display: str | None = None, text: str | None = None) -> YamlDoc:
    """Load one YAML file into plain data with positions."""
    shown = display or path
    if text is None:
        text = read_text(path, code_file=shown)
    loader_cls = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        loader = loader_cls(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        msg = " ".join(str(p) for p in (exc.context, exc.problem) if p) or "invalid YAML"
        if "but found another document" in msg:
            d = Y007("the file holds several YAML documents; a spec is one document", file=shown)
        else:
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
    except RecursionError:
        d = Y005(f"nesting deeper than the parser can follow (limit {MAX_DEPTH})", file=shown)
        raise GuidecError(f"{shown}: {d.message}", [d]) from None
    if node is None:
        d = Y007("the file is empty; a spec is a YAML mapping", file=shown)
        raise GuidecError(f"{shown}: {d.message}", [d.with_position(1, 1)])
    builder = _Builder(shown)
    size = _expanded_size(node, {}, 0)
    if size > MAX_NODES:
        d = Y005(f"the document expands to more than {MAX_NODES:,} values (aliases included)"
                 if size != _TOO_DEEP else f"values nest deeper than {MAX_DEPTH} levels",
                 file=shown).with_position(node.start_mark.line + 1, node.start_mark.column + 1)
        raise GuidecError(f"{shown}: {d.message}", [d])
    data = builder.build(node, (), 0)
    if builder.errors:
        raise GuidecError(f"{shown}: {builder.errors[0].message}", builder.errors)
    return YamlDoc(shown, data, builder.positions)


_STR = "tag:yaml.org,2002:str"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_MERGE = "tag:yaml.org,2002:merge"


_TOO_DEEP = MAX_NODES + 2


def _expanded_size(node: yaml.Node, memo: dict[int, int], depth: int) -> int:
    """Number of values ``node`` expands to, aliases counted at every use (memoized, so a
    billion-laughs document is measured in time linear in its text)."""
    if depth > MAX_DEPTH:
        return _TOO_DEEP
    key = id(node)
    if key in memo:
        return memo[key]
    total = 1
    if isinstance(node, yaml.SequenceNode):
        for child in node.value:
            total += _expanded_size(child, memo, depth + 1)
            if total > MAX_NODES:
                break
    elif isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            total += _expanded_size(k, memo, depth + 1) + _expanded_size(v, memo, depth + 1)
            if total > MAX_NODES:
                break
    if total > MAX_NODES:
        total = _TOO_DEEP if total >= _TOO_DEEP else MAX_NODES + 1
    memo[key] = total
    return total


class _Builder:
    def __init__(self, file: str) -> None:
        self.file = file
        self.positions = Positions()
        self.errors: list[Diagnostic] = []
        self.count = 0
        self._constructor = yaml.constructor.SafeConstructor()

    def _fail(self, code, msg: str, node: yaml.Node) -> None:
        self.errors.append(
            code(msg, file=self.file).with_position(node.start_mark.line + 1,
                                                    node.start_mark.column + 1))

    def build(self, node: yaml.Node, path: Path, depth: int):
        self.count += 1
        if self.count > MAX_NODES:
            if not any(e.code == "Y005" for e in self.errors):
                self._fail(Y005, f"the document expands to more than {MAX_NODES:,} values "
                           "(aliases included)", node)
            return None
        if depth > MAX_DEPTH:
            if not any(e.code == "Y005" for e in self.errors):
                self._fail(Y005, f"values nest deeper than {MAX_DEPTH} levels", node)
            return None
        self.positions.values.setdefault(path, (node.start_mark.line + 1,
                                                node.start_mark.column + 1))
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(child, (*path, i), depth + 1)
                    for i, child in enumerate(node.value)]
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path, depth)
        self._fail(Y003, f"unsupported YAML node {type(node).__name__}", node)
        return None

    def _scalar(self, node: yaml.ScalarNode):
        if node.tag in (_STR, _TIMESTAMP):
            return node.value  # dates stay text: `since: 2024-05-01` is a label, not a date
        try:
            return self._constructor.construct_object(node)
        except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
            self._fail(Y003, f"cannot read scalar {node.value!r}: {exc}", node)
            return None

    def _mapping(self, node: yaml.MappingNode, path: Path, depth: int) -> dict:
        out: dict = {}
        merges: list[yaml.Node] = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                merges.append(value_node)
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self._fail(Y006, "mapping keys must be plain scalars", key_node)
                continue
            key = self._scalar(key_node)
            if key is None or isinstance(key, float | bool):
                if key is None:
                    self._fail(Y006, "a mapping key is empty (null)", key_node)
                    continue
                key = key_node.value
            if key in out:
                first = self.positions.keys.get((*path, key))
                where = f" (first at line {first[0]})" if first else ""
                self._fail(Y004, f"duplicate key {key!r}{where}", key_node)
                continue
            self.positions.keys[(*path, key)] = (key_node.start_mark.line + 1,
                                                 key_node.start_mark.column + 1)
            out[key] = self.build(value_node, (*path, key), depth + 1)
        for merge in merges:  # YAML merge keys: `<<: *defaults` fills keys not given
            sources = merge.value if isinstance(merge, yaml.SequenceNode) else [merge]
            for src in sources:
                if not isinstance(src, yaml.MappingNode):
                    self._fail(Y003, "a merge key (<<) takes a mapping or a list of mappings", src)
                    continue
                merged = self._mapping(src, path, depth + 1)
                for k, v in merged.items():
                    out.setdefault(k, v)
        return out
