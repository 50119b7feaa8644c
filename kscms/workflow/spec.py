"""Workflow types: states, transitions, the built-in stage each status stands for, and who may move."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kscms.model.config import WorkflowOverride


@dataclass(frozen=True)
class Workflow:
    """One record lifecycle, as data."""

    name: str
    """`signal`, `complaint`, `compliment` or `improvement`."""
    initial: tuple[str, ...]
    """Statuses a history may start with."""
    transitions: dict[str, tuple[str, ...]]
    """status -> statuses reachable in one step."""
    stages: dict[str, str]
    """status -> the built-in status (stage) it stands for; identity for the built-in workflows."""
    permissions: dict[str, tuple[str, ...]]
    """target status -> who may move there: role names, or `@giver` / `@owner` for the record's own."""
    guards: dict[tuple[str, str], str] = field(default_factory=dict)
    """(from stage, to stage) -> name of a condition the step needs (see engine.GUARDS)."""

    @property
    def statuses(self) -> tuple[str, ...]:
        return tuple(self.stages)

    def stage_of(self, status: str) -> str | None:
        return self.stages.get(status)

    def allowed(self, from_status: str) -> tuple[str, ...]:
        return self.transitions.get(from_status, ())

    def statuses_for_stage(self, stage: str) -> tuple[str, ...]:
        return tuple(s for s, st in self.stages.items() if st == stage)


def merge_override(base: Workflow, override: WorkflowOverride | None) -> Workflow:
    """Apply a kscms.yaml `workflows:` override to a built-in workflow."""
    if override is None:
        return base
    stages = dict(override.statuses) if override.statuses else dict(base.stages)
    if override.transitions is not None:
        transitions = {k: tuple(v) for k, v in override.transitions.items()}
    else:
        transitions = {a: tuple(b for b in stages if stages[b] in base.allowed(stages[a])) for a in stages}
    permissions = {s: base.permissions.get(st, ()) for s, st in stages.items() if st in base.permissions}
    if override.permissions:
        permissions.update({k: tuple(v) for k, v in override.permissions.items()})
    initial = tuple(s for s, st in stages.items() if st in base.initial)
    return Workflow(base.name, initial, transitions, stages, permissions, base.guards)
