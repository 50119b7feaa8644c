"""What records and the configuration do, apart from the fields they hold.

Two kinds of object hold the fields: the pydantic models (`kscms.model.base`, `.signal`, ...,
`kscms.model.config`), which validate and explain every problem, and the lean objects of
`kscms.model.lean`, which read valid input without importing pydantic. Both derive from the
classes here, so a rule written once runs on either; this module imports no pydantic.
"""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from kscms.model.base import Event
    from kscms.model.compliment import Consent
    from kscms.model.config import Person, Team, WorkflowOverride
    from kscms.model.signal import QuestionBlock
    from kscms.workflow.spec import Workflow

Positions = dict[tuple[str | int, ...], Any]
"""Key path -> a position whose first item is the 1-based line (`yamlio` and `yamlfast` both give one)."""


class RecordBehaviour:
    """Every record: where its fields are, and its history as of a moment."""

    __slots__ = ()

    if TYPE_CHECKING:  # the fields these methods read (declared by the classes that hold them)
        type: str
        history: list[Event]

        def _positions(self) -> Positions: ...

    def line_of(self, field: str) -> int:
        """Line of a dotted field (or of its nearest ancestor) in the file."""
        path: tuple[str | int, ...] = (
            tuple(int(p) if p.isdigit() else p for p in field.split(".")) if field else ()
        )
        locs = self._positions()
        while path:
            loc = locs.get(path)
            if loc is not None:
                return int(loc[0])
            path = path[:-1]
        return 1

    @property
    def workflow_name(self) -> str:
        return self.type

    @property
    def first_at(self) -> dt.datetime | None:
        return self.history[0].at if self.history else None

    def events_until(self, moment: dt.datetime | None) -> list[Event]:
        """The history as it stood at `moment` (all of it for None)."""
        if moment is None:
            return list(self.history)
        return [e for e in self.history if e.at <= moment]

    def status_at(self, moment: dt.datetime | None) -> str | None:
        events = self.events_until(moment)
        return events[-1].status if events else None

    def reached(self, status: str, moment: dt.datetime | None = None) -> Event | None:
        """The first event that moved the record to `status` (up to `moment`)."""
        for event in self.events_until(moment):
            if event.status == status:
                return event
        return None


class SignalBehaviour(RecordBehaviour):
    """A signal follows the complaint workflow when it is a complaint, else the signal workflow."""

    __slots__ = ()

    if TYPE_CHECKING:
        kind: str
        question: QuestionBlock | None

    @property
    def workflow_name(self) -> str:
        return "complaint" if self.kind == "complaint" else "signal"

    @property
    def question_count(self) -> int:
        return self.question.count if self.question else 1


class ComplimentBehaviour(RecordBehaviour):
    """Who a compliment is for, and whether it may be shown."""

    __slots__ = ()

    if TYPE_CHECKING:
        receivers: list[str]
        consent: Consent

    @property
    def receiver_teams(self) -> list[str]:
        return [r.split(":", 1)[1] for r in self.receivers if r.startswith("team:")]

    @property
    def receiver_people(self) -> list[str]:
        return [r.split(":", 1)[1] for r in self.receivers if r.startswith("person:")]

    @property
    def publishable_consent(self) -> bool:
        return self.consent.maker and self.consent.receivers


class ImprovementBehaviour(RecordBehaviour):
    """An improvement with two or more departments is cross-department."""

    __slots__ = ()

    if TYPE_CHECKING:
        departments: list[str]

    @property
    def cross_department(self) -> bool:
        return len(set(self.departments)) >= 2


def is_known_zone(name: str) -> bool:
    """Is `name` an IANA time zone this machine knows (the check of kscms.yaml's `timezone`)?"""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


class ConfigBehaviour:
    """The organisation's configuration: its time zone, workflows, people and teams."""

    if TYPE_CHECKING:
        timezone: str
        people: dict[str, Person]
        teams: dict[str, Team]
        workflows: dict[Any, WorkflowOverride]

    @cached_property
    def tz(self) -> ZoneInfo:
        from zoneinfo import ZoneInfo

        return ZoneInfo(self.timezone)

    @cached_property
    def workflows_by_name(self) -> dict[str, Workflow]:
        from kscms.workflow.builtin import BUILTIN
        from kscms.workflow.spec import merge_override

        overrides: dict[str, WorkflowOverride] = {str(k): v for k, v in self.workflows.items()}
        return {name: merge_override(BUILTIN[name], overrides.get(name)) for name in BUILTIN}

    def people_with_role(self, role: str) -> list[str]:
        return sorted(k for k, p in self.people.items() if role in p.roles)

    def person_by_github(self, login: str) -> str | None:
        low = login.lower()
        for key, person in self.people.items():
            if person.github and person.github.lower() == low:
                return key
        return None

    def team_manager(self, team: str) -> str | None:
        t = self.teams.get(team)
        if t and t.manager:
            return t.manager
        for key, person in self.people.items():
            if team in person.manages:
                return key
        return None

    def local_date(self, moment: dt.datetime) -> dt.date:
        return moment.astimezone(self.tz).date()
