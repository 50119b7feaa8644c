"""Record revisions along the Git history: what `audit` checks for each changed record file.

`check_revisions` takes record changes in commit order (each with the context of its commit:
date, the kscms.yaml that grants permissions, the author as an `Actor`) and yields the problems
each change introduced. It keeps the latest parsed version of every path, so a version is read
and parsed once; the blobs it will read are planned up front (`plan_reads`) and stream through
one `git cat-file --batch`. Changes of different records are independent, so `audit` may split
them by record over several processes, each calling `check_revisions` on its share.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from kscms.changes import config_from, is_record_path, parse_version
from kscms.checks.changes import (
    CLOCK_SKEW,
    Actor,
    check_actor,
    check_append_only,
    check_backdated,
    check_guarded_fields,
    check_immutable,
    deleted_problem,
    new_event_indices,
)
from kscms.config import Config
from kscms.diagnostics import Problem
from kscms.gitio import Change, GitRepo
from kscms.model.base import Record
from kscms.workflow.engine import replay

WAS = "in the parent commit"


@dataclass(frozen=True)
class CommitContext:
    """What the checks of one commit's record changes need to know about the commit."""

    date: dt.datetime
    """Committer date."""
    merge: bool
    """A merge: its changes are results neither branch had; authorship and dates are not checked."""
    config_blob: str | None
    """The kscms.yaml whose people and roles apply (the parent's); None: the work tree's."""
    actor: Actor | None
    """The author as a person, or None when the author maps to no person (not checked)."""


Item = tuple[int, Change]
"""A record change and the index of its commit."""


def introduced(new: Iterable[Problem], old: Iterable[Problem]) -> Iterator[Problem]:
    """Problems of the new version that the old version did not have (compared without lines)."""
    before = {(p.code, p.field, p.message) for p in old}
    yield from (p for p in new if (p.code, p.field, p.message) not in before)


def _paths(change: Change) -> tuple[str | None, str | None]:
    """(path whose old version is compared, or None; path of the new version, or None when deleted)."""
    if change.status == "D" or not is_record_path(change.path) or change.new_blob is None:
        return None, None
    old = change.old_path if change.old_blob and is_record_path(change.old_path) else None
    return old, change.path


def plan_reads(changes: Iterable[Change]) -> list[str]:
    """The blobs `check_revisions` reads, in its order: it keeps each path's latest version, so a
    version is read once, and an old version only when it is not the one seen last."""
    latest: dict[str, str | None] = {}
    order: list[str] = []
    for change in changes:
        old, new = _paths(change)
        if old is not None and change.old_blob and latest.get(old) != change.old_blob:
            order.append(change.old_blob)
        latest.pop(change.old_path or change.path, None)
        if new is not None and change.new_blob:
            order.append(change.new_blob)
            latest[new] = change.new_blob
    return order


class _Feed:
    """Blob contents in planned order from one streamed `cat-file`; anything unplanned is read singly."""

    def __init__(self, git: GitRepo, plan: list[str]) -> None:
        self.git = git
        self.waiting = Counter(plan)
        self.stream = git.read_blobs(plan)

    def get(self, sha: str) -> bytes:
        while self.waiting[sha] > 0:
            head, data = next(self.stream)
            self.waiting[head] -= 1
            if head == sha:
                return data
        return self.git.read_blob(sha)

    def close(self) -> None:
        self.stream.close()


@dataclass
class _Version:
    """One parsed version of a record file, and its workflow replay once made."""

    blob: str
    record: Record | None
    problems: list[Problem]
    replayed: tuple[Config, dt.datetime, list[Problem]] | None = None


class _Revisions:
    """The latest parsed version of each path, and the configurations met so far."""

    def __init__(self, git: GitRepo, feed: _Feed, fallback: Config) -> None:
        self.git = git
        self.feed = feed
        self.fallback = fallback
        self.latest: dict[str, _Version] = {}
        self.configs: dict[str, Config] = {}

    def config(self, blob: str | None) -> Config:
        if blob is None:
            return self.fallback
        if blob not in self.configs:
            self.configs[blob] = config_from(self.git.read_blob(blob))[0] or self.fallback
        return self.configs[blob]

    def version(self, blob: str, path: str) -> _Version:
        hit = self.latest.get(path)
        if hit is not None and hit.blob == blob:
            return hit
        self.latest[path] = _Version(blob, *parse_version(self.feed.get(blob), path))
        return self.latest[path]

    @staticmethod
    def replay(version: _Version, record: Record, config: Config, now: dt.datetime) -> list[Problem]:
        """The replay's problems; a later commit reuses them while the config is the same and no
        event was in the future (the only thing that depends on the moment)."""
        done = version.replayed
        if done and done[0] is config and done[1] <= now and all(p.code != "future-event" for p in done[2]):
            return done[2]
        problems = list(replay(record, config, now))
        version.replayed = (config, now, problems)
        return problems

    def check(self, change: Change, context: CommitContext) -> Iterator[Problem]:
        """The problems one change of one record file introduced."""
        old_path, new_path = _paths(change)
        before = self.version(change.old_blob, old_path) if old_path and change.old_blob else None
        old = before.record if before else None
        old_problems = before.problems if before else []
        self.latest.pop(change.old_path or change.path, None)
        if new_path is None or change.new_blob is None:
            yield deleted_problem(change.old_path or change.path)
            return
        after = self.version(change.new_blob, new_path)
        new = after.record
        if new is None:
            yield from introduced(after.problems, old_problems)
            return
        config = self.config(context.config_blob)
        now = context.date + CLOCK_SKEW
        if before is not None and old is not None:
            yield from check_immutable(old, new, WAS)
            yield from check_append_only(old, new, WAS)
            old_problems = self.replay(before, old, config, now)
        yield from introduced(self.replay(after, new, config, now), old_problems)
        if before is not None and old is None:
            return  # the old version did not parse: which events are new cannot be told
        indices = new_event_indices(old, new)
        if old is not None and not context.merge:  # a merge's changes were judged in their own commits
            yield from check_guarded_fields(old, new, indices, context.actor, config)
        if context.actor is not None:
            yield from check_actor(new, indices, context.actor, old is None)
        if not context.merge:
            yield from check_backdated(new, indices, context.date)


def check_revisions(
    root: Path, fallback: Config, contexts: list[CommitContext], items: list[Item]
) -> list[tuple[int, Problem]]:
    """(commit index, problem) for every problem the record changes `items` introduced, in order."""
    found: list[tuple[int, Problem]] = []
    with GitRepo(root) as git:
        feed = _Feed(git, plan_reads(change for _, change in items))
        revisions = _Revisions(git, feed, fallback)
        try:
            for index, change in items:
                found += [(index, p) for p in revisions.check(change, contexts[index])]
        finally:
            feed.close()
    return found
