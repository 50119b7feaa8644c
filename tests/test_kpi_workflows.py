"""KPIs work on workflow stages, so an organisation's own status names (kscms.yaml `workflows:`) keep working."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner
from conftest import CONFIG

from kscms.cli import cli

CUSTOM = (
    CONFIG
    + """\
workflows:
  compliment:
    statuses: {nieuw: registered, bij_gever: forwarded, gegeven: given, reactie: reaction_recorded,
               maker_blij: maker_informed, klaar: closed, ingetrokken: withdrawn}
"""
)


def compliment(slug: str, day: str, events: list[tuple[str, str, str]]) -> tuple[str, str]:
    lines = [f"  - {{at: {at}, by: {by}, status: {status}}}" for at, by, status in events]
    text = (
        f"---\nid: C-{day.replace('-', '')}-{slug}\ntype: compliment\ntitle: {slug}\nstatus: {events[-1][2]}\n"
        f"created: {day}\nreceivers: [team:servicedesk]\ngiver: marja\nreaction: Blij\n"
        "maker: {display: a customer}\nhistory:\n" + "\n".join(lines) + "\n---\n"
    )
    return f"records/compliments/2026/C-{day.replace('-', '')}-{slug}.md", text


def test_kpis_follow_custom_status_names_through_their_stages(make_repo: Callable[..., Path]) -> None:
    files = dict(
        [
            # given after 2.5 days, reaction recorded: given, not informed
            compliment(
                "snel",
                "2026-07-01",
                [
                    ("2026-07-01T09:00:00+02:00", "anne", "nieuw"),
                    ("2026-07-01T10:00:00+02:00", "anne", "bij_gever"),
                    ("2026-07-03T21:00:00+02:00", "marja", "gegeven"),
                    ("2026-07-04T09:00:00+02:00", "marja", "reactie"),
                ],
            ),
            # given after 6.0 days: outside the norm of 5
            compliment(
                "traag",
                "2026-07-10",
                [
                    ("2026-07-10T09:00:00+02:00", "anne", "nieuw"),
                    ("2026-07-10T10:00:00+02:00", "anne", "bij_gever"),
                    ("2026-07-16T09:00:00+02:00", "marja", "gegeven"),
                ],
            ),
            # still new on 30 Sep: open and overdue
            compliment("ligt", "2026-09-01", [("2026-09-01T09:00:00+02:00", "anne", "nieuw")]),
            # withdrawn: neither given nor overdue
            compliment(
                "weg",
                "2026-09-02",
                [
                    ("2026-09-02T09:00:00+02:00", "anne", "nieuw"),
                    ("2026-09-03T09:00:00+02:00", "anne", "ingetrokken"),
                ],
            ),
        ]
    )
    root = make_repo(files, config=CUSTOM)
    check = CliRunner().invoke(cli, ["--root", str(root), "check"])
    assert check.exit_code == 0, check.output
    result = CliRunner().invoke(
        cli, ["--root", str(root), "kpi", "--period", "2026-Q3", "--as-of", "2026-09-30", "--format", "json"]
    )
    k = {i: v["value"] for i, v in json.loads(result.stdout)["kpis"].items()}
    assert k["compliments.registered"] == 4
    assert k["compliments.median_days_to_given"] == 4.3  # (2.5 + 6.0) / 2 = 4.25 -> 4.3
    assert k["compliments.given_within_norm_pct"] == 50.0
    assert k["compliments.maker_informed_pct"] == 0.0
    assert k["compliments.open_overdue"] == 1
    due = CliRunner().invoke(cli, ["--root", str(root), "due", "--as-of", "2026-09-30", "--format", "json"])
    assert [(i["id"], i["status"]) for i in json.loads(due.stdout)["items"]] == [("C-20260901-ligt", "nieuw")]
