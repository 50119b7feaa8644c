"""The KPI ids of SPEC section 7 with their units: data only, cheap to import (config validates targets)."""

from __future__ import annotations

KPI_UNITS: dict[str, str] = {
    "compliments.registered": "count",
    "compliments.median_days_to_given": "days",
    "compliments.given_within_norm_pct": "pct",
    "compliments.maker_informed_pct": "pct",
    "compliments.open_overdue": "count",
    "compliments.caps": "count",
    "complaints.received": "count",
    "complaints.acknowledged_within_norm_pct": "pct",
    "complaints.resolved_within_norm_pct": "pct",
    "complaints.median_days_to_resolve": "days",
    "complaints.handling_satisfaction_avg": "score",
    "signals.by_kind": "count",
    "signals.by_channel": "count",
    "questions.top_topics": "list",
    "customers.top20_share_pct": "pct",
    "survey.priorities": "list",
    "threads.red_threads": "list",
    "improvements.implemented": "count",
    "improvements.cross_department_implemented": "count",
    "improvements.median_lead_time_days": "days",
    "improvements.results_communicated_pct": "pct",
    "improvements.proposer_feedback_within_norm_pct": "pct",
}

KPI_IDS: tuple[str, ...] = tuple(KPI_UNITS)
KPI_NOT_NUMBERS = frozenset(
    {"signals.by_kind", "signals.by_channel", *(k for k, unit in KPI_UNITS.items() if unit == "list")}
)
"""KPIs whose value is an object or a list, not one number: no `targets` min or max applies."""
