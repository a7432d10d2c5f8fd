"""The portal's own stand-in for LiqPay (demo and tests, `KABINET_PAYMENTS_SANDBOX=1`).

It speaks LiqPay's protocol to the letter (kabinet.payments.liqpay): it takes the checkout's
`data` and `signature`, asks the subscriber to pay or decline, posts a signed server callback
to `server_url` and sends the browser to `result_url`; it answers `action=status` from its own
table. A provider without LiqPay keys gets keys of its own here, derived from the portal's
secret key, so nothing about it has to be configured.
"""

import datetime as dt
import secrets
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.crypto import salted_hmac

from . import liqpay
from .models import SandboxTransaction

PUBLIC_PREFIX = "sandbox_"


class SandboxRefused(Exception):
    """The request is not one the sandbox takes (unknown key, bad signature, bad data)."""


def sandbox_allowed() -> bool:
    """Tell whether the sandbox gateway is switched on (never in production settings)."""
    return bool(settings.PAYMENTS_SANDBOX)


def sandbox_public_key(provider_code: str) -> str:
    return f"{PUBLIC_PREFIX}{provider_code}"


def sandbox_private_key(public_key: str) -> str:
    """Return the sandbox's private key for `public_key`: derived, never stored."""
    return salted_hmac("kabinet.payments.sandbox", public_key).hexdigest()


@dataclass(frozen=True)
class SandboxOrder:
    """A checkout the sandbox was given: its parameters as decoded, and the raw form."""

    params: dict[str, Any]
    data: str
    signature: str

    @property
    def amount(self) -> Decimal:
        return liqpay.amount_of(self.params)


def sandbox_order(*, data: str, signature: str) -> SandboxOrder:
    """Check a checkout or status request as LiqPay would; raises SandboxRefused."""
    if not sandbox_allowed():
        raise SandboxRefused("the sandbox is switched off")
    try:
        params = liqpay.decode_data(data)
    except liqpay.InvalidMessage as error:
        raise SandboxRefused("data") from error
    public_key = str(params.get("public_key", ""))
    if not public_key.startswith(PUBLIC_PREFIX):
        raise SandboxRefused("public_key")
    if not liqpay.signature_valid(
        private_key=sandbox_private_key(public_key), data=data, signature=signature
    ):
        raise SandboxRefused("signature")
    if not params.get("order_id"):
        raise SandboxRefused("order_id")
    return SandboxOrder(params=params, data=data, signature=signature)


def _message(transaction_row: SandboxTransaction, params: dict[str, Any]) -> dict[str, Any]:
    stamp = int(transaction_row.created_at.timestamp() * 1000)
    message: dict[str, Any] = {
        "action": "pay",
        "payment_id": int(transaction_row.payment_id),
        "status": transaction_row.status,
        "version": liqpay.VERSION,
        "type": "buy",
        "paytype": "card",
        "public_key": transaction_row.public_key,
        "acq_id": 414963,
        "order_id": transaction_row.order_id,
        "liqpay_order_id": f"SANDBOX{transaction_row.payment_id}",
        "description": transaction_row.description,
        "amount": float(transaction_row.amount),
        "currency": transaction_row.currency,
        "create_date": stamp,
        "end_date": stamp,
        "transaction_id": int(transaction_row.payment_id),
    }
    if transaction_row.status == "failure":
        message["err_code"] = "cancel"
        message["err_description"] = "Declined by the payer"
    return message


def sandbox_decide(*, order: SandboxOrder, pay: bool, now: dt.datetime) -> SandboxTransaction:
    """Record the payer's choice (pay or decline) once per order; a second press finds the first."""
    params = order.params
    public_key = str(params["public_key"])
    order_id = str(params["order_id"])
    try:
        with transaction.atomic():
            return SandboxTransaction.objects.create(
                public_key=public_key,
                order_id=order_id,
                payment_id=str(secrets.randbelow(10**9) + 10**9),
                # LiqPay reports a payment made in its sandbox mode as `sandbox`.
                status=liqpay.SANDBOX if pay else "failure",
                amount=order.amount,
                currency=str(params.get("currency", "")),
                description=str(params.get("description", ""))[:300],
                created_at=now,
            )
    except IntegrityError:
        return SandboxTransaction.objects.get(public_key=public_key, order_id=order_id)


def sandbox_callback(*, transaction_row: SandboxTransaction, params: dict[str, Any]) -> dict:
    """Return the server callback's form fields for a decided order, signed as LiqPay signs."""
    data = liqpay.encode_data(_message(transaction_row, params))
    private_key = sandbox_private_key(transaction_row.public_key)
    return {"data": data, "signature": liqpay.sign(private_key=private_key, data=data)}


def sandbox_status(*, order: SandboxOrder) -> dict[str, Any]:
    """Answer `action=status` as LiqPay does: the order's last state, or `payment_not_found`."""
    if order.params.get("action") != "status":
        return {"result": "error", "status": "error", "err_code": "invalid_action"}
    row = SandboxTransaction.objects.filter(
        public_key=order.params["public_key"], order_id=str(order.params["order_id"])
    ).first()
    if row is None:
        return {
            "result": "error",
            "status": "error",
            "err_code": "payment_not_found",
            "err_description": "payment not found",
        }
    return {"result": "ok", **_message(row, order.params)}
