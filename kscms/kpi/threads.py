"""Common threads (rode draden): themes carried by signals of two or more kinds or departments."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kscms.kpi.period import Period
from kscms.kpi.scope import Measure, Scope, kpi
from kscms.model.base import Record
from kscms.model.signal import Signal

if TYPE_CHECKING:
    from kscms.config import Config


@dataclass(frozen=True)
class Thread:
    """One common thread and the signals behind it."""

    theme: str
    """Theme key."""
    signal_ids: tuple[str, ...]
    """Ids of the signals that carry the theme, sorted."""
    kinds: tuple[str, ...]
    """Distinct signal kinds among them, sorted."""
    departments: tuple[str, ...]
    """Distinct departments named by them, sorted."""

    def to_json(self) -> dict[str, Any]:
        """The KPI form: `{theme, signals (a count), kinds (sorted list), departments (sorted list)}`."""
        return {
            "theme": self.theme,
            "signals": len(self.signal_ids),
            "kinds": list(self.kinds),
            "departments": list(self.departments),
        }


def themes_of(signals: Iterable[Signal]) -> list[Thread]:
    """Every theme named by the signals, as a Thread (qualifying or not), ranked like red threads."""
    by_theme: dict[str, list[Signal]] = {}
    for s in signals:
        for theme in dict.fromkeys(s.themes):
            by_theme.setdefault(theme, []).append(s)
    out = [
        Thread(
            theme,
            tuple(sorted(s.id for s in group)),
            tuple(sorted({s.kind for s in group})),
            tuple(sorted({d for s in group for d in s.departments})),
        )
        for theme, group in by_theme.items()
    ]
    out.sort(key=lambda t: (-len(t.signal_ids), t.theme))
    return out


def red_threads(signals: Iterable[Signal]) -> list[Thread]:
    """Themes carried by signals of two or more kinds or of two or more departments.

    Ranked by number of signals (descending), ties by theme key (ascending).
    """
    return [t for t in themes_of(signals) if len(t.kinds) >= 2 or len(t.departments) >= 2]


@kpi("threads.red_threads")
def threads_red_threads(scope: Scope) -> Measure:
    """The period's red threads: [{theme, signals, kinds, departments}]; n = distinct signals behind them.

    Null when the period has no signals (SPEC 7: null where the set is empty), as `questions.top_topics`
    without questions; a period whose signals share no theme has none: `[]`.
    """
    if not scope.signals:
        return Measure(None, 0)
    threads = red_threads(scope.signals)
    behind = {i for t in threads for i in t.signal_ids}
    return Measure([t.to_json() for t in threads], len(behind))


def previous_survey(signals: Sequence[Signal], survey: Signal) -> Signal | None:
    """The survey just before `survey` in the order newest first (created descending, ties by id)."""
    from kscms.kpi.signals import surveys_newest_first

    ordered = surveys_newest_first(signals)
    for i, s in enumerate(ordered):
        if s is survey:
            return ordered[i + 1] if i + 1 < len(ordered) else None
    return None


def survey_comparison(
    signals_in_period: Sequence[Signal], all_signals: Sequence[Signal]
) -> dict[str, Any] | None:
    """The period's latest survey by priority, with the previous survey's rating and priority beside."""
    from kscms.kpi.signals import latest_survey, priorities

    survey = latest_survey(signals_in_period)
    if survey is None:
        return None
    before = previous_survey(all_signals, survey)
    old = {row["element"]: row for row in priorities(before)} if before else {}
    elements = []
    for row in priorities(survey):
        prev = old.get(row["element"])
        elements.append(
            {
                **row,
                "previous_rating": prev["rating"] if prev else None,
                "previous_priority": prev["priority"] if prev else None,
            }
        )
    ref = {"id": before.id, "created": before.created.isoformat()} if before else None
    return {"id": survey.id, "created": survey.created.isoformat(), "previous": ref, "elements": elements}


def analysis(
    records: Sequence[Record], config: Config, period: Period, as_of: dt.date | dt.datetime, top: int = 5
) -> dict[str, Any]:
    """Everything `kscms threads` shows (rounded, JSON-ready): threads with their signals, the Pareto of
    customers, the top question topics and the survey priorities beside the previous survey."""
    from kscms.kpi.period import as_of_moment
    from kscms.kpi.report import rounded
    from kscms.kpi.signals import customer_counts, top20_share, top_topics

    scope = Scope(records, config, period, as_of_moment(as_of, config.tz))
    signals = scope.signals
    themes = config.themes
    threads = [
        {
            **t.to_json(),
            "name": themes[t.theme].name if t.theme in themes else t.theme,
            "signal_ids": list(t.signal_ids),
        }
        for t in red_threads(signals)
    ]
    share, top_n, total = top20_share(signals)
    ranking = customer_counts(signals)
    customers = {
        "share_pct": share,
        "top": top_n,
        "customers": len(ranking),
        "signals": total,
        "ranking": [{"customer": k, "signals": c} for k, c in ranking[:top_n]],
    }
    all_signals = [r for r in scope.existing if isinstance(r, Signal)]
    data = {
        "as_of": scope.as_of_date.isoformat(),
        "period": period.to_json(),
        "threads": threads,
        "customers": customers,
        "top_topics": top_topics(signals, top),
        "survey": survey_comparison(signals, all_signals),
    }
    return dict(rounded(data))
