"""Paying the bill in a real browser, at a phone's size: the Pay page with the NBU QR code,
the sandbox gateway (its server callback posted over HTTP to the portal, as LiqPay posts it),
the receipt, the debt shown as paid and pending; the operator sees the payment, the export
lists it, and a ledger carrying its reference makes it matched, not counted twice."""

import csv
import io
import re

import pytest
from django.core.management import call_command

from tests.e2e.conftest import PASSWORD, plain, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def payments_sandbox(settings, live_server, home):
    """The sandbox on, links built from the live server's address, the utility's bank details."""
    from kabinet.payments.models import Merchant

    settings.PAYMENTS_SANDBOX = True
    settings.SITE_URL = live_server.url
    Merchant.objects.create(
        provider=home.owing.provider,
        legal_name="КП «Водоканал» міської ради",
        edrpou="03327664",
        iban="UA203052990000026001000000101",
    )
    return settings


@pytest.fixture
def operator(home, django_user_model):
    from allauth.account.models import EmailAddress

    user = django_user_model.objects.create_user(
        username="operator", email="operator@example.com", password=PASSWORD, is_staff=True
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    home.owing.provider.operators.add(user)
    return user


def test_a_subscriber_pays_the_debt_in_the_sandbox_and_sees_it_paid_and_pending(
    live_server, open_tab, home, payments_sandbox, operator, assert_accessible, tmp_path
):
    from playwright.sync_api import expect

    from kabinet.payments.models import Payment

    tab = open_tab()
    page = tab.page
    sign_in(page, live_server.url)

    # The cabinet's card leads to Pay; the debt is filled in, the QR code is beside it.
    card = page.locator("article.account-card").nth(0)
    card.locator(".card-pay a").click()
    page.wait_for_url(f"**/cabinet/accounts/{home.owing.pk}/pay/")
    amount = page.locator("input[name=amount]")
    assert amount.input_value() == "1400.00"
    expect(page.locator("figure.payment-qr svg")).to_be_visible()
    assert_accessible(page)

    page.locator("form.pay-form button[type=submit]").click()
    expect(page.locator("form.checkout-form")).to_be_visible()
    assert_accessible(page)
    page.locator("form.checkout-form button[type=submit]").click()

    # The sandbox's checkout: the amount and the description, Pay and Decline.
    page.wait_for_url("**/sandbox/liqpay/checkout/")
    assert plain(page.locator(".sandbox-amount").inner_text()) == "1 400,00 ₴"
    assert "0012345" in page.locator(".sandbox-description").inner_text()
    assert_accessible(page)
    page.locator("button[value=pay]").click()

    # Back in the portal: the callback came first, so the result is already known.
    page.wait_for_url(re.compile(r".*/cabinet/payments/kb-[0-9a-f]+/$"))
    expect(page.locator(".payment-status.status-success")).to_be_visible()
    assert_accessible(page)
    payment = Payment.objects.get(account=home.owing)
    assert payment.status == Payment.Status.SUCCESS
    assert payment.gateway == Payment.Gateway.SANDBOX

    page.locator("main a.button", has_text="Квитанція").click()
    page.wait_for_url(f"**/cabinet/payments/{payment.order_id}/receipt/")
    receipt = page.locator("article.receipt").inner_text()
    assert "03327664" in receipt and payment.gateway_payment_id in receipt
    assert_accessible(page)

    page.goto(f"{live_server.url}/cabinet/accounts/{home.owing.pk}/")
    expect(page.locator("li.pending-payment")).to_have_count(1)
    assert page.locator("p.debt-after").get_attribute("data-after") == "0.00"
    assert_accessible(page)
    page.goto(f"{live_server.url}/cabinet/")
    assert "1 400,00 ₴" in plain(page.locator(".card-pending").first.inner_text())
    assert_accessible(page)
    assert tab.problems == []

    # The operator sees it.
    back_office = open_tab().page
    sign_in_operator(back_office, live_server.url)
    back_office.goto(f"{live_server.url}/backoffice/payments/")
    expect(back_office.locator(f"tr[data-order='{payment.order_id}']")).to_be_visible()
    assert_accessible(back_office)
    back_office.goto(f"{live_server.url}/backoffice/payments/{payment.pk}/")
    expect(back_office.locator(".callbacks-table tbody tr")).to_have_count(1)
    assert_accessible(back_office)

    # export_payments lists it; the billing system echoes it back as the ledger's reference.
    target = tmp_path / "payments.csv"
    paid_month = f"{payment.paid_at:%Y-%m}"
    call_command(
        "export_payments", "--provider", "vodokanal", "--period", paid_month, "--output", target
    )
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert [(r["order_id"], r["amount"], r["status"]) for r in rows] == [
        (payment.order_id, "1400.00", "success")
    ]
    ledger_with_reference(home, payment)

    page.goto(f"{live_server.url}/cabinet/accounts/{home.owing.pk}/")
    expect(page.locator("li.pending-payment")).to_have_count(0)
    assert page.locator("p.account-balance .settled").count() == 1  # 0.00: not counted twice
    assert_accessible(page)


def sign_in_operator(page, base_url: str) -> None:
    page.goto(f"{base_url}/login/")
    page.fill("input[name=login]", "operator")
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/cabinet/")


def ledger_with_reference(home, payment) -> None:
    """The next period's ledger as the billing system sends it: the payment, its reference."""
    from decimal import Decimal

    from kabinet.billing.models import LedgerEntry
    from kabinet.periods import add_months

    period = add_months(home.last_period, 1)
    LedgerEntry.objects.bulk_create(
        [
            LedgerEntry(
                account=home.owing, period=period, kind="balance", amount=Decimal("1400.00")
            ),
            LedgerEntry(
                account=home.owing,
                period=period,
                kind="payment",
                amount=Decimal("1400.00"),
                payment_date=payment.paid_at.date(),
                reference=payment.order_id,
                position=1,
            ),
        ]
    )
