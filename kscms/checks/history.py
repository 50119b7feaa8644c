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
    """First event, allowed steps, permitted people, time order, no future, status agrees, requirements."""
    yield from replay(record, ctx.config, ctx.now)
