"""Ids, paths and references: id format, id/path/type/year agreement, and keys that resolve."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from kscms.checks.context import CheckContext
from kscms.diagnostics import Problem
from kscms.model.ids import LETTER_TYPES, id_date, id_problem, relative_path
from kscms.model.kinds import KIND_BLOCKS, Compliment, Improvement, Signal
from kscms.workflow.builtin import ACCEPTED_OR_FURTHER

if TYPE_CHECKING:
    from kscms.model.base import Record


def check_identity(record: Record, ctx: CheckContext) -> Iterator[Problem]:
    """The id is well formed and agrees with the file's path, the type and `created`; the title says something."""
    if not record.title.strip():
        yield Problem(
            record.path,
            record.line_of("title"),
            "missing-field",
            "`title` is empty: say in a few words what the record is about",
            field="title",
        )
    why = id_problem(record.id)
    if why:
        yield Problem(record.path, record.line_of("id"), "bad-id", why, field="id")
        return
    if LETTER_TYPES[record.id[0]] != record.type:
        yield Problem(
            record.path,
            record.line_of("id"),
            "id-path-mismatch",
            f"id starts with `{record.id[0]}` but `type` is {record.type}: "
            f"a {record.type} id starts with `{record.type[0].upper()}-`",
            field="id",
        )
        return
    if id_date(record.id) != record.created:
        yield Problem(
            record.path,
            record.line_of("created"),
            "id-path-mismatch",
            f"`created` is {record.created} but the id says {id_date(record.id)}: they must agree",
            field="created",
        )
    expected = relative_path(record.type, record.id, record.created)
    if record.path != expected and ctx.paths_are_relative:
        yield Problem(
            record.path,
            record.line_of("id"),
            "id-path-mismatch",
            f"record `{record.id}` is at {record.path}, expected {expected}: move the file there (git mv)",
            field="id",
        )


def _unknown(record: Record, field: str, value: str, kind: str, known: list[str]) -> Problem:
    shown = ", ".join(known[:25]) + (" ..." if len(known) > 25 else "") if known else "(none defined)"
    return Problem(
        record.path,
        record.line_of(field),
        "unknown-reference",
        f"`{field}` is `{value}`, not a {kind} in kscms.yaml: use one of {shown}",
        field=field,
    )


def check_keys(record: Record, ctx: CheckContext) -> Iterator[Problem]:
    """People, teams, themes, departments and segments named by the record exist in kscms.yaml."""
    cfg = ctx.config
    people = sorted(cfg.people)
    for i, theme in enumerate(record.themes):
        if theme not in cfg.themes:
            yield _unknown(record, f"themes.{i}", theme, "theme", sorted(cfg.themes))
    for i, dep in enumerate(record.departments):
        if dep not in cfg.departments:
            yield _unknown(record, f"departments.{i}", dep, "department", sorted(cfg.departments))
    person_fields: list[tuple[str, str | None]] = []
    if isinstance(record, Signal):
        for block in KIND_BLOCKS:
            if block != record.kind and getattr(record, block) is not None:
                yield Problem(
                    record.path,
                    record.line_of(block),
                    "unknown-field",
                    f"block `{block}` belongs to signals of kind {block}, this one is {record.kind}: "
                    f"remove it or change `kind`",
                    field=block,
                )
        if record.segment and record.segment not in cfg.segments:
            yield _unknown(record, "segment", record.segment, "segment", sorted(cfg.segments))
        if record.employee_idea:
            person_fields.append(("employee_idea.proposer", record.employee_idea.proposer))
    elif isinstance(record, Compliment):
        person_fields += [("giver", record.giver), ("coordinator", record.coordinator)]
        for i, receiver in enumerate(record.receivers):
            kind, _, key = receiver.partition(":")
            field = f"receivers.{i}"
            if receiver == "organisation":
                continue
            if kind == "team" and key:
                if key not in cfg.teams:
                    yield _unknown(record, field, key, "team", sorted(cfg.teams))
            elif kind == "person" and key:
                if key not in cfg.people:
                    yield _unknown(record, field, key, "person", people)
            else:
                yield Problem(
                    record.path,
                    record.line_of(field),
                    "bad-type",
                    f"receiver `{receiver}`: expected `team:<key>`, `person:<key>` or `organisation`",
                    field=field,
                )
    elif isinstance(record, Improvement):
        person_fields += [("owner", record.owner), ("origin.proposer", record.origin.proposer)]
    for field, person in person_fields:
        if person and person not in cfg.people:
            yield _unknown(record, field, person, "person", people)


def check_links(record: Record, ctx: CheckContext) -> Iterator[Problem]:
    """Record ids named by the record exist, with the right type (and a CAP is far enough along)."""
    links: list[tuple[str, str, str]] = []
    if isinstance(record, Signal):
        links += [(f"improvements.{i}", v, "improvement") for i, v in enumerate(record.improvements)]
    elif isinstance(record, Improvement):
        links += [(f"origin.signals.{i}", v, "signal") for i, v in enumerate(record.origin.signals)]
        links += [
            (f"origin.compliments.{i}", v, "compliment") for i, v in enumerate(record.origin.compliments)
        ]
    elif isinstance(record, Compliment) and record.cap:
        links.append(("cap", record.cap, "improvement"))
    for field, target, rtype in links:
        if not ctx.exists(target):
            yield Problem(
                record.path,
                record.line_of(field),
                "unknown-reference",
                f"`{field}` names `{target}`, but no record has that id: check the id",
                field=field,
            )
        elif target[0] != rtype[0].upper():
            yield Problem(
                record.path,
                record.line_of(field),
                "unknown-reference",
                f"`{field}` names `{target}`, which is not a {rtype}",
                field=field,
            )
    if isinstance(record, Compliment) and record.cap and ctx.exists(record.cap) and record.status == "closed":
        cap = ctx.lookup(record.cap)
        if isinstance(cap, Improvement):
            reached = [e.status for e in cap.history]
            if cap.kind != "cap":
                yield Problem(
                    record.path,
                    record.line_of("cap"),
                    "unknown-reference",
                    f"`cap` names `{cap.id}`, an improvement of kind {cap.kind}: a CAP has `kind: cap`",
                    field="cap",
                )
            elif "accepted" not in reached or cap.status not in ACCEPTED_OR_FURTHER:
                yield Problem(
                    record.path,
                    record.line_of("status"),
                    "status-needs-field",
                    f"status 'closed' needs `cap` {cap.id} accepted or further (it is {cap.status}): "
                    "decide the CAP first, or close without it",
                    field="cap",
                )
