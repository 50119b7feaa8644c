"""Minimal rewrites of front matter: change only the lines that change, so pull-request diffs stay small.

Every edit is verified: the edited text is read back and must give exactly the intended data; if a
hand-written layout defeats the line editor, the front matter is written out whole instead (still
correct, just a larger diff).
"""

from __future__ import annotations

import copy
import re
from typing import Any

from kscms.yamlio import Loc, Parsed, Path, dump_block, dump_flow, load

_ITEM_PREFIX = re.compile(r"^(\s*-\s+)")


def _line_start(text: str, index: int) -> int:
    return text.rfind("\n", 0, index) + 1


def _line_end(text: str, index: int) -> int:
    """Index just after the newline of the line holding `index - 1` (end of a value's last line)."""
    nl = text.find("\n", max(index - 1, 0))
    return len(text) if nl < 0 else nl + 1


def _column(text: str, index: int) -> int:
    return index - _line_start(text, index)


def get_path(data: Any, path: Path) -> Any:
    for part in path:
        data = data[part]
    return data


def set_path(data: dict[str, Any], path: Path, value: Any) -> None:
    node: Any = data
    for part in path[:-1]:
        if not isinstance(node.get(part), dict):
            node[part] = {}
        node = node[part]
    node[path[-1]] = value


def _outer_flow(parsed: Parsed, path: Path) -> Path | None:
    """The outermost flow collection that holds `path` (or is it)."""
    found = None
    for n in range(len(path), 0, -1):
        loc = parsed.loc(path[:n])
        if loc is not None and loc.flow and loc.collection:
            found = path[:n]
        elif loc is not None and not loc.flow and found is not None:
            break
    return found


def _replace_block_entry(text: str, loc: Loc, key: str, value: Any) -> str:
    """Rewrite `key: value` (block layout) in place, keeping its indentation."""
    indent = _column(text, loc.key_start)
    block = dump_block({key: value}, indent)
    start = _line_start(text, loc.key_start)
    end = _line_end(text, loc.end)
    return text[:start] + block + text[end:]


def _insert_child(text: str, parsed: Parsed, parent: Path, key: str, value: Any) -> str:
    """Add `key: value` as the last entry of the block mapping at `parent` (the root: before `history`)."""
    children = [p for p in parsed.locs if len(p) == len(parent) + 1 and p[: len(parent)] == parent]
    if not parent and ("history",) in parsed.locs:
        at = _line_start(text, parsed.locs[("history",)][1])
        return text[:at] + dump_block({key: value}, 0) + text[at:]
    if children:
        indent = _column(text, parsed.locs[children[0]][1])
        at = _line_end(text, max(parsed.locs[c][3] for c in children))
    elif parent:
        parent_loc = Loc(*parsed.locs[parent])
        indent = _column(text, parent_loc.key_start) + 2
        at = _line_end(text, parent_loc.end)
    else:
        indent, at = 0, len(text)
    if at > 0 and not text[:at].endswith("\n"):
        text, at = text + "\n", at + 1
    return text[:at] + dump_block({key: value}, indent) + text[at:]


def _edit(text: str, parsed: Parsed, data: dict[str, Any], path: Path) -> str:
    """Make the text at `path` say what `data` says there."""
    flow = _outer_flow(parsed, path)
    if flow is not None:
        outer = Loc(*parsed.locs[flow])
        return text[: outer.start] + dump_flow(get_path(data, flow)) + text[outer.end :]
    loc = parsed.loc(path)
    if loc is not None:
        if isinstance(path[-1], int):
            raise ValueError("list items are set as a whole list")
        return _replace_block_entry(text, loc, str(path[-1]), get_path(data, path))
    # find the deepest existing ancestor
    n = len(path) - 1
    while n > 0 and path[:n] not in parsed.locs:
        n -= 1
    ancestor = path[:n]
    anc_loc = parsed.loc(ancestor)
    if ancestor and anc_loc is not None and not anc_loc.collection:
        # `key:` with a null or scalar value that becomes a mapping
        return _replace_block_entry(text, anc_loc, str(ancestor[-1]), get_path(data, ancestor))
    key = str(path[n])
    return _insert_child(text, parsed, ancestor, key, get_path(data, path[: n + 1]))


def _append_item(text: str, parsed: Parsed, path: Path, item: Any) -> str | None:
    """Append one item to the block sequence at `path` in the style of its first item."""
    loc = parsed.loc(path)
    first = parsed.loc((*path, 0))
    if loc is None or loc.flow or first is None:
        return None
    line_start = _line_start(text, first.start)
    match = _ITEM_PREFIX.match(text[line_start : first.start + 1])
    if not match:
        return None
    count = len(get_path(parsed.data, path))
    last = Loc(*parsed.locs[(*path, count - 1)])
    at = _line_end(text, last.end)
    prefix = match.group(1)
    if not text[:at].endswith("\n"):
        text, at = text + "\n", at + 1
    return text[:at] + prefix + dump_flow(item) + "\n" + text[at:]


def apply(yaml_text: str, changes: dict[Path, Any], append: dict[Path, Any] | None = None) -> str:
    """Set each dotted path to its value, append items to lists, and return the new YAML text.

    Raises ValueError when the text cannot be read.
    """
    parsed = load(yaml_text)
    if parsed.issues or not isinstance(parsed.data, dict):
        raise ValueError("front matter cannot be read")
    expected = copy.deepcopy(parsed.data)
    for path, value in changes.items():
        set_path(expected, path, value)
    for path, item in (append or {}).items():
        current = expected.get(path[0]) if len(path) == 1 else None
        if isinstance(current, list):
            current.append(item)
        else:
            set_path(expected, path, [item])
    text = yaml_text
    try:
        for path in changes:
            parsed = load(text)
            text = _edit(text, parsed, expected, path)
        for path, item in (append or {}).items():
            parsed = load(text)
            appended = _append_item(text, parsed, path, item)
            text = appended if appended is not None else _edit(text, parsed, expected, path)
        ok = load(text)
        if not ok.issues and ok.data == expected:
            return text
    except (ValueError, KeyError, IndexError, TypeError):
        pass
    return dump_block(expected)
