"""`kscms intake` on real issue-form bodies (GitHub's rendering), hostile ones included.

Each `tests/fixtures/intake/<case>.md` is an issue body as GitHub renders it from a form; beside it
`<case>.record` holds the exact record intake must write, or `<case>.refusal` the exit code and the
exact message it must refuse with. Written records must pass `kscms check`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from intake_helpers import (
    AT,
    INTAKE_CONFIG,
    INTAKE_FIXTURES,
    ROOT,
    form_data,
    headings,
    make_data_repo,
    option,
    render_body,
)

from kscms.cli import cli
from kscms.config import parse_config
from kscms.diagnostics import format_text
from kscms.errors import KscmsError
from kscms.forms import render_forms
from kscms.intake import intake
from kscms.model import parse_record
from kscms.repository import Repository

CASES = sorted(p.stem for p in INTAKE_FIXTURES.glob("*.md"))


def _config(language: str = "nl"):  # type: ignore[no-untyped-def]
    config, problems = parse_config(INTAKE_CONFIG.replace("language: nl", f"language: {language}"))
    assert config is not None, problems
    return config


def _forms(language: str = "nl") -> dict[str, dict]:  # type: ignore[type-arg]
    return {
        Path(k).stem: form_data(v) for k, v in render_forms(_config(language)).items() if "config" not in k
    }


def run(root: Path, *args: str, input: bytes | None = None):  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(cli, ["--root", str(root), *args], input=input)
    assert "Traceback" not in result.output
    return result


@pytest.fixture
def data_repo(tmp_path: Path) -> Path:
    """A committed data repository with the intake test configuration and no records."""
    return make_data_repo(tmp_path / "repo")


# ---- the fixture bodies ---------------------------------------------------------------------------


def test_there_are_fixtures_of_every_kind() -> None:
    assert len(CASES) >= 15
    assert {c.split("-")[0] for c in CASES} == {"compliment", "signal", "improvement", "hostile"}


@pytest.mark.parametrize("case", CASES)
def test_fixture_headings_are_the_labels_of_a_generated_form(case: str) -> None:
    body = (INTAKE_FIXTURES / f"{case}.md").read_text(encoding="utf-8")
    form = {**_forms("nl"), **{f"en-{k}": v for k, v in _forms("en").items()}}
    label_lists = [
        [e["attributes"]["label"] for e in f["body"] if e["type"] != "markdown"] for f in form.values()
    ]
    found = headings(body)
    if case == "hostile-heading":  # an answer repeats a heading on purpose
        found = list(dict.fromkeys(found))
    assert found in label_lists


@pytest.mark.parametrize("case", CASES)
def test_intake_of_fixture_writes_the_expected_record_or_refuses(case: str, data_repo: Path) -> None:
    body = (INTAKE_FIXTURES / f"{case}.md").read_text(encoding="utf-8")
    record_file, refusal_file = INTAKE_FIXTURES / f"{case}.record", INTAKE_FIXTURES / f"{case}.refusal"
    assert record_file.exists() != refusal_file.exists(), f"{case}: give exactly one of .record or .refusal"
    repo = Repository(data_repo)
    if refusal_file.exists():
        with pytest.raises(KscmsError) as caught:
            intake(repo, body, "kvisser", at=AT)
        exc = caught.value
        assert f"exit {exc.exit_code}\n{exc.message}\n" + format_text(exc.problems) == refusal_file.read_text(
            encoding="utf-8"
        )
        assert not list((data_repo / "records").rglob("*.md")), "a refused form wrote a record"
        return
    rel = intake(repo, body, "kvisser", at=AT)
    text = (data_repo / rel).read_text(encoding="utf-8")
    assert text == record_file.read_text(encoding="utf-8")
    record, problems = parse_record(text, rel)
    assert record is not None and problems == []
    assert Path(rel).stem == record.id and record.status == record.history[0].status
    result = run(data_repo, "check")
    assert result.exit_code == 0, result.output


def test_hostile_text_is_kept_as_inert_data(data_repo: Path) -> None:
    rel = intake(
        Repository(data_repo), (INTAKE_FIXTURES / "hostile-shell.md").read_text(encoding="utf-8"), "kvisser"
    )
    record, _ = parse_record((data_repo / rel).read_text(encoding="utf-8"), rel)
    assert record is not None
    assert record.title == "$(touch /tmp/kscms-pwned) `id` ; rm -rf ~ && echo ${HOME} | sh"
    assert "${{ github.token }} ${{ secrets.KSCMS_INTAKE_TOKEN }}" in record.body
    assert record.maker.display == "iemand met ${{ github.event.issue.title }} en $ISSUE_BODY"  # type: ignore[attr-defined]
    assert set(Path(rel).stem) <= set("abcdefghijklmnopqrstuvwxyz0123456789-CSI")  # the path is shell-safe


def test_front_matter_inside_the_answer_stays_in_the_body(data_repo: Path) -> None:
    rel = intake(
        Repository(data_repo), (INTAKE_FIXTURES / "hostile-html.md").read_text(encoding="utf-8"), "kvisser"
    )
    record, _ = parse_record((data_repo / rel).read_text(encoding="utf-8"), rel)
    assert record is not None and record.status == "new" and len(record.history) == 1
    assert "<script>alert(document.cookie)</script>" in record.body and "status: closed" in record.body


# ---- sizes, encodings, line ends -------------------------------------------------------------------


def _good_compliment(**answers: object) -> str:
    form = _forms()["compliment"]
    privacy = next(e for e in form["body"] if e.get("id") == "privacy")["attributes"]["options"][0]["label"]
    base: dict[str, object] = {
        "title": "Goed geholpen",
        "quote": "Dank je wel.",
        "receiver_teams": [option(form, "receiver_teams", "servicedesk")],
        "privacy": {privacy},
    }
    return render_body(form, {**base, **answers})


def test_a_good_compliment_body_is_accepted(data_repo: Path) -> None:
    assert intake(Repository(data_repo), _good_compliment(), "kvisser").startswith("records/compliments/")


@pytest.mark.parametrize(
    ("field", "limit"),
    [("title", 200), ("quote", 20_000), ("maker_display", 200)],
    ids=["title", "quote", "display"],
)
def test_a_one_megabyte_field_is_refused_with_its_length(field: str, limit: int, data_repo: Path) -> None:
    body = _good_compliment(**{field: "a" * 1_000_000})
    with pytest.raises(KscmsError) as caught:
        intake(Repository(data_repo), body, "kvisser")
    assert caught.value.exit_code == 1
    assert f"is 1,000,000 characters long, at most {limit:,}: shorten it" in caught.value.message


def test_a_field_at_its_limit_is_accepted(data_repo: Path) -> None:
    assert intake(Repository(data_repo), _good_compliment(title="a" * 200), "kvisser")


def test_a_body_file_over_two_megabytes_is_refused_unparsed(data_repo: Path, tmp_path: Path) -> None:
    big = tmp_path / "big.md"
    big.write_bytes(_good_compliment().encode() + b"x" * (3 << 20))
    result = run(data_repo, "intake", "--body-file", str(big), "--author", "kvisser")
    assert result.exit_code == 1
    assert "the form is larger than 2,097,152 bytes" in result.output


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(b"\xff\xfe", "the form is not UTF-8 text"), (b"A\x00B", "a control character (U+0000)")],
    ids=["latin1", "nul"],
)
def test_binary_bodies_are_refused(raw: bytes, expected: str, data_repo: Path, tmp_path: Path) -> None:
    file = tmp_path / "body.md"
    file.write_bytes(_good_compliment(title="PLACEHOLDER").encode().replace(b"PLACEHOLDER", raw))
    result = run(data_repo, "intake", "--body-file", str(file), "--author", "kvisser", "--type", "compliment")
    assert result.exit_code == 1, result.output
    assert expected in result.output


def test_windows_line_ends_read_the_same(data_repo: Path) -> None:
    rel = intake(
        Repository(data_repo),
        _good_compliment(quote="Regel een.\nRegel twee.").replace("\n", "\r\n"),
        "kvisser",
    )
    assert (data_repo / rel).read_text(encoding="utf-8").endswith("---\nRegel een.\nRegel twee.\n")


# ---- who, and which form -----------------------------------------------------------------------------


def test_an_unknown_login_is_refused_saying_how_to_add_it(data_repo: Path, tmp_path: Path) -> None:
    file = tmp_path / "body.md"
    file.write_text(_good_compliment(), encoding="utf-8")
    result = run(data_repo, "intake", "--body-file", str(file), "--author", "stranger")
    assert result.exit_code == 2
    assert "GitHub user `stranger` is not in kscms.yaml" in result.output
    assert (
        "add `github: stranger` to your entry under `people:`" in result.output
        and "Anne de Boer" in result.output
    )
    assert not list((data_repo / "records").rglob("*.md"))


@pytest.mark.parametrize("login", ["a b", "$(id)", "x" * 40, "", "-lead", "\x1b[31mred"])
def test_a_malformed_login_is_refused_without_echoing_control_characters(login: str, data_repo: Path) -> None:
    with pytest.raises(KscmsError, match="is not a GitHub login") as caught:
        intake(Repository(data_repo), _good_compliment(), login)
    assert "\x1b" not in caught.value.message


def test_the_login_is_matched_without_case(data_repo: Path) -> None:
    rel = intake(Repository(data_repo), _good_compliment(), "KVisser")
    assert "by: karel" in (data_repo / rel).read_text(encoding="utf-8")


def test_a_form_of_another_type_is_refused(data_repo: Path) -> None:
    with pytest.raises(KscmsError, match="written with the compliment form, not the signal form"):
        intake(Repository(data_repo), _good_compliment(), "kvisser", "signal")


def test_text_that_is_no_form_needs_a_type(data_repo: Path, tmp_path: Path) -> None:
    file = tmp_path / "body.md"
    file.write_text("Hallo, ik wil een compliment geven.\n", encoding="utf-8")
    result = run(data_repo, "intake", "--body-file", str(file), "--author", "kvisser")
    assert result.exit_code == 2 and "pass --type" in result.output


def test_a_none_choice_counts_as_no_answer(data_repo: Path) -> None:
    rel = intake(Repository(data_repo), _good_compliment(source=["None"]), "kvisser")
    assert "source:" not in (data_repo / rel).read_text(encoding="utf-8")


# ---- the command -------------------------------------------------------------------------------------


def test_the_command_prints_the_new_path_as_its_last_line(data_repo: Path, tmp_path: Path) -> None:
    file = tmp_path / "body.md"
    file.write_text((INTAKE_FIXTURES / "signal-complaint.md").read_text(encoding="utf-8"), encoding="utf-8")
    result = run(data_repo, "intake", "--body-file", str(file), "--author", "kvisser", "--type", "signal")
    assert result.exit_code == 0, result.output
    path = result.stdout.strip().splitlines()[-1]
    assert path.startswith("records/signals/") and (data_repo / path).is_file()
    assert run(data_repo, "check").exit_code == 0


def test_the_command_reads_stdin(data_repo: Path) -> None:
    result = run(
        data_repo, "intake", "--body-file", "-", "--author", "kvisser", input=_good_compliment().encode()
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().startswith("records/compliments/")


def test_the_command_lists_every_problem_and_exits_1(data_repo: Path) -> None:
    body = (INTAKE_FIXTURES / "hostile-no-response.md").read_bytes()
    result = run(
        data_repo, "intake", "--body-file", "-", "--author", "kvisser", "--type", "compliment", input=body
    )
    assert result.exit_code == 1
    assert result.output.count("\n  - ") == 4 and "is empty: fill it in" in result.output


def test_a_written_record_has_the_consent_of_the_ticked_boxes(data_repo: Path) -> None:
    form = _forms()["compliment"]
    consent = {
        o["label"] for o in next(e for e in form["body"] if e.get("id") == "consent")["attributes"]["options"]
    }
    rel = intake(Repository(data_repo), _good_compliment(consent=consent), "kvisser")
    front = yaml.safe_load((data_repo / rel).read_text(encoding="utf-8").split("---")[1])
    assert front["consent"] == {"maker": True, "receivers": True} and front["maker"] == {"anonymous": True}


# ---- the workflow's own shell step -----------------------------------------------------------------------


def _intake_step() -> dict:  # type: ignore[type-arg]
    doc = yaml.safe_load((ROOT / ".github" / "workflows" / "intake.yml").read_text(encoding="utf-8"))
    return next(s for s in doc["jobs"]["intake"]["steps"] if s.get("id") == "intake")


@pytest.mark.parametrize(("case", "ok"), [("hostile-shell", True), ("hostile-no-response", False)])
def test_the_workflow_step_keeps_hostile_bodies_inert(
    case: str, ok: bool, data_repo: Path, tmp_path: Path
) -> None:
    """Run intake.yml's real `run:` script with the issue in the environment, as GitHub does."""
    kscms = shutil.which("kscms", path=str(Path(sys.executable).parent))
    assert kscms, "kscms is not installed beside this Python"
    runner_temp = tmp_path / "runner"
    runner_temp.mkdir()
    marker = tmp_path / "pwned"
    body = (
        (INTAKE_FIXTURES / f"{case}.md").read_text(encoding="utf-8").replace("/tmp/kscms-pwned", str(marker))
    )
    env = {
        **os.environ,
        "PATH": f"{Path(kscms).parent}{os.pathsep}{os.environ['PATH']}",
        "ISSUE_BODY": body,
        "AUTHOR": "kvisser",
        "TYPE": "compliment",
        "RUNNER_TEMP": str(runner_temp),
        "GITHUB_OUTPUT": str(runner_temp / "output"),
    }
    step = _intake_step()
    result = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
        cwd=data_repo,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert not marker.exists(), "text from the issue was executed"
    assert (runner_temp / "output").read_text() == f"ok={'true' if ok else 'false'}\n"
    if ok:
        record = (runner_temp / "record-path").read_text().strip()
        assert (data_repo / record).is_file()
        assert str(marker) in (data_repo / record).read_text(encoding="utf-8")
    else:
        problems = (runner_temp / "problems.md").read_text(encoding="utf-8")
        assert "Het formulier kon niet worden omgezet" in problems and "is empty: fill it in" in problems
