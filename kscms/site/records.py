"""View objects of single records for the internal site: fields, body, history as a timeline."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from kscms.config import Config
from kscms.model.base import Record
from kscms.model.compliment import Compliment
from kscms.model.improvement import Improvement
from kscms.model.signal import Signal
from kscms.site.context import Link, Names
from kscms.site.formats import Formats

_SHOWN_APART = frozenset(
    {
        "id",
        "type",
        "title",
        "status",
        "created",
        "history",
        "themes",
        "departments",
        "tags",
        "kind",
    }
)
_PEOPLE_FIELDS = {"giver", "coordinator", "owner", "origin.proposer", "employee_idea.proposer"}
_ID_FIELDS = {"improvements", "origin.signals", "origin.compliments", "cap"}
_LABELLED_FIELDS = {"source", "channel", "sentiment", "maker.kind", "decision.outcome", "complaint.severity"}


def record_href(record_id: str) -> str:
    return f"records/{record_id}.html"


def record_templates(kind: str) -> tuple[str, str]:
    """The templates a record page of type `kind` may use, most specific first."""
    return (f"internal/record-{kind}.html", "internal/record.html")


@dataclass(frozen=True)
class FieldRow:
    """One field of a record: its dotted name and its value(s), linked where they name something."""

    name: str
    values: tuple[Link, ...]


@dataclass(frozen=True)
class TimelineEvent:
    iso: str
    when: str
    status: str
    by: str
    note: str


@dataclass(frozen=True)
class RecordSummary:
    """A record in a list: enough for a table row and a link."""

    id: str
    title: str
    type: str
    kind: str
    status: str
    status_key: str
    created: str
    href: str


@dataclass(frozen=True)
class RecordView:
    """Everything the internal page of one record shows."""

    id: str
    title: str
    type: str
    type_label: str
    kind: str
    status: str
    status_key: str
    created: str
    href: str
    body: str
    """The Markdown body; the template renders it with the safe `markdown` filter."""
    fields: tuple[FieldRow, ...]
    timeline: tuple[TimelineEvent, ...]
    themes: tuple[Link, ...]
    departments: tuple[Link, ...]
    teams: tuple[Link, ...]
    tags: tuple[str, ...]
    referenced_by: tuple[Link, ...]
    context: tuple[tuple[str, str], ...] = ()
    """(label, value) of what kscms.yaml says about handling it: the organisation's strategy beside an
    improvement's strategy fit (DOMAIN: strategy shapes the handling), how a signal's segment hears
    back (segments shape feedback)."""


def references(record: Record) -> list[str]:
    """Ids this record points at."""
    out: list[str] = []
    if isinstance(record, Signal):
        out += record.improvements
    elif isinstance(record, Improvement):
        out += record.origin.signals + record.origin.compliments
    elif isinstance(record, Compliment) and record.cap:
        out.append(record.cap)
    return out


def backlinks(records: Iterable[Record]) -> dict[str, list[str]]:
    """id -> ids of the records that point at it (sorted)."""
    found: dict[str, set[str]] = {}
    for record in records:
        for target in references(record):
            found.setdefault(target, set()).add(record.id)
    return {k: sorted(v) for k, v in found.items()}


_DEFAULTS: dict[type, tuple[tuple[str, Any], ...]] = {}
"""Per model class: (field name, default value) of each field, in declaration order."""


def _defaults(cls: type) -> tuple[tuple[str, Any], ...]:
    found = _DEFAULTS.get(cls)
    if found is None:
        fields = cls.model_fields  # type: ignore[attr-defined]
        found = _DEFAULTS[cls] = tuple(
            (name, info.get_default(call_default_factory=True)) for name, info in fields.items()
        )
    return found


def plain(model: Any, exclude: frozenset[str] | set[str] = frozenset()) -> dict[str, Any]:
    """`model.model_dump(mode="json", exclude_none=True, exclude_defaults=True, exclude=exclude)`
    for record models, five times faster (record pages call it ten thousand times; a test checks
    that both give the same)."""
    out: dict[str, Any] = {}
    values = model.__dict__
    for name, default in _defaults(type(model)):
        if name in exclude:
            continue
        value = values[name]
        if value is None or value == default:
            continue
        out[name] = _plain_value(value)
    return out


def _plain_value(value: Any) -> Any:
    if isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, list):
        return [_plain_value(v) for v in value]
    if isinstance(value, dt.datetime):
        raise TypeError("record fields outside `history` hold dates, not times")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, BaseModel):
        return plain(value)
    raise TypeError(f"no plain form for {type(value).__name__}")


def _flatten(prefix: str, value: Any, out: list[tuple[str, Any]]) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            _flatten(f"{prefix}.{key}" if prefix else key, inner, out)
    elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        for i, inner in enumerate(value, 1):
            _flatten(f"{prefix}[{i}]", inner, out)
    else:
        out.append((prefix, value))


class RecordViews:
    """Builds record views for one build (names, titles and backlinks resolved once)."""

    def __init__(
        self, records: Sequence[Record], config: Config, formats: Formats, moment: dt.datetime
    ) -> None:
        self.config = config
        self.formats = formats
        self.moment = moment
        self.names = Names(config)
        self.titles = {r.id: r.title for r in records}
        self.back = backlinks(records)

    @classmethod
    def from_index(
        cls,
        config: Config,
        formats: Formats,
        moment: dt.datetime,
        titles: dict[str, str],
        back: dict[str, list[str]],
    ) -> RecordViews:
        """Views from titles and backlinks already known (a worker holds only some of the records)."""
        views = cls.__new__(cls)
        views.config, views.formats, views.moment = config, formats, moment
        views.names = Names(config)
        views.titles, views.back = titles, back
        return views

    def link(self, record_id: str) -> Link:
        title = self.titles.get(record_id)
        return (
            Link(f"{record_id} · {title}", record_href(record_id)) if title is not None else Link(record_id)
        )

    def status_at(self, record: Record) -> str:
        return record.status_at(self.moment) or record.status

    def summary(self, record: Record) -> RecordSummary:
        """The record as a list row (remembered: section and team pages list the same records)."""
        memo: dict[int, RecordSummary] = self.__dict__.setdefault("_summaries", {})
        found = memo.get(id(record))
        if found is None:
            found = memo[id(record)] = self._summary(record)
        return found

    def _summary(self, record: Record) -> RecordSummary:
        status = self.status_at(record)
        return RecordSummary(
            record.id,
            record.title,
            self.formats.label(record.type),
            self.formats.label(getattr(record, "kind", None)),
            self.formats.label(status),
            status,
            self.formats.date(record.created),
            record_href(record.id),
        )

    def _value(self, name: str, value: Any) -> tuple[Link, ...]:
        values = value if isinstance(value, list) else [value]
        links: list[Link] = []
        for v in values:
            if name in _PEOPLE_FIELDS and isinstance(v, str):
                links.append(
                    Link(self.names.person(v), f"people.html#{v}" if v in self.config.people else "")
                )
            elif name in _ID_FIELDS and isinstance(v, str):
                links.append(self.link(v))
            elif name == "receivers" and isinstance(v, str):
                kind, _, key = v.partition(":")
                if kind == "team":
                    links.append(
                        Link(self.names.team(key), f"teams/{key}.html" if key in self.config.teams else "")
                    )
                elif kind == "person":
                    links.append(
                        Link(
                            self.names.person(key), f"people.html#{key}" if key in self.config.people else ""
                        )
                    )
                else:
                    links.append(Link(self.formats.label(v)))
            elif name in _LABELLED_FIELDS and isinstance(v, str):
                links.append(Link(self.formats.label(v)))
            elif isinstance(v, float) and not isinstance(v, bool):
                links.append(Link(self.formats.measured(v)))  # as written: 640, 4,25
            elif isinstance(v, bool) or v is None or isinstance(v, int):
                links.append(Link(self.formats.number(v)))
            else:
                links.append(Link(str(v)))
        return tuple(links)

    def view(self, record: Record) -> RecordView:
        data = plain(record, _SHOWN_APART)
        flat: list[tuple[str, Any]] = []
        _flatten("", data, flat)
        fields = tuple(FieldRow(name, self._value(name, value)) for name, value in flat)
        timeline = tuple(
            TimelineEvent(
                e.at.isoformat(),
                self.formats.moment(e.at),
                self.formats.label(e.status),
                self.names.person(e.by),
                e.note or "",
            )
            for e in record.events_until(self.moment)
        )
        teams: list[Link] = []
        if isinstance(record, Compliment):
            teams = [
                Link(self.names.team(t), f"teams/{t}.html")
                for t in record.receiver_teams
                if t in self.config.teams
            ]
        status = self.status_at(record)
        return RecordView(
            id=record.id,
            title=record.title,
            type=record.type,
            type_label=self.formats.label(record.type),
            kind=self.formats.label(getattr(record, "kind", None)),
            status=self.formats.label(status),
            status_key=status,
            created=self.formats.date(record.created),
            href=record_href(record.id),
            body=record.body,
            fields=fields,
            timeline=timeline,
            themes=tuple(
                self._section_link("themes", t, self.names.theme(t), self.config.themes)
                for t in record.themes
            ),
            departments=tuple(
                self._section_link("departments", d, self.names.department(d), self.config.departments)
                for d in record.departments
            ),
            teams=tuple(teams),
            tags=tuple(record.tags),
            referenced_by=tuple(self.link(i) for i in self.back.get(record.id, [])),
            context=self._context(record),
        )

    def _context(self, record: Record) -> tuple[tuple[str, str], ...]:
        label, _ = self.formats.label, self.formats._
        if isinstance(record, Improvement):
            return ((_("Strategy of the organisation"), label(self.config.strategy)),)
        segment = self.config.segments.get(record.segment or "") if isinstance(record, Signal) else None
        if segment is not None:
            return ((_("Feedback to its segment"), label(segment.feedback)),)
        return ()

    @staticmethod
    def _section_link(folder: str, key: str, name: str, known: dict[str, Any]) -> Link:
        return Link(name, f"{folder}/{key}.html" if key in known else "")
