"""JSON documents edited in place by their JSON pointers (RFC 6901), for the rewriters.

A rewrite loads the delivered document with its key order, changes the objects that rows'
pointers name, deletes the dropped ones (highest index first, so that the other pointers
stay true), and writes it back indented as the input was (an input with a newline near its
start is written with two spaces, otherwise compact).
"""

from __future__ import annotations

import json

import orjson

from guidec.diagnostics import GuidecError


def load(data: bytes, path: str):
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        pass  # big integers, NaN: the standard library reads what orjson refuses
    try:
        return json.loads(data.decode("utf-8-sig"))
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise GuidecError(f"{path}: cannot be rewritten, it is not JSON: {exc}") from None


def dump(doc, like: bytes) -> bytes:
    indented = b"\n" in like[:4096].strip()
    try:
        out = orjson.dumps(doc, option=orjson.OPT_INDENT_2 if indented else 0)
    except TypeError:  # integers beyond 64 bits
        out = json.dumps(doc, ensure_ascii=False, indent=2 if indented else None,
                         separators=None if indented else (",", ":")).encode("utf-8")
    return out + b"\n"


def parts(pointer: str) -> list[str | int]:
    out: list[str | int] = []
    for p in pointer.split("/")[1:]:
        p = p.replace("~1", "/").replace("~0", "~")
        out.append(int(p) if p.isdigit() else p)
    return out


def get(doc, pointer: str):
    """The value ``pointer`` names, or None."""
    node = doc
    for p in parts(pointer):
        try:
            node = node[p]
        except (KeyError, IndexError, TypeError):
            return None
    return node


def delete(doc, pointers: list[str]) -> None:
    """Delete list items by pointer; later items first, so earlier pointers stay valid."""
    keyed = sorted({tuple(parts(p)) for p in pointers}, reverse=True,
                   key=lambda k: tuple((1, x) if isinstance(x, int) else (0, str(x))
                                       for x in k))
    for key in keyed:
        parent = doc
        for p in key[:-1]:
            parent = parent[p]
        if isinstance(parent, list) and isinstance(key[-1], int) and key[-1] < len(parent):
            del parent[key[-1]]
