"""`kscms intake`: turn a submitted GitHub issue form into a record."""

from __future__ import annotations

import sys
from pathlib import Path

import click


@click.command("intake")
@click.option(
    "--body-file",
    required=True,
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    help="The issue body as GitHub rendered it from the form (- for stdin).",
)
@click.option("--author", required=True, metavar="LOGIN", help="GitHub login of who opened the issue.")
@click.option(
    "--type",
    "record_type",
    type=click.Choice(["compliment", "signal", "improvement"]),
    help="Which form it is (the issue's label); default: told from the headings.",
)
@click.pass_obj
def intake_command(obj, body_file: Path, author: str, record_type: str | None) -> None:  # type: ignore[no-untyped-def]
    """Turn an issue opened from one of the issue forms into a new record.

    The author's GitHub login must be the `github:` of a person in kscms.yaml; that person registers
    the record. Every problem of the form is listed at once (exit 1); on success the path of the new
    record is the last line printed.

    \b
    Example:
      gh issue view 42 --json body --jq .body > body.md
      kscms intake --body-file body.md --author kvisser --type compliment
    """
    from kscms.intake import MAX_FORM_BYTES, decode_form, intake, read_form

    repo = obj.repo
    if str(body_file) == "-":
        text = decode_form(sys.stdin.buffer.read(MAX_FORM_BYTES + 1))
    else:
        text = read_form(body_file)
    path = intake(repo, text, author, record_type)
    click.echo(f"created {Path(path).stem} from the form", err=True)
    click.echo(path)
