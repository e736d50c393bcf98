"""Spec text made safe for the Markdown the site is built from.

Spec prose (definitions, guidelines, captions) is Markdown, but raw HTML in it must never reach
the browser: :func:`prose` escapes ``<`` and ``&`` outside code (so ``<script>`` shows as text),
keeps ``<https://...>`` autolinks, and drops link targets whose scheme is not http(s) or mailto
(``javascript:``). Names and titles are not Markdown at all: :func:`literal` escapes them so
every character shows as written. Both return :class:`markupsafe.Markup`, which the site's Jinja
environment passes through; every other value a template prints goes through :func:`literal`.
"""

from __future__ import annotations

import functools
import html
import re

from markupsafe import Markup

# Markdown punctuation that means something anywhere in a line (emphasis, code, links, table
# cells); '#', '-', '+', '.' and '!' only matter at the start of a line (headings, lists) or
# before '[' (escaped anyway), so :func:`literal` escapes them only there.
_MD_PUNCT = re.compile(r"([\\`*_{}\[\]()|])")
_LINE_START = re.compile(r"^(\d+)(\.)|^([#+\-])")
_FENCE = re.compile(r"^( {0,3})(`{3,}|~{3,})")
_AUTOLINK = re.compile(r"<((?:https?://|mailto:)[^\s<>\"']+)>", re.IGNORECASE)
_CODE_SPAN = re.compile(r"(`+)(.+?)(?<!`)\1(?!`)", re.DOTALL)
_INLINE_LINK = re.compile(r"(!?)\[((?:[^\[\]]|\[[^\]]*\])*)\]\(\s*<?([^)\s>]*)>?((?:\s+[^)]*)?)\)")
_REF_DEF = re.compile(r"^( {0,3}\[[^\]]+\]:\s*)<?(\S+?)>?(\s.*)?$", re.MULTILINE)
_SAFE_SCHEME = re.compile(r"^(https?|mailto):", re.IGNORECASE)
_ANY_SCHEME = re.compile(r"^[a-z][a-z0-9+.\-]*:", re.IGNORECASE)
_INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")


def safe_url(url: str) -> bool:
    """True for http(s), mailto and relative URLs; false for ``javascript:``, ``data:``, ..."""
    bare = _INVISIBLE.sub("", html.unescape(url))
    if _SAFE_SCHEME.match(bare):
        return True
    head = re.split(r"[/?#]", bare, maxsplit=1)[0]
    return ":" not in head and not _ANY_SCHEME.match(bare)


def literal(value: object) -> Markup:
    """Any value as inline Markdown that shows exactly its characters, on one line."""
    if isinstance(value, Markup):
        return value
    return _literal(str(value))


@functools.lru_cache(maxsize=1 << 16)  # names and values recur on thousands of class pages
def _literal(text: str) -> Markup:
    text = re.sub(r"\s+", " ", text)
    text = html.escape(text, quote=False)
    text = _MD_PUNCT.sub(r"\\\1", text)
    return Markup(_LINE_START.sub(lambda m: (f"{m.group(1)}\\{m.group(2)}" if m.group(1)
                                             else f"\\{m.group(3)}"), text, count=1))


def code(value: object) -> Markup:
    """A value as an inline code span (names, patterns), safe for any backticks inside."""
    return _code(str(value))


@functools.lru_cache(maxsize=1 << 16)
def _code(value: str) -> Markup:
    text = " ".join(value.split())
    run = max((len(m) for m in re.findall(r"`+", text)), default=0)
    ticks = "`" * (run + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text else ""
    # '|' would end a table cell even inside code; the tables extension honours '\|'.
    return Markup(f"{ticks}{pad}{text.replace('|', chr(92) + '|')}{pad}{ticks}")


def prose(value: str | None) -> Markup:
    """Spec Markdown with raw HTML neutralized and unsafe link targets removed."""
    if not value:
        return Markup("")
    out: list[str] = []
    fence: str | None = None
    block: list[str] = []
    for line in str(value).replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        m = _FENCE.match(line)
        if fence is None and m:
            out.append(_inline_safe("\n".join(block)))
            block = []
            fence = m.group(2)[0] * len(m.group(2))
            out.append(line)
        elif fence is not None:
            out.append(line)  # inside a fence Markdown escapes by itself
            if line.strip().startswith(fence) and not line.strip().strip(fence[0]):
                fence = None
        else:
            block.append(line)
    if block:
        out.append(_inline_safe("\n".join(block)))
    if fence is not None:  # an unclosed fence would swallow the rest of the page
        out.append(fence)
    return Markup("\n".join(out).strip("\n"))


def prose_inline(value: str | None) -> Markup:
    """Spec Markdown for a table cell: safe, on one line, '|' escaped."""
    text = prose(value)
    text = " ".join(str(text).split())
    return Markup(re.sub(r"(?<!\\)\|", r"\\|", text))


def _inline_safe(text: str) -> str:
    pieces: list[str] = []
    pos = 0
    for m in _CODE_SPAN.finditer(text):
        pieces.append(_escape_html(text[pos:m.start()]))
        pieces.append(m.group(0))  # Markdown escapes code spans itself
        pos = m.end()
    pieces.append(_escape_html(text[pos:]))
    return _defuse_links("".join(pieces))


def _escape_html(text: str) -> str:
    parts: list[str] = []
    pos = 0
    for m in _AUTOLINK.finditer(text):
        parts.append(text[pos:m.start()].replace("&", "&amp;").replace("<", "&lt;"))
        parts.append(m.group(0))
        pos = m.end()
    parts.append(text[pos:].replace("&", "&amp;").replace("<", "&lt;"))
    return "".join(parts)


def _defuse_links(text: str) -> str:
    def inline(m: re.Match) -> str:
        url, rest = m.group(3), m.group(4) or ""
        if not rest.strip().startswith(('"', "'", "(")):
            url += rest  # no quoted title: browsers drop the whitespace, so judge it all
        if safe_url(url):
            return m.group(0)
        return f"{m.group(2)} (link removed: unsafe address)"

    def ref(m: re.Match) -> str:
        return m.group(0) if safe_url(m.group(2)) else ""

    return _REF_DEF.sub(ref, _INLINE_LINK.sub(inline, text))
