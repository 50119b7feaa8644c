"""Replay a record's history through its workflow, and check who may make each step."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from kscms.diagnostics import Problem
from kscms.model.kinds import Compliment, Improvement
from kscms.workflow.requirements import needs

if TYPE_CHECKING:
    from kscms.config import Config
    from kscms.model.base import Event, Record
    from kscms.workflow.spec import Workflow

ROLE_WORDS = {"@giver": "its giver", "@owner": "its owner", "*": "anyone"}
HOLDER_FIELDS = {"@giver": "giver", "@owner": "owner"}
"""The permission words that name a person of the record, and the field that holds that person."""
HANDOVER = re.compile(r"\b(giver|owner): ([\w.-]+) (?:→|->) ([\w.-]+)")
"""`owner: tim → emma` in an event's note: that event handed the field over (`move` writes it)."""

Holders = dict[str, str | None]
"""`@giver` / `@owner` -> the person who held that part at one event."""

GUARDED_FIELDS: dict[str, tuple[str, ...]] = {
    "giver": ("coordinator",),
    "owner": ("coordinator", "decider"),
    "consent.maker": ("coordinator",),
    "consent.receivers": ("coordinator",),
}
"""Fields of an existing record that give a person its steps (`giver`, `owner`: SPEC 3.4 "its
giver", "its owner") or put it on the public wall (`consent`), and the roles that may change them.
A giver or owner may also hand the part on. Who registers a record sets them freely: the
coordinator's `forwarded` and the decider's `accepted` endorse them."""


def field_value(record: Record, field: str) -> object:
    """A dotted field's value (`consent.maker`), or None where a part of it is missing."""
    value: object = record
    for part in field.split("."):
        value = getattr(value, part, None)
    return value


def may_change_field(config: Config, person: str, field: str, before: object) -> bool:
    """May `person` change `field` (a key of GUARDED_FIELDS) of an existing record from `before`?"""
    roles = config.people[person].roles if person in config.people else []
    if any(role in roles for role in GUARDED_FIELDS[field]):
        return True
    return field in HOLDER_FIELDS.values() and before is not None and before == person


def handed_over(event: Event) -> list[tuple[str, str, str]]:
    """(field, before, after) of each `owner: tim → emma` in the event's note."""
    note = event.note
    if not note or ("→" not in note and "->" not in note):
        return []
    return HANDOVER.findall(note)


def field_guard(field: str, before: object) -> str:
    """'a coordinator or a decider, or karel (the owner) handing it on'."""
    who = " or a ".join(GUARDED_FIELDS[field])
    if field in HOLDER_FIELDS.values() and before is not None:
        return f"a {who}, or {before} (the {field}) handing it on"
    return f"a {who}"


def handover_note(field: str, before: str, after: str) -> str:
    """The words `move` adds to an event's note when the step hands `field` to someone else."""
    return f"{field}: {before} → {after}"


def current_holders(record: Record) -> Holders:
    fields = record.__dict__  # not getattr: on a record without the field, pydantic raises (slow)
    return {word: fields.get(name) for word, name in HOLDER_FIELDS.items()}


def holders_by_event(record: Record) -> list[Holders]:
    """Who was the giver and the owner after each event (the last one: the record's fields now).

    A step's permission depends on who was the giver or owner when it was made. The record only
    holds the present ones; walking back from them, each event whose note says `owner: tim → emma`
    (as `move --set owner=emma` writes) gives the one before. Without such a note, the person is
    taken to be the same all along.
    """
    now = current_holders(record)
    if not any(e.note and ("→" in e.note or "->" in e.note) for e in record.history):
        return [now] * len(record.history)  # no handover (nearly every record): one dict, read only
    out: list[Holders] = []
    for event in reversed(record.history):
        out.append(dict(now))
        for name, before, _after in handed_over(event):
            now = {**now, f"@{name}": before}
    out.reverse()
    return out


def workflow_for(record: Record, config: Config) -> Workflow:
    return config.workflows_by_name[record.workflow_name]


def guard_problem(record: Record, from_stage: str, to_stage: str, workflow: Workflow) -> str | None:
    """Why a step that the workflow allows only under a condition may not be made here."""
    guard = workflow.guards.get((from_stage, to_stage))
    if guard == "maker_anonymous" and isinstance(record, Compliment) and not record.maker.anonymous:
        return (
            f"step {from_stage} → {to_stage} skips maker_informed, allowed only when `maker.anonymous` is true: "
            "inform the maker first (maker_informed)"
        )
    return None


def may_move(
    record: Record,
    config: Config,
    person: str,
    to_status: str,
    workflow: Workflow,
    holders: Holders | None = None,
) -> bool:
    """May `person` move `record` to `to_status`? `holders`: the giver and owner at that step
    (default: the record's own, as they are now)."""
    allowed = workflow.permissions.get(to_status)
    if allowed is None or "*" in allowed:
        return person in config.people
    roles = config.people[person].roles if person in config.people else []
    held = holders if holders is not None else current_holders(record)
    for who in allowed:
        if who == "@giver" and isinstance(record, Compliment) and held.get("@giver") == person:
            return True
        if who == "@owner" and isinstance(record, Improvement) and held.get("@owner") == person:
            return True
        if who in roles:
            return True
    return False


def describe_permission(
    record: Record, config: Config, to_status: str, workflow: Workflow, holders: Holders | None = None
) -> str:
    """'its giver (marja) or a coordinator (anne, ben)'."""
    parts = []
    for who in workflow.permissions.get(to_status, ("*",)):
        if who in HOLDER_FIELDS:
            holder = (holders if holders is not None else current_holders(record)).get(who)
            parts.append(f"{ROLE_WORDS[who]} ({holder})" if holder else ROLE_WORDS[who])
        elif who == "*":
            parts.append("anyone in `people`")
        else:
            named = ", ".join(config.people_with_role(who)) or "nobody has this role"
            parts.append(f"a {who} ({named})")
    return " or ".join(parts)


def _next_words(workflow: Workflow, status: str) -> str:
    nxt = workflow.allowed(status)
    return f"from {status} the next status is {' or '.join(nxt)}" if nxt else f"{status} is final"


def replay(record: Record, config: Config, now: dt.datetime) -> Iterator[Problem]:
    """Every problem in the record's history: steps, people, permissions, times, requirements."""
    wf = workflow_for(record, config)
    path = record.path
    history = record.history
    if not history:
        yield Problem(
            path,
            record.line_of("status"),
            "missing-field",
            f"`history` is missing: add `history:` with a first event `{{at: ..., by: <person>, status: {wf.initial[0]}}}`",
            field="history",
        )
        return
    previous: str | None = None
    previous_at: dt.datetime | None = None
    reached: list[str] = []
    holders = holders_by_event(record)
    for i, event in enumerate(history):
        field = f"history.{i}"
        stage = wf.stage_of(event.status)
        if event.by not in config.people:
            yield Problem(
                path,
                record.line_of(f"{field}.by"),
                "unknown-reference",
                f"`{field}.by` is `{event.by}`, not a person in kscms.yaml: use one of {', '.join(sorted(config.people))}",
                field=f"{field}.by",
            )
        if stage is None:
            yield Problem(
                path,
                record.line_of(field),
                "illegal-transition",
                f"status `{event.status}` is not in the {wf.name} workflow: expected one of {', '.join(wf.statuses)}",
                field=f"{field}.status",
            )
            return
        if previous is None:
            if event.status not in wf.initial:
                yield Problem(
                    path,
                    record.line_of(field),
                    "illegal-transition",
                    f"history starts with `{event.status}`: the first event has status {' or '.join(wf.initial)}",
                    field=f"{field}.status",
                )
        elif event.status != previous:
            prev_stage = wf.stage_of(previous) or previous
            if event.status not in wf.allowed(previous):
                yield Problem(
                    path,
                    record.line_of(field),
                    "illegal-transition",
                    f"step {previous} → {event.status} is not allowed: {_next_words(wf, previous)}",
                    field=f"{field}.status",
                )
            else:
                why = guard_problem(record, prev_stage, stage, wf)
                if why:
                    yield Problem(
                        path, record.line_of(field), "illegal-transition", why, field=f"{field}.status"
                    )
            if event.by in config.people and not may_move(
                record, config, event.by, event.status, wf, holders[i]
            ):
                yield Problem(
                    path,
                    record.line_of(f"{field}.by"),
                    "not-permitted",
                    f"`{event.by}` may not move {record.type} to {event.status}: that step is for "
                    f"{describe_permission(record, config, event.status, wf, holders[i])}",
                    field=f"{field}.by",
                )
        for name, before, after in handed_over(event):
            if event.by in config.people and not may_change_field(config, event.by, name, before):
                yield Problem(
                    path,
                    record.line_of(f"{field}.by"),
                    "not-permitted",
                    f"`{event.by}` may not hand `{name}` from {before} to {after}: that is for "
                    f"{field_guard(name, before)}",
                    field=f"{field}.by",
                )
        if previous_at is not None and event.at < previous_at:
            yield Problem(
                path,
                record.line_of(field),
                "time-order",
                f"event at {event.at.isoformat()} is earlier than the event before it ({previous_at.isoformat()}): "
                "history is in time order; append new events at the end",
                field=f"{field}.at",
            )
        if event.at > now:
            yield Problem(
                path,
                record.line_of(field),
                "future-event",
                f"event at {event.at.isoformat()} is in the future: use the time it happened",
                field=f"{field}.at",
            )
        previous, previous_at = (
            event.status,
            event.at if previous_at is None or event.at > previous_at else previous_at,
        )
        if stage not in reached:
            reached.append(stage)
    if record.status != history[-1].status:
        yield Problem(
            path,
            record.line_of("status"),
            "status-mismatch",
            f"`status` is `{record.status}` but the last history event says `{history[-1].status}`: "
            "make them agree (move with `kscms move`)",
            field="status",
        )
    for stage in reached:
        for need_field, todo in needs(record, wf.name, stage):
            yield Problem(
                path,
                record.line_of("status"),
                "status-needs-field",
                f"status '{stage}' needs `{need_field}`: {todo}{_people_hint(need_field, config)}",
                field=need_field,
            )


def _people_hint(field: str, config: Config) -> str:
    if field in ("giver", "owner"):
        return f"; people: {', '.join(sorted(config.people))}"
    return ""
