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
import datetime as dt
import json
import random
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
AUTHOR = "kscms bench <bench@example.org>"


@dataclass(frozen=True)
class Version:
    """One state of a record to write in a commit: after ``upto`` steps (None: all), with late fields or not."""

    draft: Draft
    upto: int | None
    with_late: bool

    def text(self) -> bytes:
        """The file contents of this version."""
        return self.draft.render(self.upto, self.with_late).encode()


@dataclass(frozen=True)
class Commit:
    """A commit to write: message, author time and the files it adds or changes."""

    message: str
    when: dt.datetime
    files: list[tuple[str, bytes]]


def build_staff(rng: random.Random) -> tuple[Staff, dict[str, dict[str, object]]]:
    """Draw ~40 people with roles and teams; return the role groups and the ``people`` config block."""
    people: dict[str, dict[str, object]] = {}

    def add(roles: list[str], team: str | None = None, manages: str | None = None) -> str:
        first, last = corpus.FIRST_NAMES[len(people) % len(corpus.FIRST_NAMES)], rng.choice(corpus.LAST_NAMES)
        key = corpus.slugify(first, 1)
        person: dict[str, object] = {"name": f"{first} {last}", "github": f"{key}-{corpus.slugify(last, 3)}"}
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
            signal_by_id[signal_id].late.setdefault("improvements", []).append(improvement.id)
    return sorted(signals + improvements + compliments, key=lambda d: (d.created, d.id))


def plan_commits(rng: random.Random, drafts: list[Draft], commits: int, config: str) -> Iterator[Commit]:
    """Spread the records over ``commits`` commits: additions in creation order, then appended events.

    About a fifth of the records (never a CAP, which compliments may already cite) is first committed
    part-way through its history and brought up to date in one or two of the closing commits; signals
    that name improvements get that list in a closing commit, when those improvements exist.
    """
    updates = max(1, commits // 4) if commits > 1 else 0
    adds = commits - updates
    later: list[list[Version]] = [[] for _ in range(updates)]
    first: list[Version] = []
    for draft in drafts:
        steps = len(draft.steps)
        split = updates and draft.fields.get("kind") != "cap" and steps >= 2 and rng.random() < 0.2
        if not updates or not (split or draft.late):
            first.append(Version(draft, None, True))
            continue
        start = rng.randint(1, steps - 1) if split else steps
        first.append(Version(draft, start, False))
        versions: list[int | None] = [None]
        if steps - start >= 2 and rng.random() < 0.5:
            versions.insert(0, rng.randint(start + 1, steps - 1))
        slots = sorted(rng.sample(range(updates), min(len(versions), updates)))
        for slot, upto in zip(slots, versions[-len(slots) :], strict=True):
            later[slot].append(Version(draft, upto, True))
    size = -(-len(first) // adds)
    batches = [first[i * size : (i + 1) * size] for i in range(adds)]
    for number, batch in enumerate(batches, start=1):
        files = [(v.draft.path, v.text()) for v in batch]
        if number == 1:
            files = [("kscms.yaml", config.encode()), (".gitignore", GITIGNORE.encode()), *files]
        when = max((v.draft.steps[0].at for v in batch), default=dt.datetime(2024, 1, 1, tzinfo=AMSTERDAM))
        yield Commit(f"Add {len(batch)} records (batch {number}/{adds})", when, files)
    closing = dt.datetime(2026, 11, 19, 18, 0, tzinfo=AMSTERDAM)
    for number, batch in enumerate(later, start=1):
        files = [(v.draft.path, v.text()) for v in batch]
        yield Commit(
            f"Move {len(batch)} records on (update {number}/{updates})",
            closing + dt.timedelta(minutes=number),
            files,
        )


def fast_import_stream(commits: Iterable[Commit]) -> Iterator[bytes]:
    """The ``git fast-import`` commands that create ``commits`` on refs/heads/main."""
    for mark, commit in enumerate(commits, start=1):
        message = commit.message.encode()
        stamp = f"{int(commit.when.timestamp())} {commit.when.strftime('%z')}"
        head = [
            f"commit refs/heads/main\nmark :{mark}\nauthor {AUTHOR} {stamp}\ncommitter {AUTHOR} {stamp}\n",
            f"data {len(message)}\n",
        ]
        yield "".join(head).encode() + message + b"\n"
        if mark > 1:
            yield f"from :{mark - 1}\n".encode()
        for path, data in commit.files:
            yield f"M 100644 inline {path}\ndata {len(data)}\n".encode() + data + b"\n"
        yield b"\n"


def write_git(out: Path, commits: Iterable[Commit]) -> None:
    """Create a Git repository at ``out`` holding ``commits`` and check out its last state."""

    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(out), *args], check=True)

    git("init", "-q", "-b", "main")
    for key, value in (("gc.auto", "0"), ("user.name", "kscms bench"), ("user.email", "bench@example.org")):
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
        write_git(out, plan_commits(rng, drafts, commits, config))
    else:
        write_files(out, drafts, config)
    done = time.perf_counter()
    return {
        "records": len(drafts),
        "commits": commits,
        "events": sum(len(d.steps) for d in drafts),
        "simulate_s": round(simulated - started, 3),
        "write_s": round(done - simulated, 3),
        "total_s": round(done - started, 3),
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
