"""XML deliveries edited in place, for the rewriters: parsed by the readers' guarded parser
(no DTD, no entities, bounded depth), elements found by the line and column that rows keep,
written back indented with two spaces, attributes in their delivered order."""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from guidec.diagnostics import GuidecError
from guidec.readers._xml import Element, parse_xml


class _Collect:
    def __init__(self) -> None:
        self.diags: list = []

    def report(self, d) -> None:
        self.diags.append(d)


def load(data: bytes, path: str) -> Element:
    ctx = _Collect()
    root = parse_xml(data, path, ctx)
    if root is None:
        why = ctx.diags[0].message if ctx.diags else "not XML"
        raise GuidecError(f"{path}: cannot be rewritten: {why}")
    return root


def index(root: Element) -> dict[tuple[int, int], tuple[Element, Element | None]]:
    """(line, column) of every element -> (element, its parent)."""
    out: dict = {}
    stack: list[tuple[Element, Element | None]] = [(root, None)]
    while stack:
        el, parent = stack.pop()
        out[(el.line, el.col)] = (el, parent)
        stack.extend((c, el) for c in el.children)
    return out


def dump(root: Element) -> bytes:
    out: list[str] = ['<?xml version="1.0" encoding="utf-8"?>\n']

    def emit(el: Element, depth: int) -> None:
        pad = "  " * depth
        attrs = "".join(f" {k}={quoteattr(str(v))}" for k, v in el.attrib.items())
        if not el.children:
            out.append(f"{pad}<{el.tag}{attrs}>{escape(el.text)}</{el.tag}>\n" if el.text
                       else f"{pad}<{el.tag}{attrs}/>\n")
            return
        text = el.text.strip()
        out.append(f"{pad}<{el.tag}{attrs}>{escape(text)}\n" if text
                   else f"{pad}<{el.tag}{attrs}>\n")
        for c in el.children:
            emit(c, depth + 1)
        out.append(f"{pad}</{el.tag}>\n")

    emit(root, 0)
    return "".join(out).encode("utf-8")


def child(parent: Element, tag: str, text: str = "", **attrib) -> Element:
    """A new child element, appended."""
    el = Element(tag, dict(attrib), -1, -1)
    el.text = text
    parent.children.append(el)
    return el
