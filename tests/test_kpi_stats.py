"""The numeric helpers, periods and the KPI registry."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest

from kscms.errors import ConfigError
from kscms.kpi import REGISTRY, Period
from kscms.kpi.ids import KPI_IDS
from kscms.kpi.period import as_of_moment
from kscms.kpi.report import judge
from kscms.kpi.stats import ceil_fraction, days_between, exact, mean, median, pct, round_half_away

AMS = ZoneInfo("Europe/Amsterdam")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Fraction(1, 4), 0.3),  # 0.25: half away from zero
        (Fraction(-1, 4), -0.3),
        (Fraction(13, 4), 3.3),  # 3.25: round(3.25, 1) == 3.2 in Python
        (Fraction(25, 4), 6.3),  # 6.25
        (Fraction(249, 100), 2.5),
        (Fraction(2449, 1000), 2.4),
        (Fraction(200, 3), 66.7),
        (0.35, 0.4),  # the float 0.35 is read as the decimal the user wrote
        (0.3 * 1.5, 0.4),  # but a float computed in binary (0.44999999999999996) is what it is
        (7, 7.0),
        (None, None),
    ],
)
def test_round_half_away_from_zero_on_exact_values(value: object, expected: float | None) -> None:
    assert round_half_away(value) == expected  # type: ignore[arg-type]


def test_exact_reads_floats_as_written_decimals() -> None:
    assert exact(0.1) == Fraction(1, 10)
    assert exact(0.3) * exact(1.5) == Fraction(9, 20)
    assert exact(7) == Fraction(7)


def test_median_mean_pct() -> None:
    assert median([Fraction(3), Fraction(1), Fraction(2)]) == 2
    assert median([Fraction(4), Fraction(1), Fraction(3), Fraction(2)]) == Fraction(5, 2)
    assert median([]) is None
    assert mean([Fraction(4), Fraction(2), Fraction(5)]) == Fraction(11, 3)
    assert mean([]) is None
    assert pct(1, 3) == Fraction(100, 3)
    assert pct(0, 0) is None
    assert [ceil_fraction(n, 5) for n in (0, 1, 5, 6, 10, 11)] == [0, 1, 1, 2, 2, 3]


def test_days_between_is_exact_across_time_zones_and_dst() -> None:
    start = dt.datetime(2026, 10, 24, 12, 0, tzinfo=AMS)  # +02:00
    end = dt.datetime(2026, 10, 25, 12, 0, tzinfo=AMS)  # +01:00: 25 hours later
    assert days_between(start, end) == Fraction(25, 24)
    assert days_between(end, start) == Fraction(-25, 24)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2026", dt.date(2026, 1, 1), dt.date(2026, 12, 31)),
        ("2026-Q1", dt.date(2026, 1, 1), dt.date(2026, 3, 31)),
        ("2026-q3", dt.date(2026, 7, 1), dt.date(2026, 9, 30)),
        ("2026-Q4", dt.date(2026, 10, 1), dt.date(2026, 12, 31)),
        ("2026-07", dt.date(2026, 7, 1), dt.date(2026, 7, 31)),
        ("2028-02", dt.date(2028, 2, 1), dt.date(2028, 2, 29)),
        (" 2026-02 ", dt.date(2026, 2, 1), dt.date(2026, 2, 28)),
    ],
)
def test_period_parse(text: str, start: dt.date, end: dt.date) -> None:
    period = Period.parse(text)
    assert (period.start, period.end) == (start, end)
    assert period.to_json() == {"from": start.isoformat(), "to": end.isoformat()}


@pytest.mark.parametrize(
    "text", ["26", "2026-Q5", "2026-Q0", "2026-13", "2026-00", "Q3", "2026-7", "last week", ""]
)
def test_period_parse_refuses_what_is_not_a_period(text: str) -> None:
    with pytest.raises(ConfigError, match="is not a period: use a year"):
        Period.parse(text)


def test_period_membership_and_between() -> None:
    period = Period.between(dt.date(2026, 7, 1), dt.date(2026, 7, 1))
    assert dt.date(2026, 7, 1) in period
    assert dt.date(2026, 7, 2) not in period
    assert "2026-07-01" not in period
    with pytest.raises(ConfigError, match="--to 2026-06-30 is before --from 2026-07-01"):
        Period.between(dt.date(2026, 7, 1), dt.date(2026, 6, 30))
    assert Period.quarter_of(dt.date(2026, 11, 25)).to_json() == {"from": "2026-10-01", "to": "2026-12-31"}


def test_as_of_is_the_end_of_the_day_in_the_zone() -> None:
    moment = as_of_moment(dt.date(2026, 9, 30), AMS)
    assert moment == dt.datetime(2026, 9, 30, 23, 59, 59, 999999, tzinfo=AMS)
    assert moment.utcoffset() == dt.timedelta(hours=2)
    naive = as_of_moment(dt.datetime(2026, 9, 30, 12, 0), AMS)
    assert naive.tzinfo is AMS


def test_every_kpi_id_has_exactly_one_function() -> None:
    assert set(REGISTRY) == set(KPI_IDS)
    assert len(KPI_IDS) == 22


@pytest.mark.parametrize(
    ("value", "target", "met"),
    [
        (90.0, {"min": 90}, True),
        (89.9, {"min": 90}, False),
        (10.0, {"max": 10}, True),
        (10.1, {"max": 10}, False),
        (5, {"min": 1, "max": 5}, True),
        (None, {"min": 90}, None),
        (50.0, None, None),
        ([{"topic": "a"}], {"min": 1}, None),
    ],
)
def test_targets_are_judged_on_the_reported_value(
    value: object, target: dict[str, float] | None, met: bool | None
) -> None:
    assert judge(value, target) is met


def test_kpi_paths_reads_improvements_and_the_period_by_file_name() -> None:
    from kscms.kpi.period import kpi_paths

    needed = kpi_paths(Period.parse("2026-Q3"))
    assert needed("records/improvements/2024/I-20240101-oud.md") is True
    assert needed("records/signals/2026/S-20260701-eerste.md") is True
    assert needed("records/compliments/2026/C-20260930-laatste.md") is True
    assert needed("records/compliments/2026/C-20260630-juni.md") is False
    assert needed("records/signals/2026/S-20261001-oktober.md") is False
    assert needed("records/signals/2026/vreemd-bestand.md") is True  # read, so that it is reported


@pytest.mark.parametrize("period", ["2026-Q3", "2026-06", "2026-07", "2026", "2025"])
@pytest.mark.parametrize("as_of", [dt.date(2026, 7, 31), dt.date(2026, 9, 30), dt.date(2026, 10, 31)])
def test_reading_only_the_needed_files_gives_the_same_report(period: str, as_of: dt.date) -> None:
    from kpi_helpers import kpi_org

    from kscms.kpi import compute
    from kscms.kpi.period import kpi_paths

    repo = kpi_org()
    records = repo.records()
    needed = kpi_paths(Period.parse(period))
    subset = [r for r in records if needed(r.path)]
    # 10 improvements always; Q3 leaves out C-20260625, S-20260620, S-20260630 (43); July: 5 compliments,
    # 7 signals (22); June: C-20260625, S-20260620, S-20260630 (13); 2026 all 46; 2025 improvements only
    assert len(subset) == {"2026-Q3": 43, "2026-06": 13, "2026-07": 22, "2026": 46, "2025": 10}[period]
    full = compute(records, repo.config, Period.parse(period), as_of).to_json()
    assert compute(subset, repo.config, Period.parse(period), as_of).to_json() == full
