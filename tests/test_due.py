"""The weekly worklist (`kscms due`) and `kscms list --overdue`, on the hand-checked organisation.

As of the end of 2026-09-30 (+02:00). Ages count from the first event, e.g. 09-01 09:00 -> 09-30
23:59:59.999999 is 29.62 days, shown as 29.6; days over the norm likewise (29.62 - 5 -> 24.6).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner
from kpi_helpers import KPI_ORG, kpi_org

from kscms.cli import cli
from kscms.kpi.period import as_of_moment
from kscms.worklist import overdue_reasons, worklist

EXPECTED = [
    # section, id, status, since, days over, who, reason
    (
        "compliment-not-given",
        "C-20260901-blijft-liggen",
        "registered",
        "2026-09-01",
        24.6,
        "anne",
        "not given 29.6 days after registration (norm 5)",
    ),
    (
        "compliment-not-given",
        "C-20260920-doorgestuurd",
        "forwarded",
        "2026-09-20",
        5.6,
        "gert",
        "not given 10.6 days after registration (norm 5)",
    ),
    (
        "complaint-not-acknowledged",
        "S-20260925-klacht-nog-nieuw",
        "new",
        "2026-09-25",
        4.6,
        "anne",
        "not acknowledged 5.6 days after registration (norm 1)",
    ),
    (
        "complaint-not-resolved",
        "S-20260905-klacht-wachttijd",
        "acknowledged",
        "2026-09-05",
        15.6,
        "anne",
        "not resolved 25.6 days after registration (norm 10)",
    ),
    (
        "proposer-waiting",
        "I-20260710-factuurcheck",
        "implemented",
        "2026-07-10",
        75.6,
        "anne",
        "piet has had no feedback for 82.6 days (norm 7)",
    ),
    (
        "proposer-waiting",
        "I-20260805-opzegformulier",
        "proposed",
        "2026-08-05",
        49.6,
        "anne",
        "piet has had no feedback for 56.6 days (norm 7)",
    ),
    # 09-15 end of day -> 09-30 end of day = 15.0 days
    (
        "improvement-past-target",
        "I-20260720-wachtrij",
        "in_progress",
        "2026-09-15",
        15.0,
        "piet",
        "target date 2026-09-15 has passed; status in_progress",
    ),
    (
        "results-not-communicated",
        "I-20260716-cap-uitleg",
        "evaluated",
        "2026-08-10",
        51.6,
        "gert",
        "evaluated on 2026-08-10; the result was not communicated",
    ),
    # communicated on 10-05: after the as-of date
    (
        "results-not-communicated",
        "I-20260715-storingspagina",
        "evaluated",
        "2026-08-20",
        41.6,
        "piet",
        "evaluated on 2026-08-20; the result was not communicated",
    ),
]


def items_as_of(day: dt.date) -> list[tuple[object, ...]]:
    repo = kpi_org()
    found = worklist(repo.records(), repo.config, as_of_moment(day, repo.config.tz))
    return [
        (i.section, i.record_id, i.status, i.since.isoformat(), i.days_over, i.who, i.reason) for i in found
    ]


def test_worklist_as_of_the_end_of_the_quarter() -> None:
    assert items_as_of(dt.date(2026, 9, 30)) == EXPECTED


def test_later_events_clear_items_and_new_ones_appear() -> None:
    # By 31 Oct: C-0920 was given (10-02), S-0905 resolved (10-05), S-0925 acknowledged (10-01) but
    # not resolved after 36.6 days, I-0715 closed (10-06), I-0720 implemented (10-02);
    # C-0927 and C-0930 (registered 10-01) are now past the norm; I-0805 was decided but piet heard nothing.
    ids = [(section, rid) for section, rid, *_ in items_as_of(dt.date(2026, 10, 31))]
    assert ids == [
        ("compliment-not-given", "C-20260901-blijft-liggen"),
        ("compliment-not-given", "C-20260927-recent"),
        ("compliment-not-given", "C-20260930-nog-niet-geregistreerd"),
        ("complaint-not-resolved", "S-20260925-klacht-nog-nieuw"),
        ("proposer-waiting", "I-20260710-factuurcheck"),
        ("proposer-waiting", "I-20260805-opzegformulier"),
        ("results-not-communicated", "I-20260716-cap-uitleg"),
    ]


def test_nothing_is_due_before_anything_was_registered() -> None:
    assert items_as_of(dt.date(2026, 5, 1)) == []


def test_overdue_reasons_name_each_record_once() -> None:
    repo = kpi_org()
    reasons = overdue_reasons(repo.records(), repo.config, as_of_moment(dt.date(2026, 9, 30), repo.config.tz))
    assert reasons == {e[1]: e[6] for e in EXPECTED}


COMPLAINT = """\
---
id: S-20260901-nog-niets-gedaan
type: signal
kind: complaint
title: Nog niets gedaan
status: new
created: 2026-09-01
history:
  - {at: 2026-09-01T09:00:00+02:00, by: anne, status: new}
---
"""


def test_a_record_past_two_norms_gets_both_reasons(make_repo: Callable[..., Path]) -> None:
    # new since 09-01 09:00: 29.6 days old at the end of 09-30, past 1 day and past 10 days
    root = make_repo({"records/signals/2026/S-20260901-nog-niets-gedaan.md": COMPLAINT})
    result = CliRunner().invoke(
        cli, ["--root", str(root), "list", "--overdue", "--as-of", "2026-09-30", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    assert [(r["id"], r["overdue"]) for r in json.loads(result.stdout)] == [
        (
            "S-20260901-nog-niets-gedaan",
            "not acknowledged 29.6 days after registration (norm 1); "
            "not resolved 29.6 days after registration (norm 10)",
        ),
    ]


def test_list_overdue_uses_the_worklist() -> None:
    result = CliRunner().invoke(
        cli, ["--root", str(KPI_ORG), "list", "--overdue", "--as-of", "2026-09-30", "--format", "json"]
    )
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert {r["id"]: r["overdue"] for r in rows} == {e[1]: e[6] for e in EXPECTED}


def test_due_json_and_table() -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["--root", str(KPI_ORG), "due", "--as-of", "2026-09-30", "--format", "json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["as_of"] == "2026-09-30"
    assert data["items"][1] == {
        "section": "compliment-not-given",
        "id": "C-20260920-doorgestuurd",
        "title": "Doorgestuurd",
        "status": "forwarded",
        "since": "2026-09-20",
        "days_over": 5.6,
        "who": "gert",
        "reason": "not given 10.6 days after registration (norm 5)",
    }
    assert [i["id"] for i in data["items"]] == [e[1] for e in EXPECTED]

    table = runner.invoke(cli, ["--root", str(KPI_ORG), "due", "--as-of", "2026-09-30"])
    assert table.exit_code == 0
    lines = table.stdout.splitlines()
    assert lines[0].split() == ["section", "id", "status", "since", "days_over", "who", "reason"]
    assert lines[2].split()[:6] == [
        "compliment-not-given",
        "C-20260901-blijft-liggen",
        "registered",
        "2026-09-01",
        "24.6",
        "anne",
    ]
    assert len(lines) == 2 + len(EXPECTED)
    assert "9 item(s) due as of 2026-09-30" in table.stderr


def test_due_markdown_for_a_weekly_issue() -> None:
    result = CliRunner().invoke(
        cli, ["--root", str(KPI_ORG), "due", "--as-of", "2026-09-30", "--format", "markdown"]
    )
    assert result.exit_code == 0
    out = result.stdout
    assert out.startswith("# Worklist as of 2026-09-30\n\n9 item(s) past their norm.\n")
    assert "## Compliments not given within the norm (2)" in out
    assert "## Results of improvements never communicated (2)" in out
    # people are mentioned by their GitHub login
    assert (
        "| [ ] | C-20260920-doorgestuurd | Doorgestuurd | @gert-g | "
        "not given 10.6 days after registration (norm 5) |"
    ) in out
    assert "| [ ] | I-20260720-wachtrij | Wachtrij-indicator | @piet-e |" in out


def test_due_markdown_when_nothing_is_due() -> None:
    result = CliRunner().invoke(
        cli, ["--root", str(KPI_ORG), "due", "--as-of", "2026-05-01", "--format", "markdown"]
    )
    assert result.stdout == "# Worklist as of 2026-05-01\n\n0 item(s) past their norm.\n\nNothing is due.\n"
