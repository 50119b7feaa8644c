"""Strict, fast YAML for records and config.

One pass over libyaml's event stream (the C parser of `CSafeLoader`) builds the data directly:
anchors, aliases and explicit tags are refused, nesting deeper than `MAX_DEPTH` stops the pass
before anything recursive runs (libyaml's own composer recurses and can crash the process), duplicate
keys are reported with both lines, and every key's position is kept so that problems point at the
right line and a rewrite can touch only the lines that change.

Scalars are read strictly: only `true` and `false` are booleans, integers are decimal, no octal or
sexagesimal numbers, dates and datetimes are ISO 8601. Anything else is text.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

MAX_DEPTH = 32
MAX_INT_DIGITS = 18

Path = tuple[str | int, ...]

_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_FLOAT = re.compile(r"[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+(?=[eE]))(?:[eE][-+]?[0-9]+)?")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DATETIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?"
    r"(?:[Zz]|[+-][0-9]{2}(?::?[0-9]{2})?)?"
)
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})


@dataclass
class Loc:
    """Where one value sits in the YAML text (0-based character offsets)."""

    line: int
    """1-based line of the key (or of the item, in a sequence)."""
    key_start: int
    """Offset where the key (or the item's `- `) starts."""
    start: int
    """Offset where the value starts."""
    end: int
    """Offset just after the value."""
    flow: bool = False
    """True for flow collections (`{...}`, `[...]`) and for values inside them."""
    collection: bool = False


@dataclass
class YamlIssue:
    """A problem found while reading YAML, before it is tied to a file."""

    line: int
    code: str
    message: str
    field: str = ""


@dataclass
class Parsed:
    """The result of `load`: data (None when unreadable), positions and issues."""

    data: Any
    locs: dict[Path, Loc] = field(default_factory=dict)
    issues: list[YamlIssue] = field(default_factory=list)

    def line_of(self, path: Path, default: int = 1) -> int:
        """Line of `path`, or of its nearest ancestor that has one."""
        while True:
            loc = self.locs.get(path)
            if loc is not None:
                return loc.line
            if not path:
                return default
            path = path[:-1]


def dotted(path: Path) -> str:
    return ".".join(str(p) for p in path)


class _TooDeep(Exception):
    pass


def resolve_plain(text: str) -> Any:
    """The value of a plain (unquoted) scalar, strictly. Raises ValueError for impossible values."""
    if text in _NULLS:
        return None
    if text == "true":
        return True
    if text == "false":
        return False
    first = text[0]
    if first.isdigit() or first in "+-.":
        if _INT.fullmatch(text):
            if len(text.lstrip("+-")) > MAX_INT_DIGITS:
                raise ValueError(f"integer {text[:30]}... has more than {MAX_INT_DIGITS} digits")
            return int(text)
        if _FLOAT.fullmatch(text):
            return float(text)
        if _DATE.fullmatch(text):
            return dt.date.fromisoformat(text)
        if _DATETIME.fullmatch(text):
            return dt.datetime.fromisoformat(text.replace(" ", "T", 1))
    return text


class _Frame:
    __slots__ = ("value", "path", "loc", "key", "key_loc", "seen", "is_map", "last_end", "skip")

    def __init__(self, value: Any, path: Path, loc: Loc, is_map: bool) -> None:
        self.value = value
        self.path = path
        self.loc = loc
        self.is_map = is_map
        self.key: str | None = None
        self.key_loc: tuple[int, int] = (0, 0)
        self.seen: dict[str, int] = {}
        self.last_end = loc.start
        self.skip = False


def load(text: str, line_offset: int = 0) -> Parsed:
    """Read one YAML document strictly. Line numbers in the result are `line_offset` + 1-based."""
    parsed = Parsed(None)
    try:
        _build(text, line_offset, parsed)
    except _TooDeep:
        parsed.data = None
    except yaml.MarkedYAMLError as exc:
        # the construct that is broken (an unclosed `[`, a key without `:`) starts at the context mark
        mark = exc.context_mark or exc.problem_mark
        line = line_offset + (mark.line + 1 if mark else 1)
        what = exc.problem or "cannot be read"
        context = f" ({exc.context})" if exc.context else ""
        if "nesting depth" in what:
            parsed.issues.append(YamlIssue(line, "yaml-too-deep", f"nesting deeper than {MAX_DEPTH} levels: flatten the data"))
        else:
            parsed.issues.append(YamlIssue(line, "yaml-syntax", f"YAML {what}{context}: fix the syntax on this line"))
        parsed.data = None
    except yaml.YAMLError as exc:
        parsed.issues.append(YamlIssue(line_offset + 1, "yaml-syntax", f"YAML cannot be read: {exc}"))
        parsed.data = None
    except (ValueError, RecursionError, OverflowError, UnicodeError, MemoryError) as exc:
        parsed.issues.append(YamlIssue(line_offset + 1, "yaml-syntax", f"YAML cannot be read: {exc}"))
        parsed.data = None
    return parsed


def _build(text: str, line_offset: int, parsed: Parsed) -> None:  # noqa: C901 - one event loop
    loader = yaml.CSafeLoader(text)
    issues = parsed.issues
    locs = parsed.locs
    stack: list[_Frame] = []
    root: list[Any] = []
    documents = 0
    try:
        check_event, get_event = loader.check_event, loader.get_event
        while check_event():
            ev = get_event()
            cls = type(ev)
            if cls is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    line = line_offset + ev.start_mark.line + 1
                    issues.append(YamlIssue(line, "yaml-syntax", "a second YAML document: keep one block"))
                    raise _TooDeep
                continue
            if cls in (yaml.StreamStartEvent, yaml.StreamEndEvent, yaml.DocumentEndEvent):
                continue
            line = line_offset + ev.start_mark.line + 1
            if cls is yaml.AliasEvent:
                issues.append(YamlIssue(line, "yaml-alias", f"alias `*{ev.anchor}`: write the value out in full"))
                raise _TooDeep
            if cls is yaml.MappingEndEvent or cls is yaml.SequenceEndEvent:
                frame = stack.pop()
                frame.loc.end = ev.end_mark.index if frame.loc.flow else frame.last_end
                if stack:
                    stack[-1].last_end = frame.loc.end
                continue
            anchor = ev.anchor
            if anchor is not None:
                issues.append(YamlIssue(line, "yaml-alias", f"anchor `&{anchor}`: anchors and aliases are not allowed"))
                raise _TooDeep
            if ev.tag is not None:
                issues.append(YamlIssue(line, "yaml-tag", f"explicit tag `{ev.tag}`: remove it; tags are not allowed"))
                raise _TooDeep
            parent = stack[-1] if stack else None
            # A scalar in key position of a mapping
            if parent is not None and parent.is_map and parent.key is None and not parent.skip:
                if cls is not yaml.ScalarEvent:
                    issues.append(YamlIssue(line, "yaml-syntax", "a mapping key is a collection: keys are plain names"))
                    raise _TooDeep
                key = ev.value
                first = parent.seen.get(key)
                if first is not None:
                    issues.append(
                        YamlIssue(
                            line,
                            "yaml-duplicate-key",
                            f"key `{key}` appears twice (first on line {first}): keep one",
                            dotted((*parent.path, key)),
                        )
                    )
                    parent.skip = True
                    parent.key = key
                else:
                    parent.seen[key] = line
                    parent.key = key
                parent.key_loc = (line, ev.start_mark.index)
                continue
            # A value: where does it go?
            if parent is None:
                path: Path = ()
                loc_line, key_start = line, ev.start_mark.index
            elif parent.is_map:
                path = (*parent.path, parent.key or "")
                loc_line, key_start = parent.key_loc
            else:
                path = (*parent.path, len(parent.value))
                loc_line, key_start = line, ev.start_mark.index
            in_flow = bool(parent and parent.loc.flow)
            if cls is yaml.ScalarEvent:
                raw = ev.value
                try:
                    value = raw if ev.style else resolve_plain(raw)
                except ValueError as exc:
                    name = dotted(path) or "value"
                    issues.append(YamlIssue(line, "bad-type", f"`{name}` is {raw[:40]!r}: {exc}", name))
                    value = raw
                loc = Loc(loc_line, key_start, ev.start_mark.index, ev.end_mark.index, in_flow)
            else:
                if len(stack) >= MAX_DEPTH:
                    issues.append(
                        YamlIssue(line, "yaml-too-deep", f"nesting deeper than {MAX_DEPTH} levels: flatten the data")
                    )
                    raise _TooDeep
                is_map = cls is yaml.MappingStartEvent
                value = {} if is_map else []
                loc = Loc(loc_line, key_start, ev.start_mark.index, ev.end_mark.index, bool(ev.flow_style), True)
            if parent is None:
                root.append(value)
            elif parent.is_map:
                if parent.skip:
                    parent.skip = False
                else:
                    parent.value[parent.key] = value
                    locs[path] = loc
                parent.key = None
            else:
                parent.value.append(value)
                locs[path] = loc
            if parent is None:
                locs[path] = loc
            if cls is yaml.ScalarEvent:
                if parent is not None:
                    parent.last_end = loc.end
            else:
                stack.append(_Frame(value, path, loc, cls is yaml.MappingStartEvent))
    finally:
        loader.dispose()
    parsed.data = root[0] if root else None


def parse_value(text: str) -> Any:
    """Read a `--set` value: a YAML flow scalar, list or mapping, strictly (raises ValueError)."""
    parsed = load(text)
    if parsed.issues:
        raise ValueError(parsed.issues[0].message)
    return parsed.data


_DUMP_CACHE: dict[str, str] = {}


def dump_scalar(value: Any) -> str:
    """One scalar as YAML text that reads back (strictly) as the same value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    if "\n" not in text and _plain_ok(text):
        return text
    return _quoted(text)


def _plain_ok(text: str) -> bool:
    if not text or text != text.strip():
        return False
    try:
        if resolve_plain(text) != text:
            return False
    except ValueError:
        return False
    if text[0] in "-?:,[]{}#&*!|>'\"%@`" or text.lower() in {"yes", "no", "on", "off", "y", "n"}:
        return False
    return not any(c in text for c in (": ", " #", ",", "[", "]", "{", "}", "\t")) and text.isprintable()


def _quoted(text: str) -> str:
    out = yaml.dump(text, Dumper=yaml.CSafeDumper, default_style='"', allow_unicode=True, width=10**9)
    return out[: -len("\n...\n")] if out.endswith("\n...\n") else out.rstrip("\n")


def dump_flow(value: Any) -> str:
    """A value in YAML flow style on one line: `{a: 1, b: [x, y]}`."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{dump_scalar(k)}: {dump_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(dump_flow(v) for v in value) + "]"
    return dump_scalar(value)


def dump_block(data: dict[str, Any], indent: int = 0) -> str:
    """A mapping in block style whose small collections are written in flow style (the record style)."""
    pad = " " * indent
    lines = []
    for key, value in data.items():
        k = dump_scalar(key)
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            lines.append(f"{pad}{k}:\n")
            lines.extend(f"{pad}  - {dump_flow(v)}\n" for v in value)
        elif isinstance(value, str) and "\n" in value:
            body = "".join(f"{pad}  {ln}\n" if ln else "\n" for ln in value.rstrip("\n").split("\n"))
            chomp = "" if value.endswith("\n") else "-"
            lines.append(f"{pad}{k}: |{chomp}\n{body}")
        else:
            lines.append(f"{pad}{k}: {dump_flow(value)}\n")
    return "".join(lines)
