"""Read the records for a build: the small facts of every record, remembered between builds.

A build needs a few facts of every record before it knows what to render: its id, type, title,
references, first and last event, whether it may be on the wall, and hashes of its front matter
and body. Those facts are kept in `<cache>/records.marshal`, keyed by path, size and mtime (with the
file's hash as a fallback), so an unchanged file is not even read. Files that are new or changed are
parsed: in forked workers when there are many (the workers then keep their records to render their
pages, see `kscms.site.workers`), else in this process.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import marshal
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from kscms import __version__
from kscms.diagnostics import Problem
from kscms.heap import settled_heap
from kscms.model.base import Record

STORE_NAME = "records.marshal"
_STORE_FORMAT = 2


class Facts(NamedTuple):
    """What a build needs to know of a record before it renders anything (plain data)."""

    id: str
    type: str
    title: str
    refs: tuple[str, ...]
    """Ids this record points at."""
    created: str
    first_at: str | None
    """ISO time of the first event (None without history)."""
    last_at: str | None
    consent: bool
    """A compliment with the consent of maker and receivers (a candidate for the wall)."""
    front: str
    """sha256 of the front matter (with the `---` lines)."""
    body: str
    """sha256 of the body."""


Entry = tuple[int, int, str, Facts]
"""(size, mtime_ns, sha256 of the file, facts)."""


def facts_of(record: Record, text: str) -> Facts:
    """The facts of a record parsed from `text`."""
    from kscms.model.compliment import Compliment
    from kscms.site.records import references

    body = record.body
    front = text[: len(text) - len(body)] if body else text
    history = record.history
    consent = isinstance(record, Compliment) and (
        record.consent.maker is True and record.consent.receivers is True
    )
    return Facts(
        record.id,
        record.type,
        record.title,
        tuple(references(record)),
        record.created.isoformat(),
        history[0].at.isoformat() if history else None,
        history[-1].at.isoformat() if history else None,
        consent,
        hashlib.sha256(front.encode("utf-8")).hexdigest(),
        hashlib.sha256(body.encode("utf-8")).hexdigest(),
    )


def newest_day(facts: Iterable[Facts], local_date: Callable[[dt.datetime], dt.date]) -> dt.date:
    """The default as-of date: the local date of the newest event (or `created`), as `build_date`.

    Without facts (no records): today, as `local_date` gives it for now.
    """
    newest: dt.date | None = None
    for f in facts:
        day = (
            local_date(dt.datetime.fromisoformat(f.last_at))
            if f.last_at
            else dt.date.fromisoformat(f.created)
        )
        if newest is None or day > newest:
            newest = day
    return newest or local_date(dt.datetime.now(dt.UTC))


def exists(f: Facts, moment: dt.datetime, day: dt.date) -> bool:
    """True unless the record's first event comes after the as-of moment (as `Scope.exists`)."""
    if f.first_at is None:
        return dt.date.fromisoformat(f.created) <= day
    return dt.datetime.fromisoformat(f.first_at) <= moment


class FactStore:
    """The facts of the last build's records in one marshal file (losing it only costs time).

    The file is a series of parts, each its length (8 bytes) and a marshal object: first
    (version, format), then the entries in slices of `SLICE`, so that saving 100,000 entries never
    holds all of them as one byte string (that was the build's peak of memory at its very end).
    """

    SLICE = 5000

    def __init__(self, folder: Path | None) -> None:
        self.path = folder / STORE_NAME if folder is not None else None

    def load(self) -> dict[str, Entry]:
        if self.path is None:
            return {}
        try:
            with settled_heap(), open(self.path, "rb") as handle:
                data = memoryview(handle.read())  # one read: marshal.load(handle) reads in pieces, 4x slower
                parts = _parts(data)
                if next(parts, None) != (__version__, _STORE_FORMAT):
                    return {}
                return {
                    rel: (size, mtime, sha, Facts(*facts))
                    for part in parts
                    for rel, (size, mtime, sha, facts) in part.items()
                }
        except (OSError, ValueError, EOFError, TypeError, AttributeError):  # damaged: start afresh
            return {}

    def save(self, entries: dict[str, Entry]) -> None:
        if self.path is None:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_name(f".{STORE_NAME}.{os.getpid()}.tmp")
            with open(tmp, "wb") as handle:
                _write_part(handle, (__version__, _STORE_FORMAT))
                rels = list(entries)
                for start in range(0, len(rels), self.SLICE):
                    part = {}
                    for rel in rels[start : start + self.SLICE]:
                        size, mtime, sha, facts = entries[rel]
                        part[rel] = (size, mtime, sha, tuple(facts))  # marshal takes no named tuples
                    _write_part(handle, part)
            os.replace(tmp, self.path)
        except OSError:
            pass


def _write_part(handle: Any, value: Any) -> None:
    data = marshal.dumps(value)
    handle.write(len(data).to_bytes(8, "little"))
    handle.write(data)


def _parts(data: memoryview) -> Iterator[Any]:
    """The marshal objects of a fact store file, in order (a cut-off part raises EOFError)."""
    pos = 0
    while pos < len(data):
        size = int.from_bytes(data[pos : pos + 8], "little")
        part = data[pos + 8 : pos + 8 + size]
        if len(part) != size:
            raise EOFError("fact store cut off")
        yield marshal.loads(part)
        pos += 8 + size


Read = tuple[str, Any, list[Problem]]
"""The outcome of reading one file: ('same', entry, []), ('ok', (entry, data), []) or ('bad', None, problems)."""


def read_one(root: Path, rel: str, old: Entry | None) -> tuple[Read, Record | None]:
    """Read one record file: reuse its old facts when the bytes did not change, else parse it."""
    from kscms.model import decode_record, parse_record_both
    from kscms.model.ids import id_problem

    full = os.path.join(root, rel)
    try:
        if os.path.islink(full):
            message = "symbolic link: replace it with the record file itself"
            return ("bad", None, [Problem(rel, 0, "symlink", message)]), None
        with open(full, "rb") as handle:
            stat = os.fstat(handle.fileno())
            raw = handle.read()
    except OSError as exc:
        return ("bad", None, [Problem(rel, 0, "not-utf8", f"cannot read the file: {exc.strerror}")]), None
    sha = hashlib.sha256(raw).hexdigest()
    if old is not None and old[2] == sha:
        return ("same", (stat.st_size, stat.st_mtime_ns, sha, old[3]), []), None
    text, problems = decode_record(raw, rel)
    if text is None:
        return ("bad", None, problems), None
    record, data, problems = parse_record_both(text, rel, fast=True)
    if record is None:
        return ("bad", None, problems), None
    if why := id_problem(record.id):  # `id: ../../x` never reaches a path
        return ("bad", None, [Problem(rel, record.line_of("id"), "bad-id", why, field="id")]), None
    record._locs = None  # positions are read again from the file if a problem needs a line
    record._file = full
    entry = (stat.st_size, stat.st_mtime_ns, sha, facts_of(record, text))
    return ("ok", (entry, data), []), record


@dataclass
class Gathered:
    """Every record's facts (valid records with well-formed ids, in path order) and the problems."""

    root: Path
    entries: dict[str, Entry] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    models: dict[str, Record] = field(default_factory=dict)
    """Records parsed by this build (the others are parsed when `records()` needs them)."""
    shares: list[list[str]] = field(default_factory=list)
    """The files each worker read (and keeps its records of)."""

    @property
    def facts(self) -> dict[str, Facts]:
        return {rel: entry[3] for rel, entry in self.entries.items()}

    def records(self, rels: list[str], parse_many: Callable[[list[str]], list[Any]]) -> list[Record]:
        """The records at `rels` (parsed now, in worker processes when many, if not yet parsed)."""
        missing = [rel for rel in rels if rel not in self.models]
        if missing:
            for rel, (record, _problems) in zip(missing, parse_many(missing), strict=True):
                if record is not None:
                    self.models[rel] = record
        return [self.models[rel] for rel in rels if rel in self.models]


def take(gathered: Gathered, rel: str, outcome: Read, record: Record | None) -> None:
    """Add the outcome of reading one file."""
    kind, value, problems = outcome
    if kind == "same":
        gathered.entries[rel] = value
    elif kind == "ok":
        entry, data = value
        gathered.entries[rel] = entry
        if record is None:  # from a worker, which renders the page (it sends bodies for the wall only)
            from kscms.model import record_from_data

            record = record_from_data(data, rel, os.path.join(gathered.root, rel))
        gathered.models[rel] = record
    else:
        gathered.problems.extend(problems)


def stale(root: Path, paths: list[str], old: dict[str, Entry], gathered: Gathered) -> list[str]:
    """The files whose size or mtime changed (the others keep their facts)."""
    todo: list[str] = []
    for rel in paths:
        entry = old.get(rel)
        if entry is not None:
            try:
                stat = os.stat(os.path.join(root, rel), follow_symlinks=False)
            except OSError:
                stat = None
            if stat is not None and stat.st_size == entry[0] and stat.st_mtime_ns == entry[1]:
                gathered.entries[rel] = entry
                continue
        todo.append(rel)
    return todo


def ordered(gathered: Gathered, paths: list[str]) -> None:
    """Put entries and problems in path order (as `Repository.load_all` gives them)."""
    gathered.entries = {rel: gathered.entries[rel] for rel in paths if rel in gathered.entries}
    rank = {rel: n for n, rel in enumerate(paths)}
    gathered.problems.sort(key=lambda p: rank.get(p.path, -1))
