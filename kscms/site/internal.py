"""The pages of the internal site: dashboard, improvement log, rejected register, process board,
worklist, record index and `kpi.json`. Analyses live in `analysis.py`, cross-sections in `sections.py`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from kscms.config import Config
from kscms.model.base import Record
from kscms.model.compliment import Compliment
from kscms.model.improvement import Improvement
from kscms.site.charts import bar_chart
from kscms.site.context import Link, Names, Page, paginate
from kscms.site.formats import Formats
from kscms.site.i18n import DUE_SECTIONS, KPI_LABELS
from kscms.site.public import RawFile
from kscms.site.records import RecordSummary, RecordViews

BOARD_DONE_SHOWN = 20
"""Closed and withdrawn columns of the board show this many (newest); the rest are counted."""
GROUP_LIMIT = 500
"""Rows per status group of the improvement log (newest first); the group states its full count."""


@dataclass(frozen=True)
class KpiRow:
    id: str
    label: str
    quarter: str
    year: str
    n_quarter: int
    n_year: int
    target: str
    met: bool | None


@dataclass(frozen=True)
class CountRow:
    label: str
    quarter: int
    year: int


@dataclass(frozen=True)
class ImprovementRow:
    link: Link
    status: str
    owner: str
    departments: str
    cross_department: bool
    accepted: str
    implemented: str
    lead_time: str
    target_date: str
    result: str
    proposer_feedback: str


@dataclass(frozen=True)
class StatusGroup:
    key: str
    label: str
    rows: tuple[Any, ...]
    count: int


@dataclass(frozen=True)
class RejectedRow:
    link: Link
    decided: str
    reason: str
    consequences: str
    communicated: str
    proposer: str


@dataclass(frozen=True)
class BoardCard:
    link: Link
    receivers: str
    days_open: str
    overdue: bool
    overdue_days: str


@dataclass(frozen=True)
class DueRow:
    link: Link
    status: str
    since: str
    days_over: str
    who: str


def _target(spec: dict[str, float] | None, formats: Formats) -> str:
    if not spec:
        return ""
    parts = []
    if "min" in spec:
        parts.append(f"≥ {formats.number(float(spec['min']))}")
    if "max" in spec:
        parts.append(f"≤ {formats.number(float(spec['max']))}")
    return " ".join(parts)


def kpi_json(report: Any) -> bytes:
    """`kscms kpi --format json` for the same period and as-of date."""
    return (json.dumps(report.to_json(), ensure_ascii=False, indent=2, default=str) + "\n").encode("utf-8")


def dashboard(quarter: Any, year: Any, formats: Formats) -> dict[str, Any]:
    """Context of the dashboard: scalar KPIs for quarter and year, counts by kind/channel, charts."""
    q, y = quarter.to_json()["kpis"], year.to_json()["kpis"]
    rows = [
        KpiRow(
            kpi_id,
            formats._(KPI_LABELS[kpi_id]),
            formats.number(q[kpi_id]["value"]),
            formats.number(y[kpi_id]["value"]),
            q[kpi_id]["n"],
            y[kpi_id]["n"],
            _target(q[kpi_id]["target"], formats),
            q[kpi_id]["met"],
        )
        for kpi_id in q
        if not isinstance(q[kpi_id]["value"], dict | list) and q[kpi_id]["unit"] != "list"
    ]
    counts: dict[str, list[CountRow]] = {}
    charts = {}
    for kpi_id in ("signals.by_kind", "signals.by_channel"):
        qv, yv = q[kpi_id]["value"] or {}, y[kpi_id]["value"] or {}
        keys = sorted(set(qv) | set(yv), key=lambda k: (-yv.get(k, 0), k))
        counts[kpi_id] = [CountRow(formats.label(k), qv.get(k, 0), yv.get(k, 0)) for k in keys]
        charts[kpi_id] = bar_chart(
            kpi_id.replace(".", "-"),
            f"{formats._(KPI_LABELS[kpi_id])} ({year.period.label})",
            [(r.label, float(r.year), str(r.year)) for r in counts[kpi_id]],
        )
    pct_rows = [r for r in rows if q[r.id]["unit"] == "pct" and q[r.id]["value"] is not None]
    pct_title = formats._("Percentages")
    charts["pct"] = bar_chart(
        "pct-chart",
        f"{pct_title} ({quarter.period.label})",
        [(r.label, float(q[r.id]["value"]), r.quarter) for r in pct_rows],
        scale_max=100,
    )
    return {
        "section": "dashboard",
        "quarter_label": quarter.period.label,
        "year_label": year.period.label,
        "kpis": rows,
        "by_kind": counts["signals.by_kind"],
        "by_channel": counts["signals.by_channel"],
        "charts": charts,
        "pct_rows": pct_rows,
    }


class Internal:
    """Shared state of the internal pages for one build."""

    def __init__(
        self, records: Sequence[Record], config: Config, moment: dt.datetime, formats: Formats
    ) -> None:
        from kscms.kpi.period import Period
        from kscms.kpi.scope import Scope

        self.config = config
        self.moment = moment
        self.formats = formats
        self.names = Names(config)
        self.scope = Scope(records, config, Period(dt.date.min, dt.date.max, "all"), moment)
        self.records = sorted(self.scope.existing, key=lambda r: (r.created, r.id), reverse=True)
        self.views = RecordViews(self.records, config, formats, moment)

    def stage(self, record: Record) -> str:
        return self.scope.stage(record) or record.status

    def date_of(self, record: Record, stage: str) -> dt.date | None:
        event = self.scope.reached(record, stage)
        return self.config.local_date(event.at) if event else None

    def improvements(self) -> list[StatusGroup]:
        from kscms.kpi.stats import days_between, round_half_away

        wf = self.config.workflows_by_name["improvement"]
        groups: dict[str, list[ImprovementRow]] = {s: [] for s in wf.statuses}
        for r in self.records:
            if not isinstance(r, Improvement):
                continue
            accepted, implemented = self.scope.reached(r, "accepted"), self.scope.reached(r, "implemented")
            lead = ""
            if accepted and implemented:
                lead = self.formats.number(round_half_away(days_between(accepted.at, implemented.at)))
            elif accepted:
                lead = (
                    "(" + self.formats.number(round_half_away(days_between(accepted.at, self.moment))) + ")"
                )
            result = ""
            if r.result.metric:
                before, after = self.formats.measured(r.result.before), self.formats.measured(r.result.after)
                result = f"{r.result.metric}: {before} → {after}"
            if r.result.summary:
                result = f"{result}. {r.result.summary}" if result else r.result.summary
            status = r.status_at(self.moment) or r.status
            groups.setdefault(status, []).append(
                ImprovementRow(
                    self.views.link(r.id),
                    self.formats.label(status),
                    self.names.person(r.owner),
                    ", ".join(self.names.department(d) for d in r.departments),
                    r.cross_department,
                    self.formats.date(accepted.at) if accepted else "",
                    self.formats.date(implemented.at) if implemented else "",
                    lead,
                    self.formats.date(r.target_date),
                    result,
                    self.formats._("yes")
                    if r.proposer_feedback
                    else ("" if not r.origin.proposer else self.formats._("no")),
                )
            )
        return [
            StatusGroup(s, self.formats.label(s), tuple(rows[:GROUP_LIMIT]), len(rows))
            for s, rows in groups.items()
        ]

    def rejected(self) -> list[RejectedRow]:
        rows = []
        for r in self.records:
            if isinstance(r, Improvement) and self.scope.has_reached(r, "rejected"):
                decided = self.date_of(r, "rejected")
                rows.append(
                    RejectedRow(
                        self.views.link(r.id),
                        self.formats.date(decided),
                        r.decision.reason or "",
                        r.decision.consequences or "",
                        self.formats.date(r.decision.communicated),
                        self.names.person(r.origin.proposer),
                    )
                )
        return rows

    def board(self, overdue: dict[str, float]) -> list[StatusGroup]:
        from kscms.kpi.stats import round_half_away

        wf = self.config.workflows_by_name["compliment"]
        columns: dict[str, list[BoardCard]] = {s: [] for s in wf.statuses}
        for c in self.records:
            if not isinstance(c, Compliment):
                continue
            status = c.status_at(self.moment) or c.status
            open_stage = wf.stage_of(status) not in ("closed", "withdrawn")
            age = self.scope.age_days(c) if open_stage else None
            receivers = ", ".join(self.views._value("receivers", r)[0].text for r in c.receivers)
            columns.setdefault(status, []).append(
                BoardCard(
                    self.views.link(c.id),
                    receivers,
                    self.formats.number(round_half_away(age)) if age is not None else "",
                    c.id in overdue,
                    self.formats.number(overdue.get(c.id)),
                )
            )
        groups = []
        for status, cards in columns.items():
            cards.sort(key=lambda card: (not card.overdue,))
            shown = cards[:BOARD_DONE_SHOWN] if wf.stage_of(status) in ("closed", "withdrawn") else cards
            groups.append(StatusGroup(status, self.formats.label(status), tuple(shown), len(cards)))
        return groups

    def due(self, items: Sequence[Any]) -> list[StatusGroup]:
        groups: dict[str, list[DueRow]] = {key: [] for key in DUE_SECTIONS}
        for item in items:
            groups.setdefault(item.section, []).append(
                DueRow(
                    self.views.link(item.record_id),
                    self.formats.label(item.status),
                    self.formats.date(item.since),
                    self.formats.number(item.days_over),
                    self.names.person(item.who),
                )
            )
        return [
            StatusGroup(k, self.formats._(DUE_SECTIONS.get(k, k)), tuple(rows), len(rows))
            for k, rows in groups.items()
        ]

    def summaries(self) -> list[RecordSummary]:
        return [self.views.summary(r) for r in self.records]


def internal_pages(
    records: Sequence[Record], config: Config, moment: dt.datetime, formats: Formats, day: dt.date
) -> Iterator[Page | RawFile]:
    """The index pages of `internal/`, built lazily (record pages are made by `kscms.site.pool`)."""
    site = Internal(records, config, moment, formats)
    return _index_pages(site, records, day)


def _index_pages(site: Internal, records: Sequence[Record], day: dt.date) -> Iterator[Page | RawFile]:
    from kscms.kpi import compute
    from kscms.kpi.period import Period
    from kscms.site.analysis import analysis_pages
    from kscms.site.sections import section_pages
    from kscms.worklist import worklist

    config, formats = site.config, site.formats
    quarter = compute(records, config, Period.quarter_of(day), day)
    year = compute(records, config, Period.parse(str(day.year)), day)
    yield RawFile("kpi.json", kpi_json(quarter))
    yield Page("index.html", ("internal/dashboard.html",), dashboard(quarter, year, formats))
    yield Page(
        "improvements.html",
        ("internal/improvements.html",),
        {"section": "improvements", "groups": site.improvements()},
    )
    yield Page("rejected.html", ("internal/rejected.html",), {"section": "rejected", "rows": site.rejected()})
    items = worklist(records, config, site.moment)
    overdue = {i.record_id: i.days_over for i in items if i.section == "compliment-not-given"}
    yield Page(
        "board.html",
        ("internal/board.html",),
        {
            "section": "board",
            "columns": site.board(overdue),
            "norm": f"{config.norms.compliment_given_days:g}",
        },
    )
    yield Page(
        "due.html", ("internal/due.html",), {"section": "due", "groups": site.due(items), "total": len(items)}
    )
    summaries = site.summaries()
    for path, chunk, pager in paginate(summaries, "records/index.html"):
        yield Page(
            path,
            ("internal/records.html",),
            {"section": "records", "rows": chunk, "pager": pager, "total": len(summaries)},
        )
    yield from analysis_pages(site, day)
    yield from section_pages(site, day)
