import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kabinet.periods import InvalidPeriod, add_months, format_period, parse_period, period_end


def test_a_period_is_parsed_into_its_first_day():
    assert parse_period("2026-10") == dt.date(2026, 10, 1)


@pytest.mark.parametrize("text", ["2026-13", "2026-00", "26-10", "2026/10", "", "2026-1"])
def test_malformed_periods_are_refused(text):
    with pytest.raises(InvalidPeriod):
        parse_period(text)


def test_adding_months_crosses_years():
    assert add_months(dt.date(2026, 11, 1), 3) == dt.date(2027, 2, 1)
    assert add_months(dt.date(2026, 1, 1), -1) == dt.date(2025, 12, 1)


def test_period_end_knows_leap_years():
    assert period_end(dt.date(2028, 2, 1)) == dt.date(2028, 2, 29)


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(9998, 12, 1)))
def test_format_and_parse_are_inverse(day):
    period = day.replace(day=1)

    assert parse_period(format_period(period)) == period
