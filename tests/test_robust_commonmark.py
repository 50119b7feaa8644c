"""The CommonMark spec examples (npm `commonmark-spec`) through the kscms renderer.

Material we did not write: 652 examples, many of them raw HTML and hostile links. For every one,
`render_markdown` raises nothing, emits only the tags and attributes that Markdown itself makes,
never passes a raw tag, comment or declaration from the input through, and keeps only http(s) and
mailto links.
"""

from __future__ import annotations

import re

import pytest
from robust_helpers import ALLOWED_TAGS, audit, commonmark_examples, href_allowed

from kscms.site.markdown import render_markdown

RAW = re.compile(r"<(?:!--|\?|![A-Za-z]|!\[CDATA\[|/?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>)")


def raw_tags_passed_through(markdown: str, html: str) -> list[str]:
    """Raw HTML of the input that appears as markup in the output (the renderer's own bare tags aside)."""
    leaked = []
    for match in RAW.finditer(markdown):
        raw = match.group(0)
        bare = re.fullmatch(r"</?([a-z0-9]+)\s*/?>", raw)
        if bare and bare.group(1) in ALLOWED_TAGS:
            continue  # `<p>` in the input cannot be told from a paragraph the renderer made
        if raw in html:
            leaked.append(raw)
    return leaked


def test_the_spec_is_complete() -> None:
    assert len(commonmark_examples()) == 652


def test_every_spec_example_renders_within_the_allow_lists() -> None:
    failures = []
    for example in commonmark_examples():
        try:
            html = render_markdown(example.markdown)
        except Exception as exc:  # noqa: BLE001 - the point of the test
            failures.append(f"example {example.number}: {type(exc).__name__}: {exc}")
            continue
        found = audit(html)
        problems = list(found.problems)
        problems += [f"href {h!r}" for h in found.hrefs if h and not href_allowed(h)]
        problems += [f"raw {r!r}" for r in raw_tags_passed_through(example.markdown, html)]
        if problems:
            failures.append(f"example {example.number} ({example.section}): {', '.join(problems)}")
    assert failures == []


def test_the_renderer_is_still_commonmark() -> None:
    """Most examples come out exactly as the spec says (the rest hold raw HTML, images or relative links)."""
    same = sum(
        render_markdown(e.markdown).replace(' rel="nofollow noopener noreferrer"', "") == e.html
        for e in commonmark_examples()
    )
    assert same >= 400, f"only {same} of 652 examples render as the spec says"


def test_an_empty_link_destination_is_not_a_link() -> None:
    empty = [e.number for e in commonmark_examples() if 'href=""' in render_markdown(e.markdown)]
    assert empty == []


HOSTILE = [
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](java\tscript:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](<javascript:alert(1)>)",
    "<javascript:alert(1)>",
    "[x](vbscript:msgbox(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](//evil.example/)",
    "[x](/relative)",
    "[x](file:///etc/passwd)",
    "[x]: javascript:alert(1)\n\n[x]",
    "![img](http://evil.example/x.png)",
    '<img src=x onerror="alert(1)">',
    "<script>alert(1)</script>",
    '<a href="javascript:alert(1)">x</a>',
    "<!-- comment --><?php echo 1; ?><![CDATA[x]]>",
    '[x](http://ok.example/ "title\\" onmouseover=\\"alert(1)")',
    '[x](http://ok.example/"onmouseover="alert(1))',
    '<http://ok.example/" onmouseover="alert(1)>',
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_markdown_renders_within_the_allow_lists(text: str) -> None:
    html = render_markdown(text)
    found = audit(html)
    assert found.problems == []
    assert [h for h in found.hrefs if not href_allowed(h)] == []
    assert raw_tags_passed_through(text, html) == []
