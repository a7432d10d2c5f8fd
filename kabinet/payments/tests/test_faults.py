"""Faults around the callback: it arrives before the browser returns, the worker dies while
applying it, the browser comes back first and the callback later."""

import pytest

from kabinet.payments import callbacks
from kabinet.payments.models import Payment, PaymentCallback

from .conftest import liqpay_message, signed

CALLBACK = "/payments/liqpay/callback/"


@pytest.fixture
def order(liqpay_keys, owing, make_payment, subscriber):
    return make_payment(owing, user=subscriber)


class WorkerKilled(BaseException):
    """Stands for the process dying: not an Exception, so nothing on the way catches it."""


def test_a_worker_killed_while_applying_the_callback_loses_nothing(client, order, monkeypatch):
    form = signed(liqpay_message(order))

    def die(**kwargs):
        raise WorkerKilled

    with monkeypatch.context() as patch:
        patch.setattr(callbacks, "audit_record", die)
        with pytest.raises(WorkerKilled):
            client.post(CALLBACK, form)
    order.refresh_from_db()
    half_done = (order.status, PaymentCallback.objects.filter(payment=order).count())

    retried = client.post(CALLBACK, form)  # LiqPay delivers it again (or the status task asks)

    assert half_done == (Payment.Status.PENDING, 0)
    assert retried.status_code == 200
    order.refresh_from_db()
    assert order.status == Payment.Status.SUCCESS
    assert PaymentCallback.objects.filter(payment=order).count() == 1


def test_the_browser_returns_before_the_callback(signed_in, client, order):
    early = signed_in.get(f"/cabinet/payments/{order.order_id}/")
    client.post(CALLBACK, signed(liqpay_message(order)))
    later = signed_in.get(f"/cabinet/payments/{order.order_id}/")

    assert "has not confirmed the payment yet" in early.content.decode()
    assert "Receipt" in later.content.decode()


def test_a_post_to_result_url_is_turned_into_a_get_and_trusts_nothing_posted(signed_in, order):
    forged = signed(liqpay_message(order), private_key="anything")

    response = signed_in.post(f"/cabinet/payments/{order.order_id}/", forged)

    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == Payment.Status.PENDING
