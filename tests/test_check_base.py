"""`kscms check --base REF [--actor LOGIN]` on real Git repositories with a base and feature branches.

Each test branches off `main` (the base), changes records the way a pull request would, and
asserts the exit code and the exact `PATH:LINE: error[CODE]` lines, once with the lean reader
first (as kscms runs) and once with the pydantic models alone.
"""

from __future__ import annotations

import re
import shutil
import subprocess
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

from kscms.cli import cli

REGISTERED_TEXT = COMPLIMENT_TEXT.replace(
    "  - {at: 2026-11-03T09:00:00+01:00, by: anne, status: forwarded}\n", ""
).replace("status: forwarded", "status: registered")
"""The compliment before the coordinator forwarded it."""
GIVEN_BY_MARJA = "{at: 2026-11-06T09:00:00+01:00, by: marja, status: given}"


@pytest.fixture(autouse=True, params=["lean", "models"])
def reader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every case runs twice: as kscms runs it (the lean reader first, the pydantic models for
    what it cannot vouch for), and with the models alone. Both must say exactly the same."""
    monkeypatch.setattr("kscms.changes.LEAN_FIRST", request.param == "lean")
    return str(request.param)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """main holds the base records; the work tree is on a fresh branch `feature`."""
    root = make_repo(tmp_path / "repo")
    git(root, "switch", "-q", "-c", "feature")
    return root


def check(root: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--root", str(root), "check", *args])


def located(result: Result) -> list[str]:
    """`PATH:LINE: error[CODE]` of every problem line on stdout."""
    return [m.group(1) for m in re.finditer(r"^(\S+: (?:error|warning)\[[a-z-]+\]):", result.stdout, re.M)]


# ---- the cases of issue 4 ----------------------------------------------------------------------


def test_legal_step_by_the_giver_passes(repo: Path) -> None:
    append_event(repo, COMPLIMENT, GIVEN_BY_MARJA, "given")
    commit(repo, "Compliment given", author="marja")
    result = check(repo, "--base", "main", "--actor", "msmit")
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == "1 records checked: no problems\n"


def test_uncommitted_change_is_checked_against_the_base(repo: Path) -> None:
    append_event(repo, COMPLIMENT, GIVEN_BY_MARJA, "given")
    result = check(repo, "--base", "main", "--actor", "karel-v")
    assert result.exit_code == 1
    assert located(result) == [f"{COMPLIMENT}:15: error[actor-mismatch]"]


def test_coordinator_may_record_a_step_for_someone_else(repo: Path) -> None:
    append_event(repo, COMPLIMENT, GIVEN_BY_MARJA, "given")
    commit(repo, "Compliment given (recorded by the coordinator)")
    result = check(repo, "--base", "main", "--actor", "anne-db")
    assert (result.exit_code, result.stdout) == (0, "")


def test_new_record_by_its_author_passes(repo: Path) -> None:
    write(repo, NEW_COMPLIMENT, NEW_COMPLIMENT_TEXT)
    commit(repo, "New compliment", author="karel")
    result = check(repo, "--base", "main", "--actor", "karel-v")
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == "1 records checked: no problems\n"


def test_untracked_new_record_is_seen(repo: Path) -> None:
    write(repo, NEW_COMPLIMENT, NEW_COMPLIMENT_TEXT)
    result = check(repo, "--base", "main", "--actor", "msmit")
    assert result.exit_code == 1
    assert located(result) == [f"{NEW_COMPLIMENT}:12: error[actor-mismatch]"]


def test_skipped_step_is_an_illegal_transition(repo: Path) -> None:
    append_event(
        repo,
        COMPLIMENT,
        "{at: 2026-11-06T09:00:00+01:00, by: anne, status: reaction_recorded}",
        "reaction_recorded",
    )
    commit(repo, "Skip a step")
    result = check(repo, "--base", "main", "--actor", "anne-db")
    assert result.exit_code == 1
    assert located(result) == [
        f"{COMPLIMENT}:5: error[status-needs-field]",
        f"{COMPLIMENT}:15: error[illegal-transition]",
    ]
    assert "step forwarded → reaction_recorded is not allowed" in result.stdout


def test_rewritten_old_event_is_reported_at_its_line(repo: Path) -> None:
    replace(repo, COMPLIMENT, "2026-11-02T09:00:00+01:00, by: karel", "2026-11-01T09:00:00+01:00, by: karel")
    commit(repo, "Back-date the registration", author="karel")
    result = check(repo, "--base", "main", "--actor", "karel-v")
    assert result.exit_code == 1
    assert located(result) == [f"{COMPLIMENT}:13: error[history-rewritten]"]
    assert (
        "event 1 was changed: `at` was `2026-11-02T09:00:00+01:00`, now `2026-11-01T09:00:00+01:00`"
        in result.stdout
    )


def test_removed_last_event_is_a_rewrite(repo: Path) -> None:
    replace(repo, COMPLIMENT, "  - {at: 2026-11-03T09:00:00+01:00, by: anne, status: forwarded}\n", "")
    replace(repo, COMPLIMENT, "status: forwarded", "status: registered")
    commit(repo, "Undo forwarding")
    result = check(repo, "--base", "main", "--actor", "anne-db")
    assert result.exit_code == 1
    assert located(result) == [f"{COMPLIMENT}:13: error[history-rewritten]"]
    assert "history has 1 event(s), at main it had 2: event 2 (`forwarded` by anne" in result.stdout


def test_inserted_event_is_a_rewrite(repo: Path) -> None:
    replace(
        repo,
        COMPLIMENT,
        "  - {at: 2026-11-03",
        "  - {at: 2026-11-02T10:00:00+01:00, by: karel, status: "
        "registered, note: extra}\n  - {at: 2026-11-03",
    )
    commit(repo, "Insert an event")
    result = check(repo, "--base", "main", "--actor", "anne-db")
    assert located(result) == [f"{COMPLIMENT}:14: error[history-rewritten]"]
    assert "was inserted before older events" in result.stdout


def test_deleted_record_is_reported_at_its_old_path(repo: Path) -> None:
    git(repo, "rm", "-q", SIGNAL)
    commit(repo, "Delete a signal")
    result = check(repo, "--base", "main", "--actor", "anne-db")
    assert result.exit_code == 1
    assert located(result) == [f"{SIGNAL}:1: error[record-deleted]"]
    assert result.stderr == "1 records checked: 1 error(s), 0 warning(s) in 1 file(s)\n"


def test_impersonating_a_coordinator_is_an_actor_mismatch(repo: Path) -> None:
    append_event(
        repo, COMPLIMENT, "{at: 2026-11-06T09:00:00+01:00, by: anne, status: withdrawn}", "withdrawn"
    )
    commit(repo, "Withdraw, pretending to be anne", author="karel")
    result = check(repo, "--base", "main", "--actor", "karel-v")
    assert result.exit_code == 1
    assert result.stdout == (
        f"{COMPLIMENT}:15: error[actor-mismatch]: `history.2.by` is `anne`, "
        "but GitHub user `karel-v` is `karel`: "
        "record your own steps as `by: karel`, or ask a coordinator to record this one\n"
    )


def test_step_by_the_wrong_role_is_not_permitted(repo: Path) -> None:
    append_event(
        repo, COMPLIMENT, "{at: 2026-11-06T09:00:00+01:00, by: marja, status: withdrawn}", "withdrawn"
    )
    commit(repo, "Withdraw as giver", author="marja")
    result = check(repo, "--base", "main", "--actor", "msmit")
    assert result.exit_code == 1
    assert located(result) == [f"{COMPLIMENT}:15: error[not-permitted]"]


def test_event_in_the_future_is_reported(repo: Path) -> None:
    append_event(repo, COMPLIMENT, "{at: 2099-01-01T09:00:00+01:00, by: marja, status: given}", "given")
    commit(repo, "Given in 2099", author="marja")
    result = check(repo, "--base", "main", "--actor", "msmit")
    assert result.exit_code == 1
    assert located(result) == [f"{COMPLIMENT}:15: error[future-event]"]


def test_changed_created_is_an_immutable_field(repo: Path) -> None:
    replace(repo, COMPLIMENT, "created: 2026-11-02", "created: 2026-11-01")
    commit(repo, "Change created")
    result = check(repo, "--base", "main", "--actor", "anne-db")
    assert result.exit_code == 1
    assert located(result) == [
        f"{COMPLIMENT}:6: error[id-path-mismatch]",
        f"{COMPLIMENT}:6: error[immutable-field]",
    ]
    assert "`created` is `2026-11-01`, at main it was `2026-11-02`" in result.stdout


def test_changed_type_is_an_immutable_field_though_the_new_version_does_not_validate(repo: Path) -> None:
    """A signal turned into an improvement fails the improvement schema (`channel` is unknown there);
    the change is still named for what it is, on the line of `type`."""
    replace(repo, SIGNAL, "type: signal", "type: improvement")
    commit(repo, "Change type")
    result = check(repo, "--base", "main", "--actor", "anne-db")
    assert result.exit_code == 1
    assert f"{SIGNAL}:3: error[immutable-field]" in located(result)
    assert "`type` is `improvement`, at main it was `signal`" in result.stdout
    assert any(line.endswith("error[unknown-field]") for line in located(result))


def test_duplicate_id_is_found_against_the_whole_tree(repo: Path) -> None:
    copy = "records/compliments/2025/C-20261102-printer-snel.md"
    write(repo, copy, REGISTERED_TEXT)
    commit(repo, "Same id in another folder", author="karel")
    result = check(repo, "--base", "main", "--actor", "karel-v")
    assert result.exit_code == 1
    assert located(result) == [  # the new file is blamed, not the record that was already there
        f"{copy}:1: error[duplicate-id]",
        f"{copy}:2: error[id-path-mismatch]",
    ]


def test_status_that_disagrees_with_the_history(repo: Path) -> None:
    replace(repo, COMPLIMENT, "status: forwarded", "status: given")
    commit(repo, "Status without an event", author="marja")
    result = check(repo, "--base", "main", "--actor", "msmit")
    assert result.exit_code == 1
    assert located(result) == [f"{COMPLIMENT}:5: error[status-mismatch]"]


def test_two_branches_that_each_pass_can_merge_into_an_invalid_record(repo: Path) -> None:
    # On a registered compliment, branch drop-giver removes `giver` (fine while registered) and branch
    # forward moves it to forwarded (fine while `giver` is there). Git merges both without a conflict.
    git(repo, "switch", "-q", "main")
    write(repo, COMPLIMENT, REGISTERED_TEXT)
    base = commit(repo, "Back to registered for this test")
    git(repo, "switch", "-q", "-c", "drop-giver")
    replace(repo, COMPLIMENT, "giver: marja\n", "")
    commit(repo, "Giver not decided yet")
    assert check(repo, "--base", base, "--actor", "anne-db").exit_code == 0
    git(repo, "switch", "-q", "-c", "forward", base)
    append_event(
        repo, COMPLIMENT, "{at: 2026-11-06T09:00:00+01:00, by: anne, status: forwarded}", "forwarded"
    )
    commit(repo, "Forward to the giver")
    assert check(repo, "--base", base, "--actor", "anne-db").exit_code == 0
    git(repo, "switch", "-q", "main")
    git(repo, "merge", "-q", "--no-edit", "drop-giver")
    git(repo, "merge", "-q", "--no-edit", "forward")
    expected = [f"{COMPLIMENT}:5: error[status-needs-field]"]
    merged_base = check(repo, "--base", base)
    assert (merged_base.exit_code, located(merged_base)) == (1, expected)
    full = check(repo)
    assert (full.exit_code, located(full)) == (1, expected)


# ---- renames, config changes, bots -------------------------------------------------------------


def test_rename_that_changes_the_id_is_an_immutable_field(repo: Path) -> None:
    renamed = "records/compliments/2026/C-20261102-printer-gerepareerd.md"
    git(repo, "mv", COMPLIMENT, renamed)
    replace(repo, renamed, "id: C-20261102-printer-snel", "id: C-20261102-printer-gerepareerd")
    commit(repo, "Rename")
    result = check(repo, "--base", "main", "--actor", "anne-db")
    assert result.exit_code == 1
    assert located(result) == [f"{renamed}:2: error[immutable-field]"]
    assert f"(the file was {COMPLIMENT})" in result.stdout


def test_rename_that_keeps_the_id_passes(repo: Path) -> None:
    git(repo, "switch", "-q", "main")
    misplaced = "records/compliments/2025/C-20261102-printer-snel.md"
    (repo / misplaced).parent.mkdir(parents=True)
    git(repo, "mv", COMPLIMENT, misplaced)
    base = commit(repo, "Misplaced record")
    git(repo, "switch", "-q", "-c", "fix-folder")
    git(repo, "mv", misplaced, COMPLIMENT)
    commit(repo, "Move it to the folder of its year")
    result = check(repo, "--base", base, "--actor", "anne-db")
    assert (result.exit_code, result.stdout) == (0, "")


def test_role_given_in_the_same_change_does_not_count(repo: Path) -> None:
    replace(
        repo,
        "kscms.yaml",
        "github: karel-v, email: karel@test.example, team: servicedesk",
        "github: karel-v, email: karel@test.example, team: servicedesk, roles: [coordinator]",
    )
    append_event(
        repo, COMPLIMENT, "{at: 2026-11-06T09:00:00+01:00, by: karel, status: withdrawn}", "withdrawn"
    )
    commit(repo, "Make myself coordinator and withdraw", author="karel")
    result = check(repo, "--base", "main", "--actor", "karel-v")
    assert result.exit_code == 1
    assert located(result) == [f"{COMPLIMENT}:15: error[not-permitted]"]
    assert "under kscms.yaml at main" in result.stdout
    assert result.stderr == "2 records checked: 1 error(s), 0 warning(s) in 1 file(s)\n"


def test_login_moved_to_a_coordinator_in_the_same_change_does_not_count(repo: Path) -> None:
    replace(repo, "kscms.yaml", "github: anne-db", "github: karel-v")
    replace(repo, "kscms.yaml", "github: karel-v, email: karel@test.example", "email: karel@test.example")
    append_event(
        repo, COMPLIMENT, "{at: 2026-11-06T09:00:00+01:00, by: anne, status: withdrawn}", "withdrawn"
    )
    commit(repo, "Take over anne's login", author="karel")
    result = check(repo, "--base", "main", "--actor", "karel-v")
    assert result.exit_code == 1
    assert located(result) == [f"{COMPLIMENT}:15: error[actor-mismatch]"]


def test_invalid_config_change_is_a_configuration_error(repo: Path) -> None:
    replace(repo, "kscms.yaml", "roles: [analyst]", "roles: [boss]")
    commit(repo, "Bad role")
    result = check(repo, "--base", "main")
    assert result.exit_code == 2
    assert re.search(r"^kscms.yaml:\d+: error\[bad-type\]", result.stderr, re.M)


def test_unknown_login_is_an_actor_mismatch(repo: Path) -> None:
    append_event(repo, COMPLIMENT, GIVEN_BY_MARJA, "given")
    result = check(repo, "--base", "main", "--actor", "stranger")
    assert result.exit_code == 1
    assert result.stdout == (
        f"{COMPLIMENT}:15: error[actor-mismatch]: `history.2.by` is `marja`, "
        "but GitHub user `stranger` is not a person in kscms.yaml: "
        "a coordinator adds them (`github: stranger` under `people`) in a pull request of its own first\n"
    )


def test_bot_may_add_a_new_record(repo: Path) -> None:
    write(repo, NEW_COMPLIMENT, NEW_COMPLIMENT_TEXT)
    commit(repo, "Intake of issue #7", author="github-actions[bot]")
    result = check(repo, "--base", "main", "--actor", "github-actions[bot]")
    assert (result.exit_code, result.stdout) == (0, "")


def test_bot_may_not_move_an_existing_record(repo: Path) -> None:
    append_event(repo, COMPLIMENT, GIVEN_BY_MARJA, "given")
    commit(repo, "A bot moving a record", author="github-actions[bot]")
    result = check(repo, "--base", "main", "--actor", "github-actions[bot]")
    assert result.exit_code == 1
    assert located(result) == [f"{COMPLIMENT}:15: error[actor-mismatch]"]
    assert "a bot may only add new records with their first event" in result.stdout


def test_only_changed_records_are_parsed(repo: Path) -> None:
    git(repo, "switch", "-q", "main")
    write(repo, "records/signals/2026/S-20261101-kapot.md", "---\nid: [unclosed\n---\n")
    base = commit(repo, "A broken record on main")
    git(repo, "switch", "-q", "-c", "other")
    append_event(repo, COMPLIMENT, GIVEN_BY_MARJA, "given")
    commit(repo, "Given", author="marja")
    assert check(repo).exit_code == 1
    result = check(repo, "--base", base, "--actor", "msmit")
    assert (result.exit_code, result.stdout) == (0, "")


# ---- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize("ref", ["--output=x", "-h", "nope", "main:kscms.yaml", "HEAD^{tree}"])
def test_bad_ref_exits_2_with_a_message(repo: Path, ref: str) -> None:
    result = check(repo, f"--base={ref}")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"kscms: `{ref}` is not a")
    assert "Traceback" not in result.stderr
    assert not (repo / "x").exists()


def test_not_a_git_repository_exits_2(tmp_path: Path) -> None:
    write(tmp_path, "kscms.yaml", CONFIG)
    result = check(tmp_path, "--base", "main")
    assert result.exit_code == 2
    assert result.stderr == (
        f"kscms: {tmp_path} is not in a Git repository: --base and audit read the Git history; "
        "run them in a clone of the records repository\n"
    )


def test_shallow_clone_without_the_base_says_fetch_depth_0(repo: Path, tmp_path: Path) -> None:
    base = git(repo, "rev-parse", "main").strip()
    append_event(repo, COMPLIMENT, GIVEN_BY_MARJA, "given")
    commit(repo, "Given", author="marja")
    clone = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", "--branch", "feature", f"file://{repo}", str(clone))
    result = check(clone, "--base", base)
    assert result.exit_code == 2
    assert result.stderr == (
        f"kscms: `{base}` is not in this clone, which is shallow: fetch the whole history "
        "(actions/checkout with `fetch-depth: 0`, or `git fetch --unshallow`)\n"
    )


def test_record_that_does_not_parse_at_the_base_exits_1(repo: Path) -> None:
    git(repo, "switch", "-q", "main")
    replace(repo, SIGNAL, "channel: phone", "channel: phone\nchannel: email")
    base = commit(repo, "Duplicate key slipped in")
    git(repo, "switch", "-q", "-c", "fix")
    replace(repo, SIGNAL, "channel: phone\nchannel: email", "channel: phone")
    commit(repo, "Fix the duplicate key")
    result = check(repo, "--base", base, "--actor", "anne-db")
    assert result.exit_code == 1
    assert located(result) == [f"{SIGNAL}:1: error[base-unparsable]"]
    assert "yaml-duplicate-key at line 9" in result.stdout


def test_actor_needs_base(repo: Path) -> None:
    result = check(repo, "--actor", "anne-db")
    assert result.exit_code == 2


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_check_base_through_the_console_script(repo: Path) -> None:
    append_event(repo, COMPLIMENT, GIVEN_BY_MARJA, "given")
    commit(repo, "Given", author="marja")
    kscms = Path(__file__).resolve().parent.parent / ".venv" / "bin" / "kscms"
    exe = str(kscms) if kscms.exists() else "kscms"
    done = subprocess.run(
        [exe, "check", "--base", "main", "--actor", "msmit", "--format", "json"],
        cwd=repo,
        capture_output=True,
        text=True,
    )
    assert (done.returncode, done.stdout) == (0, "[]\n")


def test_kscms_root_in_a_subfolder_of_the_git_repository(tmp_path: Path) -> None:
    top = tmp_path / "top"
    make_repo(top / "data")
    shutil.move(str(top / "data" / ".git"), str(top / ".git"))
    git(top, "add", "--all", ".")
    git(top, "commit", "-q", "-m", "Records live in data/")
    git(top, "switch", "-q", "-c", "feature")
    root = top / "data"
    append_event(root, COMPLIMENT, GIVEN_BY_MARJA, "given")
    git(root, "rm", "-q", SIGNAL)
    result = check(root, "--base", "main", "--actor", "msmit")
    assert result.exit_code == 1
    assert located(result) == [f"{SIGNAL}:1: error[record-deleted]"]


def test_user_git_config_does_not_change_what_is_read(repo: Path) -> None:
    for key, value in (
        ("color.ui", "always"),
        ("diff.relative", "true"),
        ("diff.renames", "false"),
        ("log.showSignature", "true"),
        ("diff.external", "false"),
    ):
        git(repo, "config", key, value)
    git(repo, "rm", "-q", SIGNAL)
    append_event(repo, COMPLIMENT, GIVEN_BY_MARJA, "given")
    result = check(repo, "--base", "main", "--actor", "msmit")
    assert located(result) == [f"{SIGNAL}:1: error[record-deleted]"]
    audited = CliRunner().invoke(cli, ["--root", str(repo), "audit"])
    assert (audited.exit_code, audited.stdout) == (0, "")


# ---- giver, owner and consent: who may change them (SPEC 3.4, DOMAIN: consent is explicit) ----

ACCEPTED = "records/improvements/2026/I-20261104-online-opzeggen.md"
ACCEPTED_TEXT = """\
---
id: I-20261104-online-opzeggen
type: improvement
title: Online opzeggen
status: accepted
created: 2026-11-04
strategy_fit: {fits: true}
business_case: {customers_affected: 400}
decision: {outcome: accepted, reason: Scheelt telefoontjes}
history:
  - {at: 2026-11-04T09:00:00+01:00, by: karel, status: proposed}
  - {at: 2026-11-05T09:00:00+01:00, by: marja, status: accepted}
---
Opzeggen via de website.
"""
"""An accepted improvement without an owner; line 7 is `strategy_fit`, an `owner:` added after
line 6 lands on line 7."""
IN_PROGRESS = "{at: 2026-11-06T09:00:00+01:00, by: karel, status: in_progress}"


def _with_accepted_improvement(repo: Path) -> None:
    git(repo, "switch", "-q", "main")
    write(repo, ACCEPTED, ACCEPTED_TEXT)
    commit(repo, "Improvement accepted")
    git(repo, "switch", "-q", "-C", "feature", "main")


def test_making_yourself_owner_to_start_an_improvement_is_not_permitted(repo: Path) -> None:
    _with_accepted_improvement(repo)
    replace(repo, ACCEPTED, "created: 2026-11-04\n", "created: 2026-11-04\nowner: karel\n")
    append_event(repo, ACCEPTED, IN_PROGRESS, "in_progress")
    commit(repo, "Ik pak het op", author="karel")
    result = check(repo, "--base", "main", "--actor", "karel-v")
    assert result.exit_code == 1
    assert located(result) == [f"{ACCEPTED}:7: error[not-permitted]"]
    assert "`owner` set to `karel` by `karel`: that is for a coordinator or a decider" in result.stdout


def test_a_decider_may_name_the_owner_who_then_starts(repo: Path) -> None:
    _with_accepted_improvement(repo)
    replace(repo, ACCEPTED, "created: 2026-11-04\n", "created: 2026-11-04\nowner: karel\n")
    append_event(repo, ACCEPTED, "{at: 2026-11-05T10:00:00+01:00, by: marja, status: accepted, note: Karel}")
    named = commit(repo, "Karel is eigenaar", author="marja")
    result = check(repo, "--base", "main", "--actor", "msmit")
    assert (result.exit_code, result.stdout) == (0, "")
    append_event(repo, ACCEPTED, IN_PROGRESS, "in_progress")
    commit(repo, "Begonnen", author="karel")
    result = check(repo, "--base", named, "--actor", "karel-v")  # his own step, as its owner
    assert (result.exit_code, result.stdout) == (0, "")


def test_making_yourself_giver_of_a_forwarded_compliment_is_not_permitted(repo: Path) -> None:
    replace(repo, COMPLIMENT, "giver: marja", "giver: karel")
    append_event(repo, COMPLIMENT, "{at: 2026-11-06T09:00:00+01:00, by: karel, status: given}", "given")
    commit(repo, "Zelf gegeven", author="karel")
    result = check(repo, "--base", "main", "--actor", "karel-v")
    assert result.exit_code == 1
    assert (
        f"{COMPLIMENT}:10: error[not-permitted]: `giver` set to `karel` (was `marja`) by `karel`"
        in result.stdout
    )


def test_giving_consent_for_the_wall_is_for_a_coordinator(repo: Path) -> None:
    replace(
        repo,
        COMPLIMENT,
        "consent: {maker: false, receivers: false}",
        "consent: {maker: true, receivers: true}",
    )
    append_event(repo, COMPLIMENT, "{at: 2026-11-06T09:00:00+01:00, by: karel, status: forwarded}")
    commit(repo, "Klant vindt het goed", author="karel")
    karel = check(repo, "--base", "main", "--actor", "karel-v")
    assert karel.exit_code == 1
    assert located(karel) == [
        f"{COMPLIMENT}:11: error[not-permitted]",
        f"{COMPLIMENT}:11: error[not-permitted]",
    ]
    assert "`consent.maker` set to `true` (was `false`) by `karel`: that is for a coordinator" in karel.stdout
    assert check(repo, "--base", "main", "--actor", "anne-db").exit_code == 0  # a coordinator may


def test_a_holder_changed_without_a_step_is_reported(repo: Path) -> None:
    replace(repo, COMPLIMENT, "giver: marja", "giver: karel")
    result = check(repo, "--base", "main")
    assert result.exit_code == 1
    assert "`giver` set to `karel` (was `marja`) without a new history event" in result.stdout
