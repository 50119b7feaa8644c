"""Kinds of record, as rules test for them, and the vocabularies the rules need; no pydantic here.

`isinstance(record, Signal)` with `Signal` from this module is true for every signal, whichever
class holds its fields: to mypy these names are the pydantic models, at run time they are the
behaviour classes that both the models and the lean reader's classes derive from
(`kscms.model.behaviour`). Rules that run on lean records (`check --base`) import them from here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kscms.model.compliment import Compliment
    from kscms.model.improvement import Improvement
    from kscms.model.signal import Signal
else:
    from kscms.model.behaviour import ComplimentBehaviour as Compliment
    from kscms.model.behaviour import ImprovementBehaviour as Improvement
    from kscms.model.behaviour import SignalBehaviour as Signal

__all__ = [
    "Signal",
    "Compliment",
    "Improvement",
    "KINDS",
    "CHANNELS",
    "KIND_BLOCKS",
    "WEIGHT_TOLERANCE",
    "WEIGHT_WARNING",
    "WEIGHT_EPSILON",
]

YEARS = range(1900, 3000)
"""Years a record's dates and times may have: beyond them, time-zone arithmetic overflows (year 1 at
+14:00 is before the first representable moment) and no real record has them."""


def _choices(model: str, field: str) -> tuple[str, ...]:
    """The values a literal field of a model takes, as the models declare them (via the lean table)."""
    from kscms.model.lean_table import TABLE

    kind = next(desc for name, desc, _default in TABLE[model] if name == field)
    while kind[0] == "nullable":
        kind = kind[1]
    assert kind[0] == "literal", (model, field, kind)
    return tuple(kind[1])


KINDS = _choices("Signal", "kind")
"""A signal's `kind` (SPEC 3.1), as `kscms.model.signal.Kind` declares it."""
CHANNELS = _choices("Signal", "channel")
"""A signal's `channel` (SPEC 3.1), as `kscms.model.signal.Channel` declares it."""
KIND_BLOCKS = ("survey", "question", "complaint", "focus_group", "forum", "employee_idea")
"""The kinds that have a block of their own, named after the kind."""
WEIGHT_TOLERANCE = 0.02
"""How far the `importance` weights that `import survey` reads may sum from 1 (else it writes nothing)."""
WEIGHT_WARNING = 0.05
"""How far a survey record's weights may sum from 1 before `check` warns (`survey-weights`): weights
written by hand or rounded to two decimals over many elements sum to 0.97 or 1.03, which is "~1"."""
WEIGHT_EPSILON = 1e-9
"""Float slack: 0.51 + 0.51 is 1.02 to the eye and 1.0200000000000000178 to Python."""
