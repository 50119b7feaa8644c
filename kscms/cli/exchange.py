"""`kscms export` and `kscms import`: bulk data out (JSON, CSV, SQLite) and in (CSV)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from kscms.cli._options import MOMENT

if TYPE_CHECKING:
    from kscms.config import Config


class ImportKind(click.ParamType):  # type: ignore[type-arg]
    """An `import` kind by its name or one of its other names; converts to the name."""

    name = "kind"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from kscms.csvimport import KIND_ALIASES, kind_named

        kind = kind_named(str(value))
        if kind is None:
            named = "; ".join(f"{k} (or {', '.join(a)})" for k, a in KIND_ALIASES.items())
            self.fail(f"{value!r} is not a kind to import: use {named}", param, ctx)
        return kind

    def shell_complete(self, ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
        from click.shell_completion import CompletionItem

        return [CompletionItem(k) for k in ("question-log", "survey") if k.startswith(incomplete)]


@click.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "csv", "sqlite"]),
    default="json",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file (required for sqlite; default for json and csv: standard output).",
)
@click.option(
    "--events", is_flag=True, help="With --format csv: one row per history event instead of per record."
)
@click.pass_obj
def export_command(obj, fmt: str, out: Path | None, events: bool) -> None:  # type: ignore[no-untyped-def]
    """Export every record with its fields and events.

    JSON: a list of records (all fields, `history`, `path`, `body`). CSV: one row per record,
    nested fields as dotted columns, `history` as JSON (or, with --events, one row per event);
    cells starting with = + - @ are prefixed with ' against formula injection. SQLite: tables
    `signals`, `compliments`, `improvements` and `events`, ready for Datasette or any SQL tool.
    The export holds private fields: keep it internal.

    \b
    Example:
      kscms export --format json > records.json
      kscms export --format csv --out records.csv
      kscms export --format csv --events > events.csv
      kscms export --format sqlite --out kscms.sqlite && datasette kscms.sqlite
    """
    from kscms.cli._load import load_records
    from kscms.cli._output import csv_text, json_text
    from kscms.exchange import EVENT_COLUMNS, event_rows, export_json, export_rows, export_sqlite

    repo = obj.repo
    if out is not None:
        _refuse_repository_files(repo, out)
    records = sorted(load_records(repo), key=lambda r: r.id)
    if events and fmt != "csv":
        raise click.UsageError("--events goes with --format csv")
    if fmt == "sqlite":
        if out is None:
            raise click.UsageError("--format sqlite needs --out FILE, e.g. --out kscms.sqlite")
        counts = export_sqlite(records, out)
        click.echo(f"{out}: " + ", ".join(f"{t} {n}" for t, n in counts.items()), err=True)
        return
    if fmt == "json":
        text = json_text(export_json(records))
    elif events:
        text = csv_text(event_rows(records), EVENT_COLUMNS)
    else:
        columns, rows = export_rows(records)
        text = csv_text(rows, columns)
    if out is None:
        click.echo(text, nl=False, color=True)  # data as it is: keep escape sequences in a pipe too
    else:
        from kscms.repository import write_atomic

        write_atomic(out, text)
        click.echo(f"{out}: {len(records)} record(s)", err=True)


@click.command("import")
@click.argument("kind", metavar="{question-log|survey}", type=ImportKind())
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--by",
    "by",
    metavar="PERSON",
    help="People key of who registers the records. Default: the coordinator in kscms.yaml (the first by key).",
)
@click.option(
    "--at",
    type=MOMENT,
    help="Time of the registering event (default: now; a date alone: that day, at most now).",
)
@click.option(
    "--date", "created", type=click.DateTime(["%Y-%m-%d"]), help="survey: the date it was received."
)
@click.option("--title", help="survey: title of the record.")
@click.option("--period", "survey_period", help="survey: the period it covers, e.g. 2026-Q3.")
@click.option("--respondents", type=click.IntRange(0), help="survey: number of respondents.")
@click.pass_obj
def import_command(obj, kind, file, by, at, created, title, survey_period, respondents):  # type: ignore[no-untyped-def]
    """Turn a contact-centre question log or survey results (CSV) into signal records.

    question-log: columns date, channel, topic, count; one question signal per row.
    survey: columns element, rating (0-10), importance (0-1, summing to about 1); one survey signal.
    Commas or semicolons; UTF-8. Any bad row is reported with its row number (the header is row 1)
    and then nothing is written. Prints the path of every record written.

    The kind may also be written questions, question, question_log, contact-centre, contact_centre or
    contact-center (for question-log), or surveys, survey-results or survey_results (for survey).
    Without --by the records are registered by the coordinator (stderr says who).

    \b
    Example:
      kscms import question-log vragen-2026-10.csv
      kscms import question-log vragen-2026-10.csv --by anne
      kscms import survey kto-q3.csv --by yusuf --date 2026-10-05 --period 2026-Q3 --respondents 412
    """
    from kscms.cli._options import event_time
    from kscms.csvimport import import_question_log, import_survey

    repo = obj.repo
    if kind == "question-log" and (created or title or survey_period or respondents is not None):
        raise click.UsageError("--date, --title, --period and --respondents go with `import survey`")
    if survey_period and re.fullmatch(r"[0-9]{4}(?:-Q[0-9]+|-[0-9]{1,2})?", survey_period.strip()):
        from kscms.errors import ConfigError
        from kscms.kpi.period import Period

        try:  # written like a period (2026-Q5, 2026-13): it must be one; free text stays free
            Period.parse(survey_period)
        except ConfigError as exc:
            raise click.UsageError(str(exc)) from None
    by = by or _coordinator(repo.config)
    moment = event_time(at, repo.config.tz)
    if kind == "question-log":
        skipped: list[str] = []
        paths = import_question_log(repo, file, by, at=moment, skipped=skipped)
        if skipped:
            click.echo(
                f"{len(skipped)} row(s) imported before, left out: {', '.join(skipped[:3])}"
                + (" ..." if len(skipped) > 3 else ""),
                err=True,
            )
    else:
        paths = import_survey(
            repo,
            file,
            by,
            created=created.date() if created else None,
            title=title,
            period=survey_period,
            respondents=respondents,
            at=moment,
        )
    for path in paths:
        click.echo(path)
    click.echo(f"{len(paths)} record(s) written", err=True)


def _refuse_repository_files(repo: Any, out: Path) -> None:
    """An export never overwrites kscms.yaml or lands among the records (a slip of `--out`)."""
    from kscms.config import CONFIG_NAME

    rel = repo.rel(out)
    if rel == CONFIG_NAME or rel == "records" or rel.startswith("records/"):
        raise click.UsageError(f"--out {out}: that is {rel} of this repository; write the export elsewhere")


def _coordinator(config: Config) -> str:
    """The person who registers imported records without --by: the (first, by key) coordinator."""
    coordinators = config.people_with_role("coordinator")
    if not coordinators:
        raise click.UsageError(
            "no person in kscms.yaml has the role coordinator: pass --by PERSON, one of "
            + (", ".join(sorted(config.people)) or "(none yet)")
        )
    rest = f", the first by key of {', '.join(coordinators)}" if len(coordinators) > 1 else ""
    click.echo(f"by: {coordinators[0]} (the coordinator{rest}; pass --by to choose)", err=True)
    return coordinators[0]
