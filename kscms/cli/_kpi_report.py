"""Text forms of a KPI report: rows for table/CSV, and the Markdown management report (ISO 10002 review)."""

from __future__ import annotations

import json
from typing import Any

from kscms.cli._output import markdown_table

SECTIONS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        "Compliments",
        "Complimenten",
        (
            "compliments.registered",
            "compliments.median_days_to_given",
            "compliments.given_within_norm_pct",
            "compliments.maker_informed_pct",
            "compliments.open_overdue",
            "compliments.caps",
        ),
    ),
    (
        "Complaints",
        "Klachten",
        (
            "complaints.received",
            "complaints.acknowledged_within_norm_pct",
            "complaints.resolved_within_norm_pct",
            "complaints.median_days_to_resolve",
            "complaints.handling_satisfaction_avg",
        ),
    ),
    ("Signals", "Signalen", ("signals.by_kind", "signals.by_channel", "customers.top20_share_pct")),
    (
        "Improvements",
        "Verbeteringen",
        (
            "improvements.implemented",
            "improvements.cross_department_implemented",
            "improvements.median_lead_time_days",
            "improvements.results_communicated_pct",
            "improvements.proposer_feedback_within_norm_pct",
        ),
    ),
)

WORDS = {
    "en": {
        "title": "Management review",
        "as_of": "As of",
        "period": "period",
        "kpi": "KPI",
        "value": "Value",
        "n": "n",
        "target": "Target",
        "met": "Met",
        "yes": "yes",
        "no": "no",
        "targets": "Targets",
        "met_count": "{met} of {total} targets met",
        "none": "nothing in this period",
        "topic": "Topic",
        "count": "Count",
        "share": "Share %",
        "element": "Element",
        "rating": "Rating",
        "importance": "Importance",
        "priority": "Priority",
        "theme": "Theme",
        "signals": "Signals",
        "kinds": "Kinds",
        "departments": "Departments",
        "key": "",
        "rounding": "Numbers are rounded to 1 decimal (half away from zero); "
        "n is how many records a value rests on.",
    },
    "nl": {
        "title": "Directiebeoordeling",
        "as_of": "Stand per",
        "period": "periode",
        "kpi": "KPI",
        "value": "Waarde",
        "n": "n",
        "target": "Norm",
        "met": "Gehaald",
        "yes": "ja",
        "no": "nee",
        "targets": "Normen",
        "met_count": "{met} van {total} normen gehaald",
        "none": "niets in deze periode",
        "topic": "Onderwerp",
        "count": "Aantal",
        "share": "Aandeel %",
        "element": "Element",
        "rating": "Cijfer",
        "importance": "Belang",
        "priority": "Prioriteit",
        "theme": "Thema",
        "signals": "Signalen",
        "kinds": "Soorten",
        "departments": "Afdelingen",
        "key": "",
        "rounding": "Getallen zijn afgerond op 1 decimaal (half van nul af); "
        "n is het aantal records waarop een waarde rust.",
    },
}


def plain_numbers(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Floats as written (7.75 stays 7.75; the table helpers would show every float with 1 decimal)."""
    return [{k: str(v) if isinstance(v, float) else v for k, v in row.items()} for row in rows]


def value_text(value: Any) -> str:
    """A KPI value as one readable line (lists and objects summarised)."""
    if value is None:
        return "-"
    if isinstance(value, dict):
        return ", ".join(f"{k} {v}" for k, v in value.items()) or "-"
    if isinstance(value, list):
        parts = []
        for item in value:
            if "topic" in item:
                parts.append(f"{item['topic']} {item['count']} ({item['share_pct']}%)")
            elif "element" in item:
                parts.append(f"{item['element']} {item['priority']}")
            elif "theme" in item:
                parts.append(f"{item['theme']} ({item['signals']})")
        return "; ".join(parts) or "-"
    return str(value)


def target_text(target: dict[str, float] | None) -> str:
    if not target:
        return ""
    return ", ".join(f"{'>=' if k == 'min' else '<='} {v:g}" for k, v in target.items())


def kpi_rows(report: Any, machine: bool = False) -> list[dict[str, Any]]:
    """One row per KPI; `machine` keeps lists and objects as compact JSON (for CSV)."""
    rows = []
    for kpi_id, v in report.kpis.items():
        value = v.value
        if value is None and not machine:
            value = "-"
        elif isinstance(value, list | dict):
            value = (
                json.dumps(value, ensure_ascii=False, separators=(",", ":")) if machine else value_text(value)
            )
        rows.append(
            {
                "id": kpi_id,
                "value": value,
                "unit": v.unit,
                "n": v.n,
                "target": target_text(v.target),
                "met": "" if v.met is None else str(v.met).lower(),
            }
        )
    return rows


def _kpi_table(report: Any, ids: tuple[str, ...], lang: str, words: dict[str, str]) -> str:
    from kscms.kpi.labels import label

    rows = []
    for kpi_id in ids:
        v = report.kpis[kpi_id]
        met = "" if v.met is None else words["yes" if v.met else "no"]
        rows.append(
            {
                "kpi": label(kpi_id, lang),
                "value": value_text(v.value),
                "n": v.n,
                "target": target_text(v.target),
                "met": met,
            }
        )
    return markdown_table(
        rows,
        ("kpi", "value", "n", "target", "met"),
        (words["kpi"], words["value"], words["n"], words["target"], words["met"]),
    )


def _list_section(
    title: str, items: Any, columns: tuple[str, ...], heads: tuple[str, ...], words: dict[str, str]
) -> list[str]:
    out = [f"## {title}", ""]
    if not items:
        return [*out, f"_{words['none']}_", ""]
    return [*out, markdown_table(plain_numbers(items), columns, heads)]


def management_report(report: Any, config: Any) -> str:
    """The period's KPIs as a Markdown report for a management review (ISO 10002, 8.7)."""
    from kscms.kpi.labels import label

    lang = config.language
    w = WORDS[lang]
    k = report.kpis
    lines = [
        f"# {w['title']}: {config.organisation}, {w['period']} {report.period.start} – {report.period.end}",
        "",
        f"{w['as_of']} {report.as_of}. {w['rounding']}",
        "",
    ]
    targeted = [v for v in k.values() if v.met is not None]
    if targeted:
        lines += [
            f"## {w['targets']}",
            "",
            w["met_count"].format(met=sum(v.met for v in targeted), total=len(targeted)),
            "",
        ]
    for en, nl, ids in SECTIONS:
        lines += [f"## {nl if lang == 'nl' else en}", "", _kpi_table(report, ids, lang, w)]
    topics = k["questions.top_topics"].value
    lines += _list_section(
        label("questions.top_topics", lang),
        topics,
        ("topic", "count", "share_pct"),
        (w["topic"], w["count"], w["share"]),
        w,
    )
    lines += _list_section(
        label("survey.priorities", lang),
        k["survey.priorities"].value,
        ("element", "rating", "importance", "priority"),
        (w["element"], w["rating"], w["importance"], w["priority"]),
        w,
    )
    lines += _list_section(
        label("threads.red_threads", lang),
        k["threads.red_threads"].value,
        ("theme", "signals", "kinds", "departments"),
        (w["theme"], w["signals"], w["kinds"], w["departments"]),
        w,
    )
    return "\n".join(lines).rstrip("\n") + "\n"
