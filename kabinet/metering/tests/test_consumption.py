import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from kabinet.metering.consumption import (
    Point,
    intervals,
    is_obvious_wrap,
    monthly_consumption,
    reading_consumption,
)

D = dt.date
SEP, OCT, NOV = D(2026, 9, 1), D(2026, 10, 1), D(2026, 11, 1)


def test_consumption_is_the_difference_between_two_readings():
    assert reading_consumption(
        previous=Decimal("612.204"), current=Decimal("622.911"), digits=5
    ) == Decimal("10.707")


def test_a_counter_that_wrapped_counts_from_zero_again():
    assert reading_consumption(previous=Decimal(9990), current=Decimal(5), digits=4) == 15


def test_a_wrap_from_the_top_to_the_bottom_of_the_counter_is_obvious():
    assert is_obvious_wrap(previous=Decimal(9990), current=Decimal(5), digits=4)
    assert not is_obvious_wrap(previous=Decimal(5000), current=Decimal(3000), digits=4)
    assert not is_obvious_wrap(previous=Decimal(5), current=Decimal(9990), digits=4)


def test_the_articles_example_raw_and_normalised():
    # 10 m³ a month; read on 31 August, 30 September, then early on 1 October, then on
    # 30 November. Per reading: 10, then 1 (one day), then 19 (two months).
    points = [
        Point(D(2026, 8, 31), Decimal(90)),
        Point(D(2026, 9, 30), Decimal(100)),
        Point(D(2026, 10, 1), Decimal(101)),
        Point(D(2026, 11, 30), Decimal(120)),
    ]

    raw = [interval.consumption for interval in intervals(points, digits=5)]
    monthly = monthly_consumption(points, digits=5, periods=[SEP, OCT, NOV])

    assert raw == [10, 1, 19]
    assert [share.consumption for share in monthly] == [10, Decimal("10.5"), Decimal("9.5")]
    assert all(share.complete for share in monthly)


def test_the_articles_dates_30_september_1_and_31_october_per_reading_and_per_month():
    # Read on 30 September, 1 October and 31 October at an even third of a cubic metre a
    # day: per reading 1/3 then 10, per month October holds all 31 of its days.
    points = [
        Point(D(2026, 9, 30), Decimal("100")),
        Point(D(2026, 10, 1), Decimal("100.333")),
        Point(D(2026, 10, 31), Decimal("110.333")),
    ]

    raw = [interval.consumption for interval in intervals(points, digits=5)]
    monthly = monthly_consumption(points, digits=5, periods=[SEP, OCT])

    assert raw == [Decimal("0.333"), Decimal("10.000")]
    assert monthly[0].consumption == 0 and monthly[0].covered_days == 0
    assert monthly[1].consumption == Decimal("10.333") and monthly[1].complete


def test_a_month_only_partly_covered_by_readings_says_so():
    points = [Point(D(2026, 10, 16), Decimal(0)), Point(D(2026, 11, 15), Decimal(30))]

    october, november = monthly_consumption(points, digits=5, periods=[OCT, NOV])

    assert (october.consumption, october.covered_days, october.complete) == (15, 15, False)
    assert (november.consumption, november.covered_days) == (15, 15)


def test_a_wrap_inside_an_interval_is_spread_like_any_consumption():
    points = [Point(D(2026, 9, 30), Decimal(9990)), Point(D(2026, 10, 15), Decimal(5))]

    (october,) = monthly_consumption(points, digits=4, periods=[OCT])

    assert october.consumption == 15


@given(
    values=st.lists(
        st.decimals(min_value=0, max_value=99999, places=3, allow_nan=False), min_size=2, max_size=8
    ),
    gaps=st.lists(st.integers(min_value=1, max_value=120), min_size=7, max_size=7),
)
def test_monthly_shares_add_up_to_the_readings_consumption(values, gaps):
    day = D(2025, 1, 1)
    points = []
    for value, gap in zip(values, gaps, strict=False):
        points.append(Point(day, value))
        day += dt.timedelta(days=gap)
    first = D(2024, 12, 1)
    periods = [D(2024 + (12 + m - 1) // 12, (12 + m - 1) % 12 + 1, 1) for m in range(0, 40)]
    assert periods[0] == first

    shares = monthly_consumption(points, digits=5, periods=periods)

    total = sum(interval.consumption for interval in intervals(points, digits=5))
    assert sum(share.consumption for share in shares) == total
