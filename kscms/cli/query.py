"""`kscms list` and `kscms show`: query the records."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from kscms.cli._options import MOMENT, format_option

if TYPE_CHECKING:
    from kscms.config import Config
    from kscms.model.base import Record

LIST_COLUMNS = ("id", "type", "kind", "status", "created", "title")


@click.command("list")
@click.argument(
    "record_type",
    metavar="[TYPE]",
    required=False,
    type=click.Choice(["signal", "compliment", "improvement"]),
)
@click.option("--status", "statuses", multiple=True, help="Only records with this status (repeatable).")
@click.option("--kind", help="Only this signal or improvement kind.")
@click.option(
    "--theme", "themes", multiple=True, metavar="KEY", help="Only records with this theme (repeatable)."
)
@click.option(
    "--department",
    "departments",
    multiple=True,
    metavar="KEY",
    help="Only records of this department (repeatable).",
)
@click.option(
    "--team",
    metavar="KEY",
    help="Only what the team's weekly meeting discusses: compliments it received, proposals of its members.",
)
@click.option("--overdue", is_flag=True, help="Only items past their norm (see `kscms due`).")
@click.option("--as-of", type=MOMENT, help="For --overdue: judge as of the end of this date (default: now).")
@format_option("table", "json", "csv")
@click.pass_obj
def list_command(obj, record_type, statuses, kind, themes, departments, team, overdue, as_of, fmt):  # type: ignore[no-untyped-def]
    """List records, newest first.

    \b
    Example:
      kscms list compliment --status registered --status forwarded
      kscms list signal --kind complaint --format csv > klachten.csv
      kscms list --overdue
      kscms list improvement --department facturatie --theme opzeggen
      kscms list --team servicedesk --status given
    """
    from kscms.cli._options import as_datetime
    from kscms.cli._output import csv_text, json_text, table

    repo = obj.repo
    records = repo.records((record_type,) if record_type else None)
    if statuses:
        records = _with_status(repo.config, records, record_type, statuses)
    if kind:
        records = [r for r in records if getattr(r, "kind", None) == kind]
    for wanted, field, section in ((themes, "themes", "themes"), (departments, "departments", "departments")):
        unknown = [k for k in wanted if k not in getattr(repo.config, section)]
        if unknown:
            known = ", ".join(sorted(getattr(repo.config, section))) or "(none)"
            raise click.UsageError(f"unknown {field[:-1]} `{unknown[0]}`: use one of {known}")
        if wanted:
            records = [r for r in records if set(wanted) & set(getattr(r, field))]
    if team:
        from kscms.teams import belongs_to, members

        if team not in repo.config.teams:
            known = ", ".join(sorted(repo.config.teams)) or "(none)"
            raise click.UsageError(f"unknown team `{team}`: use one of {known}")
        people = members(repo.config, team)
        records = [r for r in records if belongs_to(r, team, people)]
    reasons: dict[str, str] = {}
    if overdue:
        from kscms.worklist import overdue_reasons

        moment = as_datetime(as_of, repo.config.tz) if as_of else repo.now()
        reasons = overdue_reasons(records, repo.config, moment or repo.now())
        records = [r for r in records if r.id in reasons]
    records.sort(key=lambda r: (r.created, r.id), reverse=True)
    rows = [
        {
            "id": r.id,
            "type": r.type,
            "kind": getattr(r, "kind", ""),
            "status": r.status,
            "created": r.created.isoformat(),
            "title": r.title,
            "path": r.path,
            "overdue": reasons.get(r.id),
        }
        for r in records
    ]
    columns = (*LIST_COLUMNS, "overdue") if overdue else LIST_COLUMNS
    if fmt == "json":
        click.echo(json_text(rows), nl=False)
    elif fmt == "csv":
        click.echo(csv_text(rows, (*columns, "path")), nl=False)
    else:
        click.echo(table(rows, columns), nl=False)
        click.echo(f"{len(rows)} record(s)", err=True)


_WORKFLOWS = {
    "signal": ("signal", "complaint"),
    "compliment": ("compliment",),
    "improvement": ("improvement",),
}
"""The workflows records of a type follow."""


def _with_status(
    config: Config, records: list[Record], record_type: str | None, statuses: tuple[str, ...]
) -> list[Record]:
    """The records whose status, or the built-in stage their status stands for, is one of
    `statuses`; an unknown status is a usage error naming the known ones."""
    flows = config.workflows_by_name
    names = _WORKFLOWS.get(record_type or "", tuple(flows))
    known = {s for name in names for pair in flows[name].stages.items() for s in pair}
    unknown = [s for s in statuses if s not in known]
    if unknown:
        raise click.UsageError(f"unknown status `{unknown[0]}`: use one of {', '.join(sorted(known))}")
    wanted = set(statuses)
    return [r for r in records if r.status in wanted or flows[r.workflow_name].stage_of(r.status) in wanted]


@click.command("show")
@click.argument("record_id", metavar="ID")
@format_option("text", "json")
@click.pass_obj
def show_command(obj, record_id, fmt):  # type: ignore[no-untyped-def]
    """Show one record: its fields, its history as a timeline, and its body.

    \b
    Example:
      kscms show C-20261120-printer-snel-gemaakt
      kscms show S-20261102-bellen-opzeggen --format json
    """
    from kscms.cli._output import json_text, terminal_safe

    repo = obj.repo
    record = repo.load(record_id)
    data = record.model_dump(mode="json", exclude_defaults=True)
    if fmt == "json":
        click.echo(json_text({**data, "path": record.path, "body": record.body}), nl=False)
        return
    history = data.pop("history", [])
    lines = [
        f"{record.id}  [{record.type}{'/' + data['kind'] if 'kind' in data else ''}]  {record.status}",
        f"  {record.title}",
        f"  {record.path}",
        "",
    ]
    from kscms.yamlio import dump_flow

    for key, value in data.items():
        if key in ("id", "type", "kind", "title", "status"):
            continue
        lines.append(f"  {key}: {dump_flow(value) if isinstance(value, dict | list) else value}")
    lines += ["", "history:"]
    for event in history:
        note = f"  — {event['note']}" if event.get("note") else ""
        lines.append(f"  {event['at']}  {event['status']:<18} by {event['by']}{note}")
    if record.body.strip():
        lines += ["", record.body.rstrip()]
    click.echo(terminal_safe("\n".join(lines)))
