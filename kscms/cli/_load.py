"""Reading records for the reporting commands (kpi, threads, due, export): warn about what is left out."""

from __future__ import annotations

from typing import Any

import click


def load_records(repo: Any, types: tuple[str, ...] | None = None) -> list[Any]:
    """Every record that parses; a warning on stderr names how many files could not be read."""
    records, problems = repo.load_all(types)
    if problems:
        files = len({p.path for p in problems})
        click.echo(
            f"kscms: warning: {files} record file(s) could not be read and were left out: run `kscms check`",
            err=True,
        )
    return list(records)
