"""`kscms move`: one workflow step."""

from __future__ import annotations

import click

from kscms.cli._options import MOMENT, set_option


@click.command("move")
@click.argument("record_id", metavar="ID")
@click.argument("status")
@click.option("--by", "by", required=True, metavar="PERSON", help="People key of who makes the step.")
@click.option("--note", help="A note for the history event.")
@set_option
@click.option(
    "--at", type=MOMENT, help="Time of the event (default: now; a date alone: that day, at most now)."
)
@click.pass_obj
def move_command(obj, record_id, status, by, note, sets, at):  # type: ignore[no-untyped-def]
    """Move a record one workflow step: set fields, append the event, validate, write.

    A step that is not allowed, by someone who may not make it, or without the fields the new status
    needs, is refused with the reason; the file is then left byte-identical. A compliment forwarded
    without a `giver` gets the default one: the manager of its first receiver team (or of the team of
    its first receiving person).

    \b
    Example:
      kscms move C-20261120-printer-snel-gemaakt forwarded --by anne --set giver=marja
      kscms move C-20261120-printer-snel-gemaakt given --by marja --note "In het teamoverleg"
      kscms move I-20261121-opzeggen-online accepted --by piet --set decision.outcome=accepted \\
        --set "decision.reason=Scheelt 400 telefoontjes per maand" \\
        --set "strategy_fit={fits: true}" --set "business_case={customers_affected: 4000}"
    """
    from kscms.authoring import move_record, parse_sets
    from kscms.cli._options import event_time, known_person

    repo = obj.repo
    cfg = repo.config
    known_person(cfg, by)
    before = repo.load(record_id)
    moment = event_time(at, cfg.tz)
    path = move_record(repo, record_id, status, by, note=note, sets=parse_sets(sets), at=moment)
    click.echo(path)
    click.echo(f"moved {record_id}: {before.status} → {status}", err=True)
    giver = getattr(repo.load(record_id), "giver", None)
    if giver and not getattr(before, "giver", None) and not any(s.startswith("giver=") for s in sets):
        click.echo(
            f"giver: {giver} (the manager of the receivers' team; --set giver=... for another)", err=True
        )
