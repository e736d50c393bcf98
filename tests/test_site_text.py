"""Spec text in the site: Markdown stays Markdown, raw HTML and script never become markup."""

from html.parser import HTMLParser

import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guidec.targets.site.text import code, literal, prose, prose_inline, safe_url
from tests.budget import examples

# The tags Markdown itself produces from prose; anything else came from raw HTML in the spec.
MARKDOWN_TAGS = {"p", "em", "strong", "a", "code", "pre", "ul", "ol", "li", "blockquote",
                 "h1", "h2", "h3", "h4", "h5", "h6", "hr", "br", "img", "table", "thead",
                 "tbody", "tr", "th", "td", "div"}


class Tags(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def render(md_text: str) -> list[tuple[str, dict]]:
    html = markdown.markdown(md_text, extensions=["tables", "admonition", "sane_lists"])
    parser = Tags()
    parser.feed(html)
    return parser.tags


def assert_inert(tags):
    for tag, attrs in tags:
        assert tag in MARKDOWN_TAGS, tag
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            if name in ("href", "src"):
                assert safe_url(value or ""), (tag, name, value)


def test_script_and_onerror_render_as_text():
    text = 'Boxes <script>alert(1)</script> and <img src=x onerror="alert(2)"> stay text.'
    tags = render(str(prose(text)))
    assert_inert(tags)
    html = markdown.markdown(str(prose(text)))
    assert "&lt;script&gt;" in html and "&lt;img src=x onerror=" in html


def test_markdown_is_kept():
    html = markdown.markdown(str(prose("**tight** boxes, see <https://example.org/a>\n\n"
                                       "- one\n- two")))
    assert "<strong>tight</strong>" in html
    assert '<a href="https://example.org/a">' in html
    assert "<li>one</li>" in html


def test_code_spans_and_fences_are_not_double_escaped():
    html = markdown.markdown(str(prose("Use `a<b` here.\n\n```\nx < y && <b>\n```\n")))
    assert "<code>a&lt;b</code>" in html
    assert "x &lt; y &amp;&amp; &lt;b&gt;" in html


def test_unsafe_links_are_removed_safe_ones_kept():
    out = str(prose("[click](javascript:alert(1)) [ok](https://x.org) [rel](../a.md) "
                    "[tab](java\tscript:alert(1))\n\n[r]: JaVaScRiPt:alert(3)\n"))
    assert "javascript" not in out.lower().replace("\t", "")
    assert "[ok](https://x.org)" in out and "[rel](../a.md)" in out
    assert "click (link removed: unsafe address)" in out


def test_unclosed_fence_is_closed():
    out = str(prose("```\n<script>"))
    assert out.endswith("```")


@pytest.mark.parametrize("value", ["a|b", "*x*", "[a](javascript:b)", "<b>", "`x`", "# h",
                                   "0 = a ~b^ c", "1. x", "- y", "a\\b"])
def test_literal_shows_exactly_the_characters(value):
    html = markdown.markdown(f"| c |\n|---|\n| {literal(value)} |", extensions=["tables"])
    assert_inert(render(f"| c |\n|---|\n| {literal(value)} |"))
    assert html.count("<td>") == 1
    text = html.split("<td>")[1].split("</td>")[0]
    import html as h

    assert h.unescape(text) == value


def test_code_span_with_backticks_and_pipes():
    html = markdown.markdown(f"x {code('a`b|c')} y")
    assert "<code>a`b|c</code>" in html or "<code>a`b\\|c</code>" in html


def test_prose_inline_is_one_line():
    assert "\n" not in str(prose_inline("a\nb | c"))
    assert "\\|" in str(prose_inline("a | b"))


hostile = st.lists(st.sampled_from([*"<>&\"'`=/ \n:()[]!*_#-|\\",
    "script", "img", "onerror", "javascript", "svg", "onload", "iframe", "a", "href", "x",
    "```", "    ", "<!--", "-->", "&#60;", "&lt;", "http://x", "data:", "\t"]),
    max_size=40).map("".join)


@settings(max_examples=examples(400), deadline=None)
@given(hostile)
def test_property_prose_never_yields_markup_beyond_markdown(text):
    assert_inert(render(str(prose(text))))


@settings(max_examples=examples(300), deadline=None)
@given(hostile)
def test_property_literal_and_code_never_yield_tags(text):
    for value in (literal(text), code(text), prose_inline(text)):
        tags = render(f"before {value} after")
        assert_inert(tags)
        assert all(t in ("p", "code", "em", "strong", "a", "br") for t, _ in tags), tags


@settings(max_examples=examples(500), deadline=None)
@given(st.text(), st.one_of(st.none(), st.floats(allow_nan=False, allow_infinity=False),
                            st.integers()))
def test_front_matter_is_pyyamls_whichever_emitter_writes_it(title, boost):
    import html

    import yaml

    from guidec.targets.site.pages import front_matter

    front: dict = {"title": html.escape(" ".join(title.split()), quote=False)}
    if boost is not None:
        front["search"] = {"boost": boost}
    for t in (front["title"], front["title"].encode("ascii", "replace").decode()):
        f = {**front, "title": t}
        assert front_matter(f) == yaml.safe_dump(f, allow_unicode=True, width=10_000,
                                                 sort_keys=True)
