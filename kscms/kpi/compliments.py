"""compliments.* KPIs: registration, days to given, norms, informing the maker, overdue, CAPs."""

from __future__ import annotations

from fractions import Fraction

from kscms.kpi.scope import Measure, Scope, kpi
from kscms.kpi.stats import median, pct
from kscms.model.compliment import Compliment

OPEN_BEFORE_GIVEN = ("registered", "forwarded")
"""Stages of a compliment that is neither given (or further), closed nor withdrawn."""


def _given(scope: Scope) -> list[tuple[Compliment, Fraction]]:
    """Compliments of the period that reached `given` as of, with their days from the first event."""
    out = []
    for c in scope.compliments:
        days = scope.days_to(c, "given")
        if days is not None:
            out.append((c, days))
    return out


@kpi("compliments.registered")
def registered(scope: Scope) -> Measure:
    """Compliments created in the period (withdrawn ones included: they were registered)."""
    n = len(scope.compliments)
    return Measure(n, n)


@kpi("compliments.median_days_to_given")
def median_days_to_given(scope: Scope) -> Measure:
    """Median days from the first event to `given`, over the compliments given as of."""
    days = [d for _c, d in _given(scope)]
    return Measure(median(days), len(days))


@kpi("compliments.given_within_norm_pct")
def given_within_norm_pct(scope: Scope) -> Measure:
    """% of the given compliments given within `norms.compliment_given_days` (<=) of the first event."""
    norm = scope.norm_days("compliment_given_days")
    given = _given(scope)
    within = sum(1 for _c, d in given if d <= norm)
    return Measure(pct(within, len(given)), len(given))


@kpi("compliments.maker_informed_pct")
def maker_informed_pct(scope: Scope) -> Measure:
    """% of given, non-anonymous compliments that reached `maker_informed` as of."""
    named = [c for c, _d in _given(scope) if not c.maker.anonymous]
    informed = sum(1 for c in named if scope.reached(c, "maker_informed") is not None)
    return Measure(pct(informed, len(named)), len(named))


def is_open_overdue(scope: Scope, compliment: Compliment) -> bool:
    """Neither given, closed nor withdrawn, and registered more than the norm before the as-of moment."""
    if scope.stage(compliment) not in OPEN_BEFORE_GIVEN:
        return False
    age = scope.age_days(compliment)
    return age is not None and age > scope.norm_days("compliment_given_days")


@kpi("compliments.open_overdue")
def open_overdue(scope: Scope) -> Measure:
    """Compliments of the period still before `given` whose first event is more than the norm ago."""
    n = sum(1 for c in scope.compliments if is_open_overdue(scope, c))
    return Measure(n, n)


@kpi("compliments.caps")
def caps(scope: Scope) -> Measure:
    """Compliments of the period with a `cap` (Compliment Acceleration Plan)."""
    n = sum(1 for c in scope.compliments if c.cap)
    return Measure(n, n)
