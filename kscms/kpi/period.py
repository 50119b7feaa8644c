"""Reporting periods (`2026`, `2026-Q3`, `2026-07`, or from/to dates) and the as-of moment.

A period is a closed range of local dates. When neither `--period` nor `--from/--to` is given,
the period is the calendar quarter that holds the as-of date. The as-of moment is the end of the
as-of day in the configured time zone; events after it are ignored.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from kscms.errors import ConfigError
from kscms.model.kinds import YEARS

_YEAR = re.compile(r"^(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class Period:
    """A closed range of dates: records count in it by `created` (or by the date of an event)."""

    start: dt.date
    """First day (inclusive)."""
    end: dt.date
    """Last day (inclusive)."""
    label: str = ""
    """How the user named it: `2026-Q3`, `2026`, `2026-07`, or `FROM..TO`."""

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.start <= day <= self.end

    @classmethod
    def parse(cls, text: str) -> Period:
        """`2026` (a year), `2026-Q3` (a quarter) or `2026-07` (a month); ConfigError otherwise."""
        text = text.strip()
        year_of = _YEAR.match(text) or _QUARTER.match(text) or _MONTH.match(text)
        if year_of and int(year_of.group(1)) not in YEARS:
            raise ConfigError(f"--period {text!r}: the year must be from 1900 to 2999")
        if m := _YEAR.match(text):
            year = int(m.group(1))
            return cls(dt.date(year, 1, 1), dt.date(year, 12, 31), text)
        if m := _QUARTER.match(text):
            return cls.quarter(int(m.group(1)), int(m.group(2)))
        if (m := _MONTH.match(text)) and 1 <= int(m.group(2)) <= 12:
            year, month = int(m.group(1)), int(m.group(2))
            last = calendar.monthrange(year, month)[1]
            return cls(dt.date(year, month, 1), dt.date(year, month, last), text)
        raise ConfigError(
            f"--period {text!r} is not a period: use a year (2026), a quarter (2026-Q3) or a month (2026-07)"
        )

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        first_month = 3 * (quarter - 1) + 1
        last_month = first_month + 2
        end = dt.date(year, last_month, calendar.monthrange(year, last_month)[1])
        return cls(dt.date(year, first_month, 1), end, f"{year}-Q{quarter}")

    @classmethod
    def quarter_of(cls, day: dt.date) -> Period:
        """The calendar quarter that holds `day` (the default period)."""
        return cls.quarter(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def between(cls, start: dt.date, end: dt.date) -> Period:
        """From `start` to `end`, both inclusive; ConfigError when `end` comes first."""
        if end < start:
            raise ConfigError(f"--to {end.isoformat()} is before --from {start.isoformat()}: swap them")
        return cls(start, end, f"{start.isoformat()}..{end.isoformat()}")

    def to_json(self) -> dict[str, str]:
        return {"from": self.start.isoformat(), "to": self.end.isoformat()}


def as_of_moment(value: dt.date | dt.datetime, tz: ZoneInfo) -> dt.datetime:
    """The as-of moment: the end of a date (23:59:59.999999 local), or an aware time as given."""
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=tz)
    return dt.datetime.combine(value, dt.time.max, tz)


def kpi_paths(period: Period) -> Callable[[str], bool]:
    """Which record files a KPI report for `period` needs, judged from the file name alone.

    Improvements are all needed (they count by the date of their `implemented` event); signals and
    compliments only when the date in their id (which `check` keeps equal to `created`) is in the
    period. A name that holds no date is read, so that the loader can report it.
    """
    start, end = (f"{d.year:04d}{d.month:02d}{d.day:02d}" for d in (period.start, period.end))

    def needed(path: str) -> bool:
        name = path.rpartition("/")[2]
        if name.startswith("I-"):
            return True
        day = name[2:10]
        return not day.isdigit() or start <= day <= end

    return needed
