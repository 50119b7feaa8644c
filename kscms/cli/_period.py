"""The period and as-of options shared by `kpi` and `threads` (and `--as-of` of `due`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import click

from kscms.cli._options import MOMENT

F = Callable[..., Any]


def as_of_option(f: F) -> F:
    return click.option(
        "--as-of",
        "as_of",
        type=MOMENT,
        metavar="DATE",
        help="State as of the end of this day (config time zone); later events are ignored. Default: now.",
    )(f)


def period_options(f: F) -> F:
    """`--period`, `--from`, `--to` and `--as-of`."""
    f = as_of_option(f)
    f = click.option(
        "--to", "to_date", type=click.DateTime(["%Y-%m-%d"]), metavar="DATE", help="Last day of the period."
    )(f)
    f = click.option(
        "--from",
        "from_date",
        type=click.DateTime(["%Y-%m-%d"]),
        metavar="DATE",
        help="First day of the period (with --to; without it, up to the as-of date).",
    )(f)
    f = click.option(
        "--period",
        metavar="P",
        help="2026 (year), 2026-Q3 (quarter) or 2026-07 (month). Default: the quarter of the as-of date.",
    )(f)
    return f


def resolve(
    repo: Any,
    period: str | None,
    from_date: dt.datetime | None,
    to_date: dt.datetime | None,
    as_of: dt.date | dt.datetime | None,
) -> tuple[Any, dt.datetime]:
    """(Period, as-of moment) from the options; usage errors exit 2."""
    from kscms.kpi.period import Period, as_of_moment

    tz = repo.config.tz
    moment = as_of_moment(as_of, tz) if as_of is not None else repo.now()
    if period is not None and not period.strip():
        raise click.UsageError("--period needs a year (2026), a quarter (2026-Q3) or a month (2026-07)")
    if period and (from_date or to_date):
        raise click.UsageError("use either --period or --from/--to, not both")
    if to_date and not from_date:
        raise click.UsageError("--to needs --from")
    if period:
        return Period.parse(period), moment
    if from_date:
        end = to_date.date() if to_date else moment.astimezone(tz).date()
        return Period.between(from_date.date(), end), moment
    return Period.quarter_of(moment.astimezone(tz).date()), moment
