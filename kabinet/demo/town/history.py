"""The town's history: twelve billed months and the current one, and the accounts and meters
the generator draws over it (households.py) before writing them (rows.py)."""

import datetime as dt
from dataclasses import dataclass, field

from kabinet.periods import add_months, period_start

from .tables import TownProvider

HISTORY_MONTHS = 12


@dataclass(frozen=True)
class Month:
    start: dt.date
    days: int
    period: str  # YYYY-MM
    iso: tuple[str, ...]  # "YYYY-MM-DD" of each day, index 0 = the 1st


def history_months(today: dt.date) -> list[Month]:
    """Return the history's months: twelve billed ones, then the current one."""
    months = []
    current = period_start(today)
    for offset in range(-HISTORY_MONTHS, 1):
        start = add_months(current, offset)
        days = (add_months(start, 1) - start).days
        iso = tuple(f"{start.year:04d}-{start.month:02d}-{day:02d}" for day in range(1, days + 1))
        months.append(Month(start, days, iso[0][:7], iso))
    return months


@dataclass
class TownMeter:
    serial: str
    service: str
    digits: int
    installed: dt.date
    verify_by: dt.date
    initial: int  # thousandths
    start_value: int  # thousandths at the start of the history (may exceed the counter)
    monthly: list[int]  # consumption per history month, thousandths
    first_month: int = 0  # index of the first month with consumption and readings
    first_day: int = 1
    last_month: int = HISTORY_MONTHS  # index of the last month with readings
    last_day: int = 31
    removed: dt.date | None = None
    article_example: bool = False


@dataclass
class TownAccount:
    provider: TownProvider
    number: str
    street: int
    house: str
    korpus: str
    apartment: str
    surname: str
    name: str
    patronymic: str
    persons: int | None
    opened: dt.date
    closed: dt.date | None = None
    first_month: int = 0
    last_month: int = HISTORY_MONTHS - 1  # last billed month
    meters: list[TownMeter] = field(default_factory=list)
    benefit: int | None = None
    subsidy: int = 0
    area: int = 0
    gas_heating: bool = False
    payer: float = 0.9  # chance of paying in a month
