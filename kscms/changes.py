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

from kscms.checks.changes import (
    Actor,
    check_actor,
    check_append_only,
    check_immutable,
    check_permitted,
    deleted_problem,
    new_event_indices,
    unparsable_problem,
)
from kscms.config import CONFIG_NAME, Config, parse_config
from kscms.diagnostics import Problem
from kscms.gitio import RECORDS_PREFIX, Change, GitRepo
from kscms.model import decode_record, parse_record
from kscms.model.base import Record
from kscms.repository import Repository


def is_record_path(path: str | None) -> bool:
    return bool(path) and path.startswith(RECORDS_PREFIX) and path.endswith(".md")  # type: ignore[union-attr]


def record_changes(changes: list[Change]) -> list[Change]:
    """The changes that touch record files (a record moved out of records/ shows as deleted)."""
    return [c for c in changes if is_record_path(c.path) or is_record_path(c.old_path)]


def parse_version(raw: bytes, path: str) -> tuple[Record | None, list[Problem]]:
    """A record from bytes read out of Git, named by `path`."""
    text, problems = decode_record(raw, path)
    return (None, problems) if text is None else parse_record(text, path)


def config_from(raw: bytes | None) -> tuple[Config | None, list[Problem]]:
    """A kscms.yaml read out of Git: (config, or None when invalid, and its problems); absent: (None, [])."""
    if raw is None:
        return None, []
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None, [Problem(CONFIG_NAME, 1, "not-utf8", "kscms.yaml is not UTF-8: save it as UTF-8")]
    return parse_config(text)


def read_since(root: Path, base: str) -> tuple[list[Change], bool, bytes | None, dict[str, bytes]]:
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


def check_since(repo: Repository, base: str, actor: str | None) -> tuple[list[Problem], int]:
    """Every problem of the records changed since commit `base`, and how many records were checked."""
    answer: list[tuple[list[Change], bool, bytes | None, dict[str, bytes]]] = []
    failure: list[BaseException] = []

    def ask_git() -> None:
        try:
            answer.append(read_since(repo.root, base))
        except BaseException as exc:  # re-raised below, in the caller's thread
            failure.append(exc)

    worker = threading.Thread(target=ask_git, name="kscms-git")
    worker.start()
    repo.ids  # noqa: B018 - build the file-name index while Git answers
    worker.join()
    if failure:
        raise failure[0]
    changes, config_changed, base_raw, blobs = answer[0]
    base_config = config_from(base_raw)[0] if config_changed else None
    records = record_changes(changes)
    olds = {
        c.path: blobs[c.old_blob]
        for c in records
        if c.old_blob in blobs and c.status != "D" and is_record_path(c.old_path)
    }
    present = [c.path for c in records if c.status != "D"]
    problems = repo.check(None if config_changed else present)
    count = len(repo.record_paths()) if config_changed else len(records)
    rules_config = base_config or repo.config
    where = f"at {base}" if base_config is not None else "of this change"
    who = Actor.from_login(actor, rules_config) if actor else None
    seen = {(p.path, p.line, p.code) for p in problems}
    for change in records:
        if change.status == "D" or not is_record_path(change.path):
            problems.append(deleted_problem(change.old_path or change.path))
            continue
        new = repo.parse(change.path)[0]
        if new is None:
            continue  # its parse problems are reported already
        old = None
        if change.path in olds:
            old, old_problems = parse_version(olds[change.path], change.old_path or change.path)
            if old is None:
                problems.append(unparsable_problem(change.path, f"at {base}", old_problems))
                continue
            problems += check_immutable(old, new, f"at {base}")
            problems += check_append_only(old, new, f"at {base}")
        indices = new_event_indices(old, new)
        if who is not None:
            problems += check_actor(new, indices, who, old is None)
        if base_config is not None:
            problems += [
                p
                for p in check_permitted(new, indices, base_config, where)
                if (p.path, p.line, p.code) not in seen
            ]
    problems = sorted(set(problems), key=lambda p: (p.path, p.line, p.code, p.message))
    return problems, count
