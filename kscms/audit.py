"""`kscms audit`: replay the Git history of records/ and report every illegal change, with its commit.

One `git log --raw` pass lists, oldest first, each commit's changed record files with the blob
of their old and new versions; blob contents come through one persistent `git cat-file --batch`.
For each change the change rules of `kscms.checks.changes` compare old and new (rewritten
history, immutable fields, deletions), the new events must be by the commit's author (unless a
coordinator) and not back-dated, and the workflow replay of the new version may not add problems
that the old version did not have (skipped steps, wrong roles, a status that disagrees, events
after the commit). Permissions are those of kscms.yaml in the commit's parent.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from kscms.changes import is_record_path, parse_version, record_changes
from kscms.checks.changes import (
    CLOCK_SKEW,
    Actor,
    check_actor,
    check_append_only,
    check_backdated,
    check_immutable,
    deleted_problem,
    new_event_indices,
)
from kscms.config import CONFIG_NAME, Config, parse_config
from kscms.diagnostics import Problem
from kscms.gitio import Change, Commit, GitRepo
from kscms.model.base import Record
from kscms.repository import Repository
from kscms.workflow.engine import replay

WAS = "in the parent commit"


@dataclass(frozen=True)
class Finding:
    """One illegal change and the commit that made it."""

    sha: str
    """Full sha of the commit."""
    author: str
    """The commit's author name."""
    email: str
    """The commit's author e-mail address."""
    date: dt.datetime
    """The commit's committer date."""
    problem: Problem
    """What is wrong, located in the file as that commit left it."""

    @property
    def short(self) -> str:
        return self.sha[:7]


@dataclass
class AuditReport:
    """Everything `audit` found, and how much history it replayed."""

    findings: list[Finding] = field(default_factory=list)
    commits: int = 0
    """Commits that changed records/ or kscms.yaml."""
    changes: int = 0
    """Record file changes compared."""
    unknown_authors: dict[str, int] = field(default_factory=dict)
    """Author (`name <email>`) -> commits whose events could not be checked against a person."""

    @property
    def errors(self) -> int:
        return sum(f.problem.severity == "error" for f in self.findings)


def _key(problem: Problem) -> tuple[str, str, str]:
    return problem.code, problem.field, problem.message


def _introduced(new: Iterable[Problem], old: Iterable[Problem]) -> Iterator[Problem]:
    """Problems of the new version that the old version did not have."""
    before = {_key(p) for p in old}
    yield from (p for p in new if _key(p) not in before)


def _paths(change: Change) -> tuple[str | None, str | None]:
    """(path whose old version is compared, or None; path of the new version, or None when deleted)."""
    if change.status == "D" or not is_record_path(change.path) or change.new_blob is None:
        return None, None
    old = change.old_path if change.old_blob and is_record_path(change.old_path) else None
    return old, change.path


def plan_reads(commits: Iterable[Commit]) -> list[str]:
    """The blobs `_Replay` reads, in its order: it keeps each path's latest version, so a version
    committed once is read once, and an old version only when it is not the one seen last."""
    latest: dict[str, str | None] = {}
    order: list[str] = []
    for commit in commits:
        for change in record_changes(list(commit.changes)):
            old, new = _paths(change)
            if old is not None and latest.get(old) != change.old_blob:
                order.append(change.old_blob)  # type: ignore[arg-type]
            latest.pop(change.old_path or change.path, None)
            if new is not None:
                if latest.get(new) != change.new_blob:
                    order.append(change.new_blob)  # type: ignore[arg-type]
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


class _Replay:
    """The state carried from commit to commit: parsed versions and configurations."""

    def __init__(self, git: GitRepo, fallback: Config, feed: _Feed) -> None:
        self.git = git
        self.fallback = fallback
        self.feed = feed
        self.configs: dict[str, tuple[Config | None, list[Problem]]] = {}
        self.config_after: dict[str, str | None] = {}
        self.latest: dict[str, tuple[str, Record | None, list[Problem]]] = {}
        self.report = AuditReport()

    def config(self, blob: str | None) -> tuple[Config | None, list[Problem]]:
        if blob is None:
            return None, []
        if blob not in self.configs:
            try:
                text = self.git.read_blob(blob).decode("utf-8")
            except UnicodeDecodeError:
                self.configs[blob] = None, [Problem(CONFIG_NAME, 1, "not-utf8", "kscms.yaml is not UTF-8")]
            else:
                self.configs[blob] = parse_config(text)
        return self.configs[blob]

    def config_blob(self, commit: str) -> str | None:
        """The kscms.yaml blob of a commit (known for those replayed, else asked of Git)."""
        if commit not in self.config_after:
            self.config_after[commit] = self.git.blob_at(commit, CONFIG_NAME)
        return self.config_after[commit]

    def version(self, blob: str, path: str) -> tuple[Record | None, list[Problem]]:
        hit = self.latest.get(path)
        if hit is not None and hit[0] == blob:
            return hit[1], hit[2]
        record, problems = parse_version(self.feed.get(blob), path)
        self.latest[path] = (blob, record, problems)
        return record, problems

    def commit(self, commit: Commit) -> Iterator[Problem]:
        """The illegal changes of one commit (permissions: kscms.yaml of its first parent)."""
        before = self.config_blob(commit.parents[0]) if commit.parents else None
        after = before
        config = self.config(before)[0]
        for change in commit.changes:
            if CONFIG_NAME in (change.path, change.old_path):
                after = change.new_blob if change.path == CONFIG_NAME else None
                new_config, problems = self.config(after)
                yield from _introduced(problems, self.config(change.old_blob)[1])
                config = config or new_config
        if commit.is_merge and after == before and any(self.config_blob(p) != before for p in commit.parents):
            after = self.git.blob_at(commit.sha, CONFIG_NAME)
        self.config_after[commit.sha] = after
        config = config or self.fallback
        actor = None if commit.is_merge else Actor.from_author(commit.author, commit.email, config)
        if actor is not None and actor.person is None and not actor.bot:
            who = f"{commit.author} <{commit.email}>"
            self.report.unknown_authors[who] = self.report.unknown_authors.get(who, 0) + 1
            actor = None
        for change in record_changes(list(commit.changes)):
            self.report.changes += 1
            yield from self.change(change, commit, config, actor)

    def change(
        self, change: Change, commit: Commit, config: Config, actor: Actor | None
    ) -> Iterator[Problem]:
        old_path, new_path = _paths(change)
        old: Record | None = None
        old_problems: list[Problem] = []
        if old_path is not None and change.old_blob:
            old, old_problems = self.version(change.old_blob, old_path)
        self.latest.pop(change.old_path or change.path, None)
        if new_path is None or change.new_blob is None:
            yield deleted_problem(change.old_path or change.path)
            return
        new, new_problems = self.version(change.new_blob, new_path)
        if new is None:
            yield from _introduced(new_problems, old_problems)
            return
        now = commit.date + CLOCK_SKEW
        if old is not None:
            yield from check_immutable(old, new, WAS)
            yield from check_append_only(old, new, WAS)
            old_problems = list(replay(old, config, now))
        yield from _introduced(replay(new, config, now), old_problems)
        if old is None and change.old_blob:
            return  # the old version did not parse: which events are new cannot be told
        indices = new_event_indices(old, new)
        if actor is not None:
            yield from check_actor(new, indices, actor, old is None)
        if not commit.is_merge:
            yield from check_backdated(new, indices, commit.date)


def audit(repo: Repository, since: str | None = None) -> AuditReport:
    """Replay the history of records/ (after commit `since`, when given) and collect illegal changes."""
    with GitRepo(repo.root) as git:
        start = git.verify_commit(since) if since else None
        commits = list(git.log(start))
        feed = _Feed(git, plan_reads(commits))
        state = _Replay(git, repo.config, feed)
        try:
            for commit in commits:
                state.report.commits += 1
                problems = sorted(
                    set(state.commit(commit)), key=lambda p: (p.path, p.line, p.code, p.message)
                )
                state.report.findings += [
                    Finding(commit.sha, commit.author, commit.email, commit.date, p) for p in problems
                ]
        finally:
            feed.close()
    return state.report


def format_text(findings: Iterable[Finding]) -> str:
    """`SHORT, AUTHOR, DATE: PATH:LINE: error[CODE]: message`, one per line."""
    return "".join(
        f"{f.short}, {f.author}, {f.date.isoformat()}: {f.problem.located()}: "
        f"{f.problem.severity}[{f.problem.code}]: {f.problem.message}\n"
        for f in findings
    )


def format_json(findings: Iterable[Finding]) -> str:
    """A JSON list of `{commit, author, email, date, path, line, code, message, severity, field}`."""
    rows = [
        {
            "commit": f.sha,
            "author": f.author,
            "email": f.email,
            "date": f.date.isoformat(),
            "path": f.problem.path,
            "line": f.problem.line,
            "code": f.problem.code,
            "message": f.problem.message,
            "severity": f.problem.severity,
            "field": f.problem.field,
        }
        for f in findings
    ]
    return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"


def summary(report: AuditReport) -> str:
    """One line for stderr: how much was replayed, what was found, whose commits were not attributable."""
    found = f"{report.errors} illegal change(s)" if report.findings else "no illegal changes"
    line = f"{report.commits} commits, {report.changes} record changes replayed: {found}"
    if report.unknown_authors:
        count = sum(report.unknown_authors.values())
        line += (
            f"; {count} commit(s) by authors not in kscms.yaml, whose steps were not checked against them "
            "(give them `email:` or `github:` under `people`)"
        )
    return line
