"""The rules `kscms check` runs, in order: `RULES` lists (code family, function) like yamllint's rules.

Parsing problems (yaml-*, front-matter, missing-field, unknown-field, bad-type) come from
`kscms.model.parse_record`; the rules here run on records that parsed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

from kscms.checks.context import CheckContext
from kscms.checks.history import check_history
from kscms.checks.privacy import check_personal_data
from kscms.checks.references import check_identity, check_keys, check_links
from kscms.checks.survey import check_survey_weights
from kscms.diagnostics import Problem

if TYPE_CHECKING:
    from kscms.model.base import Record

Rule = Callable[["Record", CheckContext], Iterator[Problem]]

RULES: tuple[tuple[str, Rule], ...] = (
    ("identity", check_identity),
    ("references", check_keys),
    ("links", check_links),
    ("survey", check_survey_weights),
    ("history", check_history),
    ("privacy", check_personal_data),
)

__all__ = ["RULES", "CheckContext", "run_checks", "check_duplicates"]


def run_checks(records: Iterable[Record], ctx: CheckContext) -> Iterator[Problem]:
    """Every rule on every record (collect everything; the caller decides how to fail)."""
    for record in records:
        for _name, rule in RULES:
            yield from rule(record, ctx)


def check_duplicates(ctx: CheckContext, only: set[str] | None = None) -> Iterator[Problem]:
    """Two files with the same id (stem), anywhere under records/.

    With `only` (the paths being checked, e.g. the changed ones) the problem is reported on those
    files, naming the other file; otherwise on every file but the first in path order.
    """
    for record_id, paths in sorted(ctx.ids.items()):
        if len(paths) < 2:
            continue
        ordered = sorted(paths)
        blamed = ordered[1:] if only is None else [p for p in ordered if p in only]
        for path in blamed:
            other = next(p for p in ordered if p != path)
            yield Problem(
                path,
                1,
                "duplicate-id",
                f"id `{record_id}` is also used by {other}: give this record another slug",
                field="id",
            )
