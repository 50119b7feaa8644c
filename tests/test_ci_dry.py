"""`scripts/ci-dry` (make ci-dry): the workflows' shell steps run locally against a temporary clone.

The expression evaluator of `scripts/workflow_steps.py` is tested on its own; the whole dry run is
run on a fresh data repository made by `kscms init`, once as it is and once with a check-records
workflow that no longer checks anything, which the dry run must catch.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from click.testing import CliRunner
from intake_helpers import ROOT, git

from kscms.cli import cli
from kscms.intake import parse_form
from kscms.repository import Repository

SCRIPT = ROOT / "scripts" / "ci-dry"


def _steps() -> ModuleType:
    spec = importlib.util.spec_from_file_location("_workflow_steps", ROOT / "scripts" / "workflow_steps.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


steps = _steps()
CONTEXT = {
    "github": {
        "event_name": "issues",
        "event": {
            "issue": {"labels": [{"name": "bug"}, {"name": "Signal"}], "user": {"login": "kvisser"}},
            "pull_request": {"base": {"sha": "abc123"}},
        },
    },
    "secrets": {},
    "steps": {"intake": {"outputs": {"ok": "true"}}},
}


@pytest.mark.parametrize(
    ("expression", "value"),
    [
        ("github.event.pull_request.base.sha", "abc123"),
        ("github.event_name == 'issues'", True),
        ("github.event_name == 'ISSUES'", True),
        ("github.event_name != 'issues'", False),
        ("contains(github.event.issue.labels.*.name, 'signal')", True),
        ("contains(github.event.issue.labels.*.name, 'compliment')", False),
        (
            "contains(github.event.issue.labels.*.name, 'compliment') && 'compliment' "
            "|| contains(github.event.issue.labels.*.name, 'signal') && 'signal' || 'improvement'",
            "signal",
        ),
        ("secrets.KSCMS_INTAKE_TOKEN || 'fallback'", "fallback"),
        ("steps.intake.outputs.ok == 'true'", True),
        ("!(github.event_name == 'push')", True),
        ("github.missing.deeper", None),
    ],
)
def test_expressions_evaluate_as_on_github(expression: str, value: object) -> None:
    assert steps.evaluate(expression, CONTEXT) == value


def test_templates_substitute_and_if_conditions_follow_the_status() -> None:
    assert steps.substitute("sha=${{ github.event.pull_request.base.sha }}!", CONTEXT) == "sha=abc123!"
    assert steps.condition(None, CONTEXT, "failure") is False
    assert steps.condition("always()", CONTEXT, "failure") is True
    assert steps.condition("${{ github.event_name == 'issues' }}", CONTEXT, "success") is True


@pytest.mark.parametrize("expression", ["fromJSON('1')", "github.event_name ==", "a ~ b"])
def test_unsupported_expressions_are_refused(expression: str) -> None:
    with pytest.raises(steps.ExpressionError):
        steps.evaluate(expression, CONTEXT)


def test_the_example_form_body_is_read_by_intake(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["init", str(tmp_path / "d")])
    assert result.exit_code == 0, result.output
    for record_type in ("compliment", "signal", "improvement"):
        body = steps.form_body(tmp_path / "d" / ".github" / "ISSUE_TEMPLATE" / f"{record_type}.yml")
        answers = parse_form(body, Repository(tmp_path / "d").config, record_type)
        assert answers.problems == [] and answers.values["title"]


# ---- the whole dry run ----------------------------------------------------------------------------------


@pytest.fixture
def data_repo(tmp_path: Path) -> Path:
    """A committed repository from `kscms init` whose manager has a GitHub login."""
    root = tmp_path / "data"
    assert CliRunner().invoke(cli, ["init", str(root)]).exit_code == 0
    config = root / "kscms.yaml"
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text.replace("{name: Naam Manager, roles", "{name: Naam Manager, github: mgr-login, roles")
    )
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "kscms init")
    return root


def _ci_dry(source: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "KSCMS_PYTHON": sys.executable}
    return subprocess.run(
        ["bash", str(SCRIPT), str(source)], capture_output=True, text=True, env=env, timeout=600, check=False
    )


@pytest.mark.slow
def test_ci_dry_rejects_the_bad_record_accepts_the_good_one_and_builds_both_sites(data_repo: Path) -> None:
    result = _ci_dry(data_repo)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "ok    check-records rejects a bad record (exit 1)" in output
    assert "ok    check-records accepts a good record (exit 0)" in output
    assert "ok    site builds _site/public and _site/internal (exit 0)" in output
    assert "ok    intake writes a valid record from the form (exit 0)" in output
    assert "error file=records/signals/" in output  # the check's annotation on the bad record
    assert "Install kscms: skipped" in output and "calls the GitHub API (gh)" in output
    assert git(data_repo, "status", "--porcelain") == "", "the dry run touched the source repository"


@pytest.mark.slow
def test_ci_dry_fails_when_the_pull_request_check_lets_a_bad_record_through(data_repo: Path) -> None:
    workflow = data_repo / ".github" / "workflows" / "check-records.yml"
    text = workflow.read_text(encoding="utf-8")
    workflow.write_text(
        text.replace('run: kscms check --base "$BASE_SHA"', 'run: true || kscms check --base "$BASE_SHA"')
    )
    git(data_repo, "commit", "-q", "-am", "a check that checks nothing")
    result = _ci_dry(data_repo)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "FAIL  check-records rejects a bad record: exit 0, expected 1" in output


def test_ci_dry_explains_a_repository_without_config(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    git(empty, "init", "-q", "-b", "main")
    git(empty, "commit", "-q", "--allow-empty", "-m", "nothing")
    result = _ci_dry(empty)
    assert result.returncode == 2
    assert "has no kscms.yaml" in result.stderr


def test_context_json_is_what_ci_dry_feeds_the_steps(tmp_path: Path) -> None:
    """The helper's command line: run a one-step workflow with a context file."""
    workflow = tmp_path / "w.yml"
    workflow.write_text(
        "on: push\njobs:\n  j:\n    steps:\n      - id: a\n        env:\n          SHA: ${{ github.sha }}\n"
        '        run: echo "got=$SHA" >> "$GITHUB_OUTPUT"\n'
        "      - if: steps.a.outputs.got == 'x1'\n        run: exit 3\n",
        encoding="utf-8",
    )
    context = tmp_path / "c.json"
    context.write_text(json.dumps({"github": {"sha": "x1"}}), encoding="utf-8")
    args = [sys.executable, str(ROOT / "scripts" / "workflow_steps.py"), "run", str(workflow), "j"]
    result = subprocess.run(
        [*args, "--context", str(context), "--cwd", str(tmp_path)], capture_output=True, text=True
    )
    assert result.returncode == 3, result.stdout + result.stderr
