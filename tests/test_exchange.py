"""`kscms export` (JSON, CSV, SQLite) and `kscms import` (question logs and survey results from CSV)."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import CONFIG
from kpi_helpers import KPI_ORG

from kscms.cli import cli

RECORDS = sorted(KPI_ORG.glob("records/*/*/*.md"))
EVENTS = sum(p.read_text(encoding="utf-8").count("\n  - {at: ") for p in RECORDS)


def kscms(root: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--root", str(root), *args])


# ---- export ----------------------------------------------------------------------------------------


def test_export_json_holds_every_record_with_fields_and_events() -> None:
    result = kscms(KPI_ORG, "export", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert [r["id"] for r in data] == sorted(p.stem for p in RECORDS)
    assert len(data) == 46
    first = next(r for r in data if r["id"] == "C-20260701-snel-geholpen")
    assert first["maker"] == {
        "kind": "customer",
        "name": "Jan",
        "contact": None,
        "display": "a customer",
        "anonymous": False,
    }
    assert first["history"][2] == {
        "at": "2026-07-03T09:00:00+02:00",
        "by": "gert",
        "status": "given",
        "note": None,
    }
    assert first["body"] == "Thank you for the quick help.\n"
    assert first["path"] == "records/compliments/2026/C-20260701-snel-geholpen.md"
    assert sum(len(r["history"]) for r in data) == EVENTS


def test_export_csv_flattens_fields_into_columns() -> None:
    result = kscms(KPI_ORG, "export", "--format", "csv")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 46
    header = result.stdout.splitlines()[0].split(",")
    assert header[:6] == ["id", "type", "kind", "title", "status", "created"]
    assert header[-3:] == ["history", "path", "body"]
    by_id = {r["id"]: r for r in rows}
    kto = by_id["S-20260910-kto-a"]
    assert (kto["survey.respondents"], kto["themes"], kto["departments"]) == (
        "200",
        "bereikbaarheid",
        "klantenservice",
    )
    assert json.loads(kto["survey.elements"])[1] == {
        "element": "vriendelijkheid",
        "rating": 8.5,
        "importance": 0.3,
    }
    imp = by_id["I-20260601-chat"]
    assert (imp["departments"], imp["result.communicated"], imp["maker.display"]) == (
        "klantenservice, ict",
        "2026-08-20",
        "",
    )
    assert [e["status"] for e in json.loads(imp["history"])] == [
        "proposed",
        "accepted",
        "in_progress",
        "implemented",
        "evaluated",
        "closed",
    ]
    assert by_id["C-20260710-anoniem"]["maker.anonymous"] == "true"


def test_export_csv_events_has_one_row_per_event() -> None:
    result = kscms(KPI_ORG, "export", "--format", "csv", "--events")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == EVENTS
    assert rows[0] == {
        "record_id": "C-20260625-juni",
        "record_type": "compliment",
        "seq": "1",
        "at": "2026-06-25T09:00:00+02:00",
        "by": "anne",
        "status": "registered",
        "note": "",
    }


def test_export_sqlite_has_a_table_per_type_and_events(tmp_path: Path) -> None:
    out = tmp_path / "out" / "kscms.sqlite"
    result = kscms(KPI_ORG, "export", "--format", "sqlite", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert f"signals 24, compliments 12, improvements 10, events {EVENTS}" in result.stderr
    db = sqlite3.connect(out)
    tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    assert tables == ["compliments", "events", "improvements", "signals"]
    assert db.execute("SELECT count(*) FROM signals").fetchone() == (24,)
    assert db.execute(
        "SELECT maker_display, maker_anonymous, consent_maker FROM compliments WHERE id = 'C-20260701-snel-geholpen'"
    ).fetchone() == ("a customer", 0, 0)
    assert db.execute(
        "SELECT json_extract(survey_elements, '$[2].element'), survey_respondents FROM signals WHERE id = 'S-20260910-kto-a'"
    ).fetchone() == ("snelheid", 200)
    assert db.execute(
        "SELECT sum(question_count) FROM signals WHERE kind = 'question' AND created BETWEEN '2026-07-01' AND '2026-09-30'"
    ).fetchone() == (80,)  # the question without a count has the default, 1
    assert db.execute(
        "SELECT group_concat(status, '>') FROM (SELECT status FROM events "
        "WHERE record_id = 'I-20260703-gratis-maand' ORDER BY seq)"
    ).fetchone() == ("proposed>rejected>closed",)
    types = {r[1]: r[2] for r in db.execute("PRAGMA table_info(improvements)")}
    assert (
        types["id"],
        types["business_case_investment_eur"],
        types["business_case_customers_affected"],
    ) == (
        "TEXT",
        "REAL",
        "INTEGER",
    )
    db.close()
    # a second export replaces the file
    assert kscms(KPI_ORG, "export", "--format", "sqlite", "--out", str(out)).exit_code == 0
    assert sorted(p.name for p in out.parent.iterdir()) == ["kscms.sqlite"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "sqlite"], "--format sqlite needs --out FILE"),
        (["--events"], "--events goes with --format csv"),
    ],
)
def test_export_usage_errors(args: list[str], message: str) -> None:
    result = kscms(KPI_ORG, "export", *args)
    assert result.exit_code == 2
    assert message in result.stderr


TITLED = """\
---
id: S-20260701-formule
type: signal
kind: remark
title: "{title}"
status: new
created: 2026-07-01
customer: "{customer}"
history:
  - {{at: 2026-07-01T09:00:00+02:00, by: anne, status: new}}
---
"""


def test_export_csv_neutralises_formula_injection(make_repo: Callable[..., Path]) -> None:
    root = make_repo(
        {
            "records/signals/2026/S-20260701-formule.md": TITLED.format(
                title='=HYPERLINK(\\"http://evil\\")', customer="@K-1"
            )
        }
    )
    result = kscms(root, "export", "--format", "csv")
    assert result.exit_code == 0, result.output
    row = next(csv.DictReader(io.StringIO(result.stdout)))
    assert row["title"] == '\'=HYPERLINK("http://evil")'
    assert row["customer"] == "'@K-1"


def test_export_json_to_a_file(tmp_path: Path) -> None:
    out = tmp_path / "records.json"
    result = kscms(KPI_ORG, "export", "--out", str(out))
    assert result.exit_code == 0
    assert result.stdout == ""
    assert len(json.loads(out.read_text(encoding="utf-8"))) == 46


# ---- import ----------------------------------------------------------------------------------------

AT = "2026-10-02T10:00:00+02:00"


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> str:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return str(path)


def import_log(root: Path, tmp_path: Path, text: str) -> tuple[str, Result]:
    """Write a question log and import it (registered by ali at AT): (file, result)."""
    log = write(tmp_path, "log.csv", text)
    return log, kscms(root, "import", "question-log", log, "--by", "ali", "--at", AT)


def records_of(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in (root / "records").rglob("*.md"))


def test_import_question_log_writes_valid_question_signals(
    make_repo: Callable[..., Path], tmp_path: Path
) -> None:
    root = make_repo()
    _log, result = import_log(
        root,
        tmp_path,
        "\ufeffDate;Channel;Topic;Count\n2026-09-30;phone;Opzeggen contract;120\n\n"
        "2026-09-30;Web;Opzeggen contract;12\n2026-09-29;chat;Factuur;1\n",
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "records/signals/2026/S-20260930-vraag-opzeggen-contract-120x-phone.md",
        "records/signals/2026/S-20260930-vraag-opzeggen-contract-12x-web.md",
        "records/signals/2026/S-20260929-vraag-factuur-1x-chat.md",
    ]
    assert (root / result.stdout.splitlines()[1]).read_text(encoding="utf-8") == (
        "---\nid: S-20260930-vraag-opzeggen-contract-12x-web\ntype: signal\nkind: question\n"
        'title: "Vraag: Opzeggen contract (12x, web)"\nstatus: new\ncreated: 2026-09-30\nchannel: web\n'
        "question: {topic: Opzeggen contract, count: 12}\nhistory:\n  - {at: 2026-10-02T10:00:00+02:00, by: ali, status: new}\n---\n"
    )
    assert kscms(root, "check").exit_code == 0
    # the imported log feeds the KPIs: 120 + 12 of 133
    kpi = json.loads(
        kscms(root, "kpi", "--period", "2026-Q3", "--as-of", "2026-10-02", "--format", "json").stdout
    )
    assert kpi["kpis"]["questions.top_topics"]["value"] == [
        {"topic": "Opzeggen contract", "count": 132, "share_pct": 99.2},
        {"topic": "Factuur", "count": 1, "share_pct": 0.8},
    ]


def test_import_refuses_bad_rows_with_their_numbers_and_writes_nothing(
    make_repo: Callable[..., Path], tmp_path: Path
) -> None:
    root = make_repo()
    log, result = import_log(
        root,
        tmp_path,
        "date,channel,topic,count\n2026-09-30,phone,Opzeggen,3\n2026-13-01,fax,,0\n"
        "2026-09-30,phone,Factuur\n2099-01-01,web,Later,2\n",
    )
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{log}:3: error[bad-type]: row 3: `date` is '2026-13-01': expected YYYY-MM-DD",
        f"{log}:3: error[bad-type]: row 3: `channel` is 'fax': expected one of phone, email, letter, web, chat, "
        "social, in_person, survey, forum, newspaper, internal",
        f"{log}:3: error[missing-field]: row 3: `topic` is empty: name what was asked",
        f"{log}:3: error[bad-type]: row 3: `count` is '0': expected a whole number of at least 1",
        f"{log}:4: error[bad-type]: row 4: 3 cells, expected 4 (date, channel, topic, count)",
        f"{log}:5: error[bad-type]: row 5: `date` 2099-01-01 is in the future",
        f"kscms: {log}: nothing imported: 3 bad row(s)",
    ]
    assert records_of(root) == []


@pytest.mark.parametrize(
    ("kind", "text", "message"),
    [
        (
            "question-log",
            "datum,kanaal,onderwerp,aantal\n",
            "a question-log file has the columns date, channel, topic, count",
        ),
        ("survey", "element,rating\nx,1\n", "a survey file has the columns element, rating, importance"),
        ("survey", "element,rating,importance\n", "has a header but no rows"),
        ("survey", "", "is empty"),
    ],
)
def test_import_refuses_files_without_the_right_columns(
    make_repo: Callable[..., Path], tmp_path: Path, kind: str, text: str, message: str
) -> None:
    root = make_repo()
    result = kscms(root, "import", kind, write(tmp_path, "in.csv", text), "--by", "ali")
    assert result.exit_code == 2
    assert message in result.stderr
    assert records_of(root) == []


def test_import_survey_writes_one_survey_signal(make_repo: Callable[..., Path], tmp_path: Path) -> None:
    root = make_repo()
    survey = write(
        tmp_path,
        "kto.csv",
        "element;rating;importance\nbereikbaarheid;6;0,4\nvriendelijkheid;8,5;0,35\nwebsite;9;0.25\n",
    )
    result = kscms(
        root,
        "import",
        "survey",
        survey,
        "--by",
        "ali",
        "--at",
        AT,
        "--date",
        "2026-09-30",
        "--period",
        "2026-Q3",
        "--respondents",
        "412",
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == "records/signals/2026/S-20260930-klanttevredenheidsonderzoek-2026-q3.md\n"
    text = (root / result.stdout.strip()).read_text(encoding="utf-8")
    assert "title: Klanttevredenheidsonderzoek 2026-Q3\n" in text
    assert (
        "survey: {elements: [{element: bereikbaarheid, rating: 6, importance: 0.4}, "
        "{element: vriendelijkheid, rating: 8.5, importance: 0.35}, {element: website, rating: 9, importance: 0.25}], "
        "period: 2026-Q3, respondents: 412}\n"
    ) in text
    assert kscms(root, "check").exit_code == 0
    kpi = json.loads(
        kscms(root, "kpi", "--period", "2026-Q3", "--as-of", "2026-10-02", "--format", "json").stdout
    )
    # 0.4 x 4 = 1.6; 0.35 x 1.5 = 0.525 -> 0.5; 0.25 x 1 = 0.25 -> 0.3
    assert [(e["element"], e["priority"]) for e in kpi["kpis"]["survey.priorities"]["value"]] == [
        ("bereikbaarheid", 1.6),
        ("vriendelijkheid", 0.5),
        ("website", 0.3),
    ]


def test_import_survey_refuses_bad_ratings_and_weights(
    make_repo: Callable[..., Path], tmp_path: Path
) -> None:
    root = make_repo()
    bad = write(tmp_path, "bad.csv", "element,rating,importance\na,11,0.5\nA,x,0.5\n,5,\n")
    result = kscms(root, "import", "survey", bad, "--by", "ali")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[:5] == [
        f"{bad}:2: error[bad-type]: row 2: `rating` is 11: expected a number from 0 to 10",
        f"{bad}:3: error[bad-type]: row 3: element 'A' is also on row 2",
        f"{bad}:3: error[bad-type]: row 3: `rating` is 'x': expected a number from 0 to 10",
        f"{bad}:4: error[missing-field]: row 4: `element` is empty: name what was rated",
        f"{bad}:4: error[missing-field]: row 4: `importance` is empty: expected a number from 0 to 1",
    ]
    weights = write(tmp_path, "weights.csv", "element,rating,importance\na,5,0.5\nb,5,0.4\n")
    result = kscms(root, "import", "survey", weights, "--by", "ali")
    assert result.exit_code == 1
    assert "the importance weights sum to 0.9: they must sum to about 1 (within 0.02)" in result.stderr
    assert records_of(root) == []


def test_import_needs_a_known_person(make_repo: Callable[..., Path], tmp_path: Path) -> None:
    root = make_repo()
    log = write(tmp_path, "log.csv", "date,channel,topic,count\n2026-09-30,phone,Opzeggen,3\n")
    result = kscms(root, "import", "question-log", log, "--by", "nobody")
    assert result.exit_code == 2
    assert "--by 'nobody' is not a person in kscms.yaml: use one of ali, anne, karel, marja" in result.stderr


LOG = "date,channel,topic,count\n2026-09-30,phone,Opzeggen,3\n"
QUESTION = "records/signals/2026/S-20260930-vraag-opzeggen-3x-phone.md"


def test_import_without_by_registers_the_coordinator(make_repo: Callable[..., Path], tmp_path: Path) -> None:
    root = make_repo()
    result = kscms(root, "import", "question-log", write(tmp_path, "log.csv", LOG), "--at", AT)
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{QUESTION}\n"
    assert result.stderr == "by: anne (the coordinator; pass --by to choose)\n1 record(s) written\n"
    text = (root / QUESTION).read_text(encoding="utf-8")
    assert "history:\n  - {at: 2026-10-02T10:00:00+02:00, by: anne, status: new}\n" in text
    assert kscms(root, "check").exit_code == 0


def test_import_without_by_takes_the_first_coordinator_by_key(
    make_repo: Callable[..., Path], tmp_path: Path
) -> None:
    config = CONFIG.replace("roles: [analyst]", "roles: [analyst, coordinator]")
    root = make_repo(config=config)
    survey = write(tmp_path, "kto.csv", "element,rating,importance\nwebsite,7,1\n")
    result = kscms(root, "import", "survey", survey, "--at", AT, "--date", "2026-09-30")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[0] == (
        "by: ali (the coordinator, the first by key of ali, anne; pass --by to choose)"
    )
    assert ", by: ali, status: new}" in (root / result.stdout.strip()).read_text(encoding="utf-8")


def test_import_without_by_and_without_a_coordinator_is_a_usage_error(
    make_repo: Callable[..., Path], tmp_path: Path
) -> None:
    root = make_repo(config=CONFIG.replace("roles: [coordinator]", "roles: [giver]"))
    result = kscms(root, "import", "question-log", write(tmp_path, "log.csv", LOG))
    assert result.exit_code == 2
    assert (
        "Error: no person in kscms.yaml has the role coordinator: pass --by PERSON, one of ali, anne, karel, marja"
        in result.stderr
    )
    assert records_of(root) == []


@pytest.mark.parametrize(
    "name",
    [
        "questions",
        "question",
        "question_log",
        "contact-centre",
        "contact_centre",
        "Contact-Center",
        "QUESTION-LOG",
    ],
)
def test_import_takes_other_names_for_the_question_log(
    make_repo: Callable[..., Path], tmp_path: Path, name: str
) -> None:
    root = make_repo()
    result = kscms(root, "import", name, write(tmp_path, "log.csv", LOG), "--by", "ali", "--at", AT)
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{QUESTION}\n"


@pytest.mark.parametrize("name", ["surveys", "survey-results", "survey_results", "Survey"])
def test_import_takes_other_names_for_a_survey(
    make_repo: Callable[..., Path], tmp_path: Path, name: str
) -> None:
    root = make_repo()
    survey = write(tmp_path, "kto.csv", "element,rating,importance\nwebsite,7,1\n")
    result = kscms(root, "import", name, survey, "--by", "ali", "--at", AT, "--date", "2026-09-30")
    assert result.exit_code == 0, result.output
    assert "kind: survey\n" in (root / result.stdout.strip()).read_text(encoding="utf-8")


def test_import_names_the_kinds_in_help_and_errors(make_repo: Callable[..., Path], tmp_path: Path) -> None:
    from kscms.csvimport import KIND_ALIASES

    helped = kscms(KPI_ORG, "import", "--help")
    assert helped.exit_code == 0
    assert "import [OPTIONS] {question-log|survey} FILE" in helped.stdout
    text = " ".join(helped.stdout.split()).replace("- ", "-")  # undo the wrapping
    for aliases in KIND_ALIASES.values():
        for alias in aliases:
            assert alias in text, alias
    for alias in ("question_log", "contact_centre", "survey_results"):
        assert alias in text, alias
    root = make_repo()
    result = kscms(root, "import", "vragen", write(tmp_path, "log.csv", LOG), "--by", "ali")
    assert result.exit_code == 2
    assert "'vragen' is not a kind to import: use question-log (or questions, question, " in result.stderr
    assert records_of(root) == []


def test_export_csv_to_a_pipe_keeps_escape_sequences(make_repo: Callable[..., Path]) -> None:
    root = make_repo(
        {
            "records/signals/2026/S-20260701-formule.md": TITLED.format(
                title="rood \\u001b[31mR\\u001b[0m", customer="K-1"
            )
        }
    )
    result = kscms(root, "export", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert next(csv.DictReader(io.StringIO(result.stdout)))["title"] == "rood \x1b[31mR\x1b[0m"


@pytest.mark.parametrize("period", ["2026-Q5", "2026-13", "2026-Q0"])
def test_import_survey_refuses_a_period_that_is_none(
    make_repo: Callable[..., Path], tmp_path: Path, period: str
) -> None:
    """Written like a period, it must be one; free text (`najaar 2026`) stays free."""
    root = make_repo()
    survey = write(tmp_path, "kto.csv", "element,rating,importance\na,6,0.5\nb,8,0.5\n")
    before = sorted(p.name for p in (root / "records").rglob("*.md"))
    result = kscms(
        root, "import", "survey", survey, "--by", "ali", "--date", "2026-09-30", "--period", period
    )
    assert result.exit_code == 2
    assert f"--period '{period}' is not a period" in result.stderr
    assert sorted(p.name for p in (root / "records").rglob("*.md")) == before
    free = kscms(
        root, "import", "survey", survey, "--by", "ali", "--date", "2026-09-30", "--period", "najaar 2026"
    )
    assert free.exit_code == 0, free.output


@pytest.mark.parametrize("cell", ["fac\x00tuur", '"fac\ntuur"', "fac\x1b[31mtuur", "fac\u202etuur"])
def test_import_refuses_control_characters_in_a_cell(
    make_repo: Callable[..., Path], tmp_path: Path, cell: str
) -> None:
    root = make_repo()
    log = write(tmp_path, "log.csv", f"date,channel,topic,count\n2026-11-01,phone,{cell},3\n")
    before = sorted(p.name for p in (root / "records").rglob("*.md"))
    result = kscms(root, "import", "question-log", log, "--by", "ali")
    assert result.exit_code == 1
    assert "error[bad-type]: row " in result.stderr and "`topic` holds a control character" in result.stderr
    assert sorted(p.name for p in (root / "records").rglob("*.md")) == before


def test_import_keeps_a_non_breaking_space(make_repo: Callable[..., Path], tmp_path: Path) -> None:
    root = make_repo()
    log = write(tmp_path, "log.csv", "date,channel,topic,count\n2026-11-01,phone,factuur\u00a0kwijt,3\n")
    result = kscms(root, "import", "question-log", log, "--by", "ali")
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("out", ["kscms.yaml", "records/export.json", "records/signals/2026/x.md"])
def test_export_never_overwrites_the_config_or_lands_among_the_records(
    make_repo: Callable[..., Path], out: str
) -> None:
    root = make_repo()
    config = (root / "kscms.yaml").read_bytes()
    result = kscms(root, "export", "--format", "json", "--out", str(root / out))
    assert result.exit_code == 2
    assert "write the export elsewhere" in result.stderr
    assert (root / "kscms.yaml").read_bytes() == config
    assert not (root / "records" / "export.json").exists()


def test_importing_the_same_question_log_twice_counts_its_questions_once(
    make_repo: Callable[..., Path], tmp_path: Path
) -> None:
    root = make_repo()
    text = "date,channel,topic,count\n2026-09-30,phone,Opzeggen,120\n2026-09-30,web,Opzeggen,12\n"
    _log, first = import_log(root, tmp_path, text)
    assert first.exit_code == 0 and len(first.stdout.splitlines()) == 2
    _log, again = import_log(root, tmp_path, text + "2026-09-29,chat,Factuur,1\n")  # one row is new
    assert again.exit_code == 0, again.output
    assert again.stdout == "records/signals/2026/S-20260929-vraag-factuur-1x-chat.md\n"
    assert (
        "2 row(s) imported before, left out: records/signals/2026/S-20260930-vraag-opzeggen-120x-phone.md"
        in again.stderr
    )
    assert len(list((root / "records" / "signals").rglob("*.md"))) == 3
