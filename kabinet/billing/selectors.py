"""Reads of the ledger: balances (сальдо), histories, statement months.

The pages that add readings to money (the cabinet's cards, the statement) are read in
kabinet.metering.selectors, the app above this one.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Case,
    DecimalField,
    F,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Abs, Coalesce

from .models import Account, LedgerEntry

ZERO = Decimal("0.00")
CENT = Decimal("0.01")

# Closing balance = balance + charges + corrections(signed) − payments − benefits − subsidies.
# A negative correction lowers the debt (− |negative correction|), a positive raises it: so
# the signed amount serves both.
SIGNED_AMOUNT = Case(
    When(kind__in=["balance", "charge", "correction"], then=F("amount")),
    When(kind__in=["payment", "benefit", "subsidy"], then=-Abs(F("amount"))),
    default=Value(ZERO),
    output_field=DecimalField(max_digits=16, decimal_places=2),
)


def account_balance(*, account: Account, period: dt.date) -> Decimal:
    """Return the closing balance of `account` for `period` (positive: debt; negative: overpaid).

    The period's `balance` row is the opening balance; a period without one opens at zero.
    """
    total = LedgerEntry.objects.filter(account=account, period=period).aggregate(
        total=Coalesce(Sum(SIGNED_AMOUNT), Value(ZERO), output_field=DecimalField())
    )["total"]
    return Decimal(total).quantize(Decimal("0.01"))


def account_last_period(*, account: Account) -> dt.date | None:
    """Return the latest period that has ledger rows for `account`, or None."""
    return (
        LedgerEntry.objects.filter(account=account)
        .order_by("-period")
        .values_list("period", flat=True)
        .first()
    )


def balances_by_account(
    *, account_ids: list[int], period_by_account: dict[int, dt.date]
) -> dict[int, Decimal]:
    """Return each account's closing balance for its given period, in one query."""
    if not account_ids:
        return {}
    condition = Q()
    for account_id in account_ids:
        if account_id in period_by_account:
            condition |= Q(account_id=account_id, period=period_by_account[account_id])
    if not condition:
        return {}
    rows = (
        LedgerEntry.objects.filter(condition)
        .values("account_id")
        .annotate(total=Sum(SIGNED_AMOUNT))
    )
    return {row["account_id"]: Decimal(row["total"]).quantize(Decimal("0.01")) for row in rows}


# --- the subscriber's pages: the cabinet's cards, the account's history, the statement -------

# How many of the newest months of the year shown are unfolded on the account page.
OPEN_MONTHS = 2


class StatementNotFound(Exception):
    """The billing system has sent nothing for this account and period."""


def ledger_effect(*, kind: str, amount: Decimal) -> Decimal:
    """Return what a ledger row does to the balance: + raises the debt, − lowers it."""
    if kind in ("payment", "benefit", "subsidy"):
        return -abs(amount)
    return amount


@dataclass(frozen=True)
class Line:
    """One ledger row as the subscriber reads it; `effect` is its signed effect on the balance."""

    kind: str
    service: str
    amount: Decimal
    effect: Decimal
    volume: Decimal | None
    tariff: Decimal | None
    payment_date: dt.date | None
    note: str


@dataclass
class MonthSummary:
    """A billing month: opening balance, the lines grouped by kind, closing balance."""

    period: dt.date
    opening: Decimal = ZERO
    charges: list[Line] = field(default_factory=list)
    benefits: list[Line] = field(default_factory=list)
    subsidies: list[Line] = field(default_factory=list)
    corrections: list[Line] = field(default_factory=list)
    payments: list[Line] = field(default_factory=list)
    is_open: bool = False

    @property
    def lines(self) -> list[Line]:
        """Every line after the opening balance, in the order of the bill."""
        return [
            *self.charges,
            *self.benefits,
            *self.subsidies,
            *self.corrections,
            *self.payments,
        ]

    @property
    def closing(self) -> Decimal:
        total = self.opening + sum((line.effect for line in self.lines), ZERO)
        return total.quantize(CENT)

    def add(self, line: Line) -> None:
        if line.kind == "balance":
            self.opening = (self.opening + line.amount).quantize(CENT)
            return
        groups = {
            "charge": self.charges,
            "benefit": self.benefits,
            "subsidy": self.subsidies,
            "correction": self.corrections,
            "payment": self.payments,
        }
        groups[line.kind].append(line)


def _months_from_rows(rows: Iterable[LedgerEntry]) -> dict[dt.date, MonthSummary]:
    months: dict[dt.date, MonthSummary] = {}
    for row in rows:
        month = months.get(row.period)
        if month is None:
            month = months[row.period] = MonthSummary(period=row.period)
        month.add(
            Line(
                kind=row.kind,
                service=row.service,
                amount=row.amount,
                effect=ledger_effect(kind=row.kind, amount=row.amount),
                volume=row.volume,
                tariff=row.tariff,
                payment_date=row.payment_date,
                note=row.note,
            )
        )
    return months


def _ledger_rows(**conditions) -> QuerySet[LedgerEntry]:
    return LedgerEntry.objects.filter(**conditions).order_by("period", "position", "pk")


def account_history(*, account: Account, year: int) -> list[MonthSummary]:
    """Return the account's months of `year` that have ledger rows, newest first (one query).

    The two newest months are marked open (the page unfolds them).
    """
    rows = _ledger_rows(account=account, period__year=year)
    months = sorted(_months_from_rows(rows).values(), key=lambda m: m.period, reverse=True)
    for month in months[:OPEN_MONTHS]:
        month.is_open = True
    return months


@dataclass
class AccountPage:
    """What the account page shows: the years on record, one year's months, the last balance."""

    account: Account
    years: list[int]
    year: int | None
    requested_year_missing: bool
    months: list[MonthSummary]
    last_period: dt.date | None
    last_closing: Decimal | None


def account_page(*, account: Account, year: int | None) -> AccountPage:
    """Return the account's history for `year` (None or a year without data: the latest one).

    Three queries: the periods on record, the year's ledger rows, the last period's balance
    (two when the year shown is the last period's).
    """
    periods = list(
        LedgerEntry.objects.filter(account=account)
        .order_by("-period")
        .values_list("period", flat=True)
        .distinct()
    )
    years = sorted({period.year for period in periods}, reverse=True)
    chosen = year if year in years else (years[0] if years else None)
    months = account_history(account=account, year=chosen) if chosen is not None else []
    last_period = periods[0] if periods else None
    last_closing = None
    if last_period is not None:
        if months and months[0].period == last_period:
            last_closing = months[0].closing
        else:
            last_closing = account_balance(account=account, period=last_period)
    return AccountPage(
        account=account,
        years=years,
        year=chosen,
        requested_year_missing=year is not None and year != chosen,
        months=months,
        last_period=last_period,
        last_closing=last_closing,
    )


@dataclass(frozen=True)
class StatementReading:
    serial: str
    service: str
    reading_date: dt.date
    value: Decimal
    decimals: int


@dataclass
class Statement:
    """The monthly bill (рахунок-повідомлення): the account, the month's lines, its readings."""

    account: Account
    month: MonthSummary
    readings: list[StatementReading]


def account_month(*, account: Account, period: dt.date) -> MonthSummary:
    """Return the ledger month of `account` for `period` (one query).

    Raises StatementNotFound when the billing system has sent nothing for that month.
    """
    months = _months_from_rows(_ledger_rows(account=account, period=period))
    if period not in months:
        raise StatementNotFound(period)
    return months[period]


@dataclass(frozen=True)
class Card:
    """One account on the cabinet's home: where, what is owed, whether the reading is in."""

    account: Account
    last_period: dt.date | None
    balance: Decimal | None
    has_meters: bool
    reading_in: bool

    @property
    def status(self) -> str:
        """`debt`, `overpayment`, `settled`, or `unknown` when nothing was billed yet."""
        if self.balance is None:
            return "unknown"
        if self.balance > 0:
            return "debt"
        if self.balance < 0:
            return "overpayment"
        return "settled"

    @property
    def amount(self) -> Decimal | None:
        """The debt or the overpayment, as a positive amount."""
        return None if self.balance is None else abs(self.balance)
