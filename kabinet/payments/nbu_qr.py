"""The National Bank of Ukraine's payment QR code for a credit transfer.

Built to the NBU's rules for the QR code of credit and instant credit transfers (постанова
Правління НБУ № 97 of 19 August 2025, in force from 1 November 2025), format 003: seventeen
elements separated by LF, in UTF-8 (encoding `1`), base64url without padding after the
address `https://qr.bank.gov.ua/`. A banking app that reads it fills in the recipient, the
IBAN, the EDRPOU code, the amount and a purpose that holds the account number.

The image is a QR code of version 10 to 20 with error correction M, drawn by segno (pure
Python): SVG for the pages, PNG for the PDFs.
"""

import base64
import io
from dataclasses import dataclass
from decimal import Decimal

import segno

ADDRESS = "https://qr.bank.gov.ua/"
SERVICE_MARK = "BCD"
FORMAT = "003"
ENCODING_UTF8 = "1"
FUNCTION = "UCT"  # a credit transfer
MIN_VERSION, MAX_VERSION = 10, 20
MAX_RECIPIENT, MAX_PURPOSE, MAX_DISPLAY = 140, 420, 140
ELEMENTS = (
    "service_mark",
    "format",
    "encoding",
    "function",
    "unique_recipient_id",
    "recipient",
    "iban",
    "amount",
    "recipient_code",
    "category_purpose",
    "reference",
    "purpose",
    "display",
    "field_lock",
    "valid_until",
    "created_at",
    "signature",
)


class QrDetailsMissing(Exception):
    """The provider's legal name, EDRPOU code or IBAN is not set: no QR code can be built."""


@dataclass(frozen=True)
class Transfer:
    """What the QR code asks a banking app to pay."""

    recipient: str
    iban: str
    recipient_code: str
    amount: Decimal | None
    purpose: str
    display: str = ""


def _clean(text: str, limit: int) -> str:
    # An LF inside an element would shift every element after it.
    return " ".join(text.split())[:limit]


def payload(transfer: Transfer) -> str:
    """Return the text the QR code holds: the address followed by the base64url data."""
    if not (transfer.recipient and transfer.iban and transfer.recipient_code):
        raise QrDetailsMissing
    amount = ""
    if transfer.amount is not None and transfer.amount > 0:
        amount = f"UAH{transfer.amount.quantize(Decimal('0.01'))}"
    elements = {
        "service_mark": SERVICE_MARK,
        "format": FORMAT,
        "encoding": ENCODING_UTF8,
        "function": FUNCTION,
        "unique_recipient_id": "",
        "recipient": _clean(transfer.recipient, MAX_RECIPIENT),
        "iban": transfer.iban.replace(" ", ""),
        "amount": amount,
        "recipient_code": transfer.recipient_code,
        "category_purpose": "",
        "reference": "",
        "purpose": _clean(transfer.purpose, MAX_PURPOSE),
        "display": _clean(transfer.display, MAX_DISPLAY),
        "field_lock": "",
        "valid_until": "",
        "created_at": "",
        "signature": "",
    }
    data = "\n".join(elements[name] for name in ELEMENTS).encode("utf-8")
    return ADDRESS + base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def parse(text: str) -> dict[str, str]:
    """Return the elements of a payload by name (the reverse of `payload`); raises ValueError."""
    if not text.startswith(ADDRESS):
        raise ValueError("not an NBU payment QR code")
    encoded = text[len(ADDRESS) :]
    data = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode("utf-8")
    values = data.split("\n")
    if len(values) != len(ELEMENTS):
        raise ValueError(f"{len(values)} elements instead of {len(ELEMENTS)}")
    return dict(zip(ELEMENTS, values, strict=True))


def qr_code(text: str) -> segno.QRCode:
    """Return the QR code of `text`: error correction M, version 10 to 20."""
    code = segno.make_qr(text, error="m", boost_error=False)
    if code.version < MIN_VERSION:  # type: ignore[operator]
        code = segno.make_qr(text, error="m", version=MIN_VERSION, boost_error=False)
    if code.version > MAX_VERSION:  # type: ignore[operator]
        raise ValueError("the transfer's details do not fit a QR code of version 20")
    return code


def svg(text: str, *, title: str) -> str:
    """Return the QR code as an inline SVG element with a text alternative."""
    out = io.BytesIO()
    qr_code(text).save(
        out, kind="svg", scale=4, border=4, xmldecl=False, svgns=True, title=title, nl=False
    )
    return out.getvalue().decode("utf-8")


def png(text: str, *, scale: int = 6) -> bytes:
    """Return the QR code as a PNG image."""
    out = io.BytesIO()
    qr_code(text).save(out, kind="png", scale=scale, border=4)
    return out.getvalue()
