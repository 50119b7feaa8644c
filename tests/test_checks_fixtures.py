"""Each invalid record fixture gives exactly the problem lines in its `.problems` file.

`tests/fixtures/records/invalid/<id>.md` is placed at `records/<type>s/<YYYY>/<id>.md` of a fresh
repository (alone, so problems cannot leak between fixtures) and `kscms check` must print exactly
the `PATH:LINE: error[CODE]` lines of `<id>.problems` (messages are not compared here). Valid fixtures
must give no problem at all. Regenerate expectations with KSCMS_REGEN=1 and review the diff.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from kscms.cli import cli
from kscms.model.ids import LETTER_TYPES

HERE = Path(__file__).parent / "fixtures" / "records"
INVALID = sorted((HERE / "invalid").glob("*.md"))
VALID = sorted((HERE / "valid").glob("*.md"))
NOW = "2026-11-25T12:00:00+01:00"


def _place(make_repo, fixture: Path) -> tuple[Path, str]:  # type: ignore[no-untyped-def]
    stem = fixture.stem
    rel = f"records/{LETTER_TYPES[stem[0]]}s/{stem[2:6]}/{stem}.md"
    root = make_repo(files={rel: fixture.read_text(encoding="utf-8")})
    return root, rel


def _check(root: Path) -> tuple[int, list[dict[str, object]]]:
    result = CliRunner().invoke(cli, ["--root", str(root), "check", "--format", "json"])
    assert "Traceback" not in result.output
    return result.exit_code, json.loads(result.stdout or "[]")


@pytest.mark.parametrize("fixture", INVALID, ids=[f.stem for f in INVALID])
def test_invalid_fixture_reports_exact_problem_lines(make_repo, fixture: Path) -> None:  # type: ignore[no-untyped-def]
    root, rel = _place(make_repo, fixture)
    code, problems = _check(root)
    got = [f"{p['path']}:{p['line']}: {p['severity']}[{p['code']}]" for p in problems]
    expected_file = fixture.with_suffix(".problems")
    if os.environ.get("KSCMS_REGEN"):
        expected_file.write_text("".join(g.replace(rel, "PATH") + "\n" for g in got), encoding="utf-8")
    assert expected_file.exists(), f"missing {expected_file.name}: run with KSCMS_REGEN=1 and review"
    expected = [
        line.replace("PATH", rel) for line in expected_file.read_text(encoding="utf-8").splitlines() if line
    ]
    assert got == expected
    assert code == 1
    for p in problems:
        assert p["message"] and not str(p["message"]).endswith(".")
        assert re.match(r"^[a-z0-9-]+$", str(p["code"]))


@pytest.mark.parametrize("fixture", VALID, ids=[f.stem for f in VALID])
def test_valid_fixture_has_no_problems(make_repo, fixture: Path) -> None:  # type: ignore[no-untyped-def]
    root, _ = _place(make_repo, fixture)
    code, problems = _check(root)
    assert problems == []
    assert code == 0
