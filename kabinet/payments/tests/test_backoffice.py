"""The operators' pages: payments with filters, one payment's messages, unmatched, totals per
day, the export, and merchant settings with a write-only private key, audited."""

import datetime as dt

import pytest
from django.utils import timezone

from kabinet.audit.models import AuditEntry
from kabinet.payments.models import Merchant, Payment

from .conftest import liqpay_message, signed


@pytest.fixture
def operator(db, django_user_model, vodokanal):
    user = django_user_model.objects.create_user(username="oper", password="x", is_staff=True)
    vodokanal.operators.add(user)
    return user


@pytest.fixture
def bo(client, operator):
    client.force_login(operator)
    return client


@pytest.fixture
def payments(owing, make_payment, make_account, gas):
    at = timezone.now() - dt.timedelta(days=12)
    paid = make_payment(owing, status=Payment.Status.SUCCESS, paid_at=at)
    pending = make_payment(owing, "10.00")
    foreign = make_payment(make_account("G-1", provider=gas), "5.00")
    return paid, pending, foreign


def test_the_list_shows_only_the_operators_providers_and_filters(bo, payments):
    paid, pending, foreign = payments

    everything = bo.get("/backoffice/payments/").content.decode()
    only_success = bo.get("/backoffice/payments/?status=success").content.decode()
    not_matched = bo.get("/backoffice/payments/?matched=no").content.decode()

    assert paid.order_id in everything and pending.order_id in everything
    assert foreign.order_id not in everything
    assert pending.order_id not in only_success
    assert paid.order_id in not_matched


def test_a_bad_filter_is_said_and_nothing_breaks(bo, payments):
    response = bo.get("/backoffice/payments/?period=2026-13&status=bogus")

    assert response.status_code == 200
    assert "YYYY-MM" in response.content.decode()


def test_a_payment_shows_its_messages_from_the_gateway(bo, payments, client, liqpay_keys):
    _paid, pending, foreign = payments
    client.post("/payments/liqpay/callback/", signed(liqpay_message(pending, status="wait_accept")))

    page = bo.get(f"/backoffice/payments/{pending.pk}/").content.decode()

    assert "wait_accept" in page
    assert bo.get(f"/backoffice/payments/{foreign.pk}/").status_code == 404


def test_unmatched_and_daily_totals(bo, payments):
    paid, _pending, _foreign = payments

    unmatched = bo.get("/backoffice/payments/unmatched/").content.decode()
    daily = bo.get("/backoffice/payments/daily/").content.decode()

    assert paid.order_id in unmatched
    assert "297.78" in daily


def test_the_export_downloads_a_csv(bo, payments, vodokanal):
    response = bo.get(
        "/backoffice/payments/export/",
        {"provider": vodokanal.pk, "period": f"{payments[0].paid_at:%Y-%m}", "format": "csv"},
    )

    body = b"".join(response.streaming_content).decode()
    assert body.startswith(
        "provider,account,order_id,paid_at,amount,status,gateway,gateway_payment_id"
    )
    assert payments[0].order_id in body


def test_subscribers_cannot_open_the_payments_pages(signed_in, payments):
    assert signed_in.get("/backoffice/payments/").status_code == 403


def test_merchant_keys_are_write_only_and_audited_without_the_key(bo, vodokanal, operator):
    url = f"/backoffice/payments/merchants/{vodokanal.pk}/"
    secret = "sk-very-secret-0001"

    bo.post(
        url,
        {
            "legal_name": "КП «Водоканал»",
            "edrpou": "03327664",
            "iban": "UA21 3223 1300 0002 6007 2335 6600 1",
            "liqpay_public_key": "i0001",
            "liqpay_private_key": secret,
        },
    )
    page = bo.get(url).content.decode()
    bo.post(
        url,
        {
            "legal_name": "КП «Водоканал»",
            "edrpou": "03327664",
            "iban": "UA213223130000026007233566001",
            "liqpay_public_key": "i0001",
            "liqpay_private_key": "",
        },
    )

    merchant = Merchant.objects.get(provider=vodokanal)
    assert merchant.liqpay_private_key == secret  # an empty field keeps it
    assert merchant.iban == "UA213223130000026007233566001"
    assert secret not in page
    assert "A key is stored" in page
    entries = AuditEntry.objects.filter(action="merchant.settings_changed")
    assert entries.count() == 1
    assert secret not in str(list(entries.values("before", "after")))
    assert entries.get().after["liqpay_private_key"] == "set"
    assert secret not in repr(merchant)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("edrpou", "12ab", "8 to 10 digits"),
        ("iban", "DE89370400440532013000", "Ukrainian IBAN"),
        ("liqpay_private_key", "", "both LiqPay keys"),
    ],
)
def test_bad_merchant_settings_are_refused(bo, vodokanal, field, value, message):
    data = {
        "legal_name": "КП",
        "edrpou": "03327664",
        "iban": "UA213223130000026007233566001",
        "liqpay_public_key": "i0001",
        "liqpay_private_key": "sk",
        field: value,
    }

    response = bo.post(f"/backoffice/payments/merchants/{vodokanal.pk}/", data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Merchant.objects.filter(provider=vodokanal).exclude(liqpay_public_key="").exists()


def test_another_providers_settings_are_not_found(bo, gas):
    assert bo.get(f"/backoffice/payments/merchants/{gas.pk}/").status_code == 404


@pytest.mark.parametrize("count", [1, 20])
def test_the_list_takes_the_same_queries_however_many_payments(
    bo, owing, make_payment, count, django_assert_num_queries
):
    for _ in range(count):
        make_payment(owing, "10.00")
    bo.get("/backoffice/payments/")

    # session, user, the count, the page of payments with their accounts and providers
    with django_assert_num_queries(4):
        response = bo.get("/backoffice/payments/")

    assert response.status_code == 200
