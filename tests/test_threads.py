"""Common threads, the Pareto of customers, top questions and survey priorities (`kscms threads`)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from click.testing import CliRunner
from kpi_helpers import AS_OF, KPI_ORG, kpi_org

from kscms.cli import cli
from kscms.kpi import Period
from kscms.kpi.threads import analysis, red_threads
from kscms.model.signal import Signal


def q3() -> dict[str, Any]:
    repo = kpi_org()
    return analysis(repo.records(), repo.config, Period.parse("2026-Q3"), AS_OF)


def signal(sid: str, kind: str, themes: list[str], departments: list[str]) -> Signal:
    return Signal.model_validate(
        {
            "id": sid,
            "type": "signal",
            "title": sid,
            "status": "new",
            "created": dt.date(2026, 7, 1),
            "kind": kind,
            "themes": themes,
            "departments": departments,
        }
    )


def test_threads_list_the_signals_behind_each_theme() -> None:
    threads = q3()["threads"]
    assert [(t["theme"], t["name"], t["signals"]) for t in threads] == [
        ("opzeggen", "Opzeggen", 7),
        ("bereikbaarheid", "Bereikbaarheid", 3),
        ("facturen", "Facturen", 3),
        ("website", "Website", 2),
    ]
    assert threads[0]["signal_ids"] == [
        "S-20260702-klacht-opzeggen",
        "S-20260703-opmerking-opzeggen",
        "S-20260715-vragen-opzeggen-telefoon",
        "S-20260801-klacht-eindafrekening",
        "S-20260805-idee-opzegformulier",
        "S-20260816-vragen-opzeggen-web",
        "S-20260925-klacht-nog-nieuw",
    ]
    assert threads[3] == {
        "theme": "website",
        "signals": 2,
        "kinds": ["question", "remark"],
        "departments": ["ict"],
        "name": "Website",
        "signal_ids": ["S-20260725-opmerking-website", "S-20260819-vragen-wachtwoord"],
    }


def test_pareto_of_customers() -> None:
    # 11 signals name 6 customers: K-1 4, K-2 2, K-3 2, K-4 1, K-5 1, K-6 1. The top ceil(20% of 6) = 2
    # customers (K-2 beats K-3 on the tie by key) bring 6 of 11 = 54.5%.
    assert q3()["customers"] == {
        "share_pct": 54.5,
        "top": 2,
        "customers": 6,
        "signals": 11,
        "ranking": [{"customer": "K-1", "signals": 4}, {"customer": "K-2", "signals": 2}],
    }


def test_survey_priorities_beside_the_previous_survey() -> None:
    # Newest first: kto-a and kto-b (both 09-10; by id), so kto-b is the survey before kto-a.
    # kto-b rated bereikbaarheid 5 with importance 0.5: priority 0.5 x 5 = 2.5.
    survey = q3()["survey"]
    assert survey["id"] == "S-20260910-kto-a"
    assert survey["previous"] == {"id": "S-20260910-kto-b", "created": "2026-09-10"}
    assert survey["elements"][0] == {
        "element": "bereikbaarheid",
        "rating": 6,
        "importance": 0.4,
        "priority": 1.6,
        "previous_rating": 5,
        "previous_priority": 2.5,
    }
    assert [(e["element"], e["previous_priority"]) for e in survey["elements"][1:]] == [
        ("snelheid", None),
        ("vriendelijkheid", None),
        ("website", None),
    ]


def test_top_topics_as_in_the_kpi() -> None:
    assert q3()["top_topics"][:2] == [
        {"topic": "opzeggen", "count": 40, "share_pct": 50.0},
        {"topic": "factuur", "count": 19, "share_pct": 23.8},
    ]


def test_one_kind_and_one_department_is_no_thread_but_two_departments_are() -> None:
    signals = [
        signal("S-20260701-a", "remark", ["snelheid"], ["operations"]),
        signal("S-20260701-b", "remark", ["snelheid"], ["operations"]),
        signal("S-20260701-c", "remark", ["facturen"], ["operations"]),
        signal("S-20260701-d", "remark", ["facturen"], ["ict"]),
        signal("S-20260701-e", "complaint", ["website"], []),
        signal("S-20260701-f", "question", ["website", "website"], []),
    ]
    threads = red_threads(signals)
    assert [(t.theme, t.signal_ids, t.kinds, t.departments) for t in threads] == [
        ("facturen", ("S-20260701-c", "S-20260701-d"), ("remark",), ("ict", "operations")),
        ("website", ("S-20260701-e", "S-20260701-f"), ("complaint", "question"), ()),
    ]


def test_cli_json_table_and_markdown() -> None:
    runner = CliRunner()
    base = ["--root", str(KPI_ORG), "threads", "--period", "2026-Q3", "--as-of", "2026-09-30"]
    result = runner.invoke(cli, [*base, "--format", "json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == q3()

    table = runner.invoke(cli, base).stdout
    assert table.startswith("Common threads 2026-07-01 .. 2026-09-30, as of 2026-09-30\n")
    assert (
        "opzeggen (Opzeggen): 7 signals; kinds: complaint, employee_idea, question, remark; "
        "departments: facturatie, klantenservice, verkoop\n    S-20260702-klacht-opzeggen\n"
    ) in table
    assert "54.5% of 11 signals naming a customer come from the top 2 of 6 customers (20%)." in table
    assert "Survey priorities (S-20260910-kto-a, previous S-20260910-kto-b)" in table

    markdown = runner.invoke(cli, [*base, "--format", "markdown", "--top", "2"]).stdout
    assert "## Common threads" in markdown
    assert (
        "| website | 2 | question, remark | ict | S-20260725-opmerking-website, S-20260819-vragen-wachtwoord |"
        in markdown
    )
    assert "| snelheid | 7.75 | 0.2 | 0.5 |  |  |" in markdown
    topics = markdown.split("## Top question topics")[1].split("##")[0]
    assert topics.count("\n| ") == 3  # header + 2 topics


def test_cli_with_no_signals_in_the_period() -> None:
    result = CliRunner().invoke(
        cli, ["--root", str(KPI_ORG), "threads", "--period", "2025", "--as-of", "2026-09-30"]
    )
    assert result.exit_code == 0
    assert result.stdout.count("(none)") == 4  # threads, customers, topics, survey
    assert "No signals name a customer." in result.stdout
