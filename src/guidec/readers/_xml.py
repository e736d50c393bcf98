"""A guarded XML parser on expat: no DTDs, no entities, bounded depth, positions kept.

``defusedxml`` would add a dependency for what a dozen lines of expat handlers do: refuse a
``<!DOCTYPE>`` (which is where every entity and external reference must be declared) and
any entity declaration, never fetch external entities, and stop at a nesting depth no
annotation format needs. Elements keep their line and column for diagnostics.
"""

from __future__ import annotations

from xml.parsers import expat

from guidec.readers._codes import V002, V004, V005

MAX_DEPTH = 64


class Element:
    __slots__ = ("attrib", "children", "col", "line", "tag", "text")

    def __init__(self, tag: str, attrib: dict, line: int, col: int) -> None:
        self.tag = tag
        self.attrib = attrib
        self.children: list[Element] = []
        self.text = ""
        self.line = line
        self.col = col

    def find(self, tag: str) -> Element | None:
        for c in self.children:
            if c.tag == tag:
                return c
        return None

    def findall(self, tag: str) -> list[Element]:
        return [c for c in self.children if c.tag == tag]

    def findtext(self, tag: str, default: str | None = None) -> str | None:
        c = self.find(tag)
        return c.text.strip() if c is not None else default

    def get(self, key: str, default=None):
        return self.attrib.get(key, default)


class _Refused(Exception):
    def __init__(self, diag) -> None:
        self.diag = diag


def parse_xml(data: bytes, path: str, ctx) -> Element | None:
    """The root element, or None after reporting V002/V004/V005 with line and column."""
    p = expat.ParserCreate()
    p.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    stack: list[Element] = []
    root: list[Element] = []

    def where(d):
        return d.with_position(p.CurrentLineNumber, p.CurrentColumnNumber + 1)

    def refuse_doctype(name, *args):
        raise _Refused(where(V004(f"the XML declares a DTD (<!DOCTYPE {name}>); guidec does "
                                  "not read DTDs or entities", file=path)))

    def refuse_entity(name, *args):
        raise _Refused(where(V004(f"the XML declares entity {name!r}", file=path)))

    def refuse_external(*args):
        raise _Refused(where(V004("the XML refers to an external entity", file=path)))

    def start(tag, attrib):
        if len(stack) >= MAX_DEPTH:
            raise _Refused(where(V005(f"XML elements nest deeper than {MAX_DEPTH} levels",
                                      file=path)))
        el = Element(tag, attrib, p.CurrentLineNumber, p.CurrentColumnNumber + 1)
        if stack:
            stack[-1].children.append(el)
        else:
            root.append(el)
        stack.append(el)

    def end(tag):
        stack.pop()

    def chars(text):
        if stack:
            el = stack[-1]
            if len(el.text) < 10_000_000:
                el.text += text

    p.StartDoctypeDeclHandler = refuse_doctype
    p.EntityDeclHandler = refuse_entity
    p.UnparsedEntityDeclHandler = refuse_entity
    p.ExternalEntityRefHandler = refuse_external
    p.StartElementHandler = start
    p.EndElementHandler = end
    p.CharacterDataHandler = chars
    p.buffer_text = True
    try:
        p.Parse(data, True)
    except _Refused as exc:
        ctx.report(exc.diag)
        return None
    except expat.ExpatError as exc:
        msg = expat.errors.messages.get(exc.code, str(exc)) if hasattr(exc, "code") else str(exc)
        ctx.report(V002(f"invalid XML: {msg}", file=path).with_position(exc.lineno,
                                                                         exc.offset + 1))
        return None
    except (LookupError, UnicodeError) as exc:  # <?xml encoding="tf-8"?>: the declaration
        ctx.report(V002(f"invalid XML: {exc}", file=path).with_position(1, 1))
        return None
    except RecursionError:  # pragma: no cover - depth is bounded above
        ctx.report(V005("XML nests too deep", file=path))
        return None
    finally:
        # The handlers are closures over ``p`` and ``p`` holds them: a cycle that kept every
        # file's tree alive until the next collection, which readers pause (50,000 VOC files:
        # 2.4 GB, then a 5-second collection). Breaking it frees each tree with its file.
        for name in ("StartDoctypeDeclHandler", "EntityDeclHandler",
                     "UnparsedEntityDeclHandler", "ExternalEntityRefHandler",
                     "StartElementHandler", "EndElementHandler", "CharacterDataHandler"):
            setattr(p, name, None)
    if not root:
        ctx.report(V002("the file holds no XML element", file=path))
        return None
    return root[0]


def read_root(path: str, ctx, expected: str, what: str,
              data: bytes | None = None) -> Element | None:
    """Read and safely parse an XML file whose root must be ``<expected>``; report V001/V004/
    V006 (with line and column) and return None otherwise. ``data``: the file's bytes when
    the caller has read them already."""
    from guidec.readers._codes import V006
    from guidec.readers._common import read_bytes

    if data is None:
        data = read_bytes(path, ctx)
    if data is None:
        return None
    root = parse_xml(data, path, ctx)
    if root is None:
        return None
    if root.tag != expected:
        ctx.report(V006(f"{what} has root <{expected}>, not <{root.tag}>", file=path)
                   .with_position(root.line, root.col))
        return None
    return root
