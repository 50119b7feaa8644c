"""`kscms new` and `kscms move` on real repositories: the README's walk-through, refusals, atomicity."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from kscms.cli import cli
from kscms.cli.new import KIND_CHOICES

CID = "C-20261120-printer-snel-gemaakt"
CPATH = f"records/compliments/2026/{CID}.md"


def run(root: Path, *args: str):  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(cli, ["--root", str(root), *args])
    assert "Traceback" not in result.output
    return result


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def new_compliment(root: Path, *extra: str):  # type: ignore[no-untyped-def]
    return run(
        root,
        "new",
        "compliment",
        "--title",
        "Printer snel gemaakt!",
        "--by",
        "karel",
        "--no-input",
        "--at",
        "2026-11-20T09:00:00+01:00",
        "--set",
        "receivers=[team:servicedesk]",
        "--set",
        "maker={kind: customer, name: Jan Jansen, display: een klant uit Utrecht}",
        "--body",
        "Heel fijn geholpen.",
        *extra,
    )


def test_new_prints_path_and_writes_a_valid_record(empty_repo: Path) -> None:
    result = new_compliment(empty_repo)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == CPATH
    text = (empty_repo / CPATH).read_text()
    assert text.startswith(f"---\nid: {CID}\ntype: compliment\n")
    assert "giver: marja\n" in text  # default: the manager of the first receiver team
    assert "  - {at: 2026-11-20T09:00:00+01:00, by: karel, status: registered}\n" in text
    assert text.endswith("---\nHeel fijn geholpen.\n")
    assert run(empty_repo, "check").exit_code == 0


def test_new_twice_gets_a_second_id(empty_repo: Path) -> None:
    new_compliment(empty_repo)
    second = new_compliment(empty_repo)
    assert second.stdout.strip() == f"records/compliments/2026/{CID}-2.md"


def test_new_without_title_and_no_input_is_a_usage_error(empty_repo: Path) -> None:
    result = run(empty_repo, "new", "compliment", "--by", "anne", "--no-input")
    assert result.exit_code == 2 and "--title" in result.output


def test_new_refuses_an_unknown_team_and_writes_nothing(empty_repo: Path) -> None:
    result = new_compliment(empty_repo, "--set", "receivers=[team:kantine]")
    assert result.exit_code == 1
    assert "error[unknown-reference]" in result.output and "team:kantine" not in result.stdout
    assert not (empty_repo / "records" / "compliments").exists()


@pytest.mark.parametrize(
    ("record_type", "kind", "path"),
    [
        ("signal", "remark", "records/signals/2026/S-20261120-lange-wachttijd.md"),
        ("improvement", "improvement", "records/improvements/2026/I-20261120-lange-wachttijd.md"),
    ],
)
def test_new_without_kind_and_without_a_terminal_takes_the_generic_kind(
    empty_repo: Path, record_type: str, kind: str, path: str
) -> None:
    """SPEC 4: `--kind` is optional; without a terminal to ask, the generic kind, said on stderr."""
    args = (
        "new",
        record_type,
        "--title",
        "Lange wachttijd",
        "--by",
        "anne",
        "--at",
        "2026-11-20T09:00:00+01:00",
    )
    result = run(empty_repo, *args)
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{path}\n"
    assert result.stderr == f"kind: {kind} (pass --kind to choose)\n"
    assert f"\nkind: {kind}\n" in (empty_repo / path).read_text(encoding="utf-8")
    assert run(empty_repo, "check").exit_code == 0
    chosen = run(empty_repo, *args, "--no-input", "--kind", KIND_CHOICES[record_type][-1])
    assert chosen.exit_code == 0, chosen.output
    assert chosen.stderr == ""
    untitled = run(empty_repo, "new", record_type, "--by", "anne")
    assert untitled.exit_code == 2 and "--title is required" in untitled.stderr
    assert "kind:" not in untitled.stderr


def test_compliment_walks_the_five_steps_to_closed(empty_repo: Path) -> None:
    new_compliment(empty_repo)
    steps = [
        ("forwarded", "anne", []),
        ("given", "marja", ["--note", "In het teamoverleg: met taart"]),
        ("reaction_recorded", "marja", ["--set", "reaction=Karel was er blij mee"]),
        ("maker_informed", "anne", ["--set", "maker_feedback=Mail gestuurd dat Karel blij was"]),
        ("closed", "anne", []),
    ]
    for hour, (status, by, extra) in enumerate(steps, start=10):
        result = run(
            empty_repo, "move", CID, status, "--by", by, "--at", f"2026-11-21T{hour}:00:00+01:00", *extra
        )
        assert result.exit_code == 0, result.output
    text = (empty_repo / CPATH).read_text()
    assert "status: closed\n" in text
    assert (
        '  - {at: 2026-11-21T11:00:00+01:00, by: marja, status: given, note: "In het teamoverleg: met taart"}\n'
        in text
    )
    assert run(empty_repo, "check").exit_code == 0


def test_refused_move_leaves_the_file_byte_identical(empty_repo: Path) -> None:
    new_compliment(empty_repo)
    before = sha(empty_repo / CPATH)
    skipped = run(empty_repo, "move", CID, "given", "--by", "marja", "--at", "2026-11-21T10:00:00+01:00")
    assert skipped.exit_code == 1
    assert "error[illegal-transition]: step registered → given is not allowed" in skipped.output
    wrong = run(empty_repo, "move", CID, "forwarded", "--by", "karel", "--at", "2026-11-21T10:00:00+01:00")
    assert wrong.exit_code == 1
    assert (
        "`karel` may not move compliment to forwarded: that step is for a coordinator (anne)" in wrong.output
    )
    assert sha(empty_repo / CPATH) == before
    assert not [p for p in (empty_repo / "records").rglob("*") if p.name.endswith(".tmp")]


def test_missing_field_message_says_what_to_do(make_repo) -> None:  # type: ignore[no-untyped-def]
    root = make_repo()
    run(
        root,
        "new",
        "compliment",
        "--title",
        "Zonder gever",
        "--by",
        "anne",
        "--no-input",
        "--at",
        "2026-11-20T09:00:00+01:00",
        "--set",
        "receivers=[organisation]",
    )
    cid = "C-20261120-zonder-gever"
    result = run(root, "move", cid, "forwarded", "--by", "anne", "--at", "2026-11-20T10:00:00+01:00")
    assert result.exit_code == 1
    assert (
        f"records/compliments/2026/{cid}.md:5: error[status-needs-field]: status 'forwarded' needs `giver`: "
        "add `giver: <person>`; people: ali, anne, karel, marja"
    ) in result.output
    ok = run(
        root,
        "move",
        cid,
        "forwarded",
        "--by",
        "anne",
        "--at",
        "2026-11-20T10:00:00+01:00",
        "--set",
        "giver=marja",
    )
    assert ok.exit_code == 0, ok.output


def test_move_changes_only_the_lines_that_change(empty_repo: Path) -> None:
    new_compliment(empty_repo)
    subprocess.run(["git", "add", "-A"], cwd=empty_repo, check=True)
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "c"], cwd=empty_repo, check=True
    )
    run(
        empty_repo,
        "move",
        CID,
        "forwarded",
        "--by",
        "anne",
        "--at",
        "2026-11-21T10:00:00+01:00",
        "--set",
        "coordinator=anne",
    )
    diff = subprocess.run(
        ["git", "diff", "-U0", "--no-color"], cwd=empty_repo, check=True, capture_output=True, text=True
    ).stdout
    changed = [ln for ln in diff.splitlines() if ln[:1] in "+-" and not ln.startswith(("+++", "---"))]
    assert changed == [
        "-status: registered",
        "+status: forwarded",
        "+coordinator: anne",
        "+  - {at: 2026-11-21T10:00:00+01:00, by: anne, status: forwarded}",
    ]


def test_move_into_a_flow_mapping_rewrites_only_that_line(empty_repo: Path) -> None:
    new_compliment(empty_repo)
    run(
        empty_repo,
        "move",
        CID,
        "forwarded",
        "--by",
        "anne",
        "--at",
        "2026-11-21T10:00:00+01:00",
        "--set",
        "maker.anonymous=true",
    )
    text = (empty_repo / CPATH).read_text()
    assert (
        "maker: {kind: customer, name: Jan Jansen, display: een klant uit Utrecht, anonymous: true}\n" in text
    )


def test_improvement_rejected_path_needs_reason_and_consequences(empty_repo: Path) -> None:
    result = run(
        empty_repo,
        "new",
        "improvement",
        "--title",
        "Chatbot",
        "--by",
        "karel",
        "--no-input",
        "--at",
        "2026-11-01T09:00:00+01:00",
        "--set",
        "origin={proposer: karel}",
    )
    assert result.exit_code == 0, result.output
    iid = "I-20261101-chatbot"
    refused = run(
        empty_repo,
        "move",
        iid,
        "rejected",
        "--by",
        "marja",
        "--at",
        "2026-11-03T09:00:00+01:00",
        "--set",
        "decision={outcome: rejected, reason: Te duur}",
    )
    assert refused.exit_code == 1
    for field in ("strategy_fit", "business_case", "decision.consequences"):
        assert f"status 'rejected' needs `{field}`" in refused.output
    ok = run(
        empty_repo,
        "move",
        iid,
        "rejected",
        "--by",
        "marja",
        "--at",
        "2026-11-03T09:00:00+01:00",
        "--set",
        "decision={outcome: rejected, reason: Te duur, consequences: Klanten blijven bellen}",
        "--set",
        "strategy_fit={fits: false, note: Wij kiezen voor persoonlijk contact}",
        "--set",
        "business_case={customers_affected: 100, investment_eur: 50000}",
    )
    assert ok.exit_code == 0, ok.output
    closing = run(empty_repo, "move", iid, "closed", "--by", "anne", "--at", "2026-11-04T09:00:00+01:00")
    assert "status 'closed' needs `decision.communicated`" in closing.output
    assert "status 'closed' needs `proposer_feedback`" in closing.output
    done = run(
        empty_repo,
        "move",
        iid,
        "closed",
        "--by",
        "anne",
        "--at",
        "2026-11-04T09:00:00+01:00",
        "--set",
        "decision.communicated=2026-11-04",
        "--set",
        "proposer_feedback=Besproken in teamoverleg",
    )
    assert done.exit_code == 0, done.output
    assert run(empty_repo, "check").exit_code == 0


def test_move_unknown_id_status_and_person_are_usage_errors(empty_repo: Path) -> None:
    """SPEC 4: exit 2 for a usage error: an id, status or person that does not exist."""
    unknown = run(empty_repo, "move", "C-20260101-nope", "given", "--by", "anne")
    assert unknown.exit_code == 2 and "no record with id `C-20260101-nope`" in unknown.output
    assert run(empty_repo, "show", "C-20260101-nope").exit_code == 2
    new_compliment(empty_repo)
    result = run(empty_repo, "move", CID, "forwarded", "--by", "nobody")
    assert result.exit_code == 2 and "people: ali, anne, karel, marja" in result.output
    before = sha(empty_repo / CPATH)
    nonsense = run(empty_repo, "move", CID, "nonsense", "--by", "anne")
    assert nonsense.exit_code == 2
    assert (
        "status `nonsense` is not in the compliment workflow: use one of registered, forwarded"
        in nonsense.output
    )
    assert sha(empty_repo / CPATH) == before


def test_bad_set_value_is_a_usage_error(empty_repo: Path) -> None:
    new_compliment(empty_repo)
    before = sha(empty_repo / CPATH)
    for bad, says in (
        ("giver", "expected key=value"),
        ("giver=[unclosed", "cannot be read"),
        ("history=[]", "the history grows by steps and notes"),
        ("status=closed", "the status changes by a step: `kscms move ID STATUS`"),
        ("created=2026-11-01", "the date received is set once, by `kscms new --set created="),
    ):
        result = run(empty_repo, "move", CID, "forwarded", "--by", "anne", "--set", bad)
        assert result.exit_code == 2 and says in result.output, (bad, result.output)
    assert sha(empty_repo / CPATH) == before
    made = run(
        empty_repo, "new", "compliment", "--title", "X", "--by", "anne", "--no-input", "--set", "created=bad"
    )
    assert made.exit_code == 2 and "expected a date YYYY-MM-DD" in made.output


def test_forwarding_without_a_giver_takes_the_team_manager(make_repo) -> None:  # type: ignore[no-untyped-def]
    """SPEC 3.2: `giver` defaults to the manager of the first receiver team; a compliment written by
    hand without one is forwarded to that manager, who may then give it."""
    text = (
        f"---\nid: {CID}\ntype: compliment\ntitle: Printer snel gemaakt\nstatus: registered\n"
        "created: 2026-11-20\nreceivers: [team:servicedesk]\n"
        "history:\n  - {at: 2026-11-20T09:00:00+01:00, by: karel, status: registered}\n---\nHeel fijn.\n"
    )
    root = make_repo(files={CPATH: text})
    forwarded = run(root, "move", CID, "forwarded", "--by", "anne", "--at", "2026-11-20T10:00:00+01:00")
    assert forwarded.exit_code == 0, forwarded.output
    assert "giver: marja (the manager of the receivers' team" in forwarded.stderr
    assert "\ngiver: marja\n" in (root / CPATH).read_text()
    given = run(root, "move", CID, "given", "--by", "marja", "--at", "2026-11-21T10:00:00+01:00")
    assert given.exit_code == 0, given.output
    assert run(root, "check").exit_code == 0


def test_move_into_the_future_is_refused(empty_repo: Path) -> None:
    new_compliment(empty_repo)
    result = run(empty_repo, "move", CID, "forwarded", "--by", "anne", "--at", "2099-01-01T10:00:00+01:00")
    assert result.exit_code == 1 and "error[future-event]" in result.output


def test_new_with_an_earlier_received_date(empty_repo: Path) -> None:
    result = run(
        empty_repo,
        "new",
        "compliment",
        "--title",
        "Brief",
        "--by",
        "anne",
        "--no-input",
        "--at",
        "2026-11-20T09:00:00+01:00",
        "--set",
        "created=2026-11-18",
        "--set",
        "source=letter",
    )
    assert result.stdout.strip() == "records/compliments/2026/C-20261118-brief.md"
    assert "created: 2026-11-18\n" in (empty_repo / result.stdout.strip()).read_text()


def test_a_compliment_to_a_person_gets_the_manager_of_their_team_as_giver(empty_repo: Path) -> None:
    """DOMAIN: the giver is usually the receiver's manager; with no receiver team, that of the person."""
    made = run(empty_repo, "new", "compliment", "--title", "Karel hielp snel", "--by", "anne", "--no-input",
               "--at", "2026-11-20T09:00:00+01:00", "--set", "receivers=[person:karel]")  # fmt: skip
    assert made.exit_code == 0, made.output
    assert "\ngiver: marja\n" in (empty_repo / made.stdout.strip()).read_text()


IID = "I-20261102-online-opzeggen"
IPATH = f"records/improvements/2026/{IID}.md"
IN_PROGRESS_BY_KAREL = (
    f"---\nid: {IID}\ntype: improvement\nkind: improvement\ntitle: Online opzeggen\nstatus: in_progress\n"
    "created: 2026-11-02\nowner: karel\nstrategy_fit: {fits: true}\nbusiness_case: {customers_affected: 400}\n"
    "decision: {outcome: accepted, reason: Scheelt telefoontjes}\nhistory:\n"
    "  - {at: 2026-11-02T09:00:00+01:00, by: ali, status: proposed}\n"
    "  - {at: 2026-11-03T09:00:00+01:00, by: marja, status: accepted}\n"
    "  - {at: 2026-11-04T09:00:00+01:00, by: karel, status: in_progress}\n---\nBody.\n"
)


def test_handing_an_improvement_to_another_owner_keeps_the_earlier_steps_permitted(make_repo) -> None:  # type: ignore[no-untyped-def]
    """SPEC 3.4: in_progress, implemented, evaluated by its owner, a decider or a coordinator. Karel's
    step was his as owner; after a coordinator hands the improvement to Ali, it still is."""
    root = make_repo(files={IPATH: IN_PROGRESS_BY_KAREL})
    assert run(root, "check").exit_code == 0
    handed = run(root, "move", IID, "implemented", "--by", "anne", "--set", "owner=ali",
                 "--at", "2026-11-05T09:00:00+01:00", "--note", "Karel is met verlof")  # fmt: skip
    assert handed.exit_code == 0, handed.output
    text = (root / IPATH).read_text()
    assert 'status: implemented, note: "Karel is met verlof; owner: karel → ali"}' in text
    assert run(root, "check").exit_code == 0
    result = {"metric": "telefoontjes", "before": 400, "after": 120, "summary": "Minder gebeld"}
    sets = [f"result.{k}={v}" for k, v in result.items()]
    evaluated = run(root, "move", IID, "evaluated", "--by", "ali", "--at", "2026-11-06T09:00:00+01:00",
                    *[a for s in sets for a in ("--set", s)])  # fmt: skip
    assert evaluated.exit_code == 0, evaluated.output  # Ali, owner now, may make the owner's steps
    late = run(root, "move", IID, "closed", "--by", "karel", "--at", "2026-11-07T09:00:00+01:00")
    assert late.exit_code == 1 and "error[not-permitted]" in late.output


def test_an_owner_changed_by_hand_without_the_handover_note_is_reported(make_repo) -> None:  # type: ignore[no-untyped-def]
    """Without `owner: karel → ali` in a note, check judges Karel's past step against Ali: not permitted."""
    root = make_repo(files={IPATH: IN_PROGRESS_BY_KAREL.replace("owner: karel", "owner: ali")})
    result = run(root, "check")
    assert result.exit_code == 1
    assert (
        "`karel` may not move improvement to in_progress: that step is for its owner (ali)" in result.output
    )
    noted = IN_PROGRESS_BY_KAREL.replace("owner: karel", "owner: ali").replace(
        "by: karel, status: in_progress}",
        "by: karel, status: in_progress}\n  - {at: 2026-11-05T09:00:00+01:00, by: anne, status: in_progress, "
        "note: 'owner: karel → ali'}",
    )
    (root / IPATH).write_text(noted, encoding="utf-8")
    assert run(root, "check").exit_code == 0, run(root, "check").output


def test_handing_a_compliment_to_another_giver_keeps_the_given_step_permitted(empty_repo: Path) -> None:
    new_compliment(empty_repo)
    for status, by, at in (("forwarded", "anne", "21"), ("given", "marja", "22")):
        moved = run(empty_repo, "move", CID, status, "--by", by, "--at", f"2026-11-{at}T10:00:00+01:00")
        assert moved.exit_code == 0, moved.output
    handed = run(empty_repo, "move", CID, "reaction_recorded", "--by", "anne", "--set", "giver=karel",
                 "--set", "reaction=Blij mee", "--at", "2026-11-23T10:00:00+01:00")  # fmt: skip
    assert handed.exit_code == 0, handed.output  # refused before: marja's `given` judged against karel
    assert 'note: "giver: marja → karel"}' in (empty_repo / CPATH).read_text()
    assert run(empty_repo, "check").exit_code == 0


def test_note_adds_an_event_that_keeps_the_status_and_sets_fields(make_repo) -> None:  # type: ignore[no-untyped-def]
    """`kscms note`: progress for a proposer, or a handover, without a workflow step."""
    root = make_repo(files={IPATH: IN_PROGRESS_BY_KAREL})
    before = (root / IPATH).read_bytes()
    assert run(root, "note", IID, "--by", "anne").exit_code == 2  # nothing to record
    assert run(root, "note", IID, "--by", "nobody", "--note", "x").exit_code == 2
    assert (root / IPATH).read_bytes() == before
    noted = run(
        root, "note", IID, "--by", "karel", "--note", "Bouw gestart", "--at", "2026-11-05T09:00:00+01:00"
    )
    assert noted.exit_code == 0, noted.output
    handed = run(root, "note", IID, "--by", "anne", "--set", "owner=ali", "--at", "2026-11-06T09:00:00+01:00")
    assert handed.exit_code == 0, handed.output
    text = (root / IPATH).read_text()
    assert "status: in_progress\n" in text and "owner: ali\n" in text
    assert "  - {at: 2026-11-05T09:00:00+01:00, by: karel, status: in_progress, note: Bouw gestart}\n" in text
    assert (
        '  - {at: 2026-11-06T09:00:00+01:00, by: anne, status: in_progress, note: "owner: karel → ali"}\n'
        in text
    )
    assert run(root, "check").exit_code == 0
    moved = run(root, "move", IID, "in_progress", "--by", "anne")
    assert moved.exit_code == 1 and "to add a note or set fields without a step: `kscms note`" in moved.output


def test_nobody_makes_themselves_giver_or_publishes_a_compliment_by_a_note(empty_repo: Path) -> None:
    """SPEC 3.4: `given` is for its giver or a coordinator; so naming the giver is for a coordinator
    (or the giver handing it on). Consent for the public wall is the coordinator's to record."""
    new_compliment(empty_repo)
    assert (
        run(
            empty_repo, "move", CID, "forwarded", "--by", "anne", "--at", "2026-11-21T10:00:00+01:00"
        ).exit_code
        == 0
    )
    before = sha(empty_repo / CPATH)
    for sets in (("giver=karel",), ("consent.maker=true", "consent.receivers=true")):
        refused = run(empty_repo, "note", CID, "--by", "karel", "--at", "2026-11-22T10:00:00+01:00",
                      *[a for s in sets for a in ("--set", s)])  # fmt: skip
        assert refused.exit_code == 1, refused.output
        assert "error[not-permitted]" in refused.output and "that is for a coordinator" in refused.output
        assert sha(empty_repo / CPATH) == before
    allowed = run(empty_repo, "note", CID, "--by", "anne", "--at", "2026-11-22T10:00:00+01:00",
                  "--set", "consent.maker=true", "--set", "consent.receivers=true")  # fmt: skip
    assert allowed.exit_code == 0, allowed.output
    handed = run(
        empty_repo, "note", CID, "--by", "marja", "--at", "2026-11-22T11:00:00+01:00", "--set", "giver=karel"
    )
    assert handed.exit_code == 0, handed.output  # the giver may hand it on


def test_a_handover_by_someone_who_may_not_is_reported_by_check(make_repo) -> None:  # type: ignore[no-untyped-def]
    """Ali (an analyst, not a decider) wrote himself in as owner, with the note `move` would write."""
    taken = IN_PROGRESS_BY_KAREL.replace("owner: karel", "owner: ali").replace(
        "by: karel, status: in_progress}",
        "by: karel, status: in_progress}\n  - {at: 2026-11-05T09:00:00+01:00, by: ali, status: in_progress, "
        "note: 'owner: karel → ali'}",
    )
    root = make_repo(files={IPATH: taken})
    result = run(root, "check")
    assert result.exit_code == 1
    assert (
        f"{IPATH}:16: error[not-permitted]: `ali` may not hand `owner` from karel to ali: that is for "
        "a coordinator or a decider, or karel (the owner) handing it on"
    ) in result.output


def test_a_date_received_in_the_future_is_refused(empty_repo: Path) -> None:
    """`created` is the date received: `new` refuses one after today, as `check` reports it."""
    result = run(empty_repo, "new", "signal", "--kind", "complaint", "--title", "Later", "--by", "anne",
                 "--no-input", "--set", "created=2999-01-01")  # fmt: skip
    assert result.exit_code == 1
    assert "error[future-event]: `created` is 2999-01-01, after today" in result.output
    assert not list((empty_repo / "records").rglob("*.md"))


def test_a_date_alone_in_at_is_that_day_at_most_now(empty_repo: Path) -> None:
    """`--at` with today's date is not refused as a future event (it was read as 23:59:59)."""
    import datetime as dt

    today = dt.date.today().isoformat()
    made = run(empty_repo, "new", "signal", "--kind", "remark", "--title", "Vandaag", "--by", "anne",
               "--no-input", "--at", today)  # fmt: skip
    assert made.exit_code == 0, made.output
    text = (empty_repo / made.stdout.strip()).read_text(encoding="utf-8")
    assert f"at: {today}T" in text
    earlier = run(empty_repo, "new", "signal", "--kind", "remark", "--title", "Toen", "--by", "anne",
                  "--no-input", "--at", "2026-11-02")  # fmt: skip
    assert "at: 2026-11-02T23:59:59+01:00" in (empty_repo / earlier.stdout.strip()).read_text(
        encoding="utf-8"
    )
