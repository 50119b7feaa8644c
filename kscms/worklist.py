"""The coordinator's weekly worklist (`kscms due`) and the reasons behind `kscms list --overdue`.

An item is due when, as of a moment:
- a compliment is neither given, closed nor withdrawn more than `compliment_given_days` after its first event;
- a complaint is not acknowledged within `complaint_acknowledge_days`, or not resolved within
  `complaint_resolve_days`, of its first event;
- a proposer waits for feedback more than `proposer_feedback_days` after the first event: an improvement
  with `origin.proposer` and no `proposer_feedback` (not withdrawn), or an employee idea (signal) that is
  not closed and not linked to any improvement;
- an improvement is past its `target_date` and not yet implemented (proposed, accepted or in progress);
- an accepted improvement is evaluated but its result was never communicated (`result.communicated`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from kscms.kpi.period import Period
from kscms.kpi.scope import Scope
from kscms.kpi.stats import days_between, round_half_away
from kscms.model.base import Record
from kscms.model.compliment import Compliment
from kscms.model.improvement import Improvement
from kscms.model.signal import Signal

if TYPE_CHECKING:
    from kscms.config import Config

SECTIONS: dict[str, str] = {
    "compliment-not-given": "Compliments not given within the norm",
    "complaint-not-acknowledged": "Complaints not acknowledged within the norm",
    "complaint-not-resolved": "Complaints not resolved within the norm",
    "proposer-waiting": "Proposers waiting for feedback",
    "improvement-past-target": "Improvements past their target date",
    "results-not-communicated": "Results of improvements never communicated",
}
"""Section id -> heading, in the order of the worklist."""

_ALL_TIME = Period(dt.date.min, dt.date.max, "all")
_NOT_YET_IMPLEMENTED = ("proposed", "accepted", "in_progress")


@dataclass(frozen=True)
class DueItem:
    """One line of the worklist."""

    section: str
    """A key of SECTIONS."""
    record_id: str
    title: str
    status: str
    """The status as of the moment."""
    since: dt.date
    """When the clock started: the local date of the first event, or the target date."""
    days_over: float
    """Days past the norm (or the target date), rounded to 1 decimal."""
    who: str | None
    """People key of who should act (giver, owner, coordinator), when known."""
    reason: str
    """One sentence: what is late and by how much."""

    def to_json(self) -> dict[str, Any]:
        return {
            "section": self.section,
            "id": self.record_id,
            "title": self.title,
            "status": self.status,
            "since": self.since.isoformat(),
            "days_over": self.days_over,
            "who": self.who,
            "reason": self.reason,
        }


def _days(value: Fraction) -> str:
    return f"{round_half_away(value):g}"


def _coordinator(record: Record, config: Config) -> str | None:
    own = getattr(record, "coordinator", None)
    if own:
        return str(own)
    coordinators = config.people_with_role("coordinator")
    return coordinators[0] if coordinators else None


class _Finder:
    """Walks the records once per section; `scope` applies the as-of rule."""

    def __init__(self, records: Sequence[Record], config: Config, as_of: dt.datetime) -> None:
        self.scope = Scope(records, config, _ALL_TIME, as_of)
        self.config = config

    def item(
        self,
        section: str,
        record: Record,
        over: Fraction,
        who: str | None,
        reason: str,
        since: dt.date | None = None,
    ) -> DueItem:
        events = self.scope.events(record)
        start = self.config.local_date(events[0].at) if events else record.created
        return DueItem(
            section,
            record.id,
            record.title,
            events[-1].status if events else record.status,
            since or start,
            round_half_away(over) or 0.0,
            who,
            reason,
        )

    def past_norm(self, record: Record, norm_name: str) -> Fraction | None:
        """Days past the norm (positive), or None when within it."""
        age = self.scope.age_days(record)
        norm = self.scope.norm_days(norm_name)
        return age - norm if age is not None and age > norm else None

    def compliments(self) -> Iterator[DueItem]:
        norm = self.config.norms.compliment_given_days
        for c in self.scope.existing:
            if not isinstance(c, Compliment) or self.scope.stage(c) not in ("registered", "forwarded"):
                continue
            over = self.past_norm(c, "compliment_given_days")
            if over is not None:
                who = (
                    c.giver
                    if self.scope.stage(c) == "forwarded" and c.giver
                    else _coordinator(c, self.config)
                )
                yield self.item(
                    "compliment-not-given",
                    c,
                    over,
                    who,
                    f"not given {_days(over + Fraction(norm))} days after registration (norm {norm:g})",
                )

    def complaints(self) -> Iterator[DueItem]:
        norms = self.config.norms
        for s in self.scope.existing:
            if not isinstance(s, Signal) or s.kind != "complaint":
                continue
            stage = self.scope.stage(s)
            who = _coordinator(s, self.config)
            over = self.past_norm(s, "complaint_acknowledge_days")
            if stage == "new" and over is not None:
                yield self.item(
                    "complaint-not-acknowledged",
                    s,
                    over,
                    who,
                    f"not acknowledged {_days(over + Fraction(norms.complaint_acknowledge_days))} days "
                    f"after registration (norm {norms.complaint_acknowledge_days:g})",
                )
            over = self.past_norm(s, "complaint_resolve_days")
            if stage in ("new", "acknowledged") and over is not None:
                yield self.item(
                    "complaint-not-resolved",
                    s,
                    over,
                    who,
                    f"not resolved {_days(over + Fraction(norms.complaint_resolve_days))} days "
                    f"after registration (norm {norms.complaint_resolve_days:g})",
                )

    def _waiting(self, r: Record, linked: set[str]) -> str | None:
        """Who waits for feedback on `r` (the proposer), if anyone does."""
        if isinstance(r, Improvement):
            if r.origin.proposer and not r.proposer_feedback and self.scope.stage(r) != "withdrawn":
                return f"{r.origin.proposer} has had no feedback"
            return None
        if not isinstance(r, Signal) or r.employee_idea is None:
            return None
        if r.improvements or r.id in linked or self.scope.stage(r) == "closed":
            return None
        return f"idea of {r.employee_idea.proposer} has led to no improvement or answer"

    def proposers(self) -> Iterator[DueItem]:
        norm = self.config.norms.proposer_feedback_days
        linked = {sid for r in self.scope.existing if isinstance(r, Improvement) for sid in r.origin.signals}
        for r in self.scope.existing:
            what = self._waiting(r, linked)
            over = self.past_norm(r, "proposer_feedback_days") if what else None
            if what and over is not None:
                waited = _days(over + Fraction(norm))
                yield self.item(
                    "proposer-waiting",
                    r,
                    over,
                    _coordinator(r, self.config),
                    f"{what} for {waited} days (norm {norm:g})",
                )

    def improvements(self) -> Iterator[DueItem]:
        end_of = dt.time.max
        for r in self.scope.existing:
            if not isinstance(r, Improvement):
                continue
            stage = self.scope.stage(r)
            if r.target_date and stage in _NOT_YET_IMPLEMENTED and r.target_date < self.scope.as_of_date:
                over = days_between(
                    dt.datetime.combine(r.target_date, end_of, self.config.tz), self.scope.as_of
                )
                yield self.item(
                    "improvement-past-target",
                    r,
                    over,
                    r.owner or _coordinator(r, self.config),
                    f"target date {r.target_date} has passed; status {stage}",
                    since=r.target_date,
                )
            told = r.result.communicated and r.result.communicated <= self.scope.as_of_date
            if stage == "evaluated" and self.scope.has_reached(r, "accepted") and not told:
                event = self.scope.reached(r, "evaluated")
                assert event is not None
                over = days_between(event.at, self.scope.as_of)
                yield self.item(
                    "results-not-communicated",
                    r,
                    over,
                    r.owner or _coordinator(r, self.config),
                    f"evaluated on {self.config.local_date(event.at)}; the result was not communicated",
                    since=self.config.local_date(event.at),
                )


def worklist(records: Sequence[Record], config: Config, as_of: dt.datetime) -> list[DueItem]:
    """Every due item as of `as_of`, by section (order of SECTIONS), then oldest first, then id."""
    finder = _Finder(records, config, as_of)
    items = [*finder.compliments(), *finder.complaints(), *finder.proposers(), *finder.improvements()]
    order = {key: i for i, key in enumerate(SECTIONS)}
    items.sort(key=lambda it: (order[it.section], it.since, it.record_id))
    return items


def overdue_reasons(records: Sequence[Record], config: Config, as_of: dt.datetime) -> dict[str, str]:
    """Record id -> why it is overdue (reasons joined with '; '), for `kscms list --overdue`."""
    reasons: dict[str, list[str]] = {}
    for item in worklist(records, config, as_of):
        reasons.setdefault(item.record_id, []).append(item.reason)
    return {rid: "; ".join(found) for rid, found in reasons.items()}
