"""The only numeric helpers of the KPIs: exact values (Fraction), medians, percentages, rounding.

Every KPI is computed on exact values (`Fraction`) and rounded once, when it is reported:
1 decimal, half away from zero. Floats read from records (ratings, weights) are taken as the
decimal the user wrote (`0.1` is 1/10, not the binary float nearest to it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction

Exact = Fraction
_DAY_US = 86_400 * 1_000_000


def exact(value: float | int | Fraction | Decimal) -> Fraction:
    """A number as an exact fraction; a float counts as the shortest decimal that prints it."""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, float):
        return Fraction(Decimal(repr(value)))
    return Fraction(value)


def days_between(start: dt.datetime, end: dt.datetime) -> Fraction:
    """Calendar days between two aware times, exact to the microsecond (elapsed time, DST included)."""
    elapsed = end.astimezone(dt.UTC) - start.astimezone(dt.UTC)
    return Fraction(elapsed // dt.timedelta(microseconds=1), _DAY_US)


def median(values: Sequence[Fraction]) -> Fraction | None:
    """The plain median (mean of the middle two for an even count); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    mid = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[mid]
    return (ordered[mid - 1] + ordered[mid]) / 2


def mean(values: Sequence[Fraction]) -> Fraction | None:
    """The arithmetic mean; None for no values."""
    if not values:
        return None
    return sum(values, Fraction(0)) / len(values)


def pct(part: int | Fraction, whole: int | Fraction) -> Fraction | None:
    """`part` as a percentage (0-100) of `whole`; None when `whole` is 0."""
    if not whole:
        return None
    return Fraction(part) * 100 / Fraction(whole)


def round_half_away(value: Fraction | int | float | None, places: int = 1) -> float | None:
    """Round to `places` decimals, half away from zero, on the exact value (2.25 -> 2.3, -2.25 -> -2.3)."""
    if value is None:
        return None
    x = exact(value)
    scale = 10**places
    scaled = abs(x) * scale
    whole, rest = divmod(scaled.numerator, scaled.denominator)
    if 2 * rest >= scaled.denominator:
        whole += 1
    sign = -1 if x < 0 else 1
    return float(Fraction(sign * whole, scale))


def ceil_fraction(numerator: int, denominator: int) -> int:
    """ceil(numerator / denominator) for non-negative integers, without floats."""
    return -(-numerator // denominator)
