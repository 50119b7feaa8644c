"""`check --base REF`: validate every record changed since a Git commit, and the change itself.

Only the changed records are parsed (the duplicate-id rule uses the file-name index of the
whole tree). The ordinary per-record rules run on the new versions with the new kscms.yaml; the
change rules (`kscms.checks.changes`) compare each with its version at REF. When the change
edits kscms.yaml, people, logins and roles are taken from kscms.yaml at REF for the new events,
so that nobody can grant themselves a role and use it in the same pull request, and every
record is checked, because a config change can break records that did not change.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from kscms.checks.changes import (
    Actor,
    check_actor,
    check_append_only,
    check_guarded_fields,
    check_immutable,
    check_immutable_data,
    check_permitted,
    deleted_problem,
    new_event_indices,
    unparsable_problem,
)
from kscms.config import CONFIG_NAME, parse_config
from kscms.diagnostics import Problem
from kscms.gitio import RECORDS_PREFIX, Change, GitRepo
from kscms.model import decode_record, parse_front, parse_record
from kscms.model.lean import NeedsModels

if TYPE_CHECKING:
    from kscms.config import Config
    from kscms.model.base import Record
    from kscms.repository import Repository

LEAN_FIRST = True
"""Judge a change with the lean reader first (no pydantic: `kscms.model.lean`), and with the
models only when it cannot vouch for an input. The tests run every case both ways."""

Facts = tuple[list["Change"], bool, bytes | None, dict[str, bytes]]
"""What Git says: the changes, whether kscms.yaml changed, kscms.yaml at the base (if it did) and
the old contents of the changed records by blob sha."""


def is_record_path(path: str | None) -> bool:
    return bool(path) and path.startswith(RECORDS_PREFIX) and path.endswith(".md")  # type: ignore[union-attr]


def record_changes(changes: list[Change]) -> list[Change]:
    """The changes that touch record files (a record moved out of records/ shows as deleted)."""
    return [c for c in changes if is_record_path(c.path) or is_record_path(c.old_path)]


def parse_version(raw: bytes, path: str, *, lean: bool = False) -> tuple[Record | None, list[Problem]]:
    """A record from bytes read out of Git, named by `path` (`lean`: see `parse_record`)."""
    text, problems = decode_record(raw, path)
    if text is None and lean:
        raise NeedsModels
    return (None, problems) if text is None else parse_record(text, path, lean=lean)


def config_from(raw: bytes | None, *, lean: bool = False) -> tuple[Config | None, list[Problem]]:
    """A kscms.yaml read out of Git: (config, or None when invalid, and its problems); absent: (None, [])."""
    if raw is None:
        return None, []
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        if lean:
            raise NeedsModels from None
        return None, [Problem(CONFIG_NAME, 1, "not-utf8", "kscms.yaml is not UTF-8: save it as UTF-8")]
    return parse_config(text, lean=lean)


def read_since(root: Path, base: str) -> Facts:
    """From Git: the changes since `base`, whether kscms.yaml changed, kscms.yaml at `base` (if it
    did) and the old contents of the changed records (by blob sha, streamed in one `cat-file`)."""
    with GitRepo(root) as git:
        sha = git.verify_commit(base)
        changes = git.changed_paths(sha)
        config_changed = any(CONFIG_NAME in (c.path, c.old_path) for c in changes)
        base_config = git.read_at(sha, CONFIG_NAME) if config_changed else None
        wanted = sorted({c.old_blob for c in record_changes(changes) if c.old_blob and c.status != "D"})
        blobs = dict(git.read_blobs(wanted)) if wanted else {}
    return changes, config_changed, base_config, blobs


class _GitAnswer(threading.Thread):
    """`read_since` in a thread, while the caller reads kscms.yaml and lists the records."""

    def __init__(self, root: Path, base: str) -> None:
        super().__init__(name="kscms-git")
        self.root, self.base = root, base
        self.facts: Facts | None = None
        self.failure: BaseException | None = None

    def run(self) -> None:
        try:
            self.facts = read_since(self.root, self.base)
        except BaseException as exc:  # re-raised by `result`, in the caller's thread
            self.failure = exc

    def result(self) -> Facts:
        self.join()
        if self.failure is not None:
            raise self.failure
        assert self.facts is not None
        return self.facts


def _change_problems(
    repo: Repository,
    change: Change,
    old_raw: bytes | None,
    base: str,
    who: Actor | None,
    base_config: Config | None,
) -> list[Problem]:
    """The change rules for one changed record (its ordinary problems come from `repo.check`)."""
    if change.status == "D" or not is_record_path(change.path):
        return [deleted_problem(change.old_path or change.path)]
    new = repo.parse(change.path)[0]
    if new is None:  # its parse problems are reported already; a changed id, type or created too
        return _immutable_as_written(repo, change, old_raw, base)
    problems: list[Problem] = []
    old = None
    if old_raw is not None:
        old, old_problems = parse_version(old_raw, change.old_path or change.path, lean=repo.lean)
        if old is None:
            return [unparsable_problem(change.path, f"at {base}", old_problems)]
        problems += check_immutable(old, new, f"at {base}")
        problems += check_append_only(old, new, f"at {base}")
    indices = new_event_indices(old, new)
    if old is not None:
        problems += check_guarded_fields(old, new, indices, who, base_config or repo.config)
    if who is not None:
        problems += check_actor(new, indices, who, old is None)
    if base_config is not None:
        problems += check_permitted(new, indices, base_config, f"at {base}")
    return problems


def _immutable_as_written(
    repo: Repository, change: Change, old_raw: bytes | None, base: str
) -> list[Problem]:
    """`id`, `type` and `created` of a new version that does not validate, compared as written."""
    old = parse_version(old_raw, change.old_path or change.path)[0] if old_raw is not None else None
    text = repo.read_text(change.path)[0] if old is not None else None
    parsed = parse_front(text, change.path)[0] if text is not None else None
    if old is None or parsed is None:
        return []
    lines = parsed.line_of
    return list(check_immutable_data(old, parsed.data, change.path, lambda f: lines((f,)), f"at {base}"))


def check_since(repo: Repository, base: str, actor: str | None) -> tuple[list[Problem], int]:
    """Every problem of the records changed since commit `base`, and how many records were checked.

    Git answers in a thread meanwhile. The change is judged with the lean reader first; when it
    cannot vouch for kscms.yaml or a record (old or new), with the pydantic models, which report
    every problem. Either way the same problems come out: the lean reader only saves the time.
    """
    git = _GitAnswer(repo.root, base)
    git.start()
    try:
        if LEAN_FIRST:
            lean = repo.twin(lean=True)
            try:
                _ = lean.config
                lean.ids  # noqa: B018 - the index that duplicate-id needs, built while Git answers
                return _judge(lean, base, actor, git.result())
            except NeedsModels:
                repo = lean.twin(lean=False)
        _ = repo.config  # configuration errors first (exit 2)
        repo.ids  # noqa: B018
        return _judge(repo, base, actor, git.result())
    finally:
        git.join()


def _judge(repo: Repository, base: str, actor: str | None, facts: Facts) -> tuple[list[Problem], int]:
    changes, config_changed, base_raw, blobs = facts
    base_config = config_from(base_raw, lean=repo.lean)[0] if config_changed else None
    records = record_changes(changes)
    problems = repo.check(None if config_changed else [c.path for c in records if c.status != "D"])
    count = len(repo.record_paths()) if config_changed else len(records)
    who = Actor.from_login(actor, base_config or repo.config) if actor else None
    seen = {(p.path, p.line, p.code) for p in problems}
    for change in records:
        old_raw = blobs.get(change.old_blob or "") if is_record_path(change.old_path) else None
        found = _change_problems(repo, change, old_raw, base, who, base_config)
        problems += [p for p in found if p.code != "not-permitted" or (p.path, p.line, p.code) not in seen]
    return sorted(set(problems), key=lambda p: (p.path, p.line, p.code, p.message)), count
