"""Records: parse a file's text into a validated Signal, Compliment or Improvement, or problems.

The pydantic models (`kscms.model.base`, `.signal`, `.compliment`, `.improvement`) are imported on
first use: `kscms --help` and a lean read (`kscms.model.lean`, for `check --base`) never load
pydantic. `from kscms.model import Signal` still works; it imports the models then.
"""

from __future__ import annotations

import functools
import sys
from types import ModuleType
from typing import TYPE_CHECKING, Any

from kscms.diagnostics import Problem
from kscms.frontmatter import FrontMatterError, split

if TYPE_CHECKING:  # re-exported (see __all__), loaded on first use by __getattr__
    from kscms.model.base import Event, Record
    from kscms.model.compliment import Compliment
    from kscms.model.improvement import Improvement
    from kscms.model.signal import Signal
    from kscms.yamlio import Parsed

    MODELS: dict[str, type[Record]]

__all__ = [
    "Record",
    "Signal",
    "Compliment",
    "Improvement",
    "Event",
    "MODELS",
    "parse_record",
    "decode_record",
]


@functools.cache
def record_models() -> dict[str, type[Record]]:
    """The pydantic record model of each type, imported on first use.

    Importing pydantic and the models makes many objects and no garbage: the collector is paused
    meanwhile, and what they made is frozen out of later collections (`kscms.heap`).
    """
    from kscms.heap import settled_heap

    with settled_heap():
        from kscms.model.compliment import Compliment
        from kscms.model.improvement import Improvement
        from kscms.model.signal import Signal
    return {"signal": Signal, "compliment": Compliment, "improvement": Improvement}


@functools.cache
def config_models() -> ModuleType:
    """`kscms.model.config`, the pydantic schema of kscms.yaml, imported on first use."""
    from kscms.heap import settled_heap

    with settled_heap():
        from kscms.model import config

    return config


def __getattr__(name: str) -> Any:
    """The record models, imported when first asked for (PEP 562)."""
    if name == "MODELS":
        return record_models()
    if name in ("Record", "Event"):
        record_models()
        from kscms.model import base

        return getattr(base, name)
    if name in ("Signal", "Compliment", "Improvement"):
        return record_models()[name.lower()]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


MAX_BYTES = 1 << 20
PLAIN_MAX = 32 * 1024
"""Front matter longer than this (a record's is about 1 KB) skips the fast reader: a huge file is
likely invalid, and an invalid record would be validated twice (fast reader, then full reader)."""
MAX_PROBLEMS = 1000
"""Problems reported per record file; the rest are counted in one last problem."""


def decode_record(raw: bytes, path: str) -> tuple[str | None, list[Problem]]:
    """Bytes to text: size limit, strict UTF-8, no NUL bytes."""
    if len(raw) > MAX_BYTES:
        return None, [
            Problem(
                path,
                0,
                "file-too-large",
                f"file is {len(raw)} bytes, at most {MAX_BYTES} (1 MiB) allowed: shorten the body",
            )
        ]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        return None, [
            Problem(path, line, "not-utf8", f"byte {exc.start} is not UTF-8: save the file as UTF-8")
        ]
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        return None, [Problem(path, line, "not-utf8", "file contains a NUL byte: it is not a text file")]
    return text, []


def cap_problems(problems: list[Problem]) -> list[Problem]:
    """At most MAX_PROBLEMS problems per file, then one that says how many more there are.

    A hostile file with 50,000 unknown or duplicate keys would otherwise take seconds to report
    and megabytes of output; the first problems are the ones to fix anyway.
    """
    if len(problems) <= MAX_PROBLEMS:
        return problems
    last = problems[MAX_PROBLEMS]
    more = len(problems) - MAX_PROBLEMS
    message = f"{more} more problems in this file are not listed: fix the ones above first"
    return [*problems[:MAX_PROBLEMS], Problem(last.path, last.line, last.code, message, field=last.field)]


def parse_front(text: str, path: str) -> tuple[Parsed | None, str, int, list[Problem]]:
    """Front matter to data with positions: (parsed, body, body_line, problems)."""
    from kscms.yamlio import load

    try:
        doc = split(text)
    except FrontMatterError as exc:
        return None, "", 0, [Problem(path, exc.line, "front-matter", str(exc))]
    parsed = load(doc.yaml, line_offset=doc.yaml_line - 1)
    problems = [Problem(path, i.line, i.code, i.message, field=i.field) for i in parsed.issues]
    if parsed.data is None and not problems:
        problems.append(Problem(path, 1, "front-matter", "front matter is empty: add the record's fields"))
    elif parsed.data is not None and not isinstance(parsed.data, dict):
        problems.append(
            Problem(path, 2, "front-matter", "front matter is not a mapping: write `key: value` lines")
        )
    return (None if problems else parsed), doc.body, doc.body_line, problems


def parse_record(text: str, path: str, *, lean: bool = False) -> tuple[Record | None, list[Problem]]:
    """Validate one record's text. Returns the record (None when unusable) and every problem found.

    A valid record in the plain style is read by `kscms.yamlfast` with the line of each field
    (what its problems need); anything else by `yamlio.load`, so problems are the same either way.
    `lean`: read a valid record without pydantic (`kscms.model.lean`); a record the lean reader
    cannot vouch for raises `NeedsModels`, and the caller reads it again without `lean`.
    """
    if lean:
        from kscms.model.lean import lean_record

        return lean_record(text, path), []
    found = _parse_plain(text, path, lines=True)
    if found is not None:
        return found[0], []
    parsed, body, body_line, problems = parse_front(text, path)
    if parsed is None:
        return None, cap_problems(problems)
    return _validated(parsed, body, body_line, path)


def _validated(parsed: Parsed, body: str, body_line: int, path: str) -> tuple[Record | None, list[Problem]]:
    data = parsed.data
    rtype = data.get("type")
    model = record_models().get(rtype) if isinstance(rtype, str) else None
    if model is None:
        line = parsed.line_of(("type",))
        found = "missing" if rtype is None else f"`{rtype}`"
        return None, [
            Problem(
                path,
                line,
                "missing-field" if rtype is None else "bad-type",
                f"`type` is {found}: expected signal, compliment or improvement",
                field="type",
            )
        ]
    from pydantic import ValidationError

    try:
        record = model.model_validate(data)
    except ValidationError as exc:
        from kscms.validation import problems_from_validation

        return None, cap_problems(problems_from_validation(exc, model, parsed, path))
    _attach(record, path, body, body_line)
    record._locs = parsed.locs
    return record, []


def _attach(record: Record, path: str, body: str, body_line: int) -> None:
    record._path = path
    record._body = body
    record._body_line = body_line


RecordData = tuple[dict[str, Any], str, int]
"""A record that validated, as plain data: (front-matter data, body, body line); cheap to pickle."""


def _shared(value: Any) -> Any:
    """`value` with its short strings interned: a process that holds every record (the site build)
    keeps one copy of each status, person, team and date string instead of one per record."""
    if isinstance(value, str):
        return sys.intern(value) if len(value) <= 40 else value
    if isinstance(value, dict):
        return {sys.intern(k): _shared(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_shared(v) for v in value]
    return value


_FIELDS_SETS: dict[frozenset[str], set[str]] = {}


def _share_fields_set(model: Any) -> None:
    """Give `model` and the models in it one shared set of given fields per distinct set.

    Pydantic keeps a set of the fields given for every model instance: 40% of the memory of a
    record with its history. The models are frozen, so pydantic never changes the set (and its
    serializer needs a `set`, not a frozenset); a process that holds every record (the site build)
    keeps a few dozen instead of one per record, event and block.
    """
    from kscms.model.base import Block

    def share(model: Any) -> None:
        names = frozenset(model.__pydantic_fields_set__)
        object.__setattr__(model, "__pydantic_fields_set__", _FIELDS_SETS.setdefault(names, set(names)))
        for value in model.__dict__.values():
            if isinstance(value, Block):
                share(value)
            elif isinstance(value, list):
                for item in value:
                    if isinstance(item, Block):
                        share(item)

    share(model)


def record_from_data(data: RecordData, path: str, file: str) -> Record:
    """Rebuild a record that validated elsewhere (a worker process); positions are read lazily from `file`."""
    fields, body, body_line = data
    record = record_models()[fields["type"]].model_validate(_shared(fields))
    _share_fields_set(record)
    _attach(record, path, body, body_line)
    record._file = file
    return record


def _parse_plain(
    text: str, path: str, lines: bool = False
) -> tuple[Record, RecordData, list[Problem]] | None:
    """A valid record read by `kscms.yamlfast`, or None (not the plain style, or not valid).

    `lines`: with the line of each field; else without positions (read from the file when needed).
    """
    from kscms.yamlfast import load_plain, load_plain_lines

    try:
        doc = split(text)
    except FrontMatterError:
        return None
    if len(doc.yaml) > PLAIN_MAX:
        return None
    locs = None
    data: dict[str, Any] | None
    if lines:
        found = load_plain_lines(doc.yaml, doc.yaml_line - 1)
        if found is None:
            return None
        data, locs = found
    else:
        data = load_plain(doc.yaml)
    if not data:
        return None
    from kscms.yamlio import Parsed

    record, _problems = _validated(Parsed(data), doc.body, doc.body_line, path)
    if record is None:
        return None
    record._locs = locs
    return record, (data, doc.body, doc.body_line), []


def parse_record_data(text: str, path: str) -> tuple[RecordData | None, list[Problem]]:
    """Like `parse_record`, but a valid record comes back as plain data (for worker processes)."""
    _record, data, problems = parse_record_both(text, path)
    return data, problems


def parse_record_both(
    text: str, path: str, fast: bool = False, *, lean: bool = False
) -> tuple[Record | None, RecordData | None, list[Problem]]:
    """`parse_record` that also returns a valid record's plain data (to send to another process).

    `fast`: try `kscms.yamlfast` first (a valid record in the plain style comes back without
    positions; `Record.locs` reads them from the file when a problem needs a line). Anything it
    does not read, or a record that does not validate, goes through the full reader, so problems
    are the same either way. `lean`: as in `parse_record` (no plain data comes back).
    """
    if lean:
        from kscms.model.lean import lean_record

        return lean_record(text, path), None, []
    if fast:
        found = _parse_plain(text, path)
        if found is not None:
            return found
    parsed, body, body_line, problems = parse_front(text, path)
    if parsed is None:
        return None, None, cap_problems(problems)
    record, problems = _validated(parsed, body, body_line, path)
    if record is None:
        return None, None, problems
    return record, (parsed.data, body, body_line), []
