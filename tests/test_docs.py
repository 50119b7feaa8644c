"""Docs that cannot drift: every command, problem code and KPI id is in the README, every --help has an example."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from kscms.checks.codes import CODES
from kscms.cli import COMMANDS, cli
from kscms.kpi.ids import KPI_IDS

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_has_help_with_an_example(name: str) -> None:
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example" in result.output and f"kscms {name}" in result.output


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_is_in_the_readme(name: str) -> None:
    assert f"### `kscms {name}`" in README


@pytest.mark.parametrize("code", sorted(CODES))
def test_every_problem_code_is_documented(code: str) -> None:
    assert f"`{code}`" in README


@pytest.mark.parametrize("kpi_id", KPI_IDS)
def test_every_kpi_id_is_documented(kpi_id: str) -> None:
    assert f"`{kpi_id}`" in README


def test_problem_codes_used_in_the_code_are_catalogued() -> None:
    import re

    used: set[str] = set()
    for path in (Path(__file__).resolve().parent.parent / "kscms").rglob("*.py"):
        used |= set(re.findall(r'"([a-z]+(?:-[a-z0-9]+)+)",', path.read_text(encoding="utf-8")))
    problem_like = {u for u in used if u.split("-")[0] in {c.split("-")[0] for c in CODES}}
    assert problem_like - set(CODES) - NOT_PROBLEM_CODES == set()


NOT_PROBLEM_CODES = {"survey-chart"}
"""Strings in kscms/ that look like problem codes of a known family but are not (an HTML element id)."""


def test_quick_start_is_exactly_two_commands() -> None:
    block = README.split("## Quick start", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    commands = [line.split("#")[0].strip() for line in block.strip().splitlines()]
    assert commands == ["make site", "make test"]


def test_help_starts_fast_without_heavy_imports() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from kscms.cli import cli\n"
        "try:\n    cli(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('jinja2', 'markdown_it', 'git', 'pydantic', 'yaml') if m in sys.modules]\n"
        "print('HEAVY', heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "HEAVY []" in out


def test_readme_generated_parts_are_up_to_date() -> None:
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    result = subprocess.run(
        [sys.executable, "-m", "cogapp", "--check", "README.md"], cwd=root, capture_output=True, text=True
    )
    assert result.returncode == 0, (
        "README.md is out of date: run `cog -r README.md`\n" + result.stdout + result.stderr
    )
