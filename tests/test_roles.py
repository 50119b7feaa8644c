"""Roles in kscms.yaml (SPEC section 2): `contributor` is accepted and grants nothing; others are refused."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import CONFIG

from kscms.cli import cli

KEES = "  kees: {name: Kees Jansen, github: kees-j, roles: [contributor]}\n"


def run(root: Path, *args: str) -> Result:
    result = CliRunner().invoke(cli, ["--root", str(root), *args])
    assert "Traceback" not in result.output
    return result


@pytest.fixture
def fresh(tmp_path: Path) -> Path:
    """A repository made by `kscms init` whose manager lists `contributor` among the roles."""
    root = tmp_path / "fresh"
    assert CliRunner().invoke(cli, ["init", str(root)]).exit_code == 0
    config = root / "kscms.yaml"
    text = config.read_text(encoding="utf-8")
    assert "roles: [giver, decider]" in text
    text = text.replace("roles: [giver, decider]", "roles: [giver, decider, contributor]")
    config.write_text(text.replace("teams:\n", KEES + "teams:\n", 1), encoding="utf-8")
    return root


def test_contributor_is_a_role_that_check_accepts(fresh: Path) -> None:
    result = run(fresh, "check")
    assert result.exit_code == 0, result.output


def test_codeowners_ignores_contributors(fresh: Path) -> None:
    assert run(fresh, "codeowners").exit_code == 0
    owners = (fresh / ".github/CODEOWNERS").read_text(encoding="utf-8")
    assert "/records/ @github-login\n" in owners
    assert "kees-j" not in owners


def test_contributor_grants_no_step_of_a_role(make_repo: Callable[..., Path]) -> None:
    root = make_repo(config=CONFIG.replace("teams:", KEES + "teams:", 1))
    made = run(
        root,
        "new",
        "compliment",
        "--title",
        "Snel geholpen",
        "--by",
        "kees",
        "--at",
        "2026-11-20T09:00:00+01:00",
        "--set",
        "receivers=[team:servicedesk]",
        "--body",
        "Dank!",
    )
    assert made.exit_code == 0, made.output  # anyone in people registers: everyone is a contributor
    cid = Path(made.stdout.strip()).stem
    refused = run(root, "move", cid, "forwarded", "--by", "kees", "--at", "2026-11-20T10:00:00+01:00")
    assert refused.exit_code == 1
    assert "error[not-permitted]" in refused.stderr
    forwarded = run(root, "move", cid, "forwarded", "--by", "anne", "--at", "2026-11-20T10:00:00+01:00")
    assert forwarded.exit_code == 0, forwarded.output


def test_an_unknown_role_is_refused_with_the_allowed_ones(make_repo: Callable[..., Path]) -> None:
    root = make_repo(config=CONFIG.replace("roles: [analyst]", "roles: [analyst, contributer]"))
    result = run(root, "check")
    assert result.exit_code == 2
    line = CONFIG.splitlines().index(next(x for x in CONFIG.splitlines() if x.startswith("  ali:"))) + 1
    assert result.stderr.splitlines()[0] == (
        f"kscms.yaml:{line}: error[bad-type]: `people.ali.roles.1` is 'contributer', expected: input should be "
        "'coordinator', 'giver', 'decider', 'analyst' or 'contributor'"
    )


def test_a_workflow_permission_may_not_name_contributor(make_repo: Callable[..., Path]) -> None:
    config = CONFIG + "workflows:\n  compliment:\n    permissions: {forwarded: [contributor]}\n"
    result = run(make_repo(config=config), "check")
    assert result.exit_code == 2
    assert (
        "error[unknown-reference]: `contributor` grants nothing (everyone is a contributor): use `*` for "
        "anyone in `people`, or one of coordinator, giver, decider, analyst"
    ) in result.stderr
