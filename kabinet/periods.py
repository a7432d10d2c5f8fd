"""Billing periods (розрахункові періоди): a month, stored as the date of its first day."""

import datetime as dt
import re

PERIOD_RE = re.compile(r"^(\d{4})-(\d{2})$")


class InvalidPeriod(ValueError):
    pass


def period_start(day: dt.date) -> dt.date:
    """Return the first day of the month that `day` falls in."""
    return day.replace(day=1)


def parse_period(text: str) -> dt.date:
    """Parse `YYYY-MM` into the first day of that month; raises InvalidPeriod."""
    match = PERIOD_RE.match(text.strip())
    if not match:
        raise InvalidPeriod(text)
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12 or year < 1900:
        raise InvalidPeriod(text)
    return dt.date(year, month, 1)


def format_period(period: dt.date) -> str:
    return f"{period.year:04d}-{period.month:02d}"


def month_name(period: dt.date, *, in_text: bool = False) -> str:
    """A billing month in words, in the active language: "Листопад 2026" as a heading,
    "листопад 2026" inside a sentence (`in_text`); English "November 2026" either way.

    Ukrainian and Russian write month names in lower case inside a sentence; Django's
    formats capitalise them for headings. "F Y" rather than the locale's YEAR_MONTH_FORMAT:
    Russian's adds "г.", which doubles the full stop of a sentence that ends with the month.
    """
    from django.utils.formats import date_format
    from django.utils.translation import get_language

    text = date_format(period, "F Y")
    if in_text and (get_language() or "").split("-")[0] in {"uk", "ru"}:
        return text[:1].lower() + text[1:]
    return text


def add_months(period: dt.date, months: int) -> dt.date:
    """Return the first day of the month `months` after (or before) `period`'s month."""
    index = period.year * 12 + period.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def period_end(period: dt.date) -> dt.date:
    """Return the last day of `period`'s month."""
    return add_months(period, 1) - dt.timedelta(days=1)
