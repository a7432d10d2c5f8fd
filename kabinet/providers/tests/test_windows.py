import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kabinet.providers.windows import period_dates, reading_period, window_state

D = dt.date


def test_the_default_window_is_always_open():
    state = window_state(read_from=1, read_to=31, today=D(2026, 2, 28))

    assert state.is_open and state.always_open
    assert state.days_left(D(2026, 2, 28)) is None


def test_inside_a_window_the_days_left_count_today():
    state = window_state(read_from=1, read_to=25, today=D(2026, 11, 23))

    assert state.is_open
    assert state.days_left(D(2026, 11, 23)) == 3


def test_before_a_window_it_says_the_day_it_opens():
    state = window_state(read_from=10, read_to=25, today=D(2026, 11, 3))

    assert not state.is_open
    assert state.opens_on == D(2026, 11, 10)


def test_after_a_window_it_opens_next_month():
    state = window_state(read_from=10, read_to=25, today=D(2026, 11, 26))

    assert not state.is_open
    assert state.opens_on == D(2026, 12, 10)


@pytest.mark.parametrize(
    ("today", "is_open", "closes_on", "opens_on"),
    [
        (D(2026, 11, 28), True, D(2026, 12, 5), D(2026, 11, 28)),
        (D(2026, 11, 30), True, D(2026, 12, 5), D(2026, 11, 28)),
        (D(2026, 12, 1), True, D(2026, 12, 5), D(2026, 11, 28)),
        (D(2026, 12, 5), True, D(2026, 12, 5), D(2026, 11, 28)),
        (D(2026, 12, 6), False, None, D(2026, 12, 28)),
        (D(2026, 12, 27), False, None, D(2026, 12, 28)),
    ],
)
def test_a_window_across_the_months_end(today, is_open, closes_on, opens_on):
    state = window_state(read_from=28, read_to=5, today=today)

    assert (state.is_open, state.closes_on, state.opens_on) == (is_open, closes_on, opens_on)


def test_across_the_months_end_the_last_day_leaves_one_day():
    state = window_state(read_from=28, read_to=5, today=D(2026, 12, 5))

    assert state.days_left(D(2026, 12, 5)) == 1


def test_a_day_past_the_months_length_means_its_last_day():
    state = window_state(read_from=30, read_to=5, today=D(2026, 2, 28))

    assert state.is_open
    assert state.closes_on == D(2026, 3, 5)


def test_without_a_cut_off_a_reading_counts_for_its_own_month():
    assert reading_period(reading_date=D(2026, 10, 31), cutoff=None) == D(2026, 10, 1)


def test_a_reading_after_the_cut_off_counts_for_the_next_month():
    assert reading_period(reading_date=D(2026, 10, 26), cutoff=25) == D(2026, 11, 1)
    assert reading_period(reading_date=D(2026, 10, 25), cutoff=25) == D(2026, 10, 1)
    assert reading_period(reading_date=D(2026, 12, 31), cutoff=25) == D(2027, 1, 1)


def test_a_period_runs_from_the_day_after_one_cut_off_to_the_next():
    assert period_dates(period=D(2026, 11, 1), cutoff=25) == (D(2026, 10, 26), D(2026, 11, 25))
    assert period_dates(period=D(2026, 3, 1), cutoff=30) == (D(2026, 3, 1), D(2026, 3, 30))
    assert period_dates(period=D(2026, 11, 1), cutoff=None) == (D(2026, 11, 1), D(2026, 11, 30))


@given(
    day=st.dates(min_value=D(2000, 1, 1), max_value=D(2100, 12, 31)),
    cutoff=st.one_of(st.none(), st.integers(min_value=1, max_value=31)),
)
def test_every_day_falls_within_the_dates_of_its_own_period(day, cutoff):
    period = reading_period(reading_date=day, cutoff=cutoff)

    first, last = period_dates(period=period, cutoff=cutoff)

    assert first <= day <= last


@given(
    today=st.dates(min_value=D(2000, 1, 1), max_value=D(2100, 12, 31)),
    read_from=st.integers(min_value=1, max_value=31),
    read_to=st.integers(min_value=1, max_value=31),
)
def test_a_closed_window_always_opens_later_and_an_open_one_closes_today_or_later(
    today, read_from, read_to
):
    state = window_state(read_from=read_from, read_to=read_to, today=today)

    if state.always_open:
        assert state.is_open
    elif state.is_open:
        assert state.closes_on >= today
        assert state.opens_on <= today
    else:
        assert state.opens_on > today
        assert window_state(read_from=read_from, read_to=read_to, today=state.opens_on).is_open
