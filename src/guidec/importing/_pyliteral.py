"""Read assignments from Python config files without executing them.

mmpose ``dataset_info = dict(...)`` files and cityscapesscripts' ``labels = [Label(...)]`` are
Python. They are parsed with :mod:`ast`; only literals, containers, ``dict(key=...)`` calls and
``+``/``*`` of literals are evaluated (``ast.literal_eval`` rules otherwise). Nothing is imported
or run.
"""

from __future__ import annotations

import ast
import operator

from guidec.importing import unreadable

_OPS = {ast.Add: operator.add, ast.Mult: operator.mul, ast.Sub: operator.sub}
MAX_REPEAT = 100_000  # a literal ``[0] * 10**12`` must not exhaust memory


class NotLiteral(ValueError):
    pass


def literal(node: ast.AST, soft: list | None = None):
    """The value of ``node``; with ``soft`` (a list), a dict value that is not a literal (a
    name, a subscript) reads as None and its line goes to ``soft``."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "dict" \
            and not node.args:
        return {kw.arg: _value(kw.value, soft) for kw in node.keywords if kw.arg is not None}
    if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
        left, right = literal(node.left), literal(node.right)
        if isinstance(node.op, ast.Mult) and any(isinstance(v, list | tuple | str)
                                                 for v in (left, right)):
            n = right if isinstance(right, int) else left
            if not isinstance(n, int) or n > MAX_REPEAT:
                raise NotLiteral("repetition too large")
        try:
            return _OPS[type(node.op)](left, right)
        except TypeError as exc:
            raise NotLiteral(str(exc)) from None
    if isinstance(node, ast.Dict):
        if any(k is None for k in node.keys):
            raise NotLiteral("** in a dict")
        return {literal(k): _value(v, soft) for k, v in zip(node.keys, node.values, strict=True)}
    if isinstance(node, ast.List | ast.Tuple):
        return [literal(e, soft) for e in node.elts]
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError) as exc:
        raise NotLiteral(f"line {getattr(node, 'lineno', '?')}: not a literal "
                         f"({type(node).__name__})") from exc


def _value(node: ast.AST, soft: list | None):
    if soft is None:
        return literal(node)
    try:
        return literal(node, soft)
    except NotLiteral:
        soft.append(getattr(node, "lineno", 0))
        return None


def parse(path: str, text: str) -> ast.Module:
    try:
        return ast.parse(text, filename=path)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        line = getattr(exc, "lineno", None)
        raise unreadable(path, f"not Python{f' (line {line})' if line else ''}: "
                         f"{getattr(exc, 'msg', exc)}") from None


def assigned(tree: ast.Module, name: str) -> ast.AST | None:
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == name for t in stmt.targets):
            return stmt.value
    return None


def assignments(tree: ast.Module):
    """``(name, value node)`` of the module's top-level assignments, in order."""
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign):
            for t in stmt.targets:
                if isinstance(t, ast.Name):
                    yield t.id, stmt.value
