"""Two identical callbacks at once record one payment; Pay pressed twice at once makes one
order (row locks and the unique constraint, on PostgreSQL)."""

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.utils import timezone

from kabinet.audit.models import AuditEntry
from kabinet.payments.callbacks import callback_receive
from kabinet.payments.checkout import payment_start
from kabinet.payments.models import Payment, PaymentCallback

from .conftest import liqpay_message, signed

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def run_together(count, work):
    """Start `count` threads at one barrier; return what each returned or raised."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def runner(index):
        try:
            barrier.wait()
            results[index] = work(index)
        except Exception as error:
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=runner, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_two_identical_callbacks_at_once_record_one_payment(
    liqpay_keys, owing, make_payment, subscriber, mailoutbox
):
    order = make_payment(owing, user=subscriber)
    form = signed(liqpay_message(order))

    results = run_together(
        4,
        lambda _index: callback_receive(
            data=form["data"], signature=form["signature"], now=timezone.now()
        ),
    )

    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(1 for r in results if r.changed) == 1
    assert sum(1 for r in results if r.replayed) == 3
    order.refresh_from_db()
    assert order.status == Payment.Status.SUCCESS
    assert PaymentCallback.objects.filter(payment=order).count() == 1
    assert AuditEntry.objects.filter(action="payment.success", target_id=str(order.pk)).count() == 1
    assert len(mailoutbox) == 1


def test_pay_pressed_twice_at_once_makes_one_order(liqpay_keys, owing, subscriber):
    results = run_together(
        3,
        lambda _index: payment_start(
            user=subscriber,
            account=owing,
            amount=Decimal("297.78"),
            language="uk",
            now=timezone.now(),
        ),
    )

    assert not [r for r in results if isinstance(r, Exception)], results
    assert len({r.payment.order_id for r in results}) == 1
    assert Payment.objects.filter(account=owing).count() == 1
