"""Option bundles shared by commands."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

F = Callable[..., Any]


def format_option(*choices: str, default: str | None = None) -> Callable[[F], F]:
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(choices),
        default=default or choices[0],
        show_default=True,
        help="Output format.",
    )


def out_option(f: F) -> F:
    """`--out DIR` of `build` and `serve`."""
    return click.option(
        "--out",
        "out",
        type=click.Path(file_okay=False, path_type=Path),
        default=Path("_site"),
        show_default=True,
        help="Output folder; it gets public/ and internal/.",
    )(f)


def set_option(f: F) -> F:
    return click.option(
        "--set",
        "sets",
        multiple=True,
        metavar="KEY=VALUE",
        help="Set a field (dotted keys for nested fields; the value is read as YAML). Repeatable.",
    )(f)


def by_option(required: bool = True) -> Callable[[F], F]:
    return click.option(
        "--by", "by", required=required, metavar="PERSON", help="People key of who does this."
    )


def known_person(config: Any, by: str) -> None:
    """A usage error (exit 2) unless `by` is a people key of kscms.yaml."""
    if by not in config.people:
        raise click.UsageError(
            f"--by {by}: not a person in kscms.yaml; people: {', '.join(sorted(config.people))}"
        )


class Moment(click.ParamType):  # type: ignore[type-arg]
    """An ISO 8601 date or time; dates mean the end of that day in the configured zone."""

    name = "ISO"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, dt.datetime | dt.date):
            return value
        text = str(value).strip()
        try:
            moment = (
                dt.date.fromisoformat(text)
                if len(text) == 10
                else dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
            )
            from kscms.model.kinds import YEARS  # beyond them, zone arithmetic overflows

            if moment.year not in YEARS:
                raise ValueError(moment)
            return moment
        except ValueError:
            self.fail(
                f"{value!r} is not an ISO date or time such as 2026-11-20 or 2026-11-20T09:30:00+01:00",
                param,
                ctx,
            )


MOMENT = Moment()


def event_time(value: dt.date | dt.datetime | None, tz: Any) -> dt.datetime | None:
    """`--at` of a step: a time as given; a date alone as late that day as has passed (today: now),
    so that a step entered with today's date is not in the future, and one entered later with an
    earlier date still comes after that day's earlier steps."""
    moment = as_datetime(value, tz)
    if moment is not None and not isinstance(value, dt.datetime):
        moment = min(moment, dt.datetime.now(tz).replace(microsecond=0))
    return moment


def as_datetime(value: dt.date | dt.datetime | None, tz: Any, end_of_day: bool = True) -> dt.datetime | None:
    """A date (end of that day, or start) or naive/aware time as an aware datetime in `tz`."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=tz)
    if end_of_day:
        return dt.datetime.combine(value, dt.time(23, 59, 59), tz)
    return dt.datetime.combine(value, dt.time(0, 0), tz)
