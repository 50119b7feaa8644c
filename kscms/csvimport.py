"""Bulk data in: a contact-centre question log and survey results (CSV) become valid signal records.

`question-log` columns: `date, channel, topic, count` (one question signal per row).
`survey` columns: `element, rating, importance` (one survey signal for the whole file).
Files may be UTF-8 with or without a BOM, separated by commas or semicolons (a decimal comma is read
as a point). Every bad row is reported with its row number (the header is row 1), and nothing is
written unless every row is good.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kscms.diagnostics import Problem
from kscms.errors import ConfigError, RecordError
from kscms.model.kinds import CHANNELS, WEIGHT_EPSILON, WEIGHT_TOLERANCE

if TYPE_CHECKING:
    from kscms.repository import Repository

KINDS = ("question-log", "survey")
KIND_ALIASES = {
    "question-log": ("questions", "question", "contact-centre", "contact-center"),
    "survey": ("surveys", "survey-results"),
}
"""Other names accepted for each kind (in any case, with `_` for `-`): `import questions q.csv`."""
COLUMNS = {
    "question-log": ("date", "channel", "topic", "count"),
    "survey": ("element", "rating", "importance"),
}


def kind_named(name: str) -> str | None:
    """The kind that `name` is or stands for (`contact_centre` → `question-log`); None if none."""
    key = name.strip().lower().replace("_", "-")
    for kind in KINDS:
        if key == kind or key in KIND_ALIASES[kind]:
            return kind
    return None


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
"""Control characters (line breaks, tabs, NUL, ESC) and bidi overrides; a non-breaking space is fine."""


@dataclass
class Table:
    """The rows of a CSV file as {column: text}, with their row numbers and the problems found."""

    path: str
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def bad(self, row: int, column: str, message: str, code: str = "bad-type") -> None:
        self.problems.append(Problem(self.path, row, code, f"row {row}: {message}", field=column))


def read_table(file: Path, kind: str) -> Table:
    """Read and split a CSV file; ConfigError when it cannot be read or lacks required columns."""
    try:
        text = file.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise ConfigError(f"cannot read {file}: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{file}: byte {exc.start} is not UTF-8: save the file as UTF-8 (CSV UTF-8)"
        ) from exc
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    table = Table(str(file))
    try:
        return _rows(file, kind, reader, table)
    except csv.Error as exc:  # e.g. a cell over csv's field size limit (128 KiB)
        raise ConfigError(f"{file}:{reader.line_num}: cannot read this CSV row: {exc}") from exc


def _rows(file: Path, kind: str, reader: Any, table: Table) -> Table:
    header = next(reader, None)
    if header is None:
        raise ConfigError(f"{file} is empty: expected a header row {', '.join(COLUMNS[kind])}")
    names = [h.strip().lower() for h in header]
    missing = [c for c in COLUMNS[kind] if c not in names]
    unknown = [h for h in names if h not in COLUMNS[kind]]
    if missing or unknown:
        found = ", ".join(names) or "(nothing)"
        raise ConfigError(
            f"{file}:1: the header is {found}; a {kind} file has the columns {', '.join(COLUMNS[kind])}"
        )
    for cells in reader:
        row = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(names):
            table.bad(row, "", f"{len(cells)} cells, expected {len(names)} ({', '.join(names)})")
            continue
        odd = next((n for n, c in zip(names, cells, strict=True) if _CONTROL.search(c)), None)
        if odd is not None:  # NUL, a line break inside quotes, ESC, a bidi override: nothing a topic holds
            table.bad(
                row, odd, f"`{odd}` holds a control character or line break: write it on one line as text"
            )
            continue
        table.rows.append((row, {n: c.strip() for n, c in zip(names, cells, strict=True)}))
    if not table.rows and not table.problems:
        raise ConfigError(f"{file} has a header but no rows")
    return table


def _number(table: Table, row: int, column: str, text: str, low: float, high: float) -> float | None:
    if not text:
        table.bad(
            row, column, f"`{column}` is empty: expected a number from {low:g} to {high:g}", "missing-field"
        )
        return None
    try:
        value = float(text.replace(",", ".") if "." not in text else text)
    except ValueError:
        table.bad(row, column, f"`{column}` is {text!r}: expected a number from {low:g} to {high:g}")
        return None
    if not low <= value <= high:
        table.bad(row, column, f"`{column}` is {text}: expected a number from {low:g} to {high:g}")
        return None
    return int(value) if value.is_integer() else value


def question_rows(table: Table, today: dt.date) -> list[dict[str, Any]]:
    """Validate question-log rows: [{row, date, channel, topic, count}]."""
    out = []
    for row, cells in table.rows:
        before = len(table.problems)
        try:
            day = dt.date.fromisoformat(cells["date"])
            if day > today:
                table.bad(row, "date", f"`date` {day} is in the future")
        except ValueError:
            table.bad(row, "date", f"`date` is {cells['date']!r}: expected YYYY-MM-DD")
        channel = cells["channel"].lower()
        if channel not in CHANNELS:
            table.bad(
                row, "channel", f"`channel` is {cells['channel']!r}: expected one of {', '.join(CHANNELS)}"
            )
        if not cells["topic"]:
            table.bad(row, "topic", "`topic` is empty: name what was asked", "missing-field")
        count = cells["count"] or "1"
        if not count.isdigit() or int(count) < 1:
            table.bad(row, "count", f"`count` is {cells['count']!r}: expected a whole number of at least 1")
        if len(table.problems) == before:
            out.append(
                {"row": row, "date": day, "channel": channel, "topic": cells["topic"], "count": int(count)}
            )
    return out


def survey_elements(table: Table) -> list[dict[str, Any]]:
    """Validate survey rows: [{element, rating, importance}]; the weights must sum to about 1."""
    out: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for row, cells in table.rows:
        name = cells["element"]
        if not name:
            table.bad(row, "element", "`element` is empty: name what was rated", "missing-field")
        elif name.lower() in seen:
            table.bad(row, "element", f"element {name!r} is also on row {seen[name.lower()]}")
        seen.setdefault(name.lower(), row)
        rating = _number(table, row, "rating", cells["rating"], 0, 10)
        importance = _number(table, row, "importance", cells["importance"], 0, 1)
        if name and rating is not None and importance is not None:
            out.append({"element": name, "rating": rating, "importance": importance})
    total = sum(e["importance"] for e in out)
    if not table.problems and abs(total - 1) > WEIGHT_TOLERANCE + WEIGHT_EPSILON:
        table.problems.append(
            Problem(
                table.path,
                1,
                "bad-type",
                f"the importance weights sum to {total:.3g}: they must sum to about 1 "
                f"(within {WEIGHT_TOLERANCE:g})",
                field="importance",
            )
        )
    return out


def _refuse(table: Table) -> None:
    if table.problems:
        table.problems.sort(key=lambda p: p.line)
        rows = len({p.line for p in table.problems})
        raise RecordError(f"{table.path}: nothing imported: {rows} bad row(s)", table.problems)


def _check_person(repo: Repository, by: str) -> None:
    if by not in repo.config.people:
        raise ConfigError(
            f"--by {by!r} is not a person in kscms.yaml: use one of {', '.join(sorted(repo.config.people))}"
        )


def import_question_log(
    repo: Repository, file: Path, by: str, at: dt.datetime | None = None, skipped: list[str] | None = None
) -> list[str]:
    """One question signal per row (status new, registered by `by`); returns the paths written.

    A row that an earlier import of the same log wrote already (the same date, channel, topic and
    count, in the record of the id it would get) is left out, and that record's path is added to
    `skipped`: importing a log twice does not count its questions twice.
    """
    from kscms.model.ids import make_id

    _check_person(repo, by)
    moment = at or repo.now()
    table = read_table(file, "question-log")
    rows = question_rows(table, repo.config.local_date(moment))
    _refuse(table)
    word = "Vraag" if repo.config.language == "nl" else "Question"
    paths = []
    for r in rows:
        sets = {("channel",): r["channel"], ("question",): {"topic": r["topic"], "count": r["count"]}}
        title = f"{word}: {r['topic']} ({r['count']}x, {r['channel']})"
        earlier = repo.lookup(make_id("signal", r["date"], title))
        if earlier is not None and _same_question(earlier, r):
            if skipped is not None:
                skipped.append(earlier.path)
            continue
        paths.append(
            _new_signal(
                repo,
                table,
                r["row"],
                title=title,
                by=by,
                kind="question",
                sets=sets,
                at=moment,
                created=r["date"],
            )
        )
    return paths


def _same_question(record: Any, row: dict[str, Any]) -> bool:
    question = getattr(record, "question", None)
    return question is not None and (record.created, record.channel, question.topic, question.count) == (
        row["date"],
        row["channel"],
        row["topic"],
        row["count"],
    )


def import_survey(
    repo: Repository,
    file: Path,
    by: str,
    *,
    created: dt.date | None = None,
    title: str | None = None,
    period: str | None = None,
    respondents: int | None = None,
    at: dt.datetime | None = None,
) -> list[str]:
    """One survey signal holding every element of the file; returns the path written (a list of one)."""
    _check_person(repo, by)
    moment = at or repo.now()
    day = created or repo.config.local_date(moment)
    table = read_table(file, "survey")
    elements = survey_elements(table)
    _refuse(table)
    block: dict[str, Any] = {"elements": elements}
    if period:
        block["period"] = period
    if respondents is not None:
        block["respondents"] = respondents
    label = "Klanttevredenheidsonderzoek" if repo.config.language == "nl" else "Customer survey"
    name = title or f"{label} {period or day.isoformat()}"
    sets = {("channel",): "survey", ("survey",): block}
    return [_new_signal(repo, table, 1, title=name, by=by, kind="survey", sets=sets, at=moment, created=day)]


def _new_signal(repo: Repository, table: Table, row: int, **fields: Any) -> str:
    """Write one signal with `kscms.authoring.new_record`; a refusal names the row it came from."""
    from kscms.authoring import new_record

    try:
        return new_record(repo, "signal", **fields)
    except RecordError as exc:
        raise RecordError(f"{table.path}: row {row}: {exc.message}", exc.problems) from exc
