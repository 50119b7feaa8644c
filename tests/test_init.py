"""`kscms init`: a fresh data repository with config, records/, workflows, forms, PR template and CODEOWNERS."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from click.testing import CliRunner
from intake_helpers import ROOT, form_data, render_body

from kscms.cli import cli

EXPECTED = {
    ".github/CODEOWNERS",
    ".github/ISSUE_TEMPLATE/compliment.yml",
    ".github/ISSUE_TEMPLATE/config.yml",
    ".github/ISSUE_TEMPLATE/improvement.yml",
    ".github/ISSUE_TEMPLATE/signal.yml",
    ".github/pull_request_template.md",
    ".github/workflows/check-records.yml",
    ".github/workflows/due.yml",
    ".github/workflows/intake.yml",
    ".github/workflows/site.yml",
    ".gitignore",
    "README.md",
    "kscms.yaml",
    "records/compliments/.gitkeep",
    "records/improvements/.gitkeep",
    "records/signals/.gitkeep",
}


def _workflow_rules() -> ModuleType:
    """tests/test_workflows.py, whose checker functions lint the workflows (loaded by path)."""
    spec = importlib.util.spec_from_file_location("_workflow_rules", ROOT / "tests" / "test_workflows.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run(*args: str):  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(cli, list(args))
    assert "Traceback" not in result.output
    return result


@pytest.fixture
def fresh(tmp_path: Path) -> Path:
    """A directory just initialised with `kscms init`."""
    target = tmp_path / "klantsignalen"
    result = run("init", str(target))
    assert result.exit_code == 0, result.output
    return target


def _files(root: Path) -> set[str]:
    return {
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.is_file() and ".git/" not in p.as_posix() + "/"
    }


def test_init_writes_every_file_and_lists_them(tmp_path: Path) -> None:
    target = tmp_path / "klantsignalen"
    result = run("init", str(target))
    assert result.exit_code == 0, result.output
    assert set(result.stdout.split()) == EXPECTED
    assert _files(target) == EXPECTED
    assert (target / ".git").is_dir()


def test_a_fresh_repository_checks_clean(fresh: Path) -> None:
    for args in (["check"], ["codeowners", "--check"], ["forms", "--check"]):
        result = run("--root", str(fresh), *args)
        assert result.exit_code == 0, (args, result.output)


def test_codeowners_names_the_coordinator_of_the_scaffold(fresh: Path) -> None:
    assert "/records/ @github-login" in (fresh / ".github" / "CODEOWNERS").read_text(encoding="utf-8")


def test_the_workflows_of_a_fresh_repository_pass_the_workflow_rules(fresh: Path) -> None:
    rules = _workflow_rules()
    workflows = sorted((fresh / ".github" / "workflows").glob("*.yml"))
    assert [p.name for p in workflows] == ["check-records.yml", "due.yml", "intake.yml", "site.yml"]
    for path in workflows:
        text = path.read_text(encoding="utf-8")
        assert rules.all_problems(text) == [], path.name
        assert "pip install kscms\n" in text and "pip install .\n" not in text
    assert (
        rules.check_records_problems((fresh / ".github" / "workflows" / "check-records.yml").read_text())
        == []
    )


def test_init_refuses_an_existing_repository_and_keeps_its_files(fresh: Path) -> None:
    config = fresh / "kscms.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "# eigen\n", encoding="utf-8")
    result = run("init", str(fresh))
    assert result.exit_code == 2 and "already exists" in result.output
    assert config.read_text(encoding="utf-8").endswith("# eigen\n")


def test_init_force_overwrites(fresh: Path) -> None:
    (fresh / "README.md").write_text("weg\n", encoding="utf-8")
    assert run("init", "--force", str(fresh)).exit_code == 0
    assert (fresh / "README.md").read_text(encoding="utf-8") != "weg\n"


def test_init_no_git(tmp_path: Path) -> None:
    assert run("init", "--no-git", str(tmp_path / "x")).exit_code == 0
    assert not (tmp_path / "x" / ".git").exists()


def test_an_issue_form_of_a_fresh_repository_becomes_a_record(fresh: Path, tmp_path: Path) -> None:
    """The end of the road: the scaffold's own form, filled in, through intake, passes check."""
    form = form_data((fresh / ".github" / "ISSUE_TEMPLATE" / "compliment.yml").read_text(encoding="utf-8"))
    body = render_body(
        form,
        {
            "title": "Snel geholpen",
            "quote": "Heel snel geholpen, dank!",
            "receiver_teams": ["Team 1 (team1)"],
            "privacy": {form["body"][-1]["attributes"]["options"][0]["label"]},
        },
    )
    file = tmp_path / "body.md"
    file.write_text(body, encoding="utf-8")
    result = run("--root", str(fresh), "intake", "--body-file", str(file), "--author", "github-login")
    assert result.exit_code == 0, result.output
    record = fresh / result.stdout.strip().splitlines()[-1]
    assert "giver: manager" in record.read_text(encoding="utf-8")
    assert run("--root", str(fresh), "check").exit_code == 0


def test_init_runs_as_a_real_command(tmp_path: Path) -> None:
    kscms = Path(sys.executable).parent / "kscms"
    result = subprocess.run(
        [str(kscms), "init", str(tmp_path / "d")], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "initialised a kscms repository" in result.stderr
    assert (
        subprocess.run([str(kscms), "check"], cwd=tmp_path / "d", capture_output=True, check=False).returncode
        == 0
    )
