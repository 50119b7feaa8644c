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
    check_immutable_data,
    check_permitted,
    deleted_problem,
    new_event_indices,
    unparsable_problem,
)
from kscms.config import CONFIG_NAME, Config, parse_config
from kscms.diagnostics import Problem
from kscms.gitio import RECORDS_PREFIX, Change, GitRepo
from kscms.model import decode_record, parse_front, parse_record
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


def _read_meanwhile(repo: Repository, base: str) -> tuple[list[Change], bool, bytes | None, dict[str, bytes]]:
    """`read_since` in a thread, while this one reads kscms.yaml (its errors come first, exit 2) and
    builds the file-name index of the tree."""
    answer: list[tuple[list[Change], bool, bytes | None, dict[str, bytes]]] = []
    failure: list[BaseException] = []

    def ask_git() -> None:
        try:
            answer.append(read_since(repo.root, base))
        except BaseException as exc:  # re-raised below, in the caller's thread
            failure.append(exc)

    worker = threading.Thread(target=ask_git, name="kscms-git")
    worker.start()
    try:
        _ = repo.config
        repo.ids  # noqa: B018 - the index that duplicate-id needs, built while Git answers
    finally:
        worker.join()
    if failure:
        raise failure[0]
    return answer[0]


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
        old, old_problems = parse_version(old_raw, change.old_path or change.path)
        if old is None:
            return [unparsable_problem(change.path, f"at {base}", old_problems)]
        problems += check_immutable(old, new, f"at {base}")
        problems += check_append_only(old, new, f"at {base}")
    indices = new_event_indices(old, new)
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
    """Every problem of the records changed since commit `base`, and how many records were checked."""
    changes, config_changed, base_raw, blobs = _read_meanwhile(repo, base)
    base_config = config_from(base_raw)[0] if config_changed else None
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
