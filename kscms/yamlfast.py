"""A fast reader for the plain style in which records are written, for the site build.

`kscms new` and `kscms move` (and most people) write front matter as one `key: value` line per
field, flow collections on one line (`maker: {kind: customer, display: a customer}`,
`receivers: [team:servicedesk]`), a block list of flow mappings for `history` and now and then a
block mapping one level deep; kscms.yaml is written the same way, with comments and blank lines
between. Reading that line by line is three times faster than walking libyaml's events, which is
most of what a cold build of thousands of records spends on YAML, and it spares `check --base`
importing PyYAML at all.

`load_plain(text)` gives the same data as `kscms.yamlio.load(text).data` or None: anything beyond
that style (quotes before a comment, block scalars, anchors, tags, deeper nesting, a value that is
not a safe plain scalar, a duplicate key, a value `resolve_plain` refuses) makes it answer None, and the caller reads the text with `yamlio.load`, which stays the reference and the only
reader that reports problems and positions. A property test checks that both agree wherever this
one answers.
"""

from __future__ import annotations

import re
from typing import Any

from kscms.yamlio import resolve_plain

_KEY_LINE = re.compile(r"([A-Za-z_][A-Za-z0-9_.-]*):(?: (.*))?")
_CHILD_LINE = re.compile(r"  ([A-Za-z_][A-Za-z0-9_.-]*):(?: (.*))?")
_ITEM_LINE = re.compile(r"( *)- (.*)")
_FLOW_ENTRY = re.compile(r"([A-Za-z_][A-Za-z0-9_]*):(?: +(.*))?")
_FLOW_TOKENS = re.compile(r"[,\[\]{}]|[^,\[\]{}]+")
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
"""Characters that may not start a plain scalar (`-` may, before a digit: a negative number)."""
_UNSAFE_BLOCK = re.compile(r": | #|:$")
"""Where a plain scalar of a block stops being plain (a value with any is left to libyaml)."""
_UNSAFE_FLOW = re.compile(r"[,\[\]{}]|:(?![A-Za-z0-9])| #")
"""In a flow collection libyaml also refuses `:` before `?` (and more): only `:` before a letter or
digit is taken (times, `team:key`)."""
_QUOTED = re.compile(r'"([^"\\]*)"|\'([^\']*)\'')
"""A quoted scalar without escapes (double) or doubled quotes (single): its text as written."""


class _NotPlain(Exception):
    pass


Lines = dict[tuple[str | int, ...], tuple[int]]
"""Key path -> (line,) for each line's path; a path inside a flow collection is on the line of its
nearest ancestor listed (`Record.line_of` looks it up that way), as `yamlio.load` would place it."""


_UNREAD = re.compile("[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""Characters this reader leaves to libyaml: tabs, carriage returns and other control characters
(which libyaml refuses), and NEL, U+2028 and U+2029, which libyaml takes for line breaks."""


def load_plain(text: str) -> dict[str, Any] | None:
    """The mapping of front matter `text` in the plain record style, or None (see the module)."""
    if _UNREAD.search(text):
        return None
    try:
        return _read(text.split("\n")) or None  # an empty document is None to libyaml
    except _NotPlain:
        return None


def load_plain_lines(text: str, line_offset: int = 0) -> tuple[dict[str, Any], Lines] | None:
    """`load_plain` with the line of each key path, numbered like `yamlio.load(text, line_offset)`.

    In this style a path is on the line of its top-level key, of its block item or of its child
    key, and everything inside a flow collection is on the collection's line: so only the paths
    that start a line are listed, and only with their line (records need no more to place a
    problem). `yamlio.load` stays the reader for anything that edits text in place.
    """
    if _UNREAD.search(text):
        return None
    lines: Lines = {(): (line_offset + 1,)}
    try:
        data = _read(text.split("\n"), lines, line_offset + 1)
    except _NotPlain:
        return None
    return (data, lines) if data else None


def _read(lines: list[str], marks: Lines | None = None, first: int = 1) -> dict[str, Any]:
    if lines and lines[-1] == "":
        lines.pop()
    data: dict[str, Any] = {}
    open_key: str | None = None  # a key whose value is the block collection that follows
    block: Any = None
    indent = ""  # of the items of the block list
    for number, line in enumerate(lines, start=first):
        if "#" in line:
            line = _uncommented(line)
        if not line.strip(" "):
            continue  # a blank or comment line
        if marks is not None and not data and open_key is None:
            marks[()] = (number,)  # the document starts at its first line of content, as for libyaml
        if line[:1] != " " and line[:2] != "- ":
            match = _KEY_LINE.fullmatch(line)
            if match is None:
                raise _NotPlain
            _close(data, open_key, block)
            key, rest = match.group(1), match.group(2)
            if key in data:
                raise _NotPlain
            if rest is None or not rest.strip(" "):
                open_key, block = key, None
                data[key] = None  # keeps the key order; filled when the block closes
                if marks is not None:
                    marks[(key,)] = (number,)
                continue
            open_key, block = None, None
            data[key] = _value(rest.strip(" "))
            if marks is not None:
                marks[(key,)] = (number,)
            continue
        if open_key is None:
            raise _NotPlain
        item = _ITEM_LINE.fullmatch(line)
        if item is not None:
            if block is None:
                block, indent = [], item.group(1)
                if indent not in ("", "  "):
                    raise _NotPlain
            elif not isinstance(block, list) or item.group(1) != indent:
                raise _NotPlain
            block.append(_value(item.group(2).strip(" ")))
            if marks is not None:
                marks[(open_key, len(block) - 1)] = (number,)
            continue
        child = _CHILD_LINE.fullmatch(line)
        if child is None:
            raise _NotPlain
        if block is None:
            block = {}
        elif not isinstance(block, dict):
            raise _NotPlain
        key, rest = child.group(1), child.group(2)
        if key in block or rest is None or not rest.strip(" "):
            raise _NotPlain
        block[key] = _value(rest.strip(" "))
        if marks is not None:
            marks[(open_key, key)] = (number,)
    _close(data, open_key, block)
    return data


def _uncommented(line: str) -> str:
    """`line` without its comment: from a `#` that starts the line's text or follows a space.

    A `#` inside quotes is text, not a comment: a line with a quote before its ` #` is left to
    libyaml. A `#` after anything but a space (`https://x/#top`) is part of a plain scalar.
    """
    text = line.lstrip(" ")
    if text.startswith("#"):
        return ""
    at = line.find(" #")
    if at < 0:
        return line
    if "'" in line[:at] or '"' in line[:at]:
        raise _NotPlain
    return line[:at].rstrip(" ")


def _close(data: dict[str, Any], key: str | None, block: Any) -> None:
    if key is None:
        return
    if block is None:  # `key:` with nothing under it
        raise _NotPlain
    data[key] = block


def _value(text: str) -> Any:
    if not text:
        raise _NotPlain
    if text[0] in "{[":
        tokens = _FLOW_TOKENS.findall(text)
        value, used = _flow(tokens, 0, 0)
        if used != len(tokens):
            raise _NotPlain
        return value
    return _scalar(text, _UNSAFE_BLOCK)


def _flow(tokens: list[str], pos: int, depth: int) -> tuple[Any, int]:
    """The flow collection that starts at `tokens[pos]` and the position after it."""
    if depth > 1:
        raise _NotPlain
    opener = tokens[pos]
    closer = "}" if opener == "{" else "]"
    pos += 1
    items: Any = {} if opener == "{" else []
    expect_item = True
    while pos < len(tokens):
        token = tokens[pos]
        if token == closer and (not expect_item or not items):
            return items, pos + 1
        if token == ",":
            if expect_item:
                raise _NotPlain
            expect_item = True
            pos += 1
            continue
        if not expect_item:
            raise _NotPlain
        if opener == "[":
            if token in "{[":
                value, pos = _flow(tokens, pos, depth + 1)
                items.append(value)
            else:
                items.append(_scalar(token.strip(" "), _UNSAFE_FLOW))
                pos += 1
        else:
            entry = _FLOW_ENTRY.fullmatch(token.strip(" "))
            if entry is None or entry.group(1) in items:
                raise _NotPlain
            key, rest = entry.group(1), entry.group(2)
            pos += 1
            if rest:
                items[key] = _scalar(rest, _UNSAFE_FLOW)
            elif pos < len(tokens) and tokens[pos] in ("{", "["):
                items[key], pos = _flow(tokens, pos, depth + 1)
            else:
                raise _NotPlain
        expect_item = False
    raise _NotPlain


def _scalar(text: str, unsafe: re.Pattern[str]) -> Any:
    if not text or not text.isprintable() or text != text.strip(" "):
        raise _NotPlain
    first = text[0]
    if first in _INDICATORS:
        if first in "\"'":
            quoted = _QUOTED.fullmatch(text)
            if quoted is not None:
                return quoted.group(1) if first == '"' else quoted.group(2)
        if not (first == "-" and text[1:2].isdigit()):
            raise _NotPlain
    if unsafe.search(text):
        raise _NotPlain
    try:
        return resolve_plain(text)
    except ValueError:
        raise _NotPlain from None
