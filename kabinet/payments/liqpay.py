"""LiqPay's API version 3, written from its public documentation (liqpay.ua/documentation).

Every request and every callback is two form fields: `data`, the base64 of a JSON object, and
`signature`, base64(sha1(private_key + data + private_key)). The checkout is a browser form
posted to /api/3/checkout; server-to-server calls (`action=status`) are posted to
/api/request and answered with JSON. LiqPay's own SDKs are unmaintained or Python 2 only
(docs/decisions.md); this is the whole protocol.
"""

import base64
import binascii
import hashlib
import hmac
import json
import urllib.parse
import urllib.request
from collections.abc import Callable
from decimal import Decimal
from typing import Any

VERSION = 3
# Statuses that settle an order; every other one (3ds_verify, otp_verify, wait_*, processing,
# prepared, ...) leaves it pending.
SUCCESS = "success"
SANDBOX = "sandbox"
FAILED = ("failure", "error")
REVERSED = "reversed"
TIMEOUT_SECONDS = 20


class InvalidMessage(Exception):
    """`data` is not base64 of a JSON object, or a field is missing or malformed."""


def encode_data(params: dict[str, Any]) -> str:
    """Return `data`: the base64 of the JSON of `params` (non-ASCII kept as UTF-8)."""
    text = json.dumps(params, ensure_ascii=False, separators=(",", ":"), default=str)
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def sign(*, private_key: str, data: str) -> str:
    """Return the signature of `data`: base64(sha1(private_key + data + private_key))."""
    digest = hashlib.sha1(  # noqa: S324 - the protocol's own choice, not ours
        (private_key + data + private_key).encode("utf-8")
    ).digest()
    return base64.b64encode(digest).decode("ascii")


def signature_valid(*, private_key: str, data: str, signature: str) -> bool:
    """Tell whether `signature` is the signature of `data`, compared in constant time."""
    if not private_key or not data or not signature:
        return False
    expected = sign(private_key=private_key, data=data)
    return hmac.compare_digest(expected.encode("ascii"), signature.encode("utf-8", "replace"))


def decode_data(data: str) -> dict[str, Any]:
    """Return the JSON object inside `data`; raises InvalidMessage."""
    try:
        raw = base64.b64decode(data.encode("ascii"), validate=True)
        decoded = json.loads(raw.decode("utf-8"), parse_float=Decimal)
    except (UnicodeError, binascii.Error, ValueError) as error:
        raise InvalidMessage("data is not base64 of JSON") from error
    if not isinstance(decoded, dict):
        raise InvalidMessage("data is not a JSON object")
    return decoded


def amount_of(message: dict[str, Any]) -> Decimal:
    """Return the message's `amount` as Decimal; raises InvalidMessage."""
    try:
        return Decimal(str(message["amount"])).quantize(Decimal("0.01"))
    except (KeyError, ArithmeticError, ValueError) as error:
        raise InvalidMessage("amount") from error


def checkout_params(
    *,
    public_key: str,
    amount: Decimal,
    description: str,
    order_id: str,
    result_url: str,
    server_url: str,
    language: str,
) -> dict[str, Any]:
    """Return the parameters of a checkout (`action=pay`, UAH)."""
    return {
        "version": VERSION,
        "public_key": public_key,
        "action": "pay",
        "amount": str(amount),
        "currency": "UAH",
        "description": description,
        "order_id": order_id,
        "result_url": result_url,
        "server_url": server_url,
        "language": language if language in ("uk", "en") else "uk",
    }


def status_params(*, public_key: str, order_id: str) -> dict[str, Any]:
    """Return the parameters of a status query (`action=status`)."""
    return {"action": "status", "version": VERSION, "public_key": public_key, "order_id": order_id}


# How a form is posted to the gateway: urllib, replaceable in tests by a stand-in that hands
# the request to the sandbox's own view.
Transport = Callable[[str, dict[str, str]], bytes]


def http_post(url: str, fields: dict[str, str]) -> bytes:
    """POST `fields` as a form to `url` and return the body of the answer."""
    if not url.startswith(("https://", "http://")):
        raise ValueError(f"not an HTTP address: {url}")
    body = urllib.parse.urlencode(fields).encode("ascii")
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
        url, data=body, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as answer:  # noqa: S310
        return answer.read()


def api_request(
    *, url: str, private_key: str, params: dict[str, Any], transport: Transport = http_post
) -> dict[str, Any]:
    """Post a signed server-to-server request and return the JSON answer.

    Raises InvalidMessage when the answer is not a JSON object, OSError when the gateway
    cannot be reached.
    """
    data = encode_data(params)
    raw = transport(url, {"data": data, "signature": sign(private_key=private_key, data=data)})
    try:
        answer = json.loads(raw.decode("utf-8"), parse_float=Decimal)
    except (UnicodeError, ValueError) as error:
        raise InvalidMessage("the answer is not JSON") from error
    if not isinstance(answer, dict):
        raise InvalidMessage("the answer is not a JSON object")
    return answer
