"""The server callback: verified with the key of the order's provider, checked against the
order, applied once; anything forged or altered is refused with 400 and changes nothing."""

import logging
from decimal import Decimal

import pytest

from kabinet.audit.models import AuditEntry
from kabinet.payments.models import Payment, PaymentCallback

from .conftest import GAS_PRIVATE_KEY, PRIVATE_KEY, liqpay_message, signed

CALLBACK = "/payments/liqpay/callback/"


@pytest.fixture
def order(liqpay_keys, owing, make_payment, subscriber):
    return make_payment(owing, user=subscriber)


def test_a_success_callback_marks_the_order_paid_and_mails_the_receipt(
    client, order, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(CALLBACK, signed(liqpay_message(order)))

    assert response.status_code == 200
    order.refresh_from_db()
    assert order.status == Payment.Status.SUCCESS
    assert order.gateway_payment_id == "2000000001"
    assert order.paid_at is not None
    assert AuditEntry.objects.filter(action="payment.success", target_id=str(order.pk)).exists()
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["olena@example.com"]
    assert mailoutbox[0].attachments[0][0] == f"receipt-{order.order_id}.pdf"


def assert_refused(response, order, caplog, posted):
    assert response.status_code == 400
    order.refresh_from_db()
    assert order.status == Payment.Status.PENDING
    assert not PaymentCallback.objects.filter(payment=order).exists()
    # Logged, and without the posted data.
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert "refused" in logged
    for value in posted.values():
        if value:
            assert value not in logged


@pytest.mark.parametrize(
    "forge",
    [
        pytest.param(
            lambda form: {**form, "signature": "AAAAAAAAAAAAAAAAAAAAAAAAAAA="}, id="forged"
        ),
        pytest.param(lambda form: {"data": form["data"]}, id="missing"),
        pytest.param(lambda form: {**form, "signature": ""}, id="empty"),
    ],
)
def test_a_forged_or_missing_signature_is_refused(client, order, caplog, forge):
    form = forge(signed(liqpay_message(order)))

    with caplog.at_level(logging.WARNING):
        response = client.post(CALLBACK, form)

    assert_refused(response, order, caplog, form)


def test_a_valid_signature_with_another_providers_key_is_refused(client, order, caplog):
    form = signed(liqpay_message(order), private_key=GAS_PRIVATE_KEY)

    with caplog.at_level(logging.WARNING):
        response = client.post(CALLBACK, form)

    assert_refused(response, order, caplog, form)
    assert "bad signature" in response.content.decode()


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"amount": 1.00}, id="amount"),
        pytest.param({"amount": 297.79}, id="amount-by-a-kopiyka"),
        pytest.param({"currency": "USD"}, id="currency"),
        pytest.param({"public_key": "i99999999999"}, id="public-key"),
    ],
)
def test_an_altered_amount_currency_or_public_key_is_refused(client, order, caplog, changes):
    form = signed(liqpay_message(order, **changes))

    with caplog.at_level(logging.WARNING):
        response = client.post(CALLBACK, form)

    assert_refused(response, order, caplog, form)


def test_an_unknown_order_is_refused(client, order, caplog):
    form = signed(liqpay_message(order, order_id="kb-nobody-knows"))

    with caplog.at_level(logging.WARNING):
        response = client.post(CALLBACK, form)

    assert_refused(response, order, caplog, form)
    assert "unknown order" in response.content.decode()


def test_data_that_is_not_json_is_refused(client, order, caplog):
    form = {"data": "bm90IGpzb24=", "signature": "x"}

    with caplog.at_level(logging.WARNING):
        response = client.post(CALLBACK, form)

    assert_refused(response, order, caplog, form)


def test_a_replayed_callback_records_one_payment(
    client, order, mailoutbox, django_capture_on_commit_callbacks
):
    form = signed(liqpay_message(order))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(CALLBACK, form)
    order.refresh_from_db()
    paid_at = order.paid_at

    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(CALLBACK, form)

    assert again.status_code == 200
    assert "replayed" in again.content.decode()
    order.refresh_from_db()
    assert order.paid_at == paid_at
    assert PaymentCallback.objects.filter(payment=order).count() == 1
    assert AuditEntry.objects.filter(action="payment.success", target_id=str(order.pk)).count() == 1
    assert len(mailoutbox) == 1


@pytest.mark.parametrize(
    "status", ["3ds_verify", "otp_verify", "wait_secure", "wait_accept", "processing", "prepared"]
)
def test_statuses_still_in_progress_leave_the_order_pending(client, order, status):
    response = client.post(CALLBACK, signed(liqpay_message(order, status=status)))

    assert response.status_code == 200
    order.refresh_from_db()
    assert order.status == Payment.Status.PENDING
    assert PaymentCallback.objects.get(payment=order).gateway_status == status


@pytest.mark.parametrize("status", ["failure", "error"])
def test_failure_and_error_mark_the_order_not_paid(client, order, status):
    client.post(CALLBACK, signed(liqpay_message(order, status=status)))

    order.refresh_from_db()
    assert order.status == Payment.Status.FAILURE


def test_a_reversal_after_success_shows_the_payment_as_returned(client, order, owing, signed_in):
    client.post(CALLBACK, signed(liqpay_message(order)))

    response = client.post(CALLBACK, signed(liqpay_message(order, status="reversed")))

    assert response.status_code == 200
    order.refresh_from_db()
    assert order.status == Payment.Status.REVERSED
    assert order.reversed_at is not None
    page = signed_in.get(f"/cabinet/accounts/{owing.pk}/").content.decode()
    assert "was returned to you" in page
    assert "awaiting the utility" not in page


def test_a_late_failure_does_not_undo_a_success(client, order):
    client.post(CALLBACK, signed(liqpay_message(order)))

    client.post(CALLBACK, signed(liqpay_message(order, status="failure", payment_id=3)))

    order.refresh_from_db()
    assert order.status == Payment.Status.SUCCESS


def test_sandbox_status_counts_as_success_only_where_the_sandbox_is_allowed(
    client, sandbox_on, owing, make_payment
):
    from kabinet.payments import sandbox

    public_key = sandbox.sandbox_public_key("vodokanal")
    key = sandbox.sandbox_private_key(public_key)
    order = make_payment(owing, gateway=Payment.Gateway.SANDBOX, public_key=public_key)

    client.post(CALLBACK, signed(liqpay_message(order, status="sandbox"), private_key=key))

    order.refresh_from_db()
    assert order.status == Payment.Status.SUCCESS


def test_sandbox_status_from_a_real_merchant_is_not_a_payment(client, sandbox_off, order):
    client.post(CALLBACK, signed(liqpay_message(order, status="sandbox"), private_key=PRIVATE_KEY))

    order.refresh_from_db()
    assert order.status == Payment.Status.FAILURE
    assert order.amount == Decimal("297.78")


def test_the_callback_takes_only_post(client, order):
    assert client.get(CALLBACK).status_code == 405
