"""A provider's reading window and cut-off day, as plain functions of days and dates.

The window is the days of the month when readings are accepted, `read_from`..`read_to`; when
`read_to < read_from` it runs across the month's end (`28`..`5`: from the 28th to the 5th of
the next month). A day past the month's length means its last day (`31` in February is the
28th or 29th), so a provider configured once works every month.

The cut-off day decides the billing month (period) a reading counts for: a reading dated after
it counts for the next month. Without a cut-off a reading counts for its own calendar month.
"""

import calendar
import datetime as dt
from dataclasses import dataclass

from kabinet.periods import add_months, period_start


def month_day(year: int, month: int, day: int) -> dt.date:
    """Return the `day` of the month, or the month's last day when the month is shorter."""
    return dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def _day_in_month_of(day: dt.date, wanted: int) -> dt.date:
    return month_day(day.year, day.month, wanted)


@dataclass(frozen=True)
class WindowState:
    """Whether readings are accepted on a day; when not, the day they next are."""

    is_open: bool
    always_open: bool
    # The last day of the current opening (inclusive) when open; the next opening when closed.
    closes_on: dt.date | None
    opens_on: dt.date | None

    def days_left(self, today: dt.date) -> int | None:
        """Days the window stays open counting today (1 on its last day); None when closed."""
        if not self.is_open or self.closes_on is None:
            return None
        return (self.closes_on - today).days + 1


def window_is_always_open(*, read_from: int, read_to: int) -> bool:
    """True when every day of every month is inside the window (1..31, the default)."""
    return (read_from == 1 and read_to >= 31) or read_to == read_from - 1


def window_state(*, read_from: int, read_to: int, today: dt.date) -> WindowState:
    """Return whether the window `read_from`..`read_to` is open on `today`, and its dates."""
    if window_is_always_open(read_from=read_from, read_to=read_to):
        return WindowState(is_open=True, always_open=True, closes_on=None, opens_on=None)
    this_month = period_start(today)
    if read_from <= read_to:
        start = _day_in_month_of(this_month, read_from)
        end = _day_in_month_of(this_month, read_to)
        if start <= today <= end:
            return WindowState(is_open=True, always_open=False, closes_on=end, opens_on=start)
        if today < start:
            return WindowState(is_open=False, always_open=False, closes_on=None, opens_on=start)
        next_start = _day_in_month_of(add_months(this_month, 1), read_from)
        return WindowState(is_open=False, always_open=False, closes_on=None, opens_on=next_start)
    # Across the month's end: open from read_from of one month to read_to of the next.
    start_here = _day_in_month_of(this_month, read_from)
    end_here = _day_in_month_of(this_month, read_to)
    if today >= start_here:
        end = _day_in_month_of(add_months(this_month, 1), read_to)
        return WindowState(is_open=True, always_open=False, closes_on=end, opens_on=start_here)
    if today <= end_here:
        start = _day_in_month_of(add_months(this_month, -1), read_from)
        return WindowState(is_open=True, always_open=False, closes_on=end_here, opens_on=start)
    return WindowState(is_open=False, always_open=False, closes_on=None, opens_on=start_here)


def reading_period(*, reading_date: dt.date, cutoff: int | None) -> dt.date:
    """Return the billing month (its first day) that a reading dated `reading_date` counts for."""
    if cutoff is not None and reading_date > _day_in_month_of(reading_date, cutoff):
        return add_months(period_start(reading_date), 1)
    return period_start(reading_date)


def period_dates(*, period: dt.date, cutoff: int | None) -> tuple[dt.date, dt.date]:
    """Return the first and last reading dates (inclusive) that count for `period`."""
    if cutoff is None:
        return period, add_months(period, 1) - dt.timedelta(days=1)
    previous = add_months(period, -1)
    first = _day_in_month_of(previous, cutoff) + dt.timedelta(days=1)
    last = _day_in_month_of(period, cutoff)
    return first, last
