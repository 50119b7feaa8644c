"""What every KPI function sees: the records as of a moment, split by type and period, and the registry.

A KPI is a function `f(scope) -> Measure` registered with `@kpi("<id>")` (ids from `kpi/ids.py`).
`Scope` applies the as-of rule once: a record whose first event is after the as-of moment does not
exist yet, and events after that moment are ignored. Statuses are compared through their workflow
stage, so organisations with custom statuses get the same KPIs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from kscms.kpi.ids import KPI_UNITS
from kscms.kpi.period import Period
from kscms.kpi.stats import days_between, exact
from kscms.model.base import Event, Record
from kscms.model.compliment import Compliment
from kscms.model.improvement import Improvement
from kscms.model.signal import Signal

if TYPE_CHECKING:
    from kscms.config import Config


@dataclass(frozen=True)
class Measure:
    """What a KPI function returns, before rounding and targets."""

    value: Any
    """An exact number (int or Fraction), an object, a list, or None when the set is empty."""
    n: int
    """How many records the value rests on."""


KpiFunction = Callable[["Scope"], Measure]
REGISTRY: dict[str, KpiFunction] = {}
"""KPI id -> function, in the order the modules register them (see `kpi/__init__.py`)."""


def kpi(kpi_id: str) -> Callable[[KpiFunction], KpiFunction]:
    """Register a KPI function under an id of SPEC section 7 (`@kpi("compliments.registered")`)."""
    if kpi_id not in KPI_UNITS:
        raise ValueError(f"unknown KPI id {kpi_id!r}: add it to kscms/kpi/ids.py first")

    def register(func: KpiFunction) -> KpiFunction:
        REGISTRY[kpi_id] = func
        return func

    return register


class Scope:
    """The records of one KPI run, as of one moment, with stage helpers."""

    def __init__(self, records: Sequence[Record], config: Config, period: Period, as_of: dt.datetime) -> None:
        self.config = config
        self.period = period
        self.as_of = as_of
        """The as-of moment (aware); later events are ignored."""
        self.as_of_date = config.local_date(as_of)
        self._events: dict[int, list[Event]] = {}
        self._norms: dict[str, Fraction] = {}
        self.existing: list[Record] = [r for r in records if self.exists(r)]
        """Every record that exists as of the moment, whatever its period."""
        in_period = [r for r in self.existing if r.created in period]
        self.signals: list[Signal] = [r for r in in_period if isinstance(r, Signal)]
        self.compliments: list[Compliment] = [r for r in in_period if isinstance(r, Compliment)]
        self.improvements: list[Improvement] = [r for r in in_period if isinstance(r, Improvement)]
        """Records created in the period, by type."""
        self.all_improvements: list[Improvement] = [r for r in self.existing if isinstance(r, Improvement)]
        """Improvements of any period (for the KPIs counted by the date of `implemented`)."""

    def events(self, record: Record) -> list[Event]:
        """The record's history up to the as-of moment."""
        key = id(record)
        found = self._events.get(key)
        if found is None:
            found = record.events_until(self.as_of)
            self._events[key] = found
        return found

    def exists(self, record: Record) -> bool:
        """True unless the record's first event comes after the as-of moment."""
        first = record.first_at
        if first is None:
            return record.created <= self.as_of_date
        return first <= self.as_of

    def stage_of(self, record: Record, status: str) -> str | None:
        return self.config.workflows_by_name[record.workflow_name].stage_of(status)

    def stage(self, record: Record) -> str | None:
        """The built-in stage of the record's status as of the moment."""
        events = self.events(record)
        return self.stage_of(record, events[-1].status) if events else None

    def reached(self, record: Record, stage: str) -> Event | None:
        """The first event (as of the moment) that moved the record to a status of `stage`."""
        for event in self.events(record):
            if self.stage_of(record, event.status) == stage:
                return event
        return None

    def has_reached(self, record: Record, *stages: str) -> bool:
        return any(self.stage_of(record, e.status) in stages for e in self.events(record))

    def days_to(self, record: Record, stage: str) -> Fraction | None:
        """Days from the record's first event to its first event of `stage` (None if not reached)."""
        event = self.reached(record, stage)
        if event is None:
            return None
        return days_between(self.events(record)[0].at, event.at)

    def norm_days(self, name: str) -> Fraction:
        """A norm of kscms.yaml (`compliment_given_days`, ...) as an exact number of days."""
        found = self._norms.get(name)
        if found is None:
            found = self._norms[name] = exact(getattr(self.config.norms, name))
        return found

    def age_days(self, record: Record) -> Fraction | None:
        """Days from the record's first event to the as-of moment."""
        events = self.events(record)
        return days_between(events[0].at, self.as_of) if events else None
