"""Receipts (page, PDF, mail) and statements by e-mail, once per period, in the chosen language."""

import datetime as dt

import pytest
from django.utils import timezone

from kabinet.payments import mail
from kabinet.payments.models import Payment, StatementMailed

from .conftest import NOVEMBER


@pytest.fixture
def paid(owing, make_payment, subscriber, bank_details):
    return make_payment(
        owing,
        user=subscriber,
        status=Payment.Status.SUCCESS,
        paid_at=timezone.make_aware(dt.datetime(2026, 12, 2, 10, 30)),
        gateway_payment_id="2000000001",
    )


def test_the_receipt_page_names_the_provider_account_amount_time_and_gateway_id(signed_in, paid):
    page = signed_in.get(f"/cabinet/payments/{paid.order_id}/receipt/").content.decode()

    for text in ("КП «Водоканал» міської ради", "03327664", "0012345", "297.78", "2000000001"):
        assert text in page.replace("&laquo;", "«").replace("&raquo;", "»")


def test_the_receipt_pdf_is_a_pdf_with_the_same_facts(signed_in, paid):
    from kabinet.payments.receipt_pdf import receipt_pdf

    response = signed_in.get(f"/cabinet/payments/{paid.order_id}/receipt.pdf")
    readable = receipt_pdf(payment=paid, merchant=paid.account.provider.merchant, compress=False)

    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert b"no-store" in response["Cache-Control"].encode()
    assert readable.startswith(b"%PDF")


def test_someone_elses_receipt_is_not_found(client, paid, django_user_model):
    other = django_user_model.objects.create_user(username="petro", password="x")
    client.force_login(other)

    assert client.get(f"/cabinet/payments/{paid.order_id}/receipt/").status_code == 404
    assert client.get(f"/cabinet/payments/{paid.order_id}/receipt.pdf").status_code == 404
    assert client.get(f"/cabinet/payments/{paid.order_id}/").status_code == 404


def test_a_pending_order_has_no_receipt(signed_in, owing, make_payment):
    pending = make_payment(owing)

    assert signed_in.get(f"/cabinet/payments/{pending.order_id}/receipt/").status_code == 404


def test_the_receipt_is_mailed_in_the_payers_language(paid, subscriber, mailoutbox):
    mail.paperless_set(user=subscriber, enabled=False, language="uk", now=timezone.now())

    assert mail.receipt_send(payment_id=paid.pk)

    assert mailoutbox[0].subject.startswith("Квитанція")
    assert "0012345" in mailoutbox[0].body


def test_paperless_mails_each_new_statement_once_in_the_chosen_language(
    signed_in, owing, subscriber, mailoutbox, make_ledger
):
    response = signed_in.post("/cabinet/paperless/", {"enabled": "on", "language": "ru"})
    assert response.status_code == 302

    first = mail.statements_send(now=timezone.now())
    again = mail.statements_send(now=timezone.now())
    make_ledger(owing, dt.date(2026, 12, 1), "balance", "297.78")
    next_month = mail.statements_send(now=timezone.now())

    assert (first, again, next_month) == (1, 0, 1)
    assert "2026-11" in mailoutbox[0].subject
    assert mailoutbox[0].subject.startswith("Ваш")  # Russian: «Ваша квитанция ...»
    assert mailoutbox[0].attachments[0][2] == "application/pdf"
    assert StatementMailed.objects.filter(user=subscriber, account=owing).count() == 2
    assert StatementMailed.objects.filter(period=NOVEMBER).exists()


def test_no_opt_in_no_statement_mail(owing, subscriber, mailoutbox):
    assert mail.statements_send(now=timezone.now()) == 0
    assert mailoutbox == []
