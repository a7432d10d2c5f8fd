"""Consumption (споживання) from readings: per reading, and per calendar month normalised.

Per reading: a value minus the one before it; a counter that went past its last digit
(9990 -> 5 on four digits) started again from zero, so 10 000 - 9990 + 5 = 15 were used.

Per calendar month, normalised: what was used between two readings is spread evenly over the
days between them (each day after the earlier reading up to and including the later one gets
an equal share), and each month adds up the shares of its days. A month then shows what was
used in it whatever days the readings were taken on: 10 m³ a month read on 30 September, on
1 October and on 30 November shows 1 m³ and 19 m³ per reading, but 10.5 and 9.5 m³ per month.
"""

import datetime as dt
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from kabinet.periods import add_months, period_start

# Readings are stored with six decimals; shares of a month keep the same precision.
STORED = Decimal("0.000001")

# An obvious wrap: the last value sat in the counter's top tenth and the new one in its bottom
# tenth (9990 -> 5 on four digits). Anything else lower needs the subscriber's word for it.
WRAP_EDGE = Decimal("0.1")


def counter_limit(digits: int) -> Decimal:
    """Return the value at which a counter of `digits` integer digits starts again from zero."""
    return Decimal(10) ** digits


def reading_consumption(*, previous: Decimal, current: Decimal, digits: int) -> Decimal:
    """Return what was used between two values; a lower current value means the counter wrapped."""
    if current >= previous:
        return current - previous
    return counter_limit(digits) - previous + current


def is_obvious_wrap(*, previous: Decimal, current: Decimal, digits: int) -> bool:
    """True when `current` is lower than `previous` in a way only a wrap explains."""
    limit = counter_limit(digits)
    return (
        current < previous and previous >= limit * (1 - WRAP_EDGE) and current < limit * WRAP_EDGE
    )


@dataclass(frozen=True)
class Point:
    """A meter's value on a day: a reading, or the value at installation."""

    day: dt.date
    value: Decimal


@dataclass(frozen=True)
class Interval:
    """What was used from one point to the next."""

    start: Point
    end: Point
    consumption: Decimal

    @property
    def days(self) -> int:
        return (self.end.day - self.start.day).days


@dataclass(frozen=True)
class MonthShare:
    """A calendar month's normalised consumption and how many of its days readings cover."""

    period: dt.date
    consumption: Decimal
    covered_days: int
    month_days: int

    @property
    def complete(self) -> bool:
        return self.covered_days == self.month_days


def intervals(points: Sequence[Point], *, digits: int) -> list[Interval]:
    """Return the consumption between each pair of consecutive points (sorted by day)."""
    ordered = sorted(points, key=lambda point: point.day)
    return [
        Interval(
            start=earlier,
            end=later,
            consumption=reading_consumption(
                previous=earlier.value, current=later.value, digits=digits
            ),
        )
        for earlier, later in itertools.pairwise(ordered)
        if later.day > earlier.day
    ]


def _round(value: Decimal) -> Decimal:
    return value.quantize(STORED, rounding=ROUND_HALF_EVEN)


def spread(interval: Interval) -> list[tuple[dt.date, Decimal, int]]:
    """Split an interval's consumption over the months its days fall in: (period, share, days).

    Shares are rounded on the running total, so they add up exactly to the interval's
    consumption.
    """
    total_days = interval.days
    result: list[tuple[dt.date, Decimal, int]] = []
    first_day = interval.start.day + dt.timedelta(days=1)
    month = period_start(first_day)
    done_days = 0
    given = Decimal(0)
    while done_days < total_days:
        next_month = add_months(month, 1)
        month_first = max(first_day, month)
        month_last = min(interval.end.day, next_month - dt.timedelta(days=1))
        days = (month_last - month_first).days + 1
        done_days += days
        running = _round(interval.consumption * done_days / total_days)
        result.append((month, running - given, days))
        given = running
        month = next_month
    return result


def monthly_consumption(
    points: Iterable[Point], *, digits: int, periods: Sequence[dt.date]
) -> list[MonthShare]:
    """Return the normalised consumption of each month in `periods` (first days of months)."""
    used = dict.fromkeys(periods, Decimal(0))
    covered = dict.fromkeys(periods, 0)
    for interval in intervals(list(points), digits=digits):
        for period, share, days in spread(interval):
            if period in used:
                used[period] += share
                covered[period] += days
    return [
        MonthShare(
            period=period,
            consumption=used[period],
            covered_days=covered[period],
            month_days=(add_months(period, 1) - period).days,
        )
        for period in periods
    ]


def usual_daily(intervals_: Sequence[Interval]) -> Decimal | None:
    """Return the average use a day over `intervals_`, or None when they cover no day."""
    days = sum(interval.days for interval in intervals_)
    if days <= 0:
        return None
    return sum((interval.consumption for interval in intervals_), Decimal(0)) / days
