"""Run every registered KPI and shape the result as SPEC section 7's JSON."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from kscms.kpi.ids import KPI_IDS, KPI_UNITS
from kscms.kpi.period import Period, as_of_moment
from kscms.kpi.scope import REGISTRY, Measure, Scope
from kscms.kpi.stats import round_half_away
from kscms.model.base import Record

if TYPE_CHECKING:
    from kscms.config import Config


@dataclass(frozen=True)
class KpiValue:
    """One reported KPI."""

    id: str
    """The KPI id of SPEC section 7, e.g. `compliments.given_within_norm_pct`."""
    value: Any
    """Rounded to 1 decimal (half away from zero); None when the set or denominator is empty."""
    unit: str
    """`count`, `pct`, `days`, `score` or `list` (from `kpi/ids.py`)."""
    n: int
    """How many records the value rests on."""
    target: dict[str, float] | None = None
    """`{min: X}` and/or `{max: Y}` from kscms.yaml `targets`, or None."""
    met: bool | None = None
    """Whether the value meets the target; None without a target or a numeric value."""

    def to_json(self) -> dict[str, Any]:
        return {"value": self.value, "unit": self.unit, "n": self.n, "target": self.target, "met": self.met}


@dataclass(frozen=True)
class KpiReport:
    """Every KPI for one period as of one moment; `to_json()` is SPEC section 7's `kpi --format json`."""

    as_of: dt.date
    """The as-of date (its end, in the configured zone, is the moment of the state)."""
    period: Period
    """The reporting period."""
    kpis: dict[str, KpiValue] = field(default_factory=dict)
    """KPI id -> value, in the order of SPEC section 7."""

    def to_json(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "period": self.period.to_json(),
            "kpis": {kpi_id: v.to_json() for kpi_id, v in self.kpis.items()},
        }

    def __getitem__(self, kpi_id: str) -> KpiValue:
        return self.kpis[kpi_id]


def rounded(value: Any) -> Any:
    """Round every exact number inside a value (Fractions anywhere in lists and dicts)."""
    if isinstance(value, Fraction):
        return round_half_away(value)
    if isinstance(value, dict):
        return {k: rounded(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [rounded(v) for v in value]
    return value


def judge(value: Any, target: dict[str, float] | None) -> bool | None:
    """Whether the reported (rounded) value meets `{min}` / `{max}`; None without target or number."""
    if target is None or isinstance(value, bool) or not isinstance(value, int | float):
        return None
    low, high = target.get("min"), target.get("max")
    return (low is None or value >= low) and (high is None or value <= high)


def make_value(kpi_id: str, measure: Measure, config: Config) -> KpiValue:
    value = rounded(measure.value)
    spec = config.targets.get(kpi_id)
    target = None
    if spec is not None:
        target = {k: v for k, v in (("min", spec.min), ("max", spec.max)) if v is not None} or None
    return KpiValue(kpi_id, value, KPI_UNITS[kpi_id], measure.n, target, judge(value, target))


def run(records: Sequence[Record], config: Config, period: Period, as_of: dt.date | dt.datetime) -> KpiReport:
    """Compute every KPI of SPEC section 7 (see `kscms.kpi.compute`)."""
    moment = as_of_moment(as_of, config.tz)
    scope = Scope(records, config, period, moment)
    kpis = {kpi_id: make_value(kpi_id, REGISTRY[kpi_id](scope), config) for kpi_id in KPI_IDS}
    return KpiReport(config.local_date(moment), period, kpis)
