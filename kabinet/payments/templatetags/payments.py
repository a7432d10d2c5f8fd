"""Payments on the billing pages: what is paid and awaiting confirmation, Pay, the QR code."""

from decimal import Decimal

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

from kabinet.billing.models import Account
from kabinet.payments import nbu_qr, qr, selectors

register = template.Library()


@register.inclusion_tag("payments/_account_panel.html")
def account_payments(account: Account, balance: Decimal | None) -> dict:
    """The account page's panel: payments awaiting confirmation, the debt net of them, Pay."""
    panel = selectors.pending_panel(account=account, balance=balance, now=timezone.now())
    return {"account": account, "panel": panel}


@register.simple_tag
def pending_totals_for(cards) -> dict[int, Decimal]:
    """Return, for the cabinet's cards, each account's total awaiting confirmation (one query)."""
    return selectors.pending_totals(account_ids=[card.account.pk for card in cards])


@register.inclusion_tag("payments/_card_pay.html")
def card_payments(card, pending: dict[int, Decimal]) -> dict:
    """A cabinet card's line: paid and awaiting confirmation, the debt net of it, Pay."""
    paid = pending.get(card.account.pk)
    after = None
    if paid is not None and card.balance is not None:
        after = card.balance - paid
    return {"card": card, "account": card.account, "paid": paid, "after": after}


@register.inclusion_tag("payments/_qr.html")
def payment_qr(account: Account, amount: Decimal | None) -> dict:
    """The NBU payment QR code for `account` and `amount` (nothing without bank details)."""
    text = qr.account_qr_payload(account=account, amount=amount)
    svg = nbu_qr.svg(text, title=_("QR code to pay by a banking app")) if text else ""
    return {"svg": svg, "payload": text}
