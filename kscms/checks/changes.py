"""The change rules of `check --base` and `audit`: how a record may change between two versions.

History is append-only; `id`, `type` and `created` never change; records are not deleted; every
new event is by the person who made the change (unless a coordinator made it); events are not
back-dated. Each rule compares an old and a new version and yields `Problem`s located in the new
file; none of them reads Git (see `kscms.changes` and `kscms.audit` for that).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from kscms.diagnostics import Problem
from kscms.workflow.engine import (
    GUARDED_FIELDS,
    describe_permission,
    field_guard,
    field_value,
    handed_over,
    holders_by_event,
    may_change_field,
    may_move,
    workflow_for,
)

if TYPE_CHECKING:
    from kscms.config import Config
    from kscms.model.base import Event, Record

IMMUTABLE_FIELDS = ("id", "type", "created")
BACKDATE_LIMIT = dt.timedelta(hours=24)
"""An event whose `at` lies more than this before its commit's committer date is back-dated (`audit`)."""
CLOCK_SKEW = dt.timedelta(minutes=15)
"""`audit` counts an event as in the future when it lies more than this after its commit's date."""
_NOREPLY = re.compile(r"^(?:\d+\+)?(?P<login>[^@\s]+)@users\.noreply\.github\.com$")


@dataclass(frozen=True)
class Actor:
    """Who made a change: a GitHub login (`check --actor`) or a commit author (`audit`)."""

    label: str
    """How messages name the actor, e.g. "GitHub user `karel-v`"."""
    person: str | None
    """The people key the actor maps to, or None when kscms.yaml does not know them."""
    coordinator: bool = False
    """A coordinator may record steps on behalf of anyone."""
    bot: bool = False
    """A bot (a `…[bot]` login such as github-actions[bot]) may only add new records."""
    to_add: str = ""
    """What makes an unknown actor known, for the message."""

    @classmethod
    def from_login(cls, login: str, config: Config) -> Actor:
        person = config.person_by_github(login)
        coordinator = person is not None and "coordinator" in config.people[person].roles
        bot = person is None and login.endswith("[bot]")
        return cls(f"GitHub user `{login}`", person, coordinator, bot, f"`github: {login}` under `people`")

    @classmethod
    def from_author(cls, name: str, email: str, config: Config) -> Actor:
        """A commit author, matched by `email`, a GitHub no-reply address, or name/login/key."""
        low = email.lower()
        person = next((k for k, p in config.people.items() if p.email and p.email.lower() == low), None)
        login = None
        match = _NOREPLY.match(low)
        if person is None and match:
            login = match.group("login")
            person = config.person_by_github(login)
        if person is None:
            wanted = name.strip().lower()
            person = next(
                (
                    k
                    for k, p in config.people.items()
                    if wanted in (k.lower(), p.name.lower(), (p.github or "").lower())
                ),
                None,
            )
        coordinator = person is not None and "coordinator" in config.people[person].roles
        bot = person is None and (name.endswith("[bot]") or (login or "").endswith("[bot]"))
        return cls(f"commit author `{name}`", person, coordinator, bot, f"`email: {email}` under `people`")


def same_event(a: Event, b: Event) -> bool:
    """Equal fields, and the time written with the same offset."""
    return a == b and a.at.utcoffset() == b.at.utcoffset()


def describe_event(event: Event) -> str:
    return f"`{event.status}` by {event.by} at {event.at.isoformat()}"


def new_event_indices(old: Record | None, new: Record) -> list[int]:
    """Indices of the events appended to `new` that `old` does not hold (all of them for a new record).

    Events at the positions the old history already filled are left out: changing those is a
    rewrite (`check_append_only`), reported once there.
    """
    if old is None:
        return list(range(len(new.history)))
    remaining = list(old.history)
    fresh = []
    for index, event in enumerate(new.history):
        match = next((k for k, e in enumerate(remaining) if same_event(e, event)), None)
        if match is not None:
            remaining.pop(match)
        elif index >= len(old.history):
            fresh.append(index)
    return fresh


def check_immutable(old: Record, new: Record, was: str) -> Iterator[Problem]:
    """`id`, `type` and `created` as they were (a rename must keep the id)."""
    after = {name: getattr(new, name) for name in IMMUTABLE_FIELDS}
    yield from _immutable(old, after, new.path, new.line_of, was)


def check_immutable_data(
    old: Record, data: Any, path: str, line_of: Callable[[str], int], was: str
) -> Iterator[Problem]:
    """`check_immutable` for a new version that does not validate, read from its front matter as
    written: a change of `type` makes other fields invalid, and must still be named as what it is."""
    if isinstance(data, dict):
        after = {name: data.get(name) for name in IMMUTABLE_FIELDS}
        if isinstance(after["created"], str):  # quoted, as the record model also reads it
            with contextlib.suppress(ValueError):
                after["created"] = dt.date.fromisoformat(after["created"])
        yield from _immutable(old, after, path, line_of, was)


def _immutable(
    old: Record, after: dict[str, Any], path: str, line_of: Callable[[str], int], was: str
) -> Iterator[Problem]:
    for name in IMMUTABLE_FIELDS:
        before = getattr(old, name)
        if before != after[name]:
            moved = f" (the file was {old.path})" if old.path != path else ""
            yield Problem(
                path,
                line_of(name),
                "immutable-field",
                f"`{name}` is `{after[name]}`, {was} it was `{before}`{moved}: `{name}` never changes; "
                f"restore `{name}: {before}` (something new is a new record)",
                field=name,
            )


def check_append_only(old: Record, new: Record, was: str) -> Iterator[Problem]:
    """The old history is a prefix of the new one: nothing edited, reordered, inserted or removed."""
    before, after = old.history, new.history
    index = next((i for i, e in enumerate(before) if i >= len(after) or not same_event(e, after[i])), None)
    if index is None:
        return
    fix = "history is append-only: restore the earlier events and add new ones at the end"
    if index >= len(after):
        line = new.line_of(f"history.{len(after) - 1}") if after else new.line_of("history")
        message = (
            f"history has {len(after)} event(s), {was} it had {len(before)}: event {index + 1} "
            f"({describe_event(before[index])}) was removed; {fix}"
        )
    else:
        line = new.line_of(f"history.{index}")
        event = after[index]
        if any(same_event(before[index], e) for e in after[index + 1 :]):
            message = f"event {index + 1} ({describe_event(event)}) was inserted before older events; {fix}"
        elif any(same_event(event, e) for e in before[index + 1 :]):
            message = f"event {index + 1} ({describe_event(before[index])}) was removed or moved; {fix}"
        else:
            message = (
                f"event {index + 1} was changed: {_event_diff(before[index], event)}; {fix} "
                "(record a correction as a new event with a `note`)"
            )
    yield Problem(new.path, line, "history-rewritten", message, field=f"history.{index}")


def _event_diff(old: Event, new: Event) -> str:
    parts = []
    for name in ("at", "by", "status", "note"):
        a, b = getattr(old, name), getattr(new, name)
        if name == "at":
            a, b = a.isoformat(), b.isoformat()
        if a != b:
            a, b = ("(none)" if a is None else a), ("(none)" if b is None else b)
            parts.append(f"`{name}` was `{a}`, now `{b}`")
    return ", ".join(parts)


def check_actor(new: Record, indices: list[int], actor: Actor, is_new: bool) -> Iterator[Problem]:
    """Each new event is by the actor's own person, unless the actor is a coordinator."""
    if actor.coordinator:
        return
    for index in indices:
        event = new.history[index]
        field = f"history.{index}.by"
        if actor.person is None:
            if actor.bot and is_new and index == 0:
                continue
            if actor.bot:
                message = (
                    f"`{field}` is `{event.by}`, but this change is by the bot {actor.label}: a bot may only "
                    "add new records with their first event; later steps are made by people"
                )
            else:
                message = (
                    f"`{field}` is `{event.by}`, but {actor.label} is not a person in kscms.yaml: "
                    f"a coordinator adds them ({actor.to_add}) in a pull request of its own first"
                )
        elif event.by != actor.person:
            message = (
                f"`{field}` is `{event.by}`, but {actor.label} is `{actor.person}`: record your own steps "
                f"as `by: {actor.person}`, or ask a coordinator to record this one"
            )
        else:
            continue
        yield Problem(new.path, new.line_of(field), "actor-mismatch", message, field=field)


def check_permitted(new: Record, indices: list[int], config: Config, where: str) -> Iterator[Problem]:
    """Each new step is permitted by `config` (the base kscms.yaml, when a change edits it)."""
    wf = workflow_for(new, config)
    holders = holders_by_event(new)
    for index in indices:
        event = new.history[index]
        field = f"history.{index}.by"
        if index == 0:
            allowed = event.by in config.people
            rule = "anyone in `people`"
        elif event.status == new.history[index - 1].status:
            continue
        else:
            allowed = may_move(new, config, event.by, event.status, wf, holders[index])
            rule = describe_permission(new, config, event.status, wf, holders[index])
        if not allowed:
            yield Problem(
                new.path,
                new.line_of(field),
                "not-permitted",
                f"`{event.by}` may not move {new.type} to {event.status} under kscms.yaml {where}: that "
                f"step is for {rule}; people and roles added in a change count only once it is merged",
                field=field,
            )


def check_guarded_fields(
    old: Record, new: Record, indices: list[int], actor: Actor | None, config: Config
) -> Iterator[Problem]:
    """`giver`, `owner` and `consent` of an existing record change only by those who may (GUARDED_FIELDS).

    Whoever made the change is the actor (`--actor`, a commit's author) or, without one, the people
    of the change's new events; a change of such a field without a new event is reported too (record
    it with a step or `kscms note`, so that the history says who made it).
    """
    if actor is not None and (actor.coordinator or actor.person is None):
        return  # a coordinator may; an unknown actor or a bot is reported by check_actor already
    noted = {name for i in indices for name, _before, _after in handed_over(new.history[i])}
    people = [actor.person] if actor is not None and actor.person else [new.history[i].by for i in indices]
    for field in GUARDED_FIELDS:
        before, after = field_value(old, field), field_value(new, field)
        if before == after or field in noted:  # a handover in a note is judged with the history
            continue
        if any(may_change_field(config, person, field, before) for person in people):
            continue
        who = f"by `{people[-1]}`" if people else "without a new history event"
        was = f" (was `{_shown(before)}`)" if before is not None else ""
        yield Problem(
            new.path,
            new.line_of(field),
            "not-permitted",
            f"`{field}` set to `{_shown(after)}`{was} {who}: that is for {field_guard(field, before)}; "
            "ask them to make this change, with a step or `kscms note`",
            field=field,
        )


def _shown(value: object) -> str:
    """A value as YAML writes it (`true`, not `True`)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return "null" if value is None else str(value)


def check_backdated(new: Record, indices: list[int], moment: dt.datetime) -> Iterator[Problem]:
    """New events dated more than BACKDATE_LIMIT before `moment` (the commit's date)."""
    for index in indices:
        event = new.history[index]
        if event.at < moment - BACKDATE_LIMIT:
            hours = (moment - event.at).total_seconds() / 3600
            field = f"history.{index}.at"
            yield Problem(
                new.path,
                new.line_of(field),
                "backdated-event",
                f"event {index + 1} is dated {event.at.isoformat()}, {hours:.0f} hours before the commit "
                f"that added it ({moment.isoformat()}): record steps when they happen, and say why "
                "in a `note` when a step is entered late",
                field=field,
            )


def deleted_problem(old_path: str) -> Problem:
    """A record file that is gone."""
    record_id = PurePosixPath(old_path).stem
    return Problem(
        old_path,
        1,
        "record-deleted",
        f"record `{record_id}` was deleted: records are never deleted; restore the file and end the "
        f"record with a workflow step instead (e.g. `kscms move {record_id} withdrawn --by <coordinator>`)",
        field="id",
    )


def unparsable_problem(path: str, was: str, problems: list[Problem]) -> Problem:
    """The old version does not parse, so the change cannot be compared with it."""
    first = problems[0] if problems else None
    why = f" ({first.code} at line {first.line}: {first.message})" if first else ""
    return Problem(
        path,
        1,
        "base-unparsable",
        f"the record does not parse {was}{why}, so its change cannot be checked: fix the record "
        "there first, or have a coordinator review this change by hand",
        field="id",
    )
