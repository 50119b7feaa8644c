"""Human labels of the KPI ids (en, nl), for reports and the dashboard. Data only."""

from __future__ import annotations

KPI_LABELS: dict[str, tuple[str, str]] = {
    # id: (English, Dutch)
    "compliments.registered": ("Compliments registered", "Geregistreerde complimenten"),
    "compliments.median_days_to_given": ("Median days to given", "Mediaan dagen tot gegeven"),
    "compliments.given_within_norm_pct": ("Given within norm (%)", "Binnen de norm gegeven (%)"),
    "compliments.maker_informed_pct": ("Maker informed (%)", "Maker geïnformeerd (%)"),
    "compliments.open_overdue": ("Open past the norm", "Open en over de norm"),
    "compliments.caps": ("Compliments with a CAP", "Complimenten met een CAP"),
    "complaints.received": ("Complaints received", "Ontvangen klachten"),
    "complaints.acknowledged_within_norm_pct": (
        "Acknowledged within norm (%)",
        "Binnen de norm bevestigd (%)",
    ),
    "complaints.resolved_within_norm_pct": ("Resolved within norm (%)", "Binnen de norm opgelost (%)"),
    "complaints.median_days_to_resolve": ("Median days to resolve", "Mediaan dagen tot opgelost"),
    "complaints.handling_satisfaction_avg": (
        "Satisfaction with handling (1-5)",
        "Tevredenheid over de afhandeling (1-5)",
    ),
    "signals.by_kind": ("Signals by kind", "Signalen per soort"),
    "signals.by_channel": ("Signals by channel", "Signalen per kanaal"),
    "questions.top_topics": ("Top question topics", "Meest gestelde vragen"),
    "customers.top20_share_pct": (
        "Share of signals from the top 20% of customers (%)",
        "Aandeel signalen van de top-20% klanten (%)",
    ),
    "survey.priorities": ("Survey priorities", "Prioriteiten uit het klanttevredenheidsonderzoek"),
    "threads.red_threads": ("Common threads", "Rode draden"),
    "improvements.implemented": ("Improvements implemented", "Doorgevoerde verbeteringen"),
    "improvements.cross_department_implemented": (
        "Of which cross-department",
        "Waarvan afdelingsoverstijgend",
    ),
    "improvements.median_lead_time_days": (
        "Median lead time accepted → implemented (days)",
        "Mediaan doorlooptijd vastgesteld → doorgevoerd (dagen)",
    ),
    "improvements.results_communicated_pct": ("Results communicated (%)", "Resultaten gecommuniceerd (%)"),
    "improvements.proposer_feedback_within_norm_pct": (
        "Proposers answered within norm (%)",
        "Indieners binnen de norm beantwoord (%)",
    ),
}


def label(kpi_id: str, language: str = "en") -> str:
    """The label of a KPI id in `language` (nl or en); the id itself when unknown."""
    pair = KPI_LABELS.get(kpi_id)
    if pair is None:
        return kpi_id
    return pair[1] if language == "nl" else pair[0]
