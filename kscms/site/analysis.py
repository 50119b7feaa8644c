"""Analysis pages of the internal site: common threads, Pareto of customers, top questions and the
survey priority matrix. The numbers come from `kscms.kpi` (the same functions as `kscms threads`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kscms.site.charts import bar_chart, matrix_chart, pareto_chart
from kscms.site.context import Link, Page

if TYPE_CHECKING:
    from kscms.site.internal import Internal


THREAD_SIGNALS = 100
"""Signals listed under a thread (the count says how many there are)."""


@dataclass(frozen=True)
class ThreadView:
    theme: Link
    count: int
    kinds: str
    departments: str
    signals: tuple[Link, ...]


@dataclass(frozen=True)
class ParetoRow:
    customer: str
    signals: int
    cumulative_pct: str


@dataclass(frozen=True)
class TopicRow:
    topic: str
    count: int
    share: str


@dataclass(frozen=True)
class PriorityRow:
    element: str
    rating: str
    importance: str
    priority: str


def year_scope(site: Internal, day: dt.date) -> Any:
    from kscms.kpi.period import Period
    from kscms.kpi.scope import Scope

    return Scope(site.scope.existing, site.config, Period.parse(str(day.year)), site.moment)


def thread_views(site: Internal, threads: Any) -> list[ThreadView]:
    names, formats = site.names, site.formats
    return [
        ThreadView(
            Link(names.theme(t.theme), f"themes/{t.theme}.html" if t.theme in site.config.themes else ""),
            len(t.signal_ids),
            ", ".join(formats.label(k) for k in t.kinds),
            ", ".join(names.department(d) for d in t.departments),
            tuple(site.views.link(i) for i in t.signal_ids[::-1][:THREAD_SIGNALS]),
        )
        for t in threads
    ]


def analysis_pages(site: Internal, day: dt.date) -> Iterator[Page]:
    from kscms.kpi.signals import (
        customer_counts,
        priorities,
        question_channels,
        surveys_newest_first,
        top_topics,
    )
    from kscms.kpi.stats import round_half_away
    from kscms.kpi.threads import red_threads

    formats = site.formats
    scope = year_scope(site, day)
    period = scope.period.label
    yield Page(
        "threads.html",
        ("internal/threads.html",),
        {"section": "threads", "period": period, "threads": thread_views(site, red_threads(scope.signals))},
    )

    counts = customer_counts(scope.signals)
    total = sum(c for _k, c in counts)
    rows, running = [], 0
    for key, count in counts:
        running += count
        rows.append(
            ParetoRow(key, count, formats.number(round_half_away(100 * running / total) if total else None))
        )
    top = -(-len(counts) // 5)
    share = round_half_away(100 * sum(c for _k, c in counts[:top]) / total) if total else None
    yield Page(
        "pareto.html",
        ("internal/pareto.html",),
        {
            "section": "pareto",
            "period": period,
            "rows": rows[:200],
            "customers": len(counts),
            "signals": total,
            "top": top,
            "share": formats.number(share),
            "chart": pareto_chart(
                "pareto-chart", formats._("Signals per customer, with the cumulative share"), counts
            ),
        },
    )

    topics = top_topics(scope.signals, None) or []
    topic_rows = [
        TopicRow(t["topic"], t["count"], formats.number(round_half_away(t["share_pct"]))) for t in topics
    ]
    channel_rows = [
        TopicRow(
            formats.label(c["channel"]) if c["channel"] else formats._("no channel"),
            c["count"],
            formats.number(round_half_away(c["share_pct"])),
        )
        for c in question_channels(scope.signals)
    ]
    yield Page(
        "questions.html",
        ("internal/questions.html",),
        {
            "section": "questions",
            "period": period,
            "channels": channel_rows,
            "rows": topic_rows[:50],
            "chart": bar_chart(
                "questions-chart",
                formats._("Questions per topic"),
                [(r.topic, float(r.count), str(r.count)) for r in topic_rows[:10]],
            ),
        },
    )

    surveys = surveys_newest_first(scope.signals)
    latest = surveys[0] if surveys else None
    prio = priorities(latest) if latest else []
    prio_rows = [
        PriorityRow(
            p["element"],
            formats.number(float(p["rating"])),
            formats.decimals(float(p["importance"]), 2),
            formats.number(round_half_away(p["priority"])),
        )
        for p in prio
    ]
    yield Page(
        "survey.html",
        ("internal/survey.html",),
        {
            "section": "survey",
            "period": period,
            "survey": site.views.link(latest.id) if latest else None,
            "rows": prio_rows,
            "others": [site.views.link(s.id) for s in surveys[1:]],
            "chart": matrix_chart(
                "survey-chart",
                formats._("Importance against rating"),
                [(p["element"], float(p["importance"]), float(p["rating"])) for p in prio],
                formats._("importance"),
                formats._("rating"),
            ),
        },
    )
