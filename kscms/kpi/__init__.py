"""KPIs of SPEC section 7: `compute(records, config, period, as_of) -> KpiReport`.

Each KPI is a function registered with `@kpi("<id>")` in the module named after the id's head
(`compliments.py`, `signals.py`, `improvements.py`, `threads.py`); `REGISTRY` maps id -> function.
This package is imported by `kscms.config` (for `kpi/ids.py`), so everything else loads lazily.

Library use::

    from kscms import open_repository
    from kscms.kpi import Period, compute

    repo = open_repository()
    report = compute(repo.records(), repo.config, Period.parse("2026-Q3"), dt.date(2026, 10, 1))
    report.to_json()          # {"as_of": ..., "period": {...}, "kpis": {id: {value, unit, n, target, met}}}
    report["compliments.registered"].value
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kscms.config import Config
    from kscms.kpi.report import KpiReport
    from kscms.model.base import Record

__all__ = ["compute", "REGISTRY", "KpiReport", "KpiValue", "Period", "kpi", "Measure", "Scope"]

_MODULES = ("compliments", "signals", "threads", "improvements")
_LAZY = {
    "REGISTRY": "kscms.kpi.scope",
    "kpi": "kscms.kpi.scope",
    "Measure": "kscms.kpi.scope",
    "Scope": "kscms.kpi.scope",
    "KpiReport": "kscms.kpi.report",
    "KpiValue": "kscms.kpi.report",
    "Period": "kscms.kpi.period",
}


def _load_registry() -> None:
    import importlib

    for name in _MODULES:
        importlib.import_module(f"kscms.kpi.{name}")


def compute(
    records: Sequence[Record], config: Config, period: Any, as_of: dt.date | dt.datetime
) -> KpiReport:
    """Every KPI of SPEC section 7 for `period`, with the state as of `as_of`.

    `records`: parsed records (e.g. `repo.records()`); `config`: the repository's Config;
    `period`: a `Period` (or a string such as "2026-Q3", parsed with `Period.parse`);
    `as_of`: a date (its end in the configured time zone) or an aware datetime. Events after it are
    ignored, and records whose first event is after it do not exist yet.
    """
    from kscms.kpi.period import Period
    from kscms.kpi.report import run

    _load_registry()
    if isinstance(period, str):
        period = Period.parse(period)
    return run(records, config, period, as_of)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'kscms.kpi' has no attribute {name!r}")
    import importlib

    if name == "REGISTRY":
        _load_registry()
    return getattr(importlib.import_module(module), name)
