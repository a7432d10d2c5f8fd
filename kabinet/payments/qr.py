"""The NBU payment QR code of an account: the provider's bank details, the amount due, and a
purpose that holds the account number."""

from decimal import Decimal

from django.utils.translation import gettext_lazy

from kabinet.billing.models import Account
from kabinet.billing.statement_pdf import PaymentQr

from . import nbu_qr, selectors

CAPTION = gettext_lazy(
    "Scan with your banking app: the utility's bank details, the amount and your account "
    "number in the payment purpose are filled in."
)


def account_transfer(*, account: Account, amount: Decimal | None) -> nbu_qr.Transfer | None:
    """Return the transfer that pays `account` (None when the provider's legal name, EDRPOU
    code or IBAN is not set)."""
    merchant = selectors.merchant_of(account.provider)
    if merchant is None or not merchant.has_bank_details:
        return None
    # Always Ukrainian: the purpose is what the utility's bank statement shows.
    purpose = (
        f"Оплата послуг {account.provider.name}, особовий рахунок {account.number}, "
        f"{account.surname}"
    )
    return nbu_qr.Transfer(
        recipient=merchant.legal_name,
        iban=merchant.iban,
        recipient_code=merchant.edrpou,
        amount=amount if amount is not None and amount > 0 else None,
        purpose=purpose,
        display=f"{account.provider.name}, {account.number}",
    )


def account_qr_payload(*, account: Account, amount: Decimal | None) -> str | None:
    """Return the QR code's text for paying `account`, or None without bank details."""
    transfer = account_transfer(account=account, amount=amount)
    return None if transfer is None else nbu_qr.payload(transfer)


def account_qr_png(*, account: Account, amount: Decimal | None) -> PaymentQr | None:
    """Return the QR code as PNG with its caption for a PDF, or None without bank details."""
    text = account_qr_payload(account=account, amount=amount)
    return None if text is None else PaymentQr(image=nbu_qr.png(text), caption=str(CAPTION))
