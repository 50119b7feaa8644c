"""How the site writes dates, times, months and numbers in the configured language."""

from __future__ import annotations

import datetime as dt
import gettext
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from kscms.site.i18n import label


@lru_cache(maxsize=4096)
def _month(language: str, year: int, month: int) -> str:
    from babel.dates import format_date

    return format_date(dt.date(year, month, 1), "LLLL yyyy", locale=language)


@lru_cache(maxsize=8192)
def _day(language: str, day: dt.date) -> str:
    from babel.dates import format_date

    return format_date(day, "d MMM yyyy", locale=language)


@dataclass(frozen=True)
class Formats:
    """Formatting for one build: language, time zone and the compiled catalogue."""

    language: str
    tz: ZoneInfo
    translations: gettext.NullTranslations

    def _(self, message: str) -> str:
        return self.translations.gettext(message)

    def label(self, value: str | None) -> str:
        return label(self.translations, value)

    def date(self, value: dt.date | dt.datetime | None) -> str:
        if value is None:
            return ""
        if isinstance(value, dt.datetime):
            value = value.astimezone(self.tz).date()
        return _day(self.language, value)

    def moment(self, value: dt.datetime) -> str:
        local = value.astimezone(self.tz)
        return f"{_day(self.language, local.date())} {local.hour:02d}:{local.minute:02d}"

    def month(self, value: dt.date) -> str:
        return _month(self.language, value.year, value.month)

    def number(self, value: Any) -> str:
        """1 decimal for floats (decimal comma in Dutch), integers as they are, '-' for None."""
        if value is None:
            return "–"
        if isinstance(value, bool):
            return self._("yes") if value else self._("no")
        if isinstance(value, float):
            text = f"{value:.1f}"
            return text.replace(".", ",") if self.language == "nl" else text
        return str(value)

    def measured(self, value: Any) -> str:
        """A value as written in a record (a result's before and after): 640 for 640.0, every decimal
        it has, with a decimal comma in Dutch; text as it is."""
        if isinstance(value, float):
            text = str(int(value)) if value.is_integer() else repr(value)
            return text.replace(".", ",") if self.language == "nl" else text
        return "" if value is None else str(value)

    def decimals(self, value: float, places: int) -> str:
        text = f"{value:.{places}f}"
        return text.replace(".", ",") if self.language == "nl" else text
