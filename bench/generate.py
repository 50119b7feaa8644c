"""Generate a realistic kscms repository of N records with a Git history, for benchmarks.

Usage::

    python bench/generate.py 10000 bench/work/repo-10000 --seed 1 --commits 200

The output holds ``kscms.yaml`` (SPEC section 2) and ``records/`` with every record
type and kind, whose histories follow the built-in workflows and permissions
(SPEC 3.1-3.4).  With ``--commits C`` (default 200) the records arrive through
C commits written with ``git fast-import``: most commits add records in order of
their creation date, the last quarter append history events to records that were
committed half-way, so ``kscms audit`` has real history to replay.  ``--commits 0``
writes plain files without Git.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import json
import random
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import corpus
from corpus import yaml_value
from simulation import (
    AMSTERDAM,
    CUTOFF,
    FIRST_DAY,
    CapIndex,
    Draft,
    OriginIndex,
    Skeleton,
    Staff,
    simulate_compliment,
    simulate_improvement,
    simulate_signal,
    skeleton,
)

TYPE_WEIGHTS = {"signal": 40, "compliment": 35, "improvement": 25}
SIGNAL_KINDS = {
    "complaint": 25,
    "question": 25,
    "remark": 15,
    "survey": 6,
    "focus_group": 5,
    "forum": 10,
    "employee_idea": 14,
}
CAP_SHARE = 0.15
GITIGNORE = "_site/\n.kscms-cache/\n"


@dataclass(frozen=True)
class Version:
    """One state of a record to write in a commit: after ``upto`` steps, naming ``links`` improvements."""

    draft: Draft
    upto: int
    links: list[str]

    def text(self) -> bytes:
        """The file contents of this version."""
        return self.draft.render(self.upto, self.links).encode()

    @property
    def last_at(self) -> dt.datetime:
        """Time of the last event in this version."""
        return self.draft.steps[self.upto - 1].at


@dataclass(frozen=True)
class Commit:
    """A commit to write: message, author (``Name <email>``), time and the files it adds or changes."""

    message: str
    author: str
    when: dt.datetime
    files: list[tuple[str, bytes]]


def build_staff(rng: random.Random) -> tuple[Staff, dict[str, dict[str, object]]]:
    """Draw ~40 people with roles and teams; return the role groups and the ``people`` config block."""
    people: dict[str, dict[str, object]] = {}

    def add(roles: list[str], team: str | None = None, manages: str | None = None) -> str:
        first, last = corpus.FIRST_NAMES[len(people) % len(corpus.FIRST_NAMES)], rng.choice(corpus.LAST_NAMES)
        key = corpus.slugify(first, 1)
        person: dict[str, object] = {
            "name": f"{first} {last}",
            "github": f"{key}-{corpus.slugify(last, 3)}",
            "email": f"{key}@example.org",
        }
        if roles:
            person["roles"] = roles
        if team:
            person["team"] = team
        if manages:
            person["manages"] = [manages]
        people[key] = person
        return key

    coordinators = [add(["coordinator"]) for _ in range(3)]
    teams = sorted(corpus.TEAMS)
    managers = {t: add(["giver", "decider"] if i < 3 else ["giver"], t, t) for i, t in enumerate(teams)}
    deciders = [managers[t] for t in teams[:3]] + [add(["decider"]) for _ in range(2)]
    analysts = [add(["analyst"], teams[i % len(teams)]) for i in range(5)]
    members = [add([], teams[i % len(teams)]) for i in range(40 - len(people))]
    person_team = {k: str(people[k]["team"]) for k in analysts + members}
    staff = Staff(
        everyone=sorted(people),
        coordinators=coordinators,
        deciders=deciders,
        analysts=analysts,
        givers=sorted(managers.values()),
        team_manager=managers,
        person_team=person_team,
    )
    return staff, people


def render_config(staff: Staff, people: dict[str, dict[str, object]]) -> str:
    """The kscms.yaml of the generated organisation (SPEC section 2)."""

    def block(name: str, items: Mapping[str, object]) -> list[str]:
        return [f"{name}:", *(f"  {k}: {yaml_value(v)}" for k, v in items.items())]

    lines = [
        "organisation: Benchmark Diensten BV",
        "language: nl",
        "timezone: Europe/Amsterdam",
        "strategy: customer_intimacy",
        'site: {title: "Complimenten & verbeteringen", base_url: "https://example.org/kscms/"}',
    ]
    lines += block("people", people)
    lines += block(
        "teams", {k: {"name": n, "manager": staff.team_manager[k]} for k, n in corpus.TEAMS.items()}
    )
    lines += block("departments", {k: {"name": n} for k, n in corpus.DEPARTMENTS.items()})
    lines += block("themes", {k: {"name": n} for k, n in corpus.THEMES.items()})
    lines += block("segments", {k: {"feedback": f} for k, f in corpus.SEGMENTS.items()})
    lines += block(
        "norms",
        {
            "compliment_given_days": 5,
            "complaint_acknowledge_days": 1,
            "complaint_resolve_days": 10,
            "proposer_feedback_days": 7,
        },
    )
    lines += block(
        "targets",
        {
            "compliments.given_within_norm_pct": {"min": 90},
            "compliments.open_overdue": {"max": 5},
            "complaints.acknowledged_within_norm_pct": {"min": 95},
            "complaints.resolved_within_norm_pct": {"min": 80},
            "improvements.results_communicated_pct": {"min": 75},
            "improvements.proposer_feedback_within_norm_pct": {"min": 90},
        },
    )
    return "\n".join(lines) + "\n"


def draw_skeletons(rng: random.Random, count: int) -> list[Skeleton]:
    """Types (40/35/25), kinds, first events, titles and unique ids of ``count`` records."""
    types = rng.choices(list(TYPE_WEIGHTS), weights=list(TYPE_WEIGHTS.values()), k=count)
    skeletons = []
    for index, type_ in enumerate(types, start=1):
        if type_ == "signal":
            kind = rng.choices(list(SIGNAL_KINDS), weights=list(SIGNAL_KINDS.values()))[0]
        elif type_ == "improvement":
            kind = "cap" if rng.random() < CAP_SHARE else "improvement"
        else:
            kind = "compliment"
        skeletons.append(skeleton(rng, index, type_, kind))
    return skeletons


def simulate(rng: random.Random, count: int, staff: Staff) -> list[Draft]:
    """All records, in order of creation; references point only to records created on earlier days."""
    skeletons = draw_skeletons(rng, count)
    by_type: dict[str, list[Skeleton]] = {t: [s for s in skeletons if s.type == t] for t in TYPE_WEIGHTS}
    signals = [simulate_signal(rng, s, staff, max(10, count // 4)) for s in by_type["signal"]]
    proposer_of = {
        d.id: str(d.fields["employee_idea"]["proposer"])
        for d in signals
        if d.fields["kind"] == "employee_idea"
    }
    origins = OriginIndex(skeletons)
    improvements = [simulate_improvement(rng, s, staff, origins, proposer_of) for s in by_type["improvement"]]
    caps = CapIndex(improvements)
    compliments = [simulate_compliment(rng, s, staff, caps) for s in by_type["compliment"]]
    signal_by_id = {d.id: d for d in signals}
    for improvement in improvements:
        for signal_id in improvement.fields["origin"].get("signals", []):
            signal_by_id[signal_id].links.append(improvement.id)
    return sorted(signals + improvements + compliments, key=lambda d: (d.created, d.id))


def update_times(updates: int) -> list[dt.datetime]:
    """One closing commit a day, at 18:30, on the last ``updates`` days before the cutoff."""
    last = CUTOFF.date()
    return [
        dt.datetime.combine(last - dt.timedelta(days=updates - 1 - k), dt.time(18, 30), AMSTERDAM)
        for k in range(updates)
    ]


def version_points(drafts: list[Draft], adds: int, closing: list[dt.datetime]) -> dict[str, dict[int, int]]:
    """For each record: commit slot -> how many of its steps that commit holds.

    Steps up to a day before the first closing commit are imported by the ``adds`` batches, in order of
    creation; later steps are committed by the closing commit of their day (within 24 hours).
    """
    window = closing[0] - dt.timedelta(days=1) if closing else CUTOFF
    early = [d for d in drafts if d.steps[0].at <= window]
    batch = {d.id: i * adds // len(early) for i, d in enumerate(early)}
    points: dict[str, dict[int, int]] = {}
    for draft in drafts:
        slots = points[draft.id] = {}
        for count, step in enumerate(draft.steps, start=1):
            slot = batch[draft.id] if step.at <= window else adds + bisect.bisect_left(closing, step.at)
            slots[slot] = count
    return points


def link_points(drafts: list[Draft], points: dict[str, dict[int, int]]) -> dict[str, list[tuple[int, str]]]:
    """For each signal: (slot, improvement id) from which on it names that improvement.

    A signal names an improvement from the commit that adds the improvement on; when the signal has no
    version of its own in that commit, it gets one (same events, one more link).
    """
    links: dict[str, list[tuple[int, str]]] = {}
    for draft in drafts:
        for improvement in draft.links:
            slot = min(points[improvement])
            links.setdefault(draft.id, []).append((slot, improvement))
            slots = points[draft.id]
            if slot not in slots:  # the signal exists by then: it was created on an earlier day
                slots[slot] = max(n for s, n in slots.items() if s < slot)
    for named in links.values():
        named.sort()
    return links


def plan_commits(drafts: list[Draft], commits: int, config: str, author: str) -> Iterator[Commit]:
    """Spread the records over ``commits`` commits, the way a team would have committed them.

    Three quarters of the commits import the records' histories up to some fifty days before the
    cutoff (in order of creation); the last quarter are daily commits that add the records created
    and append the events that happened on that day, each within a day of the events it holds.
    """
    updates = max(1, commits // 4) if commits > 1 else 0
    adds = commits - updates
    closing = update_times(updates)
    points = version_points(drafts, adds, closing)
    links = link_points(drafts, points)
    slots: list[list[Version]] = [[] for _ in range(commits)]
    for draft in drafts:
        named = links.get(draft.id, [])
        for slot, upto in sorted(points[draft.id].items()):
            slots[slot].append(Version(draft, upto, [i for s, i in named if s <= slot]))
    when = dt.datetime.combine(FIRST_DAY, dt.time(7), AMSTERDAM)
    for slot, versions in enumerate(slots):
        files = [(v.draft.path, v.text()) for v in versions]
        if slot == 0:
            files = [("kscms.yaml", config.encode()), (".gitignore", GITIGNORE.encode()), *files]
        if slot < adds:
            when = max([when + dt.timedelta(minutes=1), *(v.last_at for v in versions)])
            message = f"Import {len(versions)} records (batch {slot + 1}/{adds})"
        else:
            when = closing[slot - adds]
            message = f"Record the day's steps: {len(versions)} records ({when:%Y-%m-%d})"
        yield Commit(message, author, when, files)


def fast_import_stream(commits: Iterable[Commit]) -> Iterator[bytes]:
    """The ``git fast-import`` commands that create ``commits`` on refs/heads/main."""
    for mark, commit in enumerate(commits, start=1):
        message = commit.message.encode()
        stamp = f"{int(commit.when.timestamp())} {commit.when.strftime('%z')}"
        head = [
            f"commit refs/heads/main\nmark :{mark}\n",
            f"author {commit.author} {stamp}\ncommitter {commit.author} {stamp}\n",
            f"data {len(message)}\n",
        ]
        yield "".join(head).encode() + message + b"\n"
        if mark > 1:
            yield f"from :{mark - 1}\n".encode()
        for path, data in commit.files:
            yield f"M 100644 inline {path}\ndata {len(data)}\n".encode() + data + b"\n"
        yield b"\n"


def write_git(out: Path, commits: Iterable[Commit], author: str) -> None:
    """Create a Git repository at ``out`` holding ``commits`` and check out its last state.

    Later commits in it (the benchmark's) are made by ``author`` too.
    """

    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(out), *args], check=True)

    git("init", "-q", "-b", "main")
    name, _, email = author.partition(" <")
    for key, value in (("gc.auto", "0"), ("user.name", name), ("user.email", email.rstrip(">"))):
        git("config", key, value)
    proc = subprocess.Popen(["git", "-C", str(out), "fast-import", "--quiet"], stdin=subprocess.PIPE)
    assert proc.stdin is not None
    for chunk in fast_import_stream(commits):
        proc.stdin.write(chunk)
    proc.stdin.close()
    if proc.wait() != 0:
        raise SystemExit("git fast-import failed")
    git("reset", "-q", "--hard", "main")


def write_files(out: Path, drafts: list[Draft], config: str) -> None:
    """Write the configuration and the final state of every record, without Git."""
    (out / "kscms.yaml").write_text(config, encoding="utf-8")
    (out / ".gitignore").write_text(GITIGNORE, encoding="utf-8")
    for draft in drafts:
        path = out / draft.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(draft.render(), encoding="utf-8")


def generate(count: int, out: Path, seed: int, commits: int) -> dict[str, float | int]:
    """Generate the repository; return statistics and timings (seconds) of each stage."""
    started = time.perf_counter()
    rng = random.Random(seed)
    staff, people = build_staff(rng)
    config = render_config(staff, people)
    drafts = simulate(rng, count, staff)
    simulated = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    if commits > 0:
        coordinator = people[staff.coordinators[0]]
        author = f"{coordinator['name']} <{coordinator['email']}>"
        write_git(out, plan_commits(drafts, commits, config, author), author)
    else:
        write_files(out, drafts, config)
    done = time.perf_counter()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "records": len(drafts),
        "commits": commits,
        "events": sum(len(d.steps) for d in drafts),
        "simulate_s": round(simulated - started, 3),
        "write_s": round(done - simulated, 3),
        "total_s": round(done - started, 3),
        "cpu_s": round(time.process_time() + children.ru_utime + children.ru_stime, 3),
    }


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("count", type=int, help="number of records")
    parser.add_argument("out", type=Path, help="directory to create (must not exist, unless --force)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument(
        "--commits", type=int, default=200, help="commits in the history (0: no Git; default 200)"
    )
    parser.add_argument("--force", action="store_true", help="replace OUT if it exists")
    parser.add_argument("--json", action="store_true", help="print the statistics as JSON")
    args = parser.parse_args(argv)
    if args.out.exists() and any(args.out.iterdir()):
        if not args.force:
            parser.error(f"{args.out} exists and is not empty (use --force to replace it)")
        shutil.rmtree(args.out)
    stats = generate(args.count, args.out, args.seed, args.commits)
    if args.json:
        print(json.dumps(stats))
    else:
        print(", ".join(f"{k}={v}" for k, v in stats.items()), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
