"""What the gateway says about an order, applied to the payment: LiqPay's server callback, and
the status asked for (`action=status`) when an order goes quiet and no callback came."""

import datetime as dt
import hashlib
import json
import logging
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction

from kabinet.audit.services import audit_record
from kabinet.metrics import payment_recorded

from . import liqpay, sandbox, selectors
from .models import Payment, PaymentCallback

logger = logging.getLogger(__name__)

# An order the gateway has said nothing about for this long is asked about (action=status).
QUIET_AFTER = dt.timedelta(minutes=15)
# Orders are asked about for two days; after that only an operator can settle them.
GIVE_UP_AFTER = dt.timedelta(days=2)


@dataclass(frozen=True)
class Applied:
    """What a gateway's message did: the payment after it, and whether it changed anything."""

    payment: Payment
    changed: bool
    replayed: bool


class CallbackRefused(Exception):
    """A message from the gateway was not accepted; `reason` is for the log (no posted data)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


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
