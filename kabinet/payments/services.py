"""Writes of payments: starting a checkout, applying what the gateway says, asking it about
orders it went quiet on, merchant settings, receipts and paperless statements by mail."""

import datetime as dt
import hashlib
import json
import logging
import secrets
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from kabinet.audit.services import audit_record
from kabinet.billing.models import Account
from kabinet.billing.statement_pdf import statement_pdf
from kabinet.metering.selectors import account_statement
from kabinet.metrics import payment_recorded
from kabinet.periods import format_period, period_start
from kabinet.providers.models import Provider
from kabinet.subscribers.access import accessible_accounts

from . import liqpay, sandbox, selectors
from .models import Merchant, PaperlessPreference, Payment, PaymentCallback, StatementMailed
from .qr import account_qr_png

logger = logging.getLogger(__name__)

MAX_AMOUNT = Decimal("100000.00")
CENT = Decimal("0.01")
# Pay pressed twice, or the form sent again after going back: the same pending order is
# offered again rather than a second one made.
REUSE_WINDOW = dt.timedelta(minutes=15)
# An order the gateway has said nothing about for this long is asked about (action=status).
QUIET_AFTER = dt.timedelta(minutes=15)
# Orders are asked about for two days; after that only an operator can settle them.
GIVE_UP_AFTER = dt.timedelta(days=2)


class PaymentRefused(Exception):
    """A payment cannot be started; `message` says why in words for the subscriber."""

    def __init__(self, code: str, message: str):
        super().__init__(code)
        self.code = code
        self.message = message


class CallbackRefused(Exception):
    """A message from the gateway was not accepted; `reason` is for the log (no posted data)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


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


# --- what the gateway says --------------------------------------------------------------------


@dataclass(frozen=True)
class Applied:
    """What a gateway's message did: the payment after it, and whether it changed anything."""

    payment: Payment
    changed: bool
    replayed: bool


def _digest(message: dict[str, Any]) -> str:
    canonical = json.dumps(message, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _new_status(payment: Payment, gateway_status: str) -> str:
    """Return the status `gateway_status` moves `payment` to (its own when it moves nothing)."""
    succeeded = gateway_status == liqpay.SUCCESS or (
        gateway_status == liqpay.SANDBOX
        and payment.gateway == Payment.Gateway.SANDBOX
        and sandbox.sandbox_allowed()
    )
    current = payment.status
    if succeeded:
        # A failure followed by a success: the payer tried again in the same checkout.
        if current in (Payment.Status.PENDING, Payment.Status.FAILURE):
            return Payment.Status.SUCCESS
        return current
    if gateway_status == liqpay.REVERSED:
        if current in (Payment.Status.PENDING, Payment.Status.SUCCESS):
            return Payment.Status.REVERSED
        return current
    if gateway_status in liqpay.FAILED or gateway_status == liqpay.SANDBOX:
        # `sandbox` where the sandbox is not allowed: a test payment, no money moved.
        return Payment.Status.FAILURE if current == Payment.Status.PENDING else current
    return current  # 3ds_verify, otp_verify, wait_*, processing, prepared, ...


def _check_matches(payment: Payment, message: dict[str, Any]) -> None:
    if str(message.get("order_id", "")) != payment.order_id:
        raise CallbackRefused("order_id does not match")
    if str(message.get("public_key", "")) != payment.public_key:
        raise CallbackRefused("public_key does not match the order's")
    if str(message.get("currency", "")) != payment.currency:
        raise CallbackRefused("currency does not match the order's")
    try:
        amount = liqpay.amount_of(message)
    except liqpay.InvalidMessage:
        raise CallbackRefused("amount is missing or not a number") from None
    if amount != payment.amount:
        raise CallbackRefused("amount does not match the order's")


_KEPT = (
    "action",
    "status",
    "payment_id",
    "order_id",
    "liqpay_order_id",
    "amount",
    "currency",
    "public_key",
    "paytype",
    "create_date",
    "end_date",
    "err_code",
    "err_description",
)


def _apply(*, payment_id: int, message: dict[str, Any], source: str, now: dt.datetime) -> Applied:
    """Apply a verified message to the payment under a row lock; the same message twice, or
    two at once, is recorded and applied once."""
    gateway_status = str(message.get("status", ""))
    with transaction.atomic():
        payment = (
            Payment.objects.select_for_update(of=("self",))
            .select_related("account__provider", "user")
            .get(pk=payment_id)
        )
        before = payment.status
        new = _new_status(payment, gateway_status)
        callback = PaymentCallback(
            payment=payment,
            source=source,
            digest=_digest(message),
            gateway_status=gateway_status[:30],
            gateway_payment_id=str(message.get("payment_id", ""))[:64],
            amount=message.get("amount") and liqpay.amount_of(message),
            received_at=now,
            outcome=f"{before} → {new}" if new != before else f"{before}, unchanged",
            body={key: str(message[key]) for key in _KEPT if key in message},
        )
        try:
            with transaction.atomic():
                callback.save()
        except IntegrityError:
            return Applied(payment=payment, changed=False, replayed=True)
        payment.gateway_status = gateway_status[:30]
        if message.get("payment_id"):
            payment.gateway_payment_id = str(message["payment_id"])[:64]
        if new == Payment.Status.SUCCESS and before != new:
            payment.paid_at = now
        if new == Payment.Status.REVERSED and before != new:
            payment.reversed_at = now
            if payment.paid_at is None:
                payment.paid_at = now
        payment.status = new
        payment.save()
        if new != before:
            audit_record(
                at=now,
                actor=None,
                action=f"payment.{new}",
                target=payment,
                provider=payment.account.provider,
                before={"status": before},
                after={
                    "status": new,
                    "gateway_status": gateway_status,
                    "gateway_payment_id": payment.gateway_payment_id,
                },
                reason=source,
            )
            # Counted once the transaction holds: a rolled-back change was never a payment.
            transaction.on_commit(lambda: payment_recorded(status=new))
        if new == Payment.Status.SUCCESS and before != new:
            transaction.on_commit(lambda: _enqueue_receipt(payment.pk))
    return Applied(payment=payment, changed=new != before, replayed=False)


def _enqueue_receipt(payment_id: int) -> None:
    from .tasks import receipt_send

    receipt_send.enqueue(payment_id)


def callback_receive(*, data: str, signature: str, now: dt.datetime) -> Applied:
    """Take LiqPay's server callback (or the sandbox's): verify it with the keys of the
    provider that owns the order, check it names the order's amount, currency and public key,
    and apply its status.

    Raises CallbackRefused for anything forged, altered, malformed or unknown.
    """
    if not data or not signature:
        raise CallbackRefused("data or signature missing")
    try:
        message = liqpay.decode_data(data)
    except liqpay.InvalidMessage:
        raise CallbackRefused("data is not base64 of a JSON object") from None
    order_id = str(message.get("order_id", ""))
    payment = (
        Payment.objects.filter(order_id=order_id).select_related("account__provider").first()
        if order_id
        else None
    )
    if payment is None:
        raise CallbackRefused("unknown order")
    keys = selectors.payment_keys(payment=payment)
    if keys is None or not liqpay.signature_valid(
        private_key=keys.private_key, data=data, signature=signature
    ):
        raise CallbackRefused("bad signature")
    _check_matches(payment, message)
    return _apply(
        payment_id=payment.pk, message=message, source=PaymentCallback.Source.CALLBACK, now=now
    )


def payment_status_check(
    *, payment: Payment, now: dt.datetime, transport: liqpay.Transport = liqpay.http_post
) -> Applied | None:
    """Ask the gateway for the status of `payment` (`action=status`) and apply the answer.

    Returns None when the gateway cannot be reached or answers nonsense (asked again later).
    """
    keys = selectors.payment_keys(payment=payment)
    if keys is None:
        return None
    Payment.objects.filter(pk=payment.pk).update(checked_at=now)
    try:
        answer = liqpay.api_request(
            url=keys.api_url,
            private_key=keys.private_key,
            params=liqpay.status_params(public_key=keys.public_key, order_id=payment.order_id),
            transport=transport,
        )
    except (OSError, liqpay.InvalidMessage) as error:
        logger.warning("LiqPay status of %s not known: %s", payment.order_id, error)
        return None
    if answer.get("err_code") == "payment_not_found":
        # The payer never paid: the gateway has no payment for the order.
        answer = {"status": "failure", "err_code": "payment_not_found"}
    else:
        try:
            _check_matches(payment, answer)
        except CallbackRefused as refusal:
            logger.warning("LiqPay status of %s refused: %s", payment.order_id, refusal.reason)
            return None
    return _apply(
        payment_id=payment.pk, message=answer, source=PaymentCallback.Source.STATUS, now=now
    )


def payments_check_pending(
    *, now: dt.datetime, transport: liqpay.Transport = liqpay.http_post
) -> int:
    """Ask the gateway about every order pending for more than 15 minutes (and less than two
    days) that was not asked about in the last 15; return how many were settled."""
    quiet = (
        Payment.objects.filter(
            status=Payment.Status.PENDING,
            created_at__lt=now - QUIET_AFTER,
            created_at__gte=now - GIVE_UP_AFTER,
        )
        .exclude(checked_at__gte=now - QUIET_AFTER)
        .select_related("account__provider")
        .order_by("created_at")
    )
    settled = 0
    for payment in quiet:
        applied = payment_status_check(payment=payment, now=now, transport=transport)
        if applied is not None and applied.changed:
            settled += 1
    return settled


# --- merchant settings ------------------------------------------------------------------------

MERCHANT_FIELDS = ("legal_name", "edrpou", "iban", "liqpay_public_key", "liqpay_private_key")
SECRET = "liqpay_private_key"  # noqa: S105 - the field's name, not a password


def _merchant_snapshot(merchant: Merchant) -> dict[str, str]:
    snapshot = {name: getattr(merchant, name) for name in MERCHANT_FIELDS if name != SECRET}
    # Never the key itself: only whether one is set, and a change shows as a change.
    snapshot[SECRET] = "set" if merchant.liqpay_private_key else ""
    return snapshot


def merchant_update(
    *, provider: Provider, changes: dict[str, str], actor, now: dt.datetime
) -> Merchant:
    """Change a provider's merchant settings; audited with the values before and after, the
    private key only as "set"/"changed". An empty private key keeps the one stored.

    Raises ValidationError (EDRPOU of 8 to 10 digits, a Ukrainian IBAN, both keys or none).
    """
    unknown = set(changes) - set(MERCHANT_FIELDS)
    if unknown:
        raise ValueError(f"not a merchant setting: {sorted(unknown)}")
    with transaction.atomic():
        merchant, _created = Merchant.objects.select_for_update().get_or_create(provider=provider)
        before = _merchant_snapshot(merchant)
        key_changed = False
        for name, value in changes.items():
            value = (value or "").strip()
            if name == "iban":
                value = value.replace(" ", "").upper()
            if name == SECRET:
                if not value or value == merchant.liqpay_private_key:
                    continue
                key_changed = True
            setattr(merchant, name, value)
        if bool(merchant.liqpay_public_key) != bool(merchant.liqpay_private_key):
            raise ValidationError({"liqpay_private_key": _("Give both LiqPay keys, or neither.")})
        merchant.full_clean()
        after = _merchant_snapshot(merchant)
        if key_changed and before[SECRET]:
            after[SECRET] = "changed"
        if after == before:
            return merchant
        merchant.updated_at = now
        merchant.save()
        audit_record(
            at=now,
            actor=actor,
            action="merchant.settings_changed",
            target=merchant,
            provider=provider,
            before={k: v for k, v in before.items() if after[k] != v},
            after={k: v for k, v in after.items() if before[k] != v},
        )
    return merchant


def merchant_bank_details_ensure(
    *, details: dict[str, tuple[str, str, str]], now: dt.datetime
) -> int:
    """Give providers (by code) a legal name, EDRPOU code and IBAN where they have none yet
    (the demo's town); audited like an operator's change. Returns how many were set."""
    changed = 0
    for provider in Provider.objects.filter(code__in=details).order_by("code"):
        merchant = selectors.merchant_of(provider)
        if merchant is not None and merchant.has_bank_details:
            continue
        legal_name, edrpou, iban = details[provider.code]
        merchant_update(
            provider=provider,
            changes={"legal_name": legal_name, "edrpou": edrpou, "iban": iban},
            actor=None,
            now=now,
        )
        changed += 1
    return changed


def merchant_keys_clear(*, provider: Provider, actor, now: dt.datetime) -> None:
    """Remove the provider's LiqPay keys (it stops taking payments, or uses the sandbox)."""
    with transaction.atomic():
        merchant = Merchant.objects.select_for_update().filter(provider=provider).first()
        if merchant is None or not merchant.has_keys:
            return
        merchant.liqpay_public_key = ""
        merchant.liqpay_private_key = ""
        merchant.updated_at = now
        merchant.save()
        audit_record(
            at=now,
            actor=actor,
            action="merchant.keys_removed",
            target=merchant,
            provider=provider,
            before={"liqpay_public_key": "set", SECRET: "set"},
            after={"liqpay_public_key": "", SECRET: ""},
        )


# --- receipts and paperless statements --------------------------------------------------------


def receipt_send(*, payment_id: int) -> bool:
    """Mail the receipt of a successful payment, PDF attached, in the payer's language."""
    from .receipt_pdf import receipt_pdf

    payment = (
        Payment.objects.select_related("account__provider", "user")
        .filter(pk=payment_id, status=Payment.Status.SUCCESS)
        .first()
    )
    if payment is None or payment.user is None or not payment.user.email:
        return False
    preference = PaperlessPreference.objects.filter(user=payment.user).first()
    language = preference.language if preference else settings.LANGUAGE_CODE
    merchant = selectors.merchant_of(payment.account.provider)
    with translation.override(language):
        context = {"payment": payment, "merchant": merchant, "site_url": settings.SITE_URL}
        message = EmailMessage(
            subject=_("Receipt for your payment %(order)s") % {"order": payment.order_id},
            body=render_to_string("payments/mail/receipt.txt", context),
            to=[payment.user.email],
        )
        message.attach(
            f"receipt-{payment.order_id}.pdf",
            receipt_pdf(payment=payment, merchant=merchant),
            "application/pdf",
        )
        message.send()
    return True


def paperless_set(*, user, enabled: bool, language: str, now: dt.datetime) -> PaperlessPreference:
    """Switch statements by e-mail on or off for `user`, in `language`."""
    preference, _created = PaperlessPreference.objects.update_or_create(
        user=user, defaults={"enabled": enabled, "language": language, "updated_at": now}
    )
    return preference


def statements_send(*, now: dt.datetime) -> int:
    """Mail each opted-in subscriber the newest statement of each linked account, once per
    account and period, in their language; return how many went out."""

    sent = 0
    preferences = PaperlessPreference.objects.filter(
        enabled=True, user__is_active=True
    ).select_related("user")
    for preference in preferences:
        user = preference.user
        if not user.email:
            continue
        for account in accessible_accounts(user=user).select_related("provider", "street"):
            period = selectors.last_billed_period(account=account)
            if period is None:
                continue
            try:
                with transaction.atomic():
                    StatementMailed.objects.create(
                        user=user, account=account, period=period, sent_at=now
                    )
                    with translation.override(preference.language):
                        statement = account_statement(account=account, period=period)
                        context = {
                            "account": account,
                            "period": period,
                            "site_url": settings.SITE_URL,
                        }
                        message = EmailMessage(
                            subject=_("Your statement for %(period)s, account %(number)s")
                            % {"period": format_period(period), "number": account.number},
                            body=render_to_string("payments/mail/statement.txt", context),
                            to=[user.email],
                        )
                        message.attach(
                            f"statement-{account.number}-{format_period(period)}.pdf",
                            statement_pdf(
                                statement=statement,
                                payment_qr=account_qr_png(
                                    account=account, amount=statement.month.closing
                                ),
                            ),
                            "application/pdf",
                        )
                        message.send()
            except IntegrityError:
                continue  # mailed already (or by a run alongside this one)
            sent += 1
    return sent
