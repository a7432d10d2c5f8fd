"""Reads of payments: the gateway's keys for a provider, what is paid and not yet in the
ledger, the operators' lists and totals, the export's rows."""

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.urls import reverse

from kabinet.billing.models import Account, LedgerEntry
from kabinet.periods import period_end
from kabinet.providers.models import Provider
from kabinet.subscribers.access import accessible_accounts

from . import sandbox
from .models import Merchant, Payment

ZERO = Decimal("0.00")
# A payment the billing system has not echoed back within this many days is listed for the
# operators: money was taken, and the account does not show it.
UNMATCHED_AFTER = dt.timedelta(days=10)


class PaymentsUnavailable(Exception):
    """The provider takes no payments through the portal (no keys, and no sandbox)."""


@dataclass(frozen=True)
class GatewayKeys:
    """Where and with which keys a provider's orders are paid."""

    gateway: str
    public_key: str
    private_key: str
    checkout_url: str
    api_url: str


def merchant_of(provider: Provider) -> Merchant | None:
    return Merchant.objects.filter(provider=provider).first()


def gateway_keys(*, provider: Provider) -> GatewayKeys:
    """Return the gateway and keys of `provider`: its LiqPay keys, else the sandbox's when the
    sandbox is switched on. Raises PaymentsUnavailable otherwise."""
    merchant = merchant_of(provider)
    if merchant is not None and merchant.has_keys:
        return GatewayKeys(
            gateway=Payment.Gateway.LIQPAY,
            public_key=merchant.liqpay_public_key,
            private_key=merchant.liqpay_private_key,
            checkout_url=settings.LIQPAY_CHECKOUT_URL,
            api_url=settings.LIQPAY_API_URL,
        )
    if sandbox.sandbox_allowed():
        public_key = sandbox.sandbox_public_key(provider.code)
        return GatewayKeys(
            gateway=Payment.Gateway.SANDBOX,
            public_key=public_key,
            private_key=sandbox.sandbox_private_key(public_key),
            checkout_url=reverse("payments:sandbox_checkout"),
            api_url=settings.SITE_URL + reverse("payments:sandbox_api"),
        )
    raise PaymentsUnavailable(provider.code)


def payment_keys(*, payment: Payment) -> GatewayKeys | None:
    """Return the keys that sign `payment`'s messages: those of the gateway it was made on
    (None when that gateway is no longer configured)."""
    try:
        keys = gateway_keys(provider=payment.account.provider)
    except PaymentsUnavailable:
        return None
    return keys if keys.gateway == payment.gateway else None


def _matched() -> Exists:
    """True for a payment the billing system's ledger carries (its `reference` is the order)."""
    return Exists(
        LedgerEntry.objects.filter(
            account_id=OuterRef("account_id"), kind="payment", reference=OuterRef("order_id")
        )
    )


def with_matched(payments: QuerySet[Payment]) -> QuerySet[Payment]:
    return payments.annotate(matched=_matched())


def awaiting_confirmation(payments: QuerySet[Payment]) -> QuerySet[Payment]:
    """Paid through the portal and not yet in the billing system's ledger."""
    return payments.filter(status=Payment.Status.SUCCESS).exclude(_matched())


# --- the subscriber ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PendingPanel:
    """An account's payments awaiting the utility's confirmation, and the debt net of them."""

    balance: Decimal | None
    pending: list[Payment]
    pending_total: Decimal
    returned: list[Payment]

    @property
    def balance_after(self) -> Decimal | None:
        if self.balance is None:
            return None
        return self.balance - self.pending_total


def pending_panel(*, account: Account, balance: Decimal | None, now: dt.datetime) -> PendingPanel:
    """Return what `account` paid through the portal that the ledger does not carry yet (one
    query), and returns of the last 30 days."""
    recent = Payment.objects.filter(account=account).filter(
        Q(status=Payment.Status.SUCCESS)
        | Q(status=Payment.Status.REVERSED, reversed_at__gte=now - dt.timedelta(days=30))
    )
    rows = list(with_matched(recent).order_by("paid_at", "pk"))
    pending = [p for p in rows if p.status == Payment.Status.SUCCESS and not p.matched]  # type: ignore[attr-defined]
    return PendingPanel(
        balance=balance,
        pending=pending,
        pending_total=sum((p.amount for p in pending), ZERO),
        returned=[p for p in rows if p.status == Payment.Status.REVERSED],
    )


def pending_totals(*, account_ids: list[int]) -> dict[int, Decimal]:
    """Return, per account, the total paid through the portal and not yet matched (one query)."""
    if not account_ids:
        return {}
    rows = (
        awaiting_confirmation(Payment.objects.filter(account_id__in=account_ids))
        .values("account_id")
        .annotate(total=Sum("amount"))
    )
    return {row["account_id"]: row["total"] for row in rows}


def subscriber_payments(*, user, account: Account) -> QuerySet[Payment]:
    """Return `account`'s payments (the account is reached through `access_account` first)."""
    return with_matched(Payment.objects.filter(account=account)).order_by("-created_at", "-pk")


def subscriber_payment(*, user, order_id: str) -> Payment | None:
    """Return the payment `order_id` if its account is linked to `user`."""
    return (
        Payment.objects.filter(order_id=order_id, account__in=accessible_accounts(user=user))
        .select_related("account__provider", "account__street")
        .first()
    )


def last_billed_period(*, account: Account) -> dt.date | None:
    return (
        LedgerEntry.objects.filter(account=account)
        .order_by("-period")
        .values_list("period", flat=True)
        .first()
    )


# --- the operators ----------------------------------------------------------------------------


def operator_payments(
    *,
    providers: QuerySet[Provider],
    status: str = "",
    period: dt.date | None = None,
    matched: bool | None = None,
    query: str = "",
) -> QuerySet[Payment]:
    """Return the payments of `providers`, newest first, filtered as asked."""
    payments = with_matched(
        Payment.objects.filter(account__provider__in=providers).select_related("account__provider")
    )
    if status:
        payments = payments.filter(status=status)
    if period is not None:
        payments = payments.filter(
            created_at__date__gte=period, created_at__date__lte=period_end(period)
        )
    if matched is not None:
        payments = payments.filter(matched=matched)  # type: ignore[misc]
    if query:
        payments = payments.filter(Q(order_id=query) | Q(account__number=query))
    return payments.order_by("-created_at", "-pk")


def unmatched_payments(*, providers: QuerySet[Provider], now: dt.datetime) -> QuerySet[Payment]:
    """Return successful payments the ledger has not carried for more than ten days."""
    return (
        awaiting_confirmation(Payment.objects.filter(account__provider__in=providers))
        .filter(paid_at__lt=now - UNMATCHED_AFTER)
        .select_related("account__provider")
        .order_by("paid_at", "pk")
    )


@dataclass(frozen=True)
class DayTotal:
    day: dt.date
    count: int
    total: Decimal


def daily_totals(
    *, providers: QuerySet[Provider], date_from: dt.date, date_to: dt.date
) -> list[DayTotal]:
    """Return, per day of `paid_at` (local time), the successful payments' count and sum."""
    rows = (
        Payment.objects.filter(
            account__provider__in=providers,
            status=Payment.Status.SUCCESS,
            paid_at__date__gte=date_from,
            paid_at__date__lte=date_to,
        )
        .annotate(day=TruncDate("paid_at"))
        .values("day")
        .annotate(count=Count("pk"), total=Sum("amount"))
        .order_by("-day")
    )
    return [DayTotal(day=row["day"], count=row["count"], total=row["total"]) for row in rows]


def operator_payment(*, providers: QuerySet[Provider], payment_id: int) -> Payment | None:
    return (
        with_matched(Payment.objects.filter(pk=payment_id, account__provider__in=providers))
        .select_related("account__provider", "account__street")
        .first()
    )


# --- the export -------------------------------------------------------------------------------

EXPORTED = (Payment.Status.SUCCESS, Payment.Status.REVERSED)


def export_rows(
    *, provider: Provider, date_from: dt.date, date_to: dt.date
) -> Iterator[tuple[str, str, str, dt.datetime, Decimal, str, str, str]]:
    """Yield the payments export's rows: payments confirmed from `date_from` to `date_to`
    (local days, inclusive), ordered by time and order so that a rerun gives the same file."""
    rows = (
        Payment.objects.filter(
            account__provider=provider,
            status__in=EXPORTED,
            paid_at__date__gte=date_from,
            paid_at__date__lte=date_to,
        )
        .order_by("paid_at", "order_id")
        .values_list(
            "account__number",
            "order_id",
            "paid_at",
            "amount",
            "status",
            "gateway",
            "gateway_payment_id",
        )
    )
    for number, order_id, paid_at, amount, status, gateway, gateway_payment_id in rows.iterator():
        yield (
            provider.code,
            number,
            order_id,
            paid_at,  # type: ignore[misc]
            amount,
            status,
            gateway,
            gateway_payment_id,
        )
