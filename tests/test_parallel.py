"""Reading and checking in worker processes gives exactly what one process gives."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kscms.repository import Repository

INVALID = Path(__file__).parent / "fixtures" / "records" / "invalid"


@pytest.fixture
def mixed_repo(demo_copy: Path) -> Path:
    """The demo organisation plus a handful of broken records."""
    for name in ("C-20261120-skipped-step", "C-20261120-yaml-syntax", "C-20261120-unknown-field"):
        dest = demo_copy / "records" / "compliments" / "2026" / f"{name}.md"
        shutil.copy2(INVALID / f"{name}.md", dest)
    return demo_copy


def test_parallel_check_equals_serial_check(mixed_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KSCMS_WORKERS", "1")
    serial = Repository(mixed_repo).check()
    monkeypatch.setenv("KSCMS_WORKERS", "2")
    monkeypatch.setenv("KSCMS_PARALLEL_MIN", "10")
    parallel = Repository(mixed_repo).check()
    assert parallel == serial
    assert {p.code for p in serial} >= {"illegal-transition", "yaml-syntax", "unknown-field"}


def test_parallel_load_equals_serial_load(mixed_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KSCMS_WORKERS", "1")
    serial_records, serial_problems = Repository(mixed_repo).load_all()
    monkeypatch.setenv("KSCMS_WORKERS", "2")
    monkeypatch.setenv("KSCMS_PARALLEL_MIN", "10")
    records, problems = Repository(mixed_repo).load_all()
    assert [r.model_dump() for r in records] == [r.model_dump() for r in serial_records]
    assert [r.body for r in records] == [r.body for r in serial_records]
    assert records[0].line_of("status") == serial_records[0].line_of("status") > 1
    assert problems == serial_problems and len(problems) == 2
