"""`kscms schema`: JSON Schema of the record types."""

from __future__ import annotations

import click


@click.command("schema")
@click.argument(
    "record_type",
    metavar="[TYPE]",
    required=False,
    type=click.Choice(["signal", "compliment", "improvement"]),
)
def schema_command(record_type: str | None) -> None:
    """Print the JSON Schema of the record types (for editors and forms).

    \b
    Example:
      kscms schema compliment > compliment.schema.json
      kscms schema
    """
    from kscms.cli._output import json_text
    from kscms.schema import record_schema

    click.echo(json_text(record_schema(record_type)), nl=False)
