"""The one Markdown renderer: raw HTML off, allow-listed links after normalisation, bounded nesting."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kscms.site.markdown import MAX_NESTING, is_allowed_link, plain_text, render_markdown


@pytest.mark.parametrize(
    "source",
    [
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](java%0Ascript:alert(1))",
        "[x](&#106;avascript:alert(1))",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        "[x](data:image/png;base64,iVBORw0KGgo=)",
        "[x](vbscript:msgbox(1))",
        "[x](tel:+31201234567)",
        "[x](//evil.example/)",
        "[x](/relative/path)",
        "[x](file:///etc/passwd)",
        "<javascript:alert(1)>",
        "<data:text/html,hi>",
        "[x]: javascript:alert(1)\n\n[y][x]",
    ],
)
def test_links_outside_the_allow_list_stay_text(source: str) -> None:
    html = render_markdown(source)
    assert "<a " not in html
    assert "href" not in html


@pytest.mark.parametrize(
    ("source", "href"),
    [
        ("[x](https://example.org/a?b=c)", "https://example.org/a?b=c"),
        ("[x](HTTP://EXAMPLE.ORG)", "HTTP://EXAMPLE.ORG"),
        ("<mailto:klant@example.org>", "mailto:klant@example.org"),
        ("[x](https://münchen.example/)", "https://xn--mnchen-3ya.example/"),
    ],
)
def test_http_and_mailto_links_are_kept_normalised(source: str, href: str) -> None:
    html = render_markdown(source)
    assert f'href="{href}"' in html
    assert 'rel="nofollow noopener noreferrer"' in html


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        '<a href="javascript:alert(1)">x</a>',
        "<div onclick=alert(1)>x</div>",
        "<!-- comment --><iframe src=x></iframe>",
        "x <b onmouseover=alert(1)>y</b>",
    ],
)
def test_raw_html_is_escaped_never_passed_through(source: str) -> None:
    html = render_markdown(source)
    assert "<script" not in html
    assert "<img" not in html and "<iframe" not in html and "<div" not in html and "<b " not in html
    assert "&lt;" in html


def test_images_are_not_rendered_as_images() -> None:
    html = render_markdown("![alt](https://example.org/x.png)")
    assert "<img" not in html


def test_linkify_is_off() -> None:
    assert "<a " not in render_markdown("see https://example.org and www.example.org")


def test_nesting_is_bounded() -> None:
    deep = "> " * (MAX_NESTING * 5) + "deep"
    html = render_markdown(deep)
    assert 0 < html.count("<blockquote>") <= MAX_NESTING


def test_deeply_nested_emphasis_does_not_recurse_without_bound() -> None:
    html = render_markdown("*" * 5000 + "x" + "*" * 5000)
    assert "x" in html


def test_ordinary_markdown_still_renders() -> None:
    html = render_markdown("# Kop\n\nEen *mooie* dag met `code`.\n\n- een\n- twee")
    assert "<h1>Kop</h1>" in html and "<em>mooie</em>" in html and "<li>twee</li>" in html


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://x", True),
        ("http://x", True),
        ("mailto:a@b", True),
        ("https://", False),
        ("mailto:", False),
        ("javascript:x", False),
        (" https://x", True),
        ("\x01javascript:x", False),
    ],
)
def test_is_allowed_link(url: str, allowed: bool) -> None:
    assert is_allowed_link(url) is allowed


def test_plain_text_drops_markup() -> None:
    assert plain_text("# Kop\n\n*Mooi* [link](https://x) <b>") == "Kop Mooi link <b>"


_ALPHABET = "abcXYZé 0123456789.,;:?!'\"()/%@€$=+-–—…‘’“”\n_*#>[]<&`~|\\\t"


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=80))
def test_plain_text_fast_path_equals_the_parser(text: str) -> None:
    from kscms.site.markdown import markdown_parser

    assert render_markdown(text) == markdown_parser().render(text)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet="abc éxyz019.,'\"()-+", min_size=1, max_size=12), max_size=6))
def test_plain_paragraph_texts_render_like_the_parser(lines: list[str]) -> None:
    from kscms.site.markdown import markdown_parser

    text = "\n".join(lines)
    assert render_markdown(text) == markdown_parser().render(text)


_PIECES = [
    "word",
    "Één",
    "x1",
    " ",
    " ",
    ".",
    ",",
    ":",
    "!",
    "?",
    ")",
    "(",
    "'",
    '"',
    "*",
    "**",
    "***",
    "[",
    "]",
    "[tekst](https://example.org)",
    "[meer](https://example.org/a/b-c.html)",
    "[x](http://Example.org)",
    "[y](https://a.org/ä)",
    "[z](mailto:a@b.org)",
    "![i](https://example.org)",
    "\n",
    "\n\n",
    "\n- ",
    "\n\n- ",
    "- ",
    "* ",
    "\n1. ",
    "-",
    "=",
    "+ ",
]


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(_PIECES + ["woord", " ", "woord "] * 6), max_size=40))
def test_fast_path_for_emphasis_lists_and_links_equals_the_parser(pieces: list[str]) -> None:
    """kscms.site.fastmd gives byte for byte what markdown-it gives, words included, or steps aside."""
    from kscms.site.fastmd import render
    from kscms.site.markdown import _words, markdown_parser

    text = "".join(pieces)
    fast = render(text)
    if fast is not None:
        md = markdown_parser()
        tokens = md.parse(text)
        assert fast == (md.renderer.render(tokens, md.options, {}), _words(tokens))


def test_fast_path_takes_the_usual_record_body() -> None:
    from kscms.site.fastmd import render

    body = (
        "*De klant* belde. Het **team** hielp.\n\nWat belangrijk is:\n\n- snel\n- *vriendelijk*\n\n"
        "Zie ook [meer informatie](https://example.org) over de aanpak.\n"
    )
    assert render(body) is not None
    assert render("Een _onderstreepte_ tekst") is None
