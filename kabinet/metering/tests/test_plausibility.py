"""The implausible-reading rule: the noise threshold, the daily maximum, the usual use and the
least history it is taken from."""

import datetime as dt
from decimal import Decimal

from kabinet.metering.consumption import Point
from kabinet.metering.plausibility import (
    DEFAULT_DAILY_MAX,
    MIN_USUAL_DAYS,
    NOISE,
    USUAL_HISTORY_DAYS,
    is_implausible,
    usual_daily_use,
    usual_history_since,
)

DAY = dt.date(2026, 10, 1)


def _check(used, *, days=10, usual=None, daily_max=None, factor=Decimal(5)):
    return is_implausible(
        used=Decimal(used),
        days=days,
        service="cold_water",
        daily_max=daily_max,
        usual_factor=factor,
        usual_daily=lambda: usual,
    )


def test_a_use_at_the_noise_threshold_is_never_implausible_and_just_above_it_can_be():
    # Usual use 0.01 a day: over 10 days anything above 0.5 is more than five times that.
    assert not _check(NOISE, usual=Decimal("0.01"))
    assert _check(NOISE + Decimal("0.001"), usual=Decimal("0.01"))


def test_more_a_day_than_the_default_maximum_is_implausible_without_any_history():
    largest = DEFAULT_DAILY_MAX["cold_water"]

    assert not _check(largest * 10, days=10)
    assert _check(largest * 10 + Decimal("0.01"), days=10)


def test_the_providers_own_daily_maximum_replaces_the_default():
    assert _check(Decimal(11), days=1, daily_max=Decimal(10))
    assert not _check(Decimal(11), days=1, daily_max=Decimal(20))


def test_more_than_the_factor_times_the_usual_use_is_implausible():
    assert not _check(Decimal(10), days=10, usual=Decimal("0.2"))  # exactly 5 times
    assert _check(Decimal("10.1"), days=10, usual=Decimal("0.2"))
    assert not _check(Decimal("10.1"), days=10, usual=Decimal("0.2"), factor=Decimal(6))


def test_the_usual_use_needs_the_minimum_history():
    short = [
        Point(DAY, Decimal(0)),
        Point(DAY + dt.timedelta(days=MIN_USUAL_DAYS - 1), Decimal(27)),
    ]
    enough = [Point(DAY, Decimal(0)), Point(DAY + dt.timedelta(days=MIN_USUAL_DAYS), Decimal(28))]

    assert usual_daily_use(short, digits=5) is None
    assert usual_daily_use(enough, digits=5) == Decimal(1)


def test_the_usual_use_is_taken_from_the_year_before_the_previous_reading():
    previous = dt.date(2026, 9, 30)

    assert usual_history_since(previous) == previous - dt.timedelta(days=USUAL_HISTORY_DAYS)
    assert usual_history_since(previous) == dt.date(2025, 9, 30)
