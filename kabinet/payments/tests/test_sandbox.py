"""The sandbox gateway: LiqPay's checkout to the letter, its server callback signed as LiqPay
signs, the browser sent back to result_url; `action=status` answered from its own table."""

import pytest
from django.test import Client

from kabinet.payments import liqpay, sandbox, views
from kabinet.payments.callbacks import QUIET_AFTER, payments_check_pending
from kabinet.payments.models import Payment, SandboxTransaction

from .conftest import client_transport


@pytest.fixture
def callbacks(monkeypatch):
    """Deliver the sandbox's callbacks to the portal through a client of their own."""
    delivered = []
    transport = client_transport(Client())

    def deliver(url, fields):
        delivered.append(url)
        transport(url, fields)

    monkeypatch.setattr(views, "deliver_callback", deliver)
    return delivered


def start(signed_in, account, amount="297.78"):
    response = signed_in.post(f"/cabinet/accounts/{account.pk}/pay/", {"amount": amount})
    assert response.status_code == 200
    return response.context["checkout"]


def test_a_provider_without_keys_pays_through_the_sandbox_when_it_is_on(
    signed_in, owing, sandbox_on
):
    checkout = start(signed_in, owing)

    assert checkout.checkout_url == "/sandbox/liqpay/checkout/"
    assert checkout.payment.gateway == Payment.Gateway.SANDBOX
    params = liqpay.decode_data(checkout.data)
    assert params["public_key"] == "sandbox_vodokanal"


def test_the_sandbox_shows_the_amount_and_description_with_pay_and_decline(
    signed_in, owing, sandbox_on
):
    checkout = start(signed_in, owing)

    page = Client().post(
        "/sandbox/liqpay/checkout/", {"data": checkout.data, "signature": checkout.signature}
    )

    text = page.content.decode()
    assert page.status_code == 200
    assert "297,78" in text or "297.78" in text
    assert "0012345" in text
    assert 'value="pay"' in text and 'value="decline"' in text


def test_paying_in_the_sandbox_calls_back_before_the_browser_returns(
    signed_in, owing, sandbox_on, callbacks
):
    checkout = start(signed_in, owing)

    browser = Client().post(
        "/sandbox/liqpay/checkout/",
        {"data": checkout.data, "signature": checkout.signature, "decision": "pay"},
    )

    assert callbacks == ["http://testserver/payments/liqpay/callback/"]
    payment = Payment.objects.get(pk=checkout.payment.pk)
    assert payment.status == Payment.Status.SUCCESS
    assert payment.gateway_status == "sandbox"
    assert browser.status_code == 302
    assert browser["Location"] == f"http://testserver/cabinet/payments/{payment.order_id}/"
    result = signed_in.get(f"/cabinet/payments/{payment.order_id}/")
    assert "paid" in result.content.decode()
    assert f"/cabinet/payments/{payment.order_id}/receipt/" in result.content.decode()


def test_declining_in_the_sandbox_marks_the_order_not_paid(signed_in, owing, sandbox_on, callbacks):
    checkout = start(signed_in, owing)

    Client().post(
        "/sandbox/liqpay/checkout/",
        {"data": checkout.data, "signature": checkout.signature, "decision": "decline"},
    )

    assert Payment.objects.get(pk=checkout.payment.pk).status == Payment.Status.FAILURE
    result = signed_in.get(f"/cabinet/payments/{checkout.payment.order_id}/")
    assert "did not go through" in result.content.decode()


def test_the_sandbox_refuses_a_forged_checkout(signed_in, owing, sandbox_on):
    checkout = start(signed_in, owing)

    response = Client().post(
        "/sandbox/liqpay/checkout/", {"data": checkout.data, "signature": "forged"}
    )

    assert response.status_code == 400
    assert not SandboxTransaction.objects.exists()


def test_the_sandbox_is_closed_when_switched_off(signed_in, owing, sandbox_on, settings):
    checkout = start(signed_in, owing)
    settings.PAYMENTS_SANDBOX = False

    response = Client().post(
        "/sandbox/liqpay/checkout/",
        {"data": checkout.data, "signature": checkout.signature, "decision": "pay"},
    )

    assert response.status_code == 400
    assert not SandboxTransaction.objects.exists()


def test_production_settings_refuse_the_sandbox():
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kabinet.config.settings.production",
        "KABINET_SECRET_KEY": "x" * 50,
        "KABINET_PAYMENTS_SANDBOX": "1",
    }
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode != 0
    assert "KABINET_PAYMENTS_SANDBOX" in result.stderr


def test_the_sandbox_answers_status_as_liqpay_does(signed_in, owing, sandbox_on, callbacks):
    checkout = start(signed_in, owing)
    public_key = sandbox.sandbox_public_key("vodokanal")
    key = sandbox.sandbox_private_key(public_key)
    transport = client_transport(Client())

    before = liqpay.api_request(
        url="http://testserver/sandbox/liqpay/api/request/",
        private_key=key,
        params=liqpay.status_params(public_key=public_key, order_id=checkout.payment.order_id),
        transport=transport,
    )
    Client().post(
        "/sandbox/liqpay/checkout/",
        {"data": checkout.data, "signature": checkout.signature, "decision": "pay"},
    )
    after = liqpay.api_request(
        url="http://testserver/sandbox/liqpay/api/request/",
        private_key=key,
        params=liqpay.status_params(public_key=public_key, order_id=checkout.payment.order_id),
        transport=transport,
    )

    assert before["err_code"] == "payment_not_found"
    assert after["status"] == "sandbox"
    assert after["order_id"] == checkout.payment.order_id
    assert liqpay.amount_of(after) == checkout.payment.amount


def test_the_callback_never_arrives_and_the_status_task_settles_it(
    signed_in, owing, sandbox_on, monkeypatch, mailoutbox, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(views, "deliver_callback", lambda url, fields: None)  # lost
    checkout = start(signed_in, owing)
    Client().post(
        "/sandbox/liqpay/checkout/",
        {"data": checkout.data, "signature": checkout.signature, "decision": "pay"},
    )
    payment = Payment.objects.get(pk=checkout.payment.pk)
    assert payment.status == Payment.Status.PENDING
    too_soon = payment.created_at + QUIET_AFTER / 2
    later = payment.created_at + QUIET_AFTER * 2

    settled_too_soon = payments_check_pending(now=too_soon, transport=client_transport(Client()))
    with django_capture_on_commit_callbacks(execute=True):
        settled = payments_check_pending(now=later, transport=client_transport(Client()))

    assert settled_too_soon == 0
    assert settled == 1
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCESS
    assert payment.callbacks.get().source == "status"
    assert len(mailoutbox) == 1


def test_an_abandoned_order_is_settled_as_not_paid(signed_in, owing, sandbox_on):
    checkout = start(signed_in, owing)
    later = checkout.payment.created_at + QUIET_AFTER * 2

    payments_check_pending(now=later, transport=client_transport(Client()))

    assert Payment.objects.get(pk=checkout.payment.pk).status == Payment.Status.FAILURE


def test_an_unreachable_gateway_leaves_the_order_pending(signed_in, owing, sandbox_on):
    checkout = start(signed_in, owing)
    later = checkout.payment.created_at + QUIET_AFTER * 2

    def unreachable(url, fields):
        raise OSError("connection refused")

    settled = payments_check_pending(now=later, transport=unreachable)

    assert settled == 0
    assert Payment.objects.get(pk=checkout.payment.pk).status == Payment.Status.PENDING
