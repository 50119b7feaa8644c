"""Check a generated repository against SPEC sections 1-3, independently of kscms.

Usage::

    python bench/verify.py bench/work/repo-1000 [--history]

It re-reads every record with PyYAML and checks ids, paths, references, the
workflows, permissions, times, the fields each reached status requires and
personal data in consented compliments.  ``--history`` also checks that every
commit only appended events to the records it changed.  Prints the problems
and exits 1 when there are any: the generator's own test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

ID_RE = re.compile(r"^[SCI]-\d{8}-[a-z0-9]+(-[a-z0-9]+)*$")
PERSONAL_RE = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+|\+?\d[\d -]{8,}\d|\b[A-Z]{2}\d{2}[A-Z]{4}\d{10}\b")
CUTOFF = dt.datetime(2026, 11, 20, tzinfo=dt.timezone(dt.timedelta(hours=1)))
COORD, ANALYST, DECIDER, GIVER, OWNER = "coordinator", "analyst", "decider", "@giver", "@owner"
# workflow -> status -> (statuses it may come from, who may move it there)
WORKFLOWS: dict[str, dict[str, tuple[tuple[str, ...], tuple[str, ...]]]] = {
    "signal": {"triaged": (("new",), (ANALYST, COORD)), "closed": (("triaged",), (COORD,))},
    "complaint": {
        "acknowledged": (("new",), (ANALYST, COORD)),
        "resolved": (("acknowledged",), (ANALYST, COORD)),
        "closed": (("resolved",), (COORD,)),
    },
    "compliment": {
        "forwarded": (("registered",), (COORD,)),
        "given": (("forwarded",), (GIVER, COORD)),
        "reaction_recorded": (("given",), (GIVER, COORD)),
        "maker_informed": (("reaction_recorded",), (COORD,)),
        "closed": (("maker_informed", "reaction_recorded"), (COORD,)),
        "withdrawn": (("registered", "forwarded", "given", "reaction_recorded", "maker_informed"), (COORD,)),
    },
    "improvement": {
        "accepted": (("proposed",), (DECIDER,)),
        "rejected": (("proposed",), (DECIDER,)),
        "in_progress": (("accepted",), (OWNER, DECIDER, COORD)),
        "implemented": (("in_progress",), (OWNER, DECIDER, COORD)),
        "evaluated": (("implemented",), (OWNER, DECIDER, COORD)),
        "closed": (("evaluated", "rejected"), (COORD,)),
        "withdrawn": (("proposed",), (COORD,)),
    },
}
INITIAL = {"signal": "new", "complaint": "new", "compliment": "registered", "improvement": "proposed"}
ACCEPTED_PATH = {"accepted", "in_progress", "implemented", "evaluated", "closed"}


def load(text: str) -> dict[str, Any]:
    """The front matter of a record file."""
    return yaml.load(text.split("---\n", 2)[1], Loader=yaml.CSafeLoader)  # noqa: S506 (CSafeLoader is safe)


def get(record: dict[str, Any], dotted: str) -> Any:
    """A nested field by dotted path, or None."""
    value: object = record
    for part in dotted.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def consented(record: dict[str, Any]) -> bool:
    """Whether a compliment may be shown publicly (maker and receivers consent)."""
    return bool(get(record, "consent.maker") and get(record, "consent.receivers"))


def needs(record: dict[str, Any], status: str, path_status: list[str]) -> list[str]:
    """Fields that ``status`` requires (SPEC 3.1-3.3) and that are missing."""
    type_ = record["type"]
    required: list[str] = []
    if type_ == "signal" and status in ("triaged", "resolved"):
        required.append("themes")
    if type_ == "signal" and status == "resolved":
        required.append("complaint.resolution")
    if type_ == "compliment":
        required += {
            "forwarded": ["giver"],
            "reaction_recorded": ["reaction"],
            "maker_informed": ["maker_feedback"],
        }.get(status, [])
    if type_ == "improvement":
        if status in ("accepted", "rejected"):
            required += ["strategy_fit", "business_case", "decision.reason"]
            if get(record, "decision.outcome") != status:
                required.append(f"decision.outcome={status}")
            if status == "accepted" and get(record, "strategy_fit.fits") is not True:
                required.append("strategy_fit.fits=true")
            if status == "rejected":
                required.append("decision.consequences")
        required += {
            "in_progress": ["owner"],
            "evaluated": ["result.metric", "result.before", "result.after", "result.summary"],
        }.get(status, [])
        if status == "closed":
            required.append("decision.communicated" if "rejected" in path_status else "result.communicated")
            if get(record, "origin.proposer"):
                required.append("proposer_feedback")
    return [f for f in required if "=" in f or get(record, f) in (None, [], "")]


def check_record(
    path: str, record: dict[str, Any], config: dict[str, Any], ids: dict[str, dict[str, Any]]
) -> Iterator[str]:
    """Every problem of one record."""
    people = config["people"]
    rid, type_ = record["id"], record["type"]
    if not ID_RE.match(rid) or len(rid) > 64 or path != f"records/{type_}s/{record['created'].year}/{rid}.md":
        yield f"{path}: bad id or path"
    flow = "complaint" if record.get("kind") == "complaint" else type_
    history = record["history"]
    roles = {k: set(p.get("roles", [])) for k, p in people.items()}
    seen: list[str] = []
    for i, event in enumerate(history):
        status, by, at = event["status"], event["by"], event["at"]
        if by not in people:
            yield f"{path}: unknown person {by}"
        if at >= CUTOFF or (i and at < history[i - 1]["at"]):
            yield f"{path}: time {at} out of order or too late"
        if i == 0:
            if status != INITIAL[flow]:
                yield f"{path}: first status {status}"
        else:
            sources, allowed = WORKFLOWS[flow].get(status, ((), ()))
            if seen[-1] not in sources:
                yield f"{path}: illegal {seen[-1]} -> {status}"
            if (
                flow == "compliment"
                and status == "closed"
                and seen[-1] == "reaction_recorded"
                and not get(record, "maker.anonymous")
            ):
                yield f"{path}: skipped maker_informed for a known maker"
            who = {"@giver": record.get("giver"), "@owner": record.get("owner")}
            if not any(who.get(a) == by or a in roles.get(by, ()) for a in allowed):
                yield f"{path}: {by} may not move to {status}"
        seen.append(status)
        for missing in needs(record, status, seen):
            yield f"{path}: {status} needs {missing}"
    blocks = {"survey", "question", "complaint", "focus_group", "forum", "employee_idea"} & set(record)
    if type_ == "signal" and blocks - {record["kind"]}:
        yield f"{path}: block {sorted(blocks)} does not match kind {record['kind']}"
    if record["status"] != seen[-1]:
        yield f"{path}: status is not the last event's"
    refs = [(t, "themes") for t in record.get("themes", [])]
    refs += [(d, "departments") for d in record.get("departments", [])]
    refs += [(record["segment"], "segments")] if "segment" in record else []
    named = (record.get(f) for f in ("giver", "coordinator", "owner"))
    refs += [
        (p, "people")
        for p in (*named, get(record, "origin.proposer"), get(record, "employee_idea.proposer"))
        if p
    ]
    for key, section in refs:
        if key not in config[section]:
            yield f"{path}: unknown {section} key {key}"
    for receiver in record.get("receivers", []):
        kind, _, key = receiver.partition(":")
        if receiver != "organisation" and key not in config["people" if kind == "person" else "teams"]:
            yield f"{path}: unknown receiver {receiver}"
    cited = [
        *(get(record, "origin.signals") or []),
        *(get(record, "origin.compliments") or []),
        *record.get("improvements", []),
    ]
    for other in cited:
        if other not in ids:
            yield f"{path}: unknown reference {other}"
    cap = record.get("cap")
    if cap and (
        cap not in ids
        or ids[cap].get("kind") != "cap"
        or (record["status"] == "closed" and ids[cap]["status"] not in ACCEPTED_PATH)
    ):
        yield f"{path}: bad cap {cap}"
    public = f"{record['title']} {get(record, 'maker.display')}"
    if type_ == "compliment" and consented(record) and PERSONAL_RE.search(public):
        yield f"{path}: personal data in a public field"


def check_tree(root: Path) -> list[str]:
    """Problems of the working tree of a generated repository."""
    config = yaml.load((root / "kscms.yaml").read_text(), Loader=yaml.CSafeLoader)  # noqa: S506
    records, problems = {}, []
    for file in sorted(root.glob("records/*/*/*.md")):
        text = file.read_text(encoding="utf-8")
        record = load(text)
        if (
            record["type"] == "compliment"
            and consented(record)
            and PERSONAL_RE.search(text.split("---\n", 2)[2])
        ):
            problems.append(f"{file}: personal data in the body")
        if record["id"] in records:
            problems.append(f"{file}: duplicate id")
        records[record["id"]] = (str(file.relative_to(root)), record)
    by_id = {i: r for i, (_, r) in records.items()}
    for path, record in records.values():
        problems.extend(check_record(path, record, config, by_id))
    return problems


def check_history(root: Path) -> list[str]:
    """Problems of the Git history: a changed record's old history must be a prefix of its new one."""
    log = subprocess.run(
        ["git", "-C", str(root), "log", "--reverse", "--format=@%H", "--name-status"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    problems, commit = [], ""
    for line in log.splitlines():
        if line.startswith("@"):
            commit = line[1:]
        elif line.startswith("M\t") and line.endswith(".md"):
            path = line[2:]
            old, new = (
                load(
                    subprocess.run(
                        ["git", "-C", str(root), "show", f"{ref}:{path}"],
                        capture_output=True,
                        text=True,
                        check=True,
                    ).stdout
                )
                for ref in (f"{commit}~1", commit)
            )
            if new["history"][: len(old["history"])] != old["history"]:
                problems.append(f"{commit[:8]} {path}: history rewritten")
        elif line.startswith("D\t"):
            problems.append(f"{commit[:8]} {line[2:]}: record deleted")
    return problems


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--history", action="store_true", help="also check every commit's changes")
    args = parser.parse_args(argv)
    problems = check_tree(args.root) + (check_history(args.root) if args.history else [])
    for problem in problems[:50]:
        print(problem)
    print(f"{len(problems)} problems", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
