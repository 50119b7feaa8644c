"""complaints.*, signals.*, questions.*, customers.* and survey.* KPIs, and the analyses behind them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from typing import Any, TypeVar

from kscms.kpi.scope import Measure, Scope, kpi
from kscms.kpi.stats import ceil_fraction, exact, mean, median, pct
from kscms.model.signal import Signal

TOP_TOPICS = 5
K = TypeVar("K", bound=str)


def ranked(counts: Mapping[K, int]) -> list[tuple[K, int]]:
    """(key, count) by count descending, ties by key ascending."""
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


# ---- complaints -----------------------------------------------------------------------------------


def _complaints(scope: Scope) -> list[Signal]:
    return [s for s in scope.signals if s.kind == "complaint"]


def _within_norm(scope: Scope, stage: str, norm_name: str) -> Measure:
    norm = scope.norm_days(norm_name)
    days = [d for s in _complaints(scope) if (d := scope.days_to(s, stage)) is not None]
    return Measure(pct(sum(1 for d in days if d <= norm), len(days)), len(days))


@kpi("complaints.received")
def received(scope: Scope) -> Measure:
    """Signals of kind complaint created in the period."""
    n = len(_complaints(scope))
    return Measure(n, n)


@kpi("complaints.acknowledged_within_norm_pct")
def acknowledged_within_norm_pct(scope: Scope) -> Measure:
    """% of acknowledged complaints acknowledged within `norms.complaint_acknowledge_days` (<=)."""
    return _within_norm(scope, "acknowledged", "complaint_acknowledge_days")


@kpi("complaints.resolved_within_norm_pct")
def resolved_within_norm_pct(scope: Scope) -> Measure:
    """% of resolved complaints resolved within `norms.complaint_resolve_days` of the first event."""
    return _within_norm(scope, "resolved", "complaint_resolve_days")


@kpi("complaints.median_days_to_resolve")
def median_days_to_resolve(scope: Scope) -> Measure:
    """Median days from the first event to `resolved`, over the complaints resolved as of."""
    days = [d for s in _complaints(scope) if (d := scope.days_to(s, "resolved")) is not None]
    return Measure(median(days), len(days))


@kpi("complaints.handling_satisfaction_avg")
def handling_satisfaction_avg(scope: Scope) -> Measure:
    """Mean `complaint.satisfaction` (1-5) over the period's complaints that have it."""
    scores = [
        Fraction(s.complaint.satisfaction)
        for s in _complaints(scope)
        if s.complaint and s.complaint.satisfaction
    ]
    return Measure(mean(scores), len(scores))


# ---- signals by kind and channel --------------------------------------------------------------------


@kpi("signals.by_kind")
def by_kind(scope: Scope) -> Measure:
    """Signals of the period per kind: {kind: count} (kinds without signals are left out)."""
    counts = Counter(s.kind for s in scope.signals)
    return Measure(dict(ranked(counts)), len(scope.signals))


@kpi("signals.by_channel")
def by_channel(scope: Scope) -> Measure:
    """Signals of the period per channel: {channel: count}, over the signals that name a channel."""
    counts = Counter(s.channel for s in scope.signals if s.channel)
    return Measure(dict(ranked(counts)), sum(counts.values()))


# ---- questions ---------------------------------------------------------------------------------------


def topic_counts(signals: Iterable[Signal]) -> tuple[Counter[str], int, int]:
    """Summed `question.count` per topic, the summed count of all question signals, and how many there are."""
    topics: Counter[str] = Counter()
    total = number = 0
    for s in signals:
        if s.kind != "question":
            continue
        number += 1
        total += s.question_count
        if s.question and s.question.topic:
            topics[s.question.topic] += s.question_count
    return topics, total, number


def question_channels(signals: Iterable[Signal]) -> list[dict[str, Any]]:
    """Summed `question.count` per channel, most first ('' for questions without a channel):
    [{channel, count, share_pct}]. Which channel customers still use for their questions (DOMAIN:
    "90% still phone while the organisation wants web")."""
    channels: Counter[str] = Counter()
    for s in signals:
        if s.kind == "question":
            channels[s.channel or ""] += s.question_count
    total = sum(channels.values())
    return [{"channel": c, "count": n, "share_pct": pct(n, total)} for c, n in ranked(channels)]


def top_topics(signals: Iterable[Signal], limit: int | None = TOP_TOPICS) -> list[dict[str, Any]] | None:
    """Topics with the highest summed count: [{topic, count, share_pct}]; None without questions."""
    topics, total, _number = topic_counts(signals)
    if not total:
        return None
    rows = ranked(topics)
    return [{"topic": t, "count": c, "share_pct": pct(c, total)} for t, c in rows[:limit]]


@kpi("questions.top_topics")
def questions_top_topics(scope: Scope) -> Measure:
    """The 5 topics with the highest summed `question.count`, share of the period's summed count."""
    _topics, _total, number = topic_counts(scope.signals)
    return Measure(top_topics(scope.signals), number)


# ---- customers ---------------------------------------------------------------------------------------


def customer_counts(signals: Iterable[Signal]) -> list[tuple[str, int]]:
    """Customers by number of signals naming them, descending, ties by customer id."""
    return ranked(Counter(s.customer for s in signals if s.customer))


def top20_share(signals: Iterable[Signal]) -> tuple[Fraction | None, int, int]:
    """(% of signals from the top ceil(20%) of customers, how many top customers, signals naming one)."""
    counts = customer_counts(signals)
    total = sum(c for _k, c in counts)
    top = ceil_fraction(len(counts), 5)
    return pct(sum(c for _k, c in counts[:top]), total), top, total


@kpi("customers.top20_share_pct")
def top20_share_pct(scope: Scope) -> Measure:
    """% of the signals naming a customer that come from the top ceil(20%) of those customers."""
    share, _top, total = top20_share(scope.signals)
    return Measure(share, total)


# ---- survey --------------------------------------------------------------------------------------------


def surveys_newest_first(signals: Iterable[Signal]) -> list[Signal]:
    """Survey signals by `created` descending, ties by id ascending."""
    found = [s for s in signals if s.kind == "survey"]
    found.sort(key=lambda s: s.id)
    found.sort(key=lambda s: s.created, reverse=True)
    return found


def priorities(survey: Signal) -> list[dict[str, Any]]:
    """The survey's elements by importance x (10 - rating), descending, ties by element."""
    rows: list[dict[str, Any]] = []
    for e in survey.survey.elements if survey.survey else []:
        priority = exact(e.importance) * (10 - exact(e.rating))
        rows.append(
            {"element": e.element, "rating": e.rating, "importance": e.importance, "priority": priority}
        )
    rows.sort(key=lambda r: (-r["priority"], r["element"]))
    return rows


def latest_survey(signals: Sequence[Signal]) -> Signal | None:
    newest = surveys_newest_first(signals)
    return newest[0] if newest else None


@kpi("survey.priorities")
def survey_priorities(scope: Scope) -> Measure:
    """Elements of the period's latest survey signal (ties: id), ranked by importance x (10 - rating)."""
    survey = latest_survey(scope.signals)
    if survey is None:
        return Measure(None, 0)
    return Measure(priorities(survey), 1)
