"""`kscms audit [--since REF]` on real Git histories: each illegal change is reported with its commit.

`make_repo` gives a clean history of three commits (each step committed by its own person, on
the day it happened); each test adds commits on top and asserts the exact report lines.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from git_helpers import (
    COMPLIMENT,
    COMPLIMENT_TEXT,
    CONFIG,
    NEW_COMPLIMENT,
    NEW_COMPLIMENT_TEXT,
    SIGNAL,
    append_event,
    commit,
    git,
    make_repo,
    replace,
    write,
)

from kscms.audit import audit as run_audit
from kscms.cli import cli
from kscms.repository import Repository

GIVEN_BY_MARJA = "{at: 2026-11-06T09:00:00+01:00, by: marja, status: given}"
DAY_OF_GIVING = "2026-11-06T10:00:00+01:00"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "repo")


def audit(root: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--root", str(root), "audit", *args])


def located(result: Result) -> list[str]:
    """`SHORT, AUTHOR: PATH:LINE: error[CODE]` of every finding (the date left out)."""
    pattern = r"^(\w{7}), ([^,]+), \S+: (\S+: error\[[a-z-]+\]):"
    return [f"{m[1]}, {m[2]}: {m[3]}" for m in re.finditer(pattern, result.stdout, re.M)]


def short(root: Path, ref: str = "HEAD") -> str:
    return git(root, "rev-parse", "--short=7", ref).strip()


def test_clean_history_has_no_findings(repo: Path) -> None:
    append_event(repo, COMPLIMENT, GIVEN_BY_MARJA, "given")
    commit(repo, "Given", author="marja", date=DAY_OF_GIVING)
    result = audit(repo)
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == "4 commits, 4 record changes replayed: no illegal changes\n"


def test_finding_names_commit_author_and_date(repo: Path) -> None:
    append_event(
        repo, COMPLIMENT, "{at: 2026-11-06T09:00:00+01:00, by: anne, status: withdrawn}", "withdrawn"
    )
    commit(repo, "Withdraw as if anne", author="karel", date=DAY_OF_GIVING)
    result = audit(repo)
    assert result.exit_code == 1
    assert result.stdout == (
        f"{short(repo)}, Karel Visser, 2026-11-06T10:00:00+01:00: {COMPLIMENT}:15: error[actor-mismatch]: "
        "`history.2.by` is `anne`, but commit author `Karel Visser` is `karel`: record your own steps as "
        "`by: karel`, or ask a coordinator to record this one\n"
    )
    assert result.stderr == "4 commits, 4 record changes replayed: 1 illegal change(s)\n"


def test_rewritten_history_is_reported(repo: Path) -> None:
    replace(repo, COMPLIMENT, "by: karel, status: registered", "by: ali, status: registered")
    commit(repo, "Someone else registered it", author="anne", date=DAY_OF_GIVING)
    assert located(audit(repo)) == [f"{short(repo)}, Anne de Boer: {COMPLIMENT}:13: error[history-rewritten]"]


def test_backdated_event_is_reported(repo: Path) -> None:
    append_event(repo, COMPLIMENT, GIVEN_BY_MARJA, "given")
    commit(repo, "Given, committed two days later", author="marja", date="2026-11-08T12:00:00+01:00")
    result = audit(repo)
    assert located(result) == [f"{short(repo)}, Marja Smit: {COMPLIMENT}:15: error[backdated-event]"]
    assert (
        "event 3 is dated 2026-11-06T09:00:00+01:00, 51 hours before the commit that added it"
        in result.stdout
    )


def test_event_within_the_backdate_limit_is_fine(repo: Path) -> None:
    append_event(repo, COMPLIMENT, GIVEN_BY_MARJA, "given")
    commit(repo, "Given, committed the next morning", author="marja", date="2026-11-07T08:59:00+01:00")
    assert audit(repo).exit_code == 0


def test_event_after_its_commit_is_in_the_future(repo: Path) -> None:
    append_event(repo, COMPLIMENT, GIVEN_BY_MARJA, "given")
    commit(repo, "Given, dated after the commit", author="marja", date="2026-11-05T12:00:00+01:00")
    assert located(audit(repo)) == [f"{short(repo)}, Marja Smit: {COMPLIMENT}:15: error[future-event]"]


def test_skipped_step_is_reported(repo: Path) -> None:
    append_event(repo, COMPLIMENT, "{at: 2026-11-06T09:00:00+01:00, by: anne, status: closed}", "closed")
    commit(repo, "Close at once", author="anne", date=DAY_OF_GIVING)
    assert located(audit(repo)) == [
        f"{short(repo)}, Anne de Boer: {COMPLIMENT}:15: error[illegal-transition]"
    ]


def test_step_by_the_wrong_role_is_reported(repo: Path) -> None:
    append_event(repo, SIGNAL, "{at: 2026-11-06T09:00:00+01:00, by: karel, status: triaged}", "triaged")
    replace(repo, SIGNAL, "channel: phone", "channel: phone\nthemes: [bereikbaarheid]")
    commit(repo, "Triage my own signal", author="karel", date=DAY_OF_GIVING)
    assert located(audit(repo)) == [f"{short(repo)}, Karel Visser: {SIGNAL}:12: error[not-permitted]"]


def test_deleted_record_is_reported(repo: Path) -> None:
    git(repo, "rm", "-q", SIGNAL)
    commit(repo, "Remove the signal", author="anne", date=DAY_OF_GIVING)
    assert located(audit(repo)) == [f"{short(repo)}, Anne de Boer: {SIGNAL}:1: error[record-deleted]"]


def test_changed_created_and_renamed_id_are_immutable(repo: Path) -> None:
    renamed = "records/signals/2026/S-20261104-wachttijd-telefoon.md"
    git(repo, "mv", SIGNAL, renamed)
    replace(repo, renamed, "id: S-20261104-wachttijd", "id: S-20261104-wachttijd-telefoon")
    replace(repo, renamed, "created: 2026-11-04", "created: 2026-11-03")
    commit(repo, "Rename the signal", author="anne", date=DAY_OF_GIVING)
    assert located(audit(repo)) == [
        f"{short(repo)}, Anne de Boer: {renamed}:2: error[immutable-field]",
        f"{short(repo)}, Anne de Boer: {renamed}:7: error[immutable-field]",
    ]


def test_status_that_disagrees_with_the_history_is_reported(repo: Path) -> None:
    replace(repo, COMPLIMENT, "status: forwarded", "status: given")
    commit(repo, "Status only", author="marja", date=DAY_OF_GIVING)
    assert located(audit(repo)) == [f"{short(repo)}, Marja Smit: {COMPLIMENT}:5: error[status-mismatch]"]


def test_coordinator_may_commit_steps_of_others(repo: Path) -> None:
    append_event(repo, COMPLIMENT, GIVEN_BY_MARJA, "given")
    commit(repo, "Given (entered by the coordinator)", author="anne", date=DAY_OF_GIVING)
    assert audit(repo).exit_code == 0


def test_role_granted_in_the_same_commit_does_not_count(repo: Path) -> None:
    replace(repo, "kscms.yaml", "team: servicedesk}", "team: servicedesk, roles: [analyst]}")
    append_event(repo, SIGNAL, "{at: 2026-11-06T09:00:00+01:00, by: karel, status: triaged}", "triaged")
    replace(repo, SIGNAL, "channel: phone", "channel: phone\nthemes: [bereikbaarheid]")
    commit(repo, "Make myself analyst and triage", author="karel", date=DAY_OF_GIVING)
    assert located(audit(repo)) == [f"{short(repo)}, Karel Visser: {SIGNAL}:12: error[not-permitted]"]


def test_bot_commit_may_add_a_record(repo: Path) -> None:
    write(repo, NEW_COMPLIMENT, NEW_COMPLIMENT_TEXT)
    commit(repo, "Intake of issue #7", author="bot", date="2026-11-05T11:30:00+01:00")
    assert audit(repo).exit_code == 0


def test_bot_commit_may_not_move_a_record(repo: Path) -> None:
    append_event(repo, COMPLIMENT, GIVEN_BY_MARJA, "given")
    commit(repo, "Given", author="bot", date=DAY_OF_GIVING)
    assert located(audit(repo)) == [
        f"{short(repo)}, github-actions[bot]: {COMPLIMENT}:15: error[actor-mismatch]"
    ]


def test_unknown_author_is_counted_not_reported(repo: Path) -> None:
    append_event(repo, COMPLIMENT, GIVEN_BY_MARJA, "given")
    commit(repo, "Given", author="stranger", date=DAY_OF_GIVING)
    result = audit(repo)
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == (
        "4 commits, 4 record changes replayed: no illegal changes; 1 commit(s) by authors not in kscms.yaml, "
        "whose steps were not checked against them (give them `email:` or `github:` under `people`)\n"
    )


def test_since_limits_the_replay(repo: Path) -> None:
    append_event(repo, COMPLIMENT, GIVEN_BY_MARJA, "given")
    commit(repo, "Given, late", author="marja", date="2026-11-09T12:00:00+01:00")
    checked = git(repo, "rev-parse", "HEAD").strip()
    append_event(
        repo,
        COMPLIMENT,
        "{at: 2026-11-10T09:00:00+01:00, by: marja, status: reaction_recorded}",
        "reaction_recorded",
    )
    replace(repo, COMPLIMENT, "giver: marja", "giver: marja\nreaction: Blij")
    commit(repo, "Reaction", author="marja", date="2026-11-10T10:00:00+01:00")
    assert audit(repo).exit_code == 1
    result = audit(repo, "--since", checked)
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == "1 commits, 1 record changes replayed: no illegal changes\n"


def test_merge_of_two_passing_branches_into_an_invalid_record(repo: Path) -> None:
    # main forwards the compliment (needs `giver`); a branch made before that drops `giver` (fine while
    # registered). Git merges them without a conflict; only the merge commit's result is invalid.
    registered = COMPLIMENT_TEXT.replace(
        "  - {at: 2026-11-03T09:00:00+01:00, by: anne, status: forwarded}\n", ""
    )
    git(repo, "switch", "-q", "-c", "drop-giver", "HEAD~2")
    write(repo, COMPLIMENT, registered.replace("status: forwarded", "status: registered"))
    replace(repo, COMPLIMENT, "giver: marja\n", "")
    commit(repo, "Giver not decided yet", author="anne", date="2026-11-02T10:00:00+01:00")
    git(repo, "switch", "-q", "main")
    git(repo, "merge", "-q", "--no-edit", "drop-giver", date="2026-11-05T09:00:00+01:00")
    merge = short(repo)
    result = audit(repo, "--format", "json")
    rows = json.loads(result.stdout)
    assert result.exit_code == 1
    assert [(r["commit"][:7], r["author"], r["path"], r["line"], r["code"]) for r in rows] == [
        (merge, "Anne de Boer", COMPLIMENT, 5, "status-needs-field")
    ]
    assert rows[0]["date"] == "2026-11-05T09:00:00+01:00"
    assert rows[0]["email"] == "anne@test.example"


def test_records_split_over_processes_give_the_same_findings(repo: Path) -> None:
    append_event(repo, COMPLIMENT, GIVEN_BY_MARJA, "given")
    commit(repo, "Given, late", author="marja", date="2026-11-09T12:00:00+01:00")
    renamed = "records/signals/2026/S-20261104-wachttijd-lang.md"
    git(repo, "mv", SIGNAL, renamed)
    replace(repo, renamed, "id: S-20261104-wachttijd", "id: S-20261104-wachttijd-lang")
    write(repo, NEW_COMPLIMENT, NEW_COMPLIMENT_TEXT)
    commit(repo, "Rename and add", author="karel", date="2026-11-10T12:00:00+01:00")
    append_event(repo, renamed, "{at: 2026-11-10T13:00:00+01:00, by: anne, status: triaged}", "triaged")
    commit(repo, "Triage", author="karel", date="2026-11-10T14:00:00+01:00")
    opened = Repository.open(repo)
    alone = run_audit(opened, workers=1)
    shared = run_audit(opened, workers=2)
    assert [(f.short, f.problem.path, f.problem.line, f.problem.code) for f in alone.findings] == [
        (short(repo, "HEAD~2"), COMPLIMENT, 15, "backdated-event"),
        (short(repo, "HEAD~1"), NEW_COMPLIMENT, 12, "backdated-event"),
        (short(repo, "HEAD~1"), renamed, 2, "immutable-field"),
        (short(repo, "HEAD"), renamed, 6, "status-needs-field"),
        (short(repo, "HEAD"), renamed, 11, "actor-mismatch"),
    ]
    assert shared.findings == alone.findings
    assert (shared.commits, shared.changes) == (alone.commits, alone.changes) == (6, 7)


def test_not_a_git_repository_exits_2(tmp_path: Path) -> None:
    write(tmp_path, "kscms.yaml", CONFIG)
    result = audit(tmp_path)
    assert result.exit_code == 2
    assert "is not in a Git repository" in result.stderr


@pytest.mark.parametrize("ref", ["--output=x", "nope"])
def test_bad_since_exits_2(repo: Path, ref: str) -> None:
    result = audit(repo, f"--since={ref}")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"kscms: `{ref}` is not a")


def test_repository_without_commits_has_nothing_to_audit(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q", "-b", "main")
    write(tmp_path, "kscms.yaml", CONFIG)
    result = audit(tmp_path)
    assert (result.exit_code, result.stderr) == (
        0,
        "0 commits, 0 record changes replayed: no illegal changes\n",
    )


def test_kscms_root_in_a_subfolder_of_the_git_repository(tmp_path: Path) -> None:
    top = tmp_path / "top"
    top.mkdir()
    git(top, "init", "-q", "-b", "main")
    write(top, "README.md", "Not a record\n")
    write(top, "data/kscms.yaml", CONFIG)
    write(top, f"data/{NEW_COMPLIMENT}", NEW_COMPLIMENT_TEXT)
    commit(top, "Records in data/", author="karel", date="2026-11-05T11:30:00+01:00")
    git(top, "rm", "-q", f"data/{NEW_COMPLIMENT}")
    commit(top, "Remove it", author="anne", date=DAY_OF_GIVING)
    result = audit(top / "data")
    assert located(result) == [f"{short(top)}, Anne de Boer: {NEW_COMPLIMENT}:1: error[record-deleted]"]
    assert result.stderr == "2 commits, 2 record changes replayed: 1 illegal change(s)\n"


def test_invalid_kscms_yaml_is_reported_at_the_commit_that_broke_it(repo: Path) -> None:
    replace(repo, "kscms.yaml", "roles: [analyst]", "roles: [boss]")
    commit(repo, "Bad role", author="anne", date=DAY_OF_GIVING)
    broke = short(repo)
    replace(repo, "kscms.yaml", "roles: [boss]", "roles: [analyst]")
    commit(repo, "Fixed", author="anne", date=DAY_OF_GIVING)
    assert located(audit(repo)) == [f"{broke}, Anne de Boer: kscms.yaml:9: error[bad-type]"]


def test_partition_keeps_a_renamed_record_in_one_share() -> None:
    from kscms.audit import partition, workers_for
    from kscms.gitio import Change

    chain = [
        (0, Change("A", "records/a.md", None, None, "1" * 40)),
        (1, Change("R", "records/b.md", "records/a.md", "1" * 40, "2" * 40)),
        (2, Change("R", "records/c.md", "records/b.md", "2" * 40, "3" * 40)),
    ]
    others = [(i, Change("A", f"records/x{i}.md", None, None, "4" * 40)) for i in range(3, 40)]
    shares = partition(chain + others, 3)
    assert sorted(item for share in shares for item in share) == sorted(chain + others)
    holding = [share for share in shares if chain[0] in share]
    assert len(holding) == 1 and all(item in holding[0] for item in chain)
    assert [i for i, _ in holding[0]] == sorted(i for i, _ in holding[0])
    assert workers_for(10) == 1


@pytest.mark.parametrize("command", [["audit"], ["check", "--base", "main"]])
def test_missing_git_program_exits_2_with_a_message(repo: Path, command: list[str]) -> None:
    env = {"PATH": str(repo / "no-git-here"), "HOME": str(repo), "KSCMS_ROOT": str(repo)}
    done = subprocess.run([sys.executable, "-m", "kscms", *command], env=env, capture_output=True, text=True)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == "kscms: the `git` program is not installed or not on PATH: install Git\n"
