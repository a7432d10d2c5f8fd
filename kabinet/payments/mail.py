"""Receipts and paperless statements by mail, and a subscriber's choice of statements by
e-mail."""

import datetime as dt

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from kabinet.billing.statement_pdf import statement_pdf
from kabinet.metering.selectors import account_statement
from kabinet.periods import format_period
from kabinet.subscribers.access import accessible_accounts

from . import selectors
from .models import PaperlessPreference, Payment, StatementMailed
from .qr import account_qr_png


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
