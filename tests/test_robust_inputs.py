"""Inputs an outside hunt for tracebacks found (fourth session): each gets a clear message and exit
1 or 2, never `kscms: internal error`, and leaves the records as they were."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from kscms.cli import cli

C_PATH = "records/compliments/2026/C-20261102-printer.md"
COMPLIMENT = (
    "---\nid: C-20261102-printer\ntype: compliment\ntitle: Printer\nstatus: registered\ncreated: 2026-11-02\n"
    "receivers: [team:servicedesk]\ngiver: marja\n"
    "history:\n  - {at: 2026-11-02T09:00:00+01:00, by: karel, status: registered}\n---\nFijn.\n"
)


def run(root: Path, *args: str) -> Result:
    result = CliRunner().invoke(cli, ["--root", str(root), *args])
    assert "Traceback" not in result.output and "internal error" not in result.output, result.output
    return result


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("new", "signal", "--title", "x", "--by", "anne", "--no-input", "--at", "9999-12-31T23:59:59-12:00"), "--at"),
        (("new", "signal", "--title", "x", "--by", "anne", "--no-input", "--at", "0001-01-01T00:00:00+14:00"), "--at"),
        (("kpi", "--period", "0000"), "the year must be from 1900 to 2999"),
        (("kpi", "--period", ""), "--period needs a year"),
        (("kpi", "--period", " "), "--period needs a year"),
        (("build", "--as-of", "0001-01-01", "--out", "site"), "--as-of"),
        (("build", "-j", "9999", "--out", "site"), "-j"),
        (("check", "--base", ""), "--base needs a Git ref"),
        (("check", "--base", "HEAD", "--actor", ""), "--actor needs the GitHub login"),
        (("serve", "--out", "records", "--port", "0"), "nothing to serve"),
    ],
)  # fmt: skip
def test_bad_arguments_are_usage_errors(
    make_repo: Callable[..., Path], args: tuple[str, ...], says: str
) -> None:
    root = make_repo(files={C_PATH: COMPLIMENT})
    result = run(root, *[a.replace("site", str(root.parent / "site")) for a in args])
    assert result.exit_code == 2 and says in result.output, result.output
    assert (root / C_PATH).read_text(encoding="utf-8") == COMPLIMENT


def test_a_body_file_that_is_not_utf8_is_a_usage_error(
    make_repo: Callable[..., Path], tmp_path: Path
) -> None:
    root = make_repo()
    body = tmp_path / "latin1.txt"
    body.write_bytes("Heel fijn geholpen, café".encode("latin-1"))
    result = run(
        root, "new", "compliment", "--title", "x", "--by", "anne", "--no-input", "--body-file", str(body)
    )
    assert result.exit_code == 2 and "is not UTF-8" in result.output
    assert not list((root / "records").rglob("*.md"))


def test_a_csv_cell_over_the_csv_field_limit_is_reported(
    make_repo: Callable[..., Path], tmp_path: Path
) -> None:
    root = make_repo()
    log = tmp_path / "vragen.csv"
    log.write_text("date,channel,topic,count\n2026-11-02,phone," + "x" * 200_000 + ",1\n", encoding="utf-8")
    result = run(root, "import", "question-log", str(log), "--by", "anne")
    assert result.exit_code == 2 and "cannot read this CSV row" in result.output
    assert not list((root / "records").rglob("*.md"))


@pytest.mark.parametrize(
    ("at", "says"),
    [
        ("5", "an ISO 8601 time with zone"),  # pydantic would read 1970-01-01T00:00:05Z
        ("0001-01-01T00:00:00+14:00", "a year from 1900 to 2999"),  # kpi and build overflowed
        ("9999-12-31T23:59:59-12:00", "a year from 1900 to 2999"),
    ],
)
def test_event_times_that_are_numbers_or_out_of_range_are_errors(
    make_repo: Callable[..., Path], tmp_path: Path, at: str, says: str
) -> None:
    root = make_repo(files={C_PATH: COMPLIMENT.replace("at: 2026-11-02T09:00:00+01:00", f"at: {at}")})
    checked = run(root, "check")
    assert checked.exit_code == 1 and "error[bad-type]" in checked.output and says in checked.output
    for args in (("kpi",), ("due",), ("build", "--out", str(tmp_path / "site"))):
        assert run(root, *args).exit_code in (0, 1, 2)  # the record is left out, nothing overflows


def test_a_note_does_not_turn_a_status_mismatch_into_a_step(make_repo: Callable[..., Path]) -> None:
    """`status: forwarded` written by hand over a history that ends at registered: `note` would have
    appended a `forwarded` event, a step nobody made."""
    text = COMPLIMENT.replace("status: registered\ncreated", "status: forwarded\ncreated")
    root = make_repo(files={C_PATH: text})
    result = run(root, "note", "C-20261102-printer", "--by", "anne", "--note", "x")
    assert result.exit_code == 1 and "make them agree before adding a note" in result.output
    assert (root / C_PATH).read_text(encoding="utf-8") == text


@pytest.mark.parametrize("command", [("init", "/proc/kscms-x"), ("build", "--out", "/proc/kscms-x")])
def test_a_folder_the_file_system_refuses_is_a_clear_error(
    make_repo: Callable[..., Path], command: tuple[str, ...]
) -> None:
    """/proc refuses new files: `kscms: No such file or directory (...)`, exit 2, not an internal error."""
    result = run(make_repo(), *command)
    assert result.exit_code == 2 and "kscms: No such file or directory (/proc/" in result.output
