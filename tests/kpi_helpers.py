"""Helpers for the KPI, threads, worklist and exchange tests: the hand-checked fixture organisation.

`tests/fixtures/repos/kpi-org` is a small organisation over 2026-Q3 (46 records) whose KPIs were
computed by hand; see the comments in tests/test_kpi_handcomputed.py. It is read-only: copy it
before writing.
"""

from __future__ import annotations

import datetime as dt
import shutil
from functools import lru_cache
from pathlib import Path
from typing import Any

from kscms.kpi import Period, compute
from kscms.model.base import Record
from kscms.repository import Repository

KPI_ORG = Path(__file__).resolve().parent / "fixtures" / "repos" / "kpi-org"
AS_OF = dt.date(2026, 9, 30)


def kpi_org() -> Repository:
    return Repository.open(KPI_ORG)


@lru_cache(maxsize=1)
def _loaded() -> tuple[Repository, tuple[Record, ...]]:
    repo = kpi_org()
    return repo, tuple(repo.records())


def kpis(period: str = "2026-Q3", as_of: dt.date = AS_OF) -> dict[str, dict[str, Any]]:
    """The `kpis` object of the JSON report of the fixture organisation."""
    repo, records = _loaded()
    return compute(records, repo.config, Period.parse(period), as_of).to_json()["kpis"]


def values(period: str = "2026-Q3", as_of: dt.date = AS_OF) -> dict[str, Any]:
    return {k: v["value"] for k, v in kpis(period, as_of).items()}


def copy_kpi_org(dest: Path) -> Path:
    """A writable copy of the fixture organisation under `dest`."""
    target = dest / "kpi-org"
    shutil.copytree(KPI_ORG, target)
    return target
