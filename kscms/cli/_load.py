"""Reading records for the reporting commands (kpi, threads, due, export): warn about what is left out."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click


def load_records(
    repo: Any, types: tuple[str, ...] | None = None, where: Callable[[str], bool] | None = None
) -> list[Any]:
    """Every record that parses (of `types`; with `where`, only the paths it accepts).

    A warning on stderr names how many of the files read could not be read.
    """
    paths = repo.record_paths()
    selected = paths if where is None else [p for p in paths if where(p)]
    if len(selected) == len(paths):
        records, problems = repo.load_all(types)  # every file: in worker processes when it pays off
    else:
        from kscms.model.ids import id_problem

        records, problems = [], []
        for path in selected:
            record, found = repo.parse(path)
            problems.extend(found)
            if record is not None and not id_problem(record.id) and (types is None or record.type in types):
                records.append(record)
    if problems:
        files = len({p.path for p in problems})
        click.echo(
            f"kscms: warning: {files} record file(s) could not be read and were left out: run `kscms check`",
            err=True,
        )
    return list(records)
