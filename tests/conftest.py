"""Shared fixtures: the CLI runner, temporary Git repositories, the demo and minimal repositories.

Fixtures are named for the state they give (`empty_repo`, `make_repo`, `demo_root`).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

PROJECT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"

CONFIG = """\
organisation: Testorganisatie
language: nl
timezone: Europe/Amsterdam
strategy: customer_intimacy
site: {title: Test, base_url: "/"}
people:
  anne: {name: Anne de Boer, github: anne-db, roles: [coordinator]}
  marja: {name: Marja Smit, github: msmit, roles: [giver, decider], manages: [servicedesk]}
  karel: {name: Karel Visser, github: kvisser, team: servicedesk}
  ali: {name: Ali Yilmaz, github: ayilmaz, roles: [analyst]}
teams: {servicedesk: {name: Servicedesk, manager: marja}}
departments: {facturatie: {name: Facturatie}, operations: {name: Operations}}
themes: {bereikbaarheid: {name: Bereikbaarheid}, opzeggen: {name: Opzeggen}}
segments: {zakelijk: {feedback: personal}, particulier: {feedback: email}}
norms: {compliment_given_days: 5, complaint_acknowledge_days: 1, complaint_resolve_days: 10, proposer_feedback_days: 7}
"""

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.invalid",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.invalid",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(root: Path, *args: str) -> str:
    """Run git in `root` and return stdout (raises on failure)."""
    env = {**os.environ, **GIT_ENV}
    out = subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True, text=True)
    return out.stdout


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def make_repo(tmp_path: Path) -> Callable[..., Path]:
    """Make a kscms repository in a temp dir: `make_repo(files={"records/...": text}, config=...)`.

    It is a real Git repository with one commit holding every file.
    """

    def make(files: dict[str, str] | None = None, config: str = CONFIG, commit: bool = True) -> Path:
        root = tmp_path / "repo"
        root.mkdir()
        (root / "kscms.yaml").write_text(config, encoding="utf-8")
        (root / "records").mkdir()
        for rel, text in (files or {}).items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        git(root, "init", "-q", "-b", "main")
        if commit:
            git(root, "add", "-A")
            git(root, "commit", "-q", "-m", "initial", "--allow-empty")
        return root

    return make


@pytest.fixture
def empty_repo(make_repo: Callable[..., Path]) -> Path:
    return make_repo()


@pytest.fixture
def demo_root() -> Path:
    """The project's own demo organisation (read-only: copy before writing)."""
    return PROJECT


@pytest.fixture
def demo_copy(tmp_path: Path) -> Path:
    """A writable copy of the demo organisation."""
    dest = tmp_path / "demo"
    dest.mkdir()
    shutil.copy2(PROJECT / "kscms.yaml", dest / "kscms.yaml")
    shutil.copytree(PROJECT / "records", dest / "records")
    return dest
