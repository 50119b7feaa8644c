"""The history replays through the record's workflow (delegates to the workflow engine)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from kscms.checks.context import CheckContext
from kscms.diagnostics import Problem
from kscms.workflow.engine import replay

if TYPE_CHECKING:
    from kscms.model.base import Record


def check_history(record: Record, ctx: CheckContext) -> Iterator[Problem]:
    """The date received is not in the future; then the history: first event, allowed steps,
    permitted people, time order, no future, status agrees, requirements."""
    today = ctx.config.local_date(ctx.now)
    if record.created > today:
        yield Problem(
            record.path,
            record.line_of("created"),
            "future-event",
            f"`created` is {record.created}, after today ({today}): use the date the {record.type} was received",
            field="created",
        )
    yield from replay(record, ctx.config, ctx.now)
