"""Starting a payment: the amount typed, checked, and an order with its signed checkout form
(the subscriber's page and the API alike)."""

import datetime as dt
import secrets
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from kabinet.billing.models import Account
from kabinet.periods import format_period, period_start

from . import liqpay, selectors
from .models import Payment

MAX_AMOUNT = Decimal("100000.00")
CENT = Decimal("0.01")
# Pay pressed twice, or the form sent again after going back: the same pending order is
# offered again rather than a second one made.
REUSE_WINDOW = dt.timedelta(minutes=15)


class PaymentRefused(Exception):
    """A payment cannot be started; `message` says why in words for the subscriber."""

    def __init__(self, code: str, message: str):
        super().__init__(code)
        self.code = code
        self.message = message


def amount_parse(text: str) -> Decimal:
    """Return the amount typed (`297.78`, `297,78`, ` 100 `) as Decimal.

    Raises PaymentRefused for letters, more than two decimals, zero, negative, above ₴100,000.
    """
    cleaned = (text or "").strip().replace(",", ".")
    if not cleaned:
        raise PaymentRefused("amount_missing", _("Enter the amount to pay."))
    if not cleaned.replace(".", "", 1).isdigit() or not cleaned.isascii():
        if cleaned.startswith("-") and cleaned[1:].replace(".", "", 1).isdigit():
            raise PaymentRefused("amount_not_positive", _("The amount must be more than zero."))
        raise PaymentRefused(
            "amount_invalid", _("Enter the amount in hryvnias with digits, e.g. 297.78.")
        )
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        raise PaymentRefused(
            "amount_invalid", _("Enter the amount in hryvnias with digits, e.g. 297.78.")
        ) from None
    if amount != amount.quantize(CENT):
        raise PaymentRefused(
            "amount_decimals", _("An amount has at most two digits after the point (kopiykas).")
        )
    return amount_check(amount)


def amount_check(amount: Decimal) -> Decimal:
    """Return `amount` with two decimals; raises PaymentRefused outside 0.01..100,000.00."""
    if amount <= 0:
        raise PaymentRefused("amount_not_positive", _("The amount must be more than zero."))
    if amount > MAX_AMOUNT:
        raise PaymentRefused(
            "amount_too_large",
            _("One payment through the portal is at most ₴100,000.00."),
        )
    if amount != amount.quantize(CENT):
        raise PaymentRefused(
            "amount_decimals", _("An amount has at most two digits after the point (kopiykas).")
        )
    return amount.quantize(CENT)


def payment_description(*, account: Account, period: dt.date) -> str:
    """Return the order's description: the provider, the account number and the period.

    Always Ukrainian: it becomes the payment purpose the utility's bank statement shows.
    """
    return (
        f"Оплата послуг: {account.provider.name}, особовий рахунок {account.number}, "
        f"період {format_period(period)}"
    )


@dataclass(frozen=True)
class Checkout:
    """A started order and the form that takes the subscriber to the gateway."""

    payment: Payment
    data: str
    signature: str
    checkout_url: str
    reused: bool


def _checkout(payment: Payment, keys: selectors.GatewayKeys, language: str, reused: bool):
    site = settings.SITE_URL
    params = liqpay.checkout_params(
        public_key=keys.public_key,
        amount=payment.amount,
        description=payment.description,
        order_id=payment.order_id,
        result_url=site + reverse("payments:result", kwargs={"order_id": payment.order_id}),
        server_url=site + reverse("payments:liqpay_callback"),
        language=language,
    )
    data = liqpay.encode_data(params)
    return Checkout(
        payment=payment,
        data=data,
        signature=liqpay.sign(private_key=keys.private_key, data=data),
        checkout_url=keys.checkout_url,
        reused=reused,
    )


def payment_start(
    *, user, account: Account, amount: Decimal, language: str, now: dt.datetime
) -> Checkout:
    """Start paying `amount` on `account` (reached through `access_account`): an order and
    its signed checkout form. The same pending order is offered again within 15 minutes.

    Raises PaymentRefused (closed account, amount out of range) or
    selectors.PaymentsUnavailable (the provider takes no payments through the portal).
    """
    amount = amount_check(amount)
    if account.is_closed:
        raise PaymentRefused(
            "account_closed",
            _("This account is closed; it cannot be paid through the portal."),
        )
    keys = selectors.gateway_keys(provider=account.provider)
    with transaction.atomic():
        # One order at a time per account: two presses of Pay queue here.
        Account.objects.select_for_update().filter(pk=account.pk).first()
        existing = (
            Payment.objects.filter(
                account=account,
                user=user,
                amount=amount,
                gateway=keys.gateway,
                public_key=keys.public_key,
                status=Payment.Status.PENDING,
                created_at__gte=now - REUSE_WINDOW,
            )
            .order_by("-created_at")
            .first()
        )
        if existing is not None:
            return _checkout(existing, keys, language, reused=True)
        period = selectors.last_billed_period(account=account) or period_start(now.date())
        payment = Payment(
            order_id=f"kb-{secrets.token_hex(12)}",
            account=account,
            user=user,
            amount=amount,
            description=payment_description(account=account, period=period),
            gateway=keys.gateway,
            public_key=keys.public_key,
            created_at=now,
        )
        payment.full_clean()
        payment.save()
    return _checkout(payment, keys, language, reused=False)
