"""improvements.* KPIs: implemented (by the `implemented` date), cross-department, lead time, results."""

from __future__ import annotations

from kscms.kpi.scope import Measure, Scope, kpi
from kscms.kpi.stats import days_between, median, pct
from kscms.model.improvement import Improvement

DECIDED = ("accepted", "rejected")


def implemented_in_period(scope: Scope) -> list[Improvement]:
    """Improvements (created any time) whose first `implemented` event falls in the period (local date)."""
    out = []
    for imp in scope.all_improvements:
        event = scope.reached(imp, "implemented")
        if event is not None and scope.config.local_date(event.at) in scope.period:
            out.append(imp)
    return out


@kpi("improvements.implemented")
def implemented(scope: Scope) -> Measure:
    """Improvements whose `implemented` event falls in the period."""
    n = len(implemented_in_period(scope))
    return Measure(n, n)


@kpi("improvements.cross_department_implemented")
def cross_department_implemented(scope: Scope) -> Measure:
    """Of the improvements implemented in the period, those with two or more departments."""
    n = sum(1 for imp in implemented_in_period(scope) if imp.cross_department)
    return Measure(n, n)


@kpi("improvements.median_lead_time_days")
def median_lead_time_days(scope: Scope) -> Measure:
    """Median days from `accepted` to `implemented`, over the improvements implemented in the period."""
    days = []
    for imp in implemented_in_period(scope):
        accepted = scope.reached(imp, "accepted")
        done = scope.reached(imp, "implemented")
        if accepted is not None and done is not None:
            days.append(days_between(accepted.at, done.at))
    return Measure(median(days), len(days))


@kpi("improvements.results_communicated_pct")
def results_communicated_pct(scope: Scope) -> Measure:
    """% of the period's improvements evaluated (or closed on the accepted path) with `result.communicated`.

    A `result.communicated` date after the as-of date does not count yet.
    """
    done = [
        imp
        for imp in scope.improvements
        if scope.stage(imp) == "evaluated"
        or (scope.stage(imp) == "closed" and scope.has_reached(imp, "accepted"))
    ]
    told = sum(1 for imp in done if imp.result.communicated and imp.result.communicated <= scope.as_of_date)
    return Measure(pct(told, len(done)), len(done))


@kpi("improvements.proposer_feedback_within_norm_pct")
def proposer_feedback_within_norm_pct(scope: Scope) -> Measure:
    """% of the period's decided improvements with a proposer, decided within `norms.proposer_feedback_days`.

    The decision is the first `accepted` or `rejected` event; the time counts from the first event.
    """
    norm = scope.norm_days("proposer_feedback_days")
    within = total = 0
    for imp in scope.improvements:
        if not imp.origin.proposer:
            continue
        decision = next((e for e in scope.events(imp) if scope.stage_of(imp, e.status) in DECIDED), None)
        if decision is None:
            continue
        total += 1
        if days_between(scope.events(imp)[0].at, decision.at) <= norm:
            within += 1
    return Measure(pct(within, total), total)
