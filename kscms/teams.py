"""What belongs to a team: the compliments it received and the proposals of its members.

One definition for the team's page on the internal site (the weekly meeting's agenda) and for
`kscms list --team`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kscms.model.compliment import Compliment
from kscms.model.improvement import Improvement
from kscms.model.signal import Signal

if TYPE_CHECKING:
    from kscms.config import Config
    from kscms.model.base import Record


def members(config: Config, team: str) -> set[str]:
    """The people keys whose `team` is `team`."""
    return {key for key, person in config.people.items() if person.team == team}


def received_by(compliment: Compliment, team: str, people: set[str]) -> bool:
    """The compliment names the team, or one of its `people`, among its receivers."""
    return team in compliment.receiver_teams or bool(people & set(compliment.receiver_people))


def proposer(record: Record) -> str | None:
    """Who proposed it: an improvement's `origin.proposer`, an employee idea's `proposer`."""
    if isinstance(record, Improvement):
        return record.origin.proposer
    if isinstance(record, Signal) and record.employee_idea is not None:
        return record.employee_idea.proposer
    return None


def belongs_to(record: Record, team: str, people: set[str]) -> bool:
    """A compliment the team received, or a proposal of one of its `people`."""
    if isinstance(record, Compliment):
        return received_by(record, team, people)
    return proposer(record) in people
