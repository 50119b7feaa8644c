"""`kscms audit`: replay the Git history of records/ and report every illegal change, with its commit.

One `git log --raw` pass lists, oldest first, each commit's changed record files with the blob
of their old and new versions. Here each commit gets its context (the parent's kscms.yaml for
permissions, the author as a person); `kscms.revisions` then checks the record changes, streaming
the blobs through one `git cat-file --batch` per process. Records are independent, so a large
history is split by record over one process per CPU (`workers_for`); the findings are the same.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from kscms.changes import config_from, record_changes
from kscms.checks.changes import Actor
from kscms.config import CONFIG_NAME, Config
from kscms.diagnostics import Problem
from kscms.gitio import Commit, GitRepo
from kscms.repository import Repository
from kscms.revisions import CommitContext, Item, check_revisions, introduced

PARALLEL_FROM = 2000
"""Record changes from which `audit` spreads the work over several processes."""
MAX_WORKERS = 4


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


class _Commits:
    """Per commit: the kscms.yaml in force, its problems, and the author as a person."""

    def __init__(self, git: GitRepo, fallback: Config, report: AuditReport) -> None:
        self.git = git
        self.fallback = fallback
        self.report = report
        self.configs: dict[str, tuple[Config | None, list[Problem]]] = {}
        self.config_after: dict[str, str | None] = {}

    def config(self, blob: str | None) -> tuple[Config | None, list[Problem]]:
        if blob is None:
            return None, []
        if blob not in self.configs:
            self.configs[blob] = config_from(self.git.read_blob(blob))
        return self.configs[blob]

    def config_blob(self, commit: str) -> str | None:
        """The kscms.yaml blob of a commit (known for those replayed, else asked of Git)."""
        if commit not in self.config_after:
            self.config_after[commit] = self.git.blob_at(commit, CONFIG_NAME)
        return self.config_after[commit]

    def context(self, commit: Commit) -> tuple[CommitContext, list[Problem]]:
        """The commit's context, and the problems of the kscms.yaml it wrote."""
        before = self.config_blob(commit.parents[0]) if commit.parents else None
        after = before
        problems: list[Problem] = []
        for change in commit.changes:
            if CONFIG_NAME in (change.path, change.old_path):
                after = change.new_blob if change.path == CONFIG_NAME else None
                problems += introduced(self.config(after)[1], self.config(change.old_blob)[1])
        if commit.is_merge and after == before and any(self.config_blob(p) != before for p in commit.parents):
            after = self.git.blob_at(commit.sha, CONFIG_NAME)
        self.config_after[commit.sha] = after
        chosen = next((b for b in (before, after) if self.config(b)[0] is not None), None)
        config = self.config(chosen)[0] or self.fallback
        actor = None if commit.is_merge else Actor.from_author(commit.author, commit.email, config)
        if actor is not None and actor.person is None and not actor.bot:
            who = f"{commit.author} <{commit.email}>"
            self.report.unknown_authors[who] = self.report.unknown_authors.get(who, 0) + 1
            actor = None
        return CommitContext(commit.date, commit.is_merge, chosen, actor), problems


def workers_for(items: int) -> int:
    """Processes to use: one per CPU (at most MAX_WORKERS), one for small histories."""
    import multiprocessing

    if items < PARALLEL_FROM or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, MAX_WORKERS))


def partition(items: list[Item], parts: int) -> list[list[Item]]:
    """Split record changes into `parts` lists, keeping each record (its renames included) in one."""
    parent: dict[str, str] = {}

    def find(path: str) -> str:
        while parent.get(path, path) != path:
            path = parent[path]
        return path

    for _, change in items:
        if change.old_path and change.old_path != change.path:
            a, b = find(change.old_path), find(change.path)
            if a != b:
                parent[b] = a
    shares: list[list[Item]] = [[] for _ in range(parts)]
    for item in items:
        shares[zlib.crc32(find(item[1].path).encode()) % parts].append(item)
    return shares


def _check_all(
    root: Path, fallback: Config, contexts: list[CommitContext], items: list[Item], workers: int
) -> list[tuple[int, Problem]]:
    if workers <= 1:
        return check_revisions(root, fallback, contexts, items)
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    shares = [share for share in partition(items, workers) if share]
    with ProcessPoolExecutor(len(shares), mp_context=multiprocessing.get_context("fork")) as pool:
        futures = [pool.submit(check_revisions, root, fallback, contexts, share) for share in shares]
        return [found for future in futures for found in future.result()]


def audit(repo: Repository, since: str | None = None, workers: int | None = None) -> AuditReport:
    """Replay the history of records/ (after commit `since`, when given) and collect illegal changes.

    `workers` processes share the records (default: one per CPU for a large history).
    """
    report = AuditReport()
    with GitRepo(repo.root) as git:
        start = git.verify_commit(since) if since else None
        commits = list(git.log(start))
        tracker = _Commits(git, repo.config, report)
        contexts: list[CommitContext] = []
        found: list[list[Problem]] = []
        items: list[Item] = []
        for index, commit in enumerate(commits):
            context, problems = tracker.context(commit)
            contexts.append(context)
            found.append(problems)
            items += [(index, change) for change in record_changes(list(commit.changes))]
    report.commits, report.changes = len(commits), len(items)
    for index, problem in _check_all(
        repo.root, repo.config, contexts, items, workers or workers_for(len(items))
    ):
        found[index].append(problem)
    for commit, problems in zip(commits, found, strict=True):
        for problem in sorted(set(problems), key=lambda p: (p.path, p.line, p.code, p.message)):
            report.findings.append(Finding(commit.sha, commit.author, commit.email, commit.date, problem))
    return report


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
