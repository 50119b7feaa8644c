"""The one Markdown renderer of kscms: raw HTML off, an allow-list for links, bounded nesting.

markdown-it-py's defaults are not safe for text from outside: the `commonmark` preset passes raw
HTML through, and the default `validateLink` is a deny-list that lets `data:image/...`, `tel:` and
protocol-relative `//host` links through. Here every link is checked *after* markdown-it's own
normalisation (percent-encoding, punycode) against an allow-list of schemes, images are off (they
would load from outside, which the Content Security Policy forbids anyway), and linkify is off.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from kscms.site.fastmd import render as fast_render

if TYPE_CHECKING:  # markdown-it is imported when a text needs it (most take the fast path)
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

ALLOWED_SCHEMES: tuple[str, ...] = ("http:", "https:", "mailto:")
"""Link schemes kept; anything else (relative, `//host`, `javascript:`, `data:`, `tel:`) stays text."""
MAX_NESTING = 20
"""markdown-it's `maxNesting`: deeper block or inline nesting is left as text (bounds time and stack)."""
MAX_PARAGRAPH = 20_000
"""A body with a paragraph longer than this (characters) is shown as plain text: markdown-it-py's inline
parser is superlinear on runs of link or emphasis openers (1 MiB of `[x](` takes 15-35 s)."""

_BLANK_LINE = re.compile(r"\n[ \t]*\n")

_CONTROL = re.compile(r"[\x00-\x20\x7f]")


def is_allowed_link(url: str) -> bool:
    """True for an http(s) or mailto URL with a host or address (after markdown-it normalisation)."""
    cleaned = _CONTROL.sub("", url).lower()
    if cleaned.startswith(("http://", "https://")):
        return len(cleaned.split("//", 1)[1]) > 0
    return cleaned.startswith("mailto:") and len(cleaned) > len("mailto:")


def _drop_empty_links(state: Any) -> None:
    """Links whose destination is empty (`[x]()`) become their text: markdown-it skips validateLink there."""
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        kept: list[Token] = []
        dropping: list[bool] = []
        for child in block.children:
            if child.type == "link_open":
                empty = not (child.attrGet("href") or "").strip()
                dropping.append(empty)
                if empty:
                    continue
            elif child.type == "link_close" and dropping and dropping.pop():
                continue
            kept.append(child)
        block.children = kept


def _render_link_open(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    token = tokens[idx]
    token.attrSet("rel", "nofollow noopener noreferrer")
    return str(self.renderToken(tokens, idx, options, env))


@lru_cache(maxsize=1)
def markdown_parser() -> MarkdownIt:
    """The shared, configured MarkdownIt instance."""
    from markdown_it import MarkdownIt

    md = MarkdownIt(
        "commonmark", {"html": False, "linkify": False, "typographer": False, "maxNesting": MAX_NESTING}
    )
    md.disable("image")
    md.validateLink = is_allowed_link  # type: ignore[method-assign]
    md.add_render_rule("link_open", _render_link_open)
    md.core.ruler.push("kscms_drop_empty_links", _drop_empty_links)
    return md


def _too_long(text: str) -> bool:
    return len(text) > MAX_PARAGRAPH and any(len(p) > MAX_PARAGRAPH for p in _BLANK_LINE.split(text))


def _as_plain_text(text: str) -> tuple[str, str]:
    """Escaped paragraphs, no inline parsing: for bodies markdown-it could take seconds over."""
    from html import escape

    paragraphs = [p.strip() for p in _BLANK_LINE.split(text) if p.strip()]
    html = "".join(f"<p>{escape(p, quote=False)}</p>\n" for p in paragraphs)
    return html, " ".join(text.split())


def render_markdown(text: str) -> str:
    """Markdown to safe HTML: no raw HTML, only http(s)/mailto links, no images."""
    return render_with_text(text)[0]


def plain_text(text: str) -> str:
    """The words of a Markdown text without markup (for search indexes, feed summaries, titles)."""
    return render_with_text(text)[1]


def render_with_text(text: str) -> tuple[str, str]:
    """(safe HTML, plain words) of a Markdown text, parsed once.

    Most bodies take the fast path of `kscms.site.fastmd` (byte-identical, about ten times faster);
    whatever it is not certain about goes through markdown-it.
    """
    fast = fast_render(text)
    if fast is not None:
        return fast
    if _too_long(text):
        return _as_plain_text(text)
    md = markdown_parser()
    tokens = md.parse(text)
    return md.renderer.render(tokens, md.options, {}), _words(tokens)


def _words(tokens: list[Token]) -> str:
    parts: list[str] = []
    for token in tokens:
        if token.type == "inline" and token.children:
            for child in token.children:
                if child.type in ("text", "code_inline"):
                    parts.append(child.content)
                elif child.type in ("softbreak", "hardbreak"):
                    parts.append(" ")
            parts.append(" ")
        elif token.type in ("code_block", "fence"):
            parts.append(token.content)
    return " ".join(" ".join(parts).split())
