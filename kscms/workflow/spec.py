"""Workflow types: states, transitions, the built-in stage each status stands for, and who may move."""

from __future__ import annotations

from dataclasses import dataclass, field


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
