"""The default workflows of SPEC section 3, as data."""

from __future__ import annotations

from kscms.workflow.spec import Workflow

ANYONE = "*"
ANALYST_OR_COORDINATOR = ("analyst", "coordinator")


def _identity(*statuses: str) -> dict[str, str]:
    return {s: s for s in statuses}


SIGNAL = Workflow(
    name="signal",
    initial=("new",),
    transitions={"new": ("triaged",), "triaged": ("closed",)},
    stages=_identity("new", "triaged", "closed"),
    permissions={"triaged": ANALYST_OR_COORDINATOR, "closed": ("coordinator",)},
)

COMPLAINT = Workflow(
    name="complaint",
    initial=("new",),
    transitions={"new": ("acknowledged",), "acknowledged": ("resolved",), "resolved": ("closed",)},
    stages=_identity("new", "acknowledged", "resolved", "closed"),
    permissions={
        "acknowledged": ANALYST_OR_COORDINATOR,
        "resolved": ANALYST_OR_COORDINATOR,
        "closed": ("coordinator",),
    },
)

_COMPLIMENT_OPEN = ("registered", "forwarded", "given", "reaction_recorded", "maker_informed")

COMPLIMENT = Workflow(
    name="compliment",
    initial=("registered",),
    transitions={
        "registered": ("forwarded", "withdrawn"),
        "forwarded": ("given", "withdrawn"),
        "given": ("reaction_recorded", "withdrawn"),
        "reaction_recorded": ("maker_informed", "closed", "withdrawn"),
        "maker_informed": ("closed", "withdrawn"),
    },
    stages=_identity(*_COMPLIMENT_OPEN, "closed", "withdrawn"),
    permissions={
        "forwarded": ("coordinator",),
        "given": ("@giver", "coordinator"),
        "reaction_recorded": ("@giver", "coordinator"),
        "maker_informed": ("coordinator",),
        "closed": ("coordinator",),
        "withdrawn": ("coordinator",),
    },
    guards={("reaction_recorded", "closed"): "maker_anonymous"},
)

IMPROVEMENT = Workflow(
    name="improvement",
    initial=("proposed",),
    transitions={
        "proposed": ("accepted", "rejected", "withdrawn"),
        "accepted": ("in_progress",),
        "in_progress": ("implemented",),
        "implemented": ("evaluated",),
        "evaluated": ("closed",),
        "rejected": ("closed",),
    },
    stages=_identity(
        "proposed", "accepted", "rejected", "in_progress", "implemented", "evaluated", "closed", "withdrawn"
    ),
    permissions={
        "accepted": ("decider",),
        "rejected": ("decider",),
        "in_progress": ("@owner", "decider", "coordinator"),
        "implemented": ("@owner", "decider", "coordinator"),
        "evaluated": ("@owner", "decider", "coordinator"),
        "closed": ("coordinator",),
        "withdrawn": ("coordinator",),
    },
)

BUILTIN: dict[str, Workflow] = {w.name: w for w in (SIGNAL, COMPLAINT, COMPLIMENT, IMPROVEMENT)}

# Stages on the accepted path of an improvement, in order ("accepted or further").
ACCEPTED_OR_FURTHER = ("accepted", "in_progress", "implemented", "evaluated", "closed")
