"""Survey signals: the `importance` weights of the rated elements sum to about 1 (SPEC §3.1).

A warning, not an error: SPEC says "~1", and weights rounded by hand are rarely exactly 1.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from kscms.checks.context import CheckContext
from kscms.diagnostics import Problem
from kscms.model.kinds import WEIGHT_EPSILON, WEIGHT_WARNING, Signal

if TYPE_CHECKING:
    from kscms.model.base import Record


def check_survey_weights(record: Record, ctx: CheckContext) -> Iterator[Problem]:
    """A survey's element weights sum to 1 within `WEIGHT_WARNING`."""
    if not isinstance(record, Signal) or record.survey is None or not record.survey.elements:
        return
    total = sum(element.importance for element in record.survey.elements)
    if abs(total - 1) > WEIGHT_WARNING + WEIGHT_EPSILON:
        yield Problem(
            record.path,
            record.line_of("survey.elements"),
            "survey-weights",
            f"the `importance` weights of `survey.elements` sum to {total:.4g}, expected 1 "
            f"(within {WEIGHT_WARNING:g}): change the weights so that they add up to 1",
            severity="warning",
            field="survey.elements",
        )
