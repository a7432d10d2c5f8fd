"""Reads of the API that shape domain data for its answers."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Max

from kabinet.billing.models import Account, LedgerEntry
from kabinet.billing.selectors import balances_by_account
from kabinet.periods import format_period


@dataclass(frozen=True)
class AccountRow:
    id: int
    number: str
    provider: object
    address: str
    holder: str
    closed: bool
    period: str | None
    balance: Decimal | None


def account_address(account: Account) -> str:
    house = account.house + (f"/{account.korpus}" if account.korpus else "")
    text = f"{account.street}, {house}"
    if account.apartment:
        text += f", кв. {account.apartment}"
    return text


def account_rows(*, accounts: list[Account]) -> list[AccountRow]:
    """Return each account with its latest period and that period's closing balance (2 queries)."""
    ids = [account.pk for account in accounts]
    periods: dict[int, dt.date] = dict(
        LedgerEntry.objects.filter(account_id__in=ids)
        .values("account_id")
        .annotate(last=Max("period"))
        .values_list("account_id", "last")
    )
    balances = balances_by_account(account_ids=ids, period_by_account=periods)
    return [
        AccountRow(
            id=account.pk,
            number=account.number,
            provider=account.provider,
            address=account_address(account),
            holder=" ".join(filter(None, [account.surname, account.name, account.patronymic])),
            closed=account.is_closed,
            period=format_period(periods[account.pk]) if account.pk in periods else None,
            balance=balances.get(account.pk) if account.pk in periods else None,
        )
        for account in accounts
    ]
