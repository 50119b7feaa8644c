"""`kscms due`: the coordinator's weekly worklist."""

from __future__ import annotations

from typing import Any

import click

from kscms.cli._options import format_option
from kscms.cli._period import as_of_option

COLUMNS = ("section", "id", "status", "since", "days_over", "who", "reason")


@click.command("due")
@as_of_option
@format_option("table", "markdown", "json")
@click.pass_obj
def due_command(obj, as_of, fmt):  # type: ignore[no-untyped-def]
    """The weekly worklist: everything past its norm, with who should act.

    Compliments not given within the norm, complaints not acknowledged or resolved within their
    norms, proposers still waiting for feedback, improvements past their target date, and accepted
    improvements whose results were never communicated. --format markdown is ready to post in a
    weekly GitHub issue (one checkbox per item, people mentioned by their GitHub login).

    \b
    Example:
      kscms due
      kscms due --as-of 2026-11-30 --format markdown > week-48.md
      kscms due --format json | jq '.items | length'
    """
    from kscms.cli._load import load_records
    from kscms.cli._output import json_text, markdown_table, table
    from kscms.kpi.period import as_of_moment
    from kscms.worklist import SECTIONS, worklist

    repo = obj.repo
    config = repo.config
    moment = as_of_moment(as_of, config.tz) if as_of is not None else repo.now()
    items = worklist(load_records(repo), config, moment)
    day = config.local_date(moment)
    if fmt == "json":
        click.echo(json_text({"as_of": day.isoformat(), "items": [i.to_json() for i in items]}), nl=False)
        return
    if fmt == "table":
        click.echo(table([i.to_json() for i in items], COLUMNS), nl=False)
        click.echo(f"{len(items)} item(s) due as of {day}", err=True)
        return
    lines = [f"# Worklist as of {day}", "", f"{len(items)} item(s) past their norm.", ""]
    for key, heading in SECTIONS.items():
        found = [i for i in items if i.section == key]
        if not found:
            continue
        lines += [f"## {heading} ({len(found)})", ""]
        rows = [{**i.to_json(), "done": "[ ]", "who": _mention(config, i.who)} for i in found]
        lines.append(
            markdown_table(
                rows, ("done", "id", "title", "who", "reason"), ("", "Record", "Title", "Who", "Why")
            )
        )
    if not items:
        lines.append("Nothing is due.")
    click.echo("\n".join(lines).rstrip("\n") + "\n", nl=False)


def _mention(config: Any, who: str | None) -> str:
    """`@login` for a person with a GitHub login, else their name (or key)."""
    person = config.people.get(who) if who else None
    if person is None:
        return who or ""
    return f"@{person.github}" if person.github else person.name
