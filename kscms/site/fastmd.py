"""A fast path for the Markdown that record bodies mostly hold: paragraphs, one-level bullet lists
(`- item`), `*emphasis*`, `**strong**` and `[text](https://host/path)` links.

`render(text)` gives exactly what the configured markdown-it renders, plus the plain words, or None
when the text holds anything it does not recognise with certainty; the caller then runs markdown-it.
It is deliberately conservative: every construct it accepts has one reading in CommonMark (a
delimiter that could both open and close, a list that could be loose, a line that could start
another block: all go to the parser). A property test and the benchmark corpus check that its
output is byte-identical to the parser's.
"""

from __future__ import annotations

import re

_CHARS = re.compile(r"[\w .,;:?!'\"()/%@€$=+\-–—…‘’“”\n*\[\]]*")
"""Characters the fast path reads; anything else (`_ & < > # \\ ` ~ |`, tabs, CR) goes to the parser."""
_MARKER = re.compile(r"^(?:[-+=]|\d{1,9}[.)])")
"""A line starting like a list item, a rule or a setext underline (a `- ` item is handled apart)."""
_LINK = re.compile(r"\[([^\[\]*\n!]+)\]\((https?://[a-z0-9.\-]+(?:/[A-Za-z0-9/._~\-]*)?)\)")
"""An inline link whose text is plain and whose URL markdown-it's normalisation leaves as it is."""
_CLOSE_AFTER = frozenset(" \n.,;:!?)")
_SPECIAL = re.compile(r"[*\[\]!\n]")
_REL = ' rel="nofollow noopener noreferrer"'

Piece = tuple[str, str]
"""('t', text), ('h', html markup) or ('s', a soft break): the inline content of one block."""


def render(text: str) -> tuple[str, str] | None:
    """(HTML, plain words) exactly as the markdown-it renderer gives them, or None to use it."""
    if "_" in text or not _CHARS.fullmatch(text):
        return None
    blocks = _blocks(text)
    if blocks is None:
        return None
    html: list[str] = []
    words: list[str] = []
    for is_list, lines in blocks:
        inlines = []
        for content in lines if is_list else ["\n".join(lines)]:
            pieces = _inline(content)
            if pieces is None:
                return None
            inlines.append(pieces)
        if is_list:
            html.append("<ul>\n")
        for pieces in inlines:
            body = "".join(_html(kind, value) for kind, value in pieces)
            html.append(f"<li>{body}</li>\n" if is_list else f"<p>{body}</p>\n")
            words.extend(value if kind == "t" else " " for kind, value in pieces if kind != "h")
            words.append(" ")
        if is_list:
            html.append("</ul>\n")
    return "".join(html), " ".join(" ".join(words).split())


def _html(kind: str, value: str) -> str:
    if kind == "t":
        return value.replace('"', "&quot;")
    return value if kind == "h" else "\n"


def _blocks(text: str) -> list[tuple[bool, list[str]]] | None:
    """Blocks separated by blank lines: (is a bullet list, its item texts or paragraph lines)."""
    blocks: list[tuple[bool, list[str]]] = []
    current: list[str] = []
    kind: bool | None = None
    for line in [*text.split("\n"), ""]:
        if not line:
            if current:
                if kind and blocks and blocks[-1][0]:
                    return None  # two lists with a blank line between are one loose list
                blocks.append((bool(kind), current))
                current, kind = [], None
            continue
        if line[0] == " " or line[-1] == " ":
            return None
        item = line.startswith("- ")
        content = line[2:] if item else line
        if not content or content[0] == " " or _MARKER.match(content) or content.startswith("* "):
            return None
        if kind is not None and kind != item:
            return None  # a list interrupting a paragraph, or a lazy continuation line
        kind = item
        current.append(content)
    return blocks


def _inline(text: str) -> list[Piece] | None:
    """The pieces of one block's inline content, or None when it is not certain."""
    pieces: list[Piece] = []
    open_run = 0
    done, end = 0, len(text)
    for found in _SPECIAL.finditer(text):
        i = found.start()
        char = text[i]
        if i < done or (char == "!" and not text.startswith("[", i + 1)):
            continue  # inside a link or a `**` already taken, or a `!` that is plain text
        if i > done:
            pieces.append(("t", text[done:i]))
            done = i
        if char == "*":
            run = 2 if text.startswith("**", i) else 1
            if text.startswith("*", i + run):
                return None
            before = text[i - 1] if i else " "
            after = text[i + run] if i + run < end else " "
            if before in " \n" and after.isalnum() and not open_run:
                pieces.append(("h", "<em>" if run == 1 else "<strong>"))
                open_run = run
            elif open_run == run and (
                (before.isalnum() and after in _CLOSE_AFTER) or (before in ".!?" and after in " \n")
            ):
                pieces.append(("h", "</em>" if run == 1 else "</strong>"))
                open_run = 0
            else:
                return None
            done = i + run
        elif char == "[":
            match = _LINK.match(text, i)
            if match is None or open_run or (i and text[i - 1] == "!"):
                return None
            pieces.append(("h", f'<a href="{match.group(2)}"{_REL}>'))
            pieces.append(("t", match.group(1)))
            pieces.append(("h", "</a>"))
            done = match.end()
        elif char == "\n":
            pieces.append(("s", "\n"))
            done = i + 1
        else:  # `]` alone, or `![` (an image)
            return None
    if open_run:
        return None
    if done < end:
        pieces.append(("t", text[done:]))
    return pieces
