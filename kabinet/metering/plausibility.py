"""The implausible-reading rule, in one place: when a value that may be right looks like an
extra digit typed, and is asked about (and, once confirmed, reviewed by an operator).

A reading is implausible when its use since the previous reading is more than NOISE and, a
day, either more than the largest plausible use (the provider's `daily_max`, else the service's
DEFAULT_DAILY_MAX) or more than the provider's `usual_factor` times the meter's usual use a
day. The usual use comes from the accepted readings of the USUAL_HISTORY_DAYS before the
previous reading (not before the new one: the new value must not weigh in on its own
plausibility), and only when those readings span MIN_USUAL_DAYS or more.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from decimal import Decimal

from kabinet.providers.service_kinds import Service

from . import consumption as maths

# The largest plausible use a day when the provider sets none.
DEFAULT_DAILY_MAX: dict[str, Decimal] = {
    Service.COLD_WATER: Decimal(3),
    Service.HOT_WATER: Decimal(3),
    Service.GAS: Decimal(30),
    Service.ELECTRICITY: Decimal(100),
    Service.HEAT: Decimal(2),
}
# Differences this small are a counter's last digit turning over: never called implausible.
NOISE = Decimal(1)
# The usual use a day is taken from this much history before the previous reading, and only
# when the history spans at least MIN_USUAL_DAYS.
USUAL_HISTORY_DAYS = 365
MIN_USUAL_DAYS = 28


def usual_history_since(previous_day: dt.date) -> dt.date:
    """The first day of the history the usual use is taken from (it ends on `previous_day`)."""
    return previous_day - dt.timedelta(days=USUAL_HISTORY_DAYS)


def usual_daily_use(points: Iterable[maths.Point], *, digits: int) -> Decimal | None:
    """The usual use a day of these accepted readings, or None when they span too few days."""
    spans = maths.intervals(list(points), digits=digits)
    if sum(interval.days for interval in spans) < MIN_USUAL_DAYS:
        return None
    return maths.usual_daily(spans)


def is_implausible(
    *,
    used: Decimal,
    days: int,
    service: str,
    daily_max: Decimal | None,
    usual_factor: Decimal,
    usual_daily: Callable[[], Decimal | None],
) -> bool:
    """Whether `used` over `days` looks like a typing mistake.

    `daily_max` is the provider's own (None: the service's default); `usual_daily` gives the
    meter's usual use a day (see `usual_daily_use`), asked only when the daily maximum alone
    does not already decide.
    """
    if days <= 0 or used <= NOISE:
        return False
    per_day = used / days
    largest = daily_max or DEFAULT_DAILY_MAX.get(service)
    if largest is not None and per_day > largest:
        return True
    usual = usual_daily()
    return usual is not None and per_day > usual_factor * usual
