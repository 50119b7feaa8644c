"""`kscms kpi` through the real CLI: formats, period options, errors, and the demo organisation."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from kpi_helpers import KPI_ORG, kpis

from kscms.cli import cli
from kscms.kpi.ids import KPI_IDS

PROJECT = Path(__file__).resolve().parent.parent


def run(*args: str, root: Path = KPI_ORG) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--root", str(root), "kpi", *args])
    return result.exit_code, result.stdout, result.stderr


def test_json_is_the_spec_shape_with_every_kpi() -> None:
    code, out, _ = run("--period", "2026-Q3", "--as-of", "2026-09-30", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert list(data) == ["as_of", "period", "kpis"]
    assert data["as_of"] == "2026-09-30"
    assert data["period"] == {"from": "2026-07-01", "to": "2026-09-30"}
    assert list(data["kpis"]) == list(KPI_IDS)
    assert all(list(v) == ["value", "unit", "n", "target", "met"] for v in data["kpis"].values())
    assert data["kpis"] == kpis()


def test_from_to_gives_the_same_report_as_the_period() -> None:
    a = run("--period", "2026-Q3", "--as-of", "2026-09-30", "--format", "json")[1]
    b = run("--from", "2026-07-01", "--to", "2026-09-30", "--as-of", "2026-09-30", "--format", "json")[1]
    assert a == b


def test_from_without_to_runs_up_to_the_as_of_date() -> None:
    data = json.loads(run("--from", "2026-08-01", "--as-of", "2026-08-31", "--format", "json")[1])
    assert data["period"] == {"from": "2026-08-01", "to": "2026-08-31"}
    # August, as of 31 Aug: C-0801 and C-0810 registered; I-0702, I-0716, I-0715 implemented
    assert data["kpis"]["compliments.registered"]["value"] == 2
    assert data["kpis"]["improvements.implemented"]["value"] == 3


def test_without_a_period_the_quarter_of_the_as_of_date_is_used() -> None:
    data = json.loads(run("--as-of", "2026-08-15", "--format", "json")[1])
    assert data["period"] == {"from": "2026-07-01", "to": "2026-09-30"}
    assert data["as_of"] == "2026-08-15"


def test_table_shows_value_n_target_and_met() -> None:
    code, out, _ = run("--period", "2026-Q3", "--as-of", "2026-09-30")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "KPIs 2026-07-01 .. 2026-09-30, as of 2026-09-30"
    row = next(line for line in lines if line.startswith("compliments.given_within_norm_pct"))
    assert row.split() == ["compliments.given_within_norm_pct", "83.3", "pct", "6", ">=", "80", "true"]
    row = next(line for line in lines if line.startswith("compliments.median_days_to_given"))
    assert row.split() == ["compliments.median_days_to_given", "3.3", "days", "6"]
    assert len(lines) == 3 + len(KPI_IDS)


def test_csv_has_one_row_per_kpi_and_json_for_lists() -> None:
    code, out, _ = run("--period", "2026-Q3", "--as-of", "2026-09-30", "--format", "csv")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "id,value,unit,n,target,met"
    assert "compliments.registered,10,count,10,," in lines
    assert "complaints.acknowledged_within_norm_pct,75.0,pct,4,>= 90,false" in lines
    assert "compliments.maker_informed_pct,60.0,pct,5,," in lines
    row = next(line for line in lines if line.startswith("signals.by_kind,"))
    assert row.startswith('signals.by_kind,"{""question"":8,""complaint"":5,')
    assert len(lines) == 1 + len(KPI_IDS)


def test_markdown_is_a_management_report() -> None:
    code, out, _ = run("--period", "2026-Q3", "--as-of", "2026-09-30", "--format", "markdown")
    assert code == 0
    assert out.startswith("# Management review: KPI Test BV, period 2026-07-01 – 2026-09-30\n")
    # targets: 83.3 >= 80 yes, 75.0 >= 90 no, 10.0 <= 10 yes, 54.5 <= 80 yes, 33.3 >= 50 no
    assert "3 of 5 targets met" in out
    assert "| Given within norm (%) | 83.3 | 6 | >= 80 | yes |" in out
    assert "| Acknowledged within norm (%) | 75.0 | 4 | >= 90 | no |" in out
    assert "| opzeggen | 40 | 50.0 |" in out
    assert "| bereikbaarheid | 6.0 | 0.4 | 1.6 |" in out
    assert "| snelheid | 7.75 | 0.2 | 0.5 |" in out
    assert "| website | 2 | question, remark | ict |" in out
    for heading in ("## Compliments", "## Complaints", "## Signals", "## Improvements", "## Common threads"):
        assert heading in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--period", "2026-Q5"], "--period '2026-Q5' is not a period"),
        (["--period", "2026-Q3", "--from", "2026-07-01"], "use either --period or --from/--to"),
        (["--to", "2026-07-01"], "--to needs --from"),
        (["--from", "2026-07-02", "--to", "2026-07-01"], "--to 2026-07-01 is before --from 2026-07-02"),
        (["--as-of", "yesterday"], "is not an ISO date"),
        (["--format", "xml"], "Invalid value for '--format'"),
    ],
)
def test_bad_options_exit_2_with_a_message(args: list[str], message: str) -> None:
    code, _, err = run(*args)
    assert code == 2
    assert message in err


def test_demo_organisation_has_a_value_for_every_kpi() -> None:
    code, out, err = run("--period", "2026", "--as-of", "2026-12-31", "--format", "json", root=PROJECT)
    assert code == 0, err
    data = json.loads(out)["kpis"]
    assert list(data) == list(KPI_IDS)
    empty = [k for k, v in data.items() if v["value"] is None or v["value"] == [] or v["value"] == {}]
    assert empty == []
    assert all(v["n"] > 0 for v in data.values())


BROKEN = "---\nid: C-20260701-kapot\ntype: compliment\ntitle: [unclosed\n---\n"


def test_unreadable_records_are_left_out_with_a_warning(make_repo: Callable[..., Path]) -> None:
    root = make_repo({"records/compliments/2026/C-20260701-kapot.md": BROKEN})
    result = CliRunner().invoke(cli, ["--root", str(root), "kpi", "--period", "2026-Q3", "--format", "json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["kpis"]["compliments.registered"]["value"] == 0
    assert result.stderr == (
        "kscms: warning: 1 record file(s) could not be read and were left out: run `kscms check`\n"
    )


def test_unreadable_records_of_the_period_are_reported_when_only_the_period_is_read(
    make_repo: Callable[..., Path],
) -> None:
    june = BROKEN.replace("C-20260701-kapot", "C-20260601-ook-kapot")
    root = make_repo(
        {
            "records/compliments/2026/C-20260701-kapot.md": BROKEN,
            "records/compliments/2026/C-20260601-ook-kapot.md": june,  # outside Q3: not read
        }
    )
    result = CliRunner().invoke(cli, ["--root", str(root), "kpi", "--period", "2026-Q3", "--format", "json"])
    assert result.exit_code == 0
    assert result.stderr == (
        "kscms: warning: 1 record file(s) could not be read and were left out: run `kscms check`\n"
    )
