"""Strict, fast YAML for records and config.

One pass over libyaml's event stream (the C parser of `CSafeLoader`) builds the data directly:
anchors, aliases and explicit tags are refused, nesting deeper than `MAX_DEPTH` stops the pass
before anything recursive runs (libyaml's own composer recurses and can crash the process), duplicate
keys are reported with both lines, and every key's position is kept so that problems point at the
right line and a rewrite can touch only the lines that change.

Scalars are read strictly: only `true` and `false` are booleans, integers are decimal, no octal or
sexagesimal numbers, dates and datetimes are ISO 8601. Anything else is text.

PyYAML is imported on the first `load` or dump: `kscms.yamlfast` reads the plain style of records
with `resolve_plain` alone, and a command that reads only such text never pays for the import.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from typing import Any, NamedTuple

MAX_DEPTH = 32
MAX_INT_DIGITS = 18

Path = tuple[str | int, ...]

_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_FLOAT = re.compile(r"[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+(?=[eE]))(?:[eE][-+]?[0-9]+)?")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DATETIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?"
    r"(?:[ \t]*(?:[Zz]|[+-][0-9]{2}(?::?[0-9]{2})?))?"
)
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})


class Loc(NamedTuple):
    """Where one value sits in the YAML text (0-based character offsets)."""

    line: int
    """1-based line of the key (or of the item, in a sequence)."""
    key_start: int
    """Offset where the key (or the item) starts."""
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
    locs: dict[Path, tuple[int, int, int, int, bool, bool]] = field(default_factory=dict)
    """Positions as plain tuples in `Loc` field order (cheap to build); `loc()` gives a `Loc`."""
    issues: list[YamlIssue] = field(default_factory=list)

    def loc(self, path: Path) -> Loc | None:
        raw = self.locs.get(path)
        return None if raw is None else Loc(*raw)

    def line_of(self, path: Path, default: int = 1) -> int:
        """Line of `path`, or of its nearest ancestor that has one."""
        while True:
            loc = self.locs.get(path)
            if loc is not None:
                return loc[0]
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
            number = float(text)
            if number in (math.inf, -math.inf):  # 1e999: JSON, SQLite and the KPIs have no infinity
                raise ValueError(f"number {text[:30]} is too large for a float")
            return number
        if _DATE.fullmatch(text):
            return dt.date.fromisoformat(text)
        if _DATETIME.fullmatch(text):
            date_part, time_part = text[:10], text[11:].replace(" ", "").replace("\t", "")
            return dt.datetime.fromisoformat(f"{date_part}T{time_part}")
    return text


class _Frame:
    __slots__ = (
        "value",
        "path",
        "loc",
        "key",
        "key_line",
        "key_start",
        "seen",
        "is_map",
        "last_end",
        "skip",
        "flow",
    )

    def __init__(
        self, value: Any, path: Path, loc: tuple[int, int, int, int, bool, bool], is_map: bool
    ) -> None:
        self.value = value
        self.path = path
        self.loc = loc
        self.is_map = is_map
        self.flow = loc[4]
        self.key: str | None = None
        self.key_line = 0
        self.key_start = 0
        self.seen: dict[str, int] = {}
        self.last_end = loc[2]
        self.skip = False


def load(text: str, line_offset: int = 0) -> Parsed:
    """Read one YAML document strictly. Line numbers in the result are `line_offset` + 1-based."""
    import yaml

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
            parsed.issues.append(
                YamlIssue(line, "yaml-too-deep", f"nesting deeper than {MAX_DEPTH} levels: flatten the data")
            )
        else:
            parsed.issues.append(
                YamlIssue(line, "yaml-syntax", f"YAML {what}{context}: fix the syntax on this line")
            )
        parsed.data = None
    except yaml.YAMLError as exc:
        parsed.issues.append(YamlIssue(line_offset + 1, "yaml-syntax", f"YAML cannot be read: {exc}"))
        parsed.data = None
    except (ValueError, RecursionError, OverflowError, UnicodeError, MemoryError) as exc:
        parsed.issues.append(YamlIssue(line_offset + 1, "yaml-syntax", f"YAML cannot be read: {exc}"))
        parsed.data = None
    return parsed


def _refuse(issues: list[YamlIssue], line: int, code: str, message: str) -> None:
    issues.append(YamlIssue(line, code, message))
    raise _TooDeep


def _build(text: str, line_offset: int, parsed: Parsed) -> None:  # noqa: C901 - one hot event loop
    import yaml

    scalar_event = yaml.ScalarEvent
    map_start = yaml.MappingStartEvent
    seq_start = yaml.SequenceStartEvent
    end_events = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
    loader = yaml.CSafeLoader(text)
    issues = parsed.issues
    locs = parsed.locs
    stack: list[_Frame] = []
    root: list[Any] = []
    documents = 0
    get_event = loader.get_event
    try:
        while True:
            ev: Any = get_event()
            cls = type(ev)
            if cls is scalar_event:
                mark = ev.start_mark
                line = line_offset + mark.line + 1
                if ev.anchor is not None or ev.tag is not None:
                    _refuse_props(issues, line, ev)
                parent = stack[-1] if stack else None
                if parent is not None and parent.is_map and parent.key is None and not parent.skip:
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
                    else:
                        parent.seen[key] = line
                    parent.key = key
                    parent.key_line = line
                    parent.key_start = mark.index
                    continue
                raw = ev.value
                if ev.style:
                    value: Any = raw
                else:
                    try:
                        value = resolve_plain(raw)
                    except ValueError as exc:
                        where = _child_path(parent)
                        name = dotted(where) or "value"
                        issues.append(YamlIssue(line, "bad-type", f"`{name}` is {raw[:40]!r}: {exc}", name))
                        value = raw
                end = ev.end_mark.index
                if parent is None:
                    root.append(value)
                    locs[()] = (line, mark.index, mark.index, end, False, False)
                    continue
                parent.last_end = end
                if parent.is_map:
                    if parent.skip:
                        parent.skip = False
                    else:
                        parent.value[parent.key] = value
                        locs[(*parent.path, parent.key)] = (  # type: ignore[arg-type]
                            parent.key_line,
                            parent.key_start,
                            mark.index,
                            end,
                            parent.flow,
                            False,
                        )
                    parent.key = None
                else:
                    locs[parent.path + (len(parent.value),)] = (
                        line,
                        mark.index,
                        mark.index,
                        end,
                        parent.flow,
                        False,
                    )
                    parent.value.append(value)
                continue
            if cls is map_start or cls is seq_start:
                mark = ev.start_mark
                line = line_offset + mark.line + 1
                if ev.anchor is not None or ev.tag is not None:
                    _refuse_props(issues, line, ev)
                if len(stack) >= MAX_DEPTH:
                    _refuse(
                        issues,
                        line,
                        "yaml-too-deep",
                        f"nesting deeper than {MAX_DEPTH} levels: flatten the data",
                    )
                parent = stack[-1] if stack else None
                is_map = cls is map_start
                value = {} if is_map else []
                flow = bool(ev.flow_style)
                if parent is None:
                    path: Path = ()
                    loc = (line, mark.index, mark.index, mark.index, flow, True)
                    root.append(value)
                elif parent.is_map:
                    if parent.key is None:
                        _refuse(
                            issues, line, "yaml-syntax", "a mapping key is a collection: keys are plain names"
                        )
                    path = (*parent.path, parent.key)  # type: ignore[arg-type]
                    loc = (parent.key_line, parent.key_start, mark.index, mark.index, flow, True)
                    if parent.skip:
                        parent.skip = False
                        path = (*parent.path, f"\x00dup{line}")
                    else:
                        parent.value[parent.key] = value
                    parent.key = None
                else:
                    path = parent.path + (len(parent.value),)
                    loc = (line, mark.index, mark.index, mark.index, flow, True)
                    parent.value.append(value)
                locs[path] = loc
                stack.append(_Frame(value, path, loc, is_map))
                continue
            if cls in end_events:
                frame = stack.pop()
                loc = frame.loc
                end = ev.end_mark.index if frame.flow else frame.last_end
                locs[frame.path] = (loc[0], loc[1], loc[2], end, loc[4], True)
                if stack:
                    stack[-1].last_end = end
                continue
            if cls is yaml.AliasEvent:
                line = line_offset + ev.start_mark.line + 1
                _refuse(issues, line, "yaml-alias", f"alias `*{ev.anchor}`: write the value out in full")
            if cls is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    line = line_offset + ev.start_mark.line + 1
                    _refuse(issues, line, "yaml-syntax", "a second YAML document: keep one block")
                continue
            if cls is yaml.StreamEndEvent or ev is None:
                break
    finally:
        loader.dispose()
    parsed.data = root[0] if root else None


def _child_path(parent: _Frame | None) -> Path:
    if parent is None:
        return ()
    if parent.is_map:
        return (*parent.path, parent.key or "")
    return (*parent.path, len(parent.value))


def _refuse_props(issues: list[YamlIssue], line: int, ev: Any) -> None:
    if ev.anchor is not None:
        _refuse(issues, line, "yaml-alias", f"anchor `&{ev.anchor}`: anchors and aliases are not allowed")
    _refuse(issues, line, "yaml-tag", f"explicit tag `{ev.tag}`: remove it; tags are not allowed")


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
    if text.endswith(":") or ":?" in text:  # a mapping key, or libyaml's "unexpected ':'" in flow style
        return False
    return not any(c in text for c in (": ", " #", ",", "[", "]", "{", "}", "\t")) and text.isprintable()


def _quoted(text: str) -> str:
    import yaml

    out = yaml.dump(text, Dumper=yaml.CSafeDumper, default_style='"', allow_unicode=True, width=10**9)
    return out[: -len("\n...\n")] if out.endswith("\n...\n") else out.rstrip("\n")


def dump_flow(value: Any) -> str:
    """A value in YAML flow style on one line: `{a: 1, b: [x, y]}`."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{dump_scalar(k)}: {dump_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(dump_flow(v) for v in value) + "]"
    return dump_scalar(value)


def _literal(key: Any, k: str, value: str, pad: str) -> str | None:
    """`k: |` and `value` as a literal block, or None when that would not read back as `value`.

    Carriage returns, Unicode line breaks, a first line that starts with a space and extra final
    newlines cannot be written literally; such text is written double-quoted instead.
    """
    body = "".join(f"{pad}  {ln}\n" if ln else "\n" for ln in value.rstrip("\n").split("\n"))
    chomp = "" if value.endswith("\n") else "-"
    text = f"{pad}{k}: |{chomp}\n{body}"
    parsed = load(text)
    return text if not parsed.issues and parsed.data == {key: value} else None


def dump_block(data: dict[str, Any], indent: int = 0) -> str:
    """A mapping in block style whose small collections are written in flow style (the record style)."""
    pad = " " * indent
    lines = []
    for key, value in data.items():
        k = dump_scalar(key)
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            lines.append(f"{pad}{k}:\n")
            lines.extend(f"{pad}  - {dump_flow(v)}\n" for v in value)
        elif isinstance(value, str) and "\n" in value and (literal := _literal(key, k, value, pad)):
            lines.append(literal)
        else:
            lines.append(f"{pad}{k}: {dump_flow(value)}\n")
    return "".join(lines)
