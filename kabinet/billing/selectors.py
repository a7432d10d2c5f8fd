"""Reads of the ledger: an account's balance (сальдо) by period."""

import datetime as dt
from decimal import Decimal

from django.db.models import Case, DecimalField, F, Q, Sum, Value, When
from django.db.models.functions import Abs, Coalesce

from .models import Account, LedgerEntry

ZERO = Decimal("0.00")

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
