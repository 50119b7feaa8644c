"""`kscms new`: create a record in its first status."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kscms.cli._options import MOMENT, set_option

KIND_CHOICES = {
    "signal": ("survey", "question", "remark", "complaint", "focus_group", "forum", "employee_idea"),
    "improvement": ("improvement", "cap"),
}
DEFAULT_KIND = {"signal": "remark", "improvement": "improvement"}
"""The kind of a record made without --kind and without a terminal: the generic one."""


@click.command("new")
@click.argument("record_type", metavar="TYPE", type=click.Choice(["signal", "compliment", "improvement"]))
@click.option(
    "--kind",
    "kind",
    help="Signal kind (survey, question, remark, complaint, focus_group, forum, employee_idea) or improvement kind "
    "(improvement, cap). Without it: asked in a terminal, else remark for a signal and improvement for an improvement.",
)
@click.option("--title", help="Short title; the id is made from the date and this title.")
@click.option("--by", "by", metavar="PERSON", help="People key of who registers it.")
@set_option
@click.option(
    "--body-file",
    type=click.File("r", encoding="utf-8"),
    help="Markdown body (the compliment's quote); - for stdin.",
)
@click.option("--body", "body_text", help="Markdown body as text.")
@click.option(
    "--at", type=MOMENT, help="Time of the first event (default: now; a date alone: that day, at most now)."
)
@click.option("--no-input", is_flag=True, help="Never prompt; fail on what is missing.")
@click.pass_obj
def new_command(obj, record_type, kind, title, by, sets, body_file, body_text, at, no_input):  # type: ignore[no-untyped-def]
    """Create a record in its first status and print its path.

    Prompts for what is missing when a terminal is attached (unless --no-input).

    \b
    Example:
      kscms new compliment --title "Printer binnen een uur gemaakt" --by anne \\
        --set receivers=[team:servicedesk] --set source=email \\
        --set "maker={kind: customer, display: een klant uit Utrecht}" --body-file quote.md
      kscms new signal --kind complaint --title "Factuur te laat" --by karel --set channel=phone
      kscms new compliment --title "Brief van de VvE" --by anne --set created=2026-11-18 --set source=letter
    """
    from kscms.authoring import new_record, parse_sets
    from kscms.cli._options import event_time, known_person

    repo = obj.repo
    cfg = repo.config
    interactive = not no_input and sys.stdin.isatty()
    defaulted = record_type in KIND_CHOICES and not kind and not interactive
    if record_type in KIND_CHOICES and not kind:
        default = DEFAULT_KIND[record_type]
        prompt_type = click.Choice(KIND_CHOICES[record_type])
        kind = click.prompt("Kind", type=prompt_type, default=default) if interactive else default
    if kind and record_type in KIND_CHOICES and kind not in KIND_CHOICES[record_type]:
        raise click.UsageError(
            f"--kind {kind}: a {record_type} kind is one of {', '.join(KIND_CHOICES[record_type])}"
        )
    if kind and record_type == "compliment":
        raise click.UsageError("--kind is for signals and improvements")
    if not title:
        if not interactive:
            raise click.UsageError("--title is required (or run in a terminal to be asked)")
        title = click.prompt("Title")
    if not by:
        if not interactive:
            raise click.UsageError(f"--by is required: one of {', '.join(sorted(cfg.people))}")
        by = click.prompt("By (people key)", type=click.Choice(sorted(cfg.people)))
    known_person(cfg, by)
    try:
        body = body_file.read() if body_file else (body_text or "")
    except UnicodeDecodeError as exc:
        raise click.UsageError(f"--body-file: byte {exc.start} is not UTF-8: save the file as UTF-8") from exc
    if not body and interactive and record_type == "compliment":
        body = (
            click.edit("\n# Write the compliment as it was made (lines starting with # are dropped)\n") or ""
        )
        body = "\n".join(line for line in body.splitlines() if not line.startswith("#")).strip() + "\n"
    moment = event_time(at, cfg.tz)
    if defaulted:
        click.echo(f"kind: {kind} (pass --kind to choose)", err=True)
    path = new_record(
        repo,
        record_type,
        title.strip(),
        by,
        kind=kind if record_type != "compliment" else None,
        sets=parse_sets(sets, allow=("created",)),
        body=body,
        at=moment,
    )
    click.echo(path)
    if interactive:
        click.echo(f"created {Path(path).stem}: edit the file to add details, then `kscms check`", err=True)
