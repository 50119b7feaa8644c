"""Create records and move them one workflow step: validate the new text first, then write atomically."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from kscms.diagnostics import Problem
from kscms.errors import RecordError, TransitionError, UsageError
from kscms.frontmatter import join, split
from kscms.model import Compliment, decode_record, parse_record
from kscms.model.ids import TYPES, make_id, relative_path
from kscms.repository import Repository

if TYPE_CHECKING:
    from kscms.config import Config
from kscms.rewrite import apply, set_path
from kscms.workflow.engine import HOLDER_FIELDS, handover_note
from kscms.yamlio import Path as DataPath
from kscms.yamlio import dump_block, parse_value

PROTECTED = ("id", "type", "created", "history", "status")
_WHY_PROTECTED = {
    "id": "the id never changes (something new is a new record: `kscms new`)",
    "type": "the type never changes (something new is a new record: `kscms new`)",
    "created": "the date received is set once, by `kscms new --set created=YYYY-MM-DD`",
    "history": "the history grows by steps and notes (`kscms move`, `kscms note`), never by hand",
    "status": "the status changes by a step: `kscms move ID STATUS`",
}


def parse_sets(pairs: list[str] | tuple[str, ...], allow: tuple[str, ...] = ()) -> dict[DataPath, Any]:
    """`key.sub=value` strings to {(key, sub): value}; values are read as strict YAML.

    `allow` names protected top-level fields that may be set anyway (`created` for `new`).
    """
    out: dict[DataPath, Any] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            raise UsageError(f"--set {pair!r}: expected key=value, e.g. --set giver=marja")
        parts = tuple(key.split("."))
        if any(not p for p in parts) or (parts[0] in PROTECTED and parts[0] not in allow):
            raise UsageError(f"--set {key}: {_WHY_PROTECTED.get(parts[0], 'not a field to set')}")
        try:
            out[parts] = parse_value(raw) if raw.strip() else None
        except ValueError as exc:
            raise UsageError(f"--set {key}: value {raw!r} cannot be read: {exc}") from exc
    return out


def _validate(repo: Repository, rel_path: str, text: str, now: dt.datetime) -> list[Problem]:
    from kscms.checks import run_checks

    _same, problems = decode_record(text.encode("utf-8", "surrogatepass"), rel_path)
    if problems:  # what `check` would refuse to read (over 1 MiB, NUL bytes) is not written either
        return problems
    record, problems = parse_record(text, rel_path)
    if record is None:
        return problems
    ctx = repo.context(now)
    return [p for p in run_checks([record], ctx) if p.severity == "error"]


def _now(repo: Repository, at: dt.datetime | None) -> dt.datetime:
    return (at or repo.now()).replace(microsecond=0)


def new_record(
    repo: Repository,
    record_type: str,
    title: str,
    by: str,
    *,
    kind: str | None = None,
    sets: dict[DataPath, Any] | None = None,
    body: str = "",
    at: dt.datetime | None = None,
    created: dt.date | None = None,
) -> str:
    """Write a new record in its initial status; return its relative path. Raises on problems."""
    if record_type not in TYPES:
        raise UsageError(f"type `{record_type}` is unknown: use one of {', '.join(TYPES)}")
    cfg = repo.config
    moment = _now(repo, at)
    sets = dict(sets or {})
    given_created = sets.pop(("created",), None)
    if given_created is not None and not isinstance(given_created, dt.date):
        raise UsageError(f"--set created={given_created}: expected a date YYYY-MM-DD")
    created = created or given_created or cfg.local_date(moment)
    base_id = make_id(record_type, created, title)
    record_id, n = base_id, 1
    while record_id in repo.ids or (repo.root / relative_path(record_type, record_id, created)).exists():
        n += 1
        record_id = f"{base_id[:60]}-{n}"
    data: dict[str, Any] = {"id": record_id, "type": record_type}
    if kind:
        data["kind"] = kind
    workflow_name = "complaint" if (record_type == "signal" and kind == "complaint") else record_type
    initial = cfg.workflows_by_name[workflow_name].initial[0]
    data.update({"title": title, "status": initial, "created": created})
    for path, value in sets.items():
        set_path(data, path, value)
    if record_type == "compliment" and not data.get("giver"):
        giver = default_giver(cfg, data.get("receivers"))
        if giver:
            data["giver"] = giver
    history = data.pop("history", None) or []
    data["history"] = [*history, {"at": moment, "by": by, "status": initial}]
    rel_path = relative_path(record_type, record_id, created)
    text = join(dump_block(data), body if body.endswith("\n") or not body else body + "\n")
    problems = _validate(repo, rel_path, text, repo.now())
    if problems:
        raise RecordError(f"the new {record_type} was not written: {len(problems)} problem(s)", problems)
    try:
        repo.write(rel_path, text, exclusive=True)
    except FileExistsError:  # another process created this id a moment ago: take the next free one
        return new_record(
            repo, record_type, title, by, kind=kind, sets=sets, body=body, at=at, created=created
        )
    return rel_path


def default_giver(config: Config, receivers: Any) -> str | None:
    """A compliment's giver when none is named (SPEC 3.2): the manager of its first receiver team;
    for a compliment to people only, the manager of the first receiving person's team (DOMAIN: the
    giver is usually the receiver's manager)."""
    named = [r for r in receivers if isinstance(r, str)] if isinstance(receivers, list) else []
    teams = [r[5:] for r in named if r.startswith("team:")]
    if not teams:
        people = [config.people.get(r[7:]) for r in named if r.startswith("person:")]
        teams = [p.team for p in people if p is not None and p.team]
    return config.team_manager(teams[0]) if teams else None


def move_record(
    repo: Repository,
    record_id: str,
    status: str | None,
    by: str,
    *,
    note: str | None = None,
    sets: dict[DataPath, Any] | None = None,
    at: dt.datetime | None = None,
) -> str:
    """One workflow step: set fields, append the event, validate, write. Returns the relative path.

    `status` None: a note, an event that keeps the status (`kscms note`), e.g. to attach a CAP or to
    record progress. Raises TransitionError (the file is left byte-identical) when the step is not
    allowed.
    """
    rel_path = repo.path_of(record_id)
    with repo.lock(rel_path):  # one move at a time per record: a second one fails clearly
        text, problems = repo.read_text(rel_path)
        if text is None:
            raise RecordError(f"record `{record_id}` cannot be read", problems)
        current, problems = parse_record(text, rel_path)
        if current is None:
            raise RecordError(f"record `{record_id}` has problems; fix them before moving it", problems)
        moment = _now(repo, at)
        if current.history and moment < current.history[-1].at:
            raise TransitionError(
                f"--at {moment.isoformat()} is before the last event ({current.history[-1].at.isoformat()}): "
                "events are appended in time order"
            )
        noting = status is None
        if status is None:  # a note: same-status events are notes (anyone in `people`)
            if current.history and current.status != current.history[-1].status:
                raise TransitionError(
                    f"`{record_id}` has status {current.status} but its last event says "
                    f"{current.history[-1].status}: make them agree before adding a note"
                )
            status = current.status
        elif status == current.status:
            raise TransitionError(
                f"`{record_id}` already has status {status} (to add a note or set fields without a "
                "step: `kscms note`)"
            )
        workflow = repo.config.workflows_by_name[current.workflow_name]
        if status not in workflow.stages:
            raise UsageError(
                f"status `{status}` is not in the {current.workflow_name} workflow: "
                f"use one of {', '.join(workflow.stages)}"
            )
        changes: dict[DataPath, Any] = dict(sets or {})
        changes[("status",)] = status
        needs_giver = workflow.stages[status] == "forwarded"  # SPEC 3.2: `forwarded` needs `giver`
        if (
            isinstance(current, Compliment)
            and needs_giver
            and not current.giver
            and ("giver",) not in changes
        ):
            giver = default_giver(repo.config, current.receivers)  # the default, written into the record
            if giver:
                changes[("giver",)] = giver
        event: dict[str, Any] = {"at": moment, "by": by, "status": status}
        handovers = [
            handover_note(name, before, str(changes[(name,)]))
            for name in HOLDER_FIELDS.values()
            if (before := getattr(current, name, None)) and changes.get((name,)) not in (None, before)
        ]
        note = "; ".join(filter(None, [note, *handovers]))  # so that the earlier steps keep their holder
        if note:
            event["note"] = note
        doc = split(text)
        try:
            new_yaml = apply(doc.yaml, changes, append={("history",): event})
        except ValueError as exc:
            raise RecordError(f"{rel_path}: {exc}") from exc
        new_text = doc.join(new_yaml)
        problems = _validate(repo, rel_path, new_text, repo.now())
        if not problems:  # giver, owner and consent change only by those who may (SPEC 3.4)
            from kscms.checks.changes import check_guarded_fields

            changed = parse_record(new_text, rel_path)[0]
            assert changed is not None  # it validated
            problems = list(check_guarded_fields(current, changed, [len(current.history)], None, repo.config))
        if problems:
            what = f"note on {record_id}" if noting else f"move of {record_id} to {status}"
            raise TransitionError(f"{what} refused: {len(problems)} problem(s)", problems)
        repo.write(rel_path, new_text)
    return rel_path
