"""`kscms note`: an event that keeps the status, with a note and fields set."""

from __future__ import annotations

import click

from kscms.cli._options import MOMENT, set_option


@click.command("note")
@click.argument("record_id", metavar="ID")
@click.option("--by", "by", required=True, metavar="PERSON", help="People key of who writes the note.")
@click.option("--note", help="What happened (the history event's note).")
@set_option
@click.option(
    "--at", type=MOMENT, help="Time of the event (default: now; a date alone: that day, at most now)."
)
@click.pass_obj
def note_command(obj, record_id, by, note, sets, at):  # type: ignore[no-untyped-def]
    """Add a note to a record's history, and set fields, without moving it a step.

    The event keeps the record's status (a history event with the same status as the one before it
    is a note, which anyone in `people` may add). Use it to record progress for a proposer, to
    attach a Compliment Acceleration Plan (`--set cap=I-...`) once it exists, or to hand an item to
    someone else (`--set owner=...` also notes who had it). Validated and written like `move`.

    \b
    Example:
      kscms note I-20261121-opzeggen-online --by piet --note "Bouw gestart, klaar in maart"
      kscms note C-20261120-printer-snel-gemaakt --by anne --set cap=I-20261125-printer-cap
      kscms note I-20261121-opzeggen-online --by anne --set owner=ali --note "Karel met verlof"
    """
    from kscms.authoring import move_record, parse_sets
    from kscms.cli._options import event_time, known_person

    repo = obj.repo
    cfg = repo.config
    known_person(cfg, by)
    if not note and not sets:
        raise click.UsageError("nothing to record: pass --note TEXT and/or --set key=value")
    moment = event_time(at, cfg.tz)
    path = move_record(repo, record_id, None, by, note=note, sets=parse_sets(sets), at=moment)
    click.echo(path)
    click.echo(f"noted {record_id} ({repo.load(record_id).status})", err=True)
