"""Payments awaiting the utility's confirmation: shown at once, netted off the debt, and no
longer counted once the ledger carries the order in its `reference`."""

import datetime as dt

import pytest
from django.utils import timezone

from kabinet.payments import selectors
from kabinet.payments.models import Payment

from .conftest import NOVEMBER


@pytest.fixture
def paid(owing, make_payment, subscriber):
    paid_at = timezone.make_aware(dt.datetime(2026, 12, 2, 10, 30))
    return make_payment(
        owing,
        user=subscriber,
        status=Payment.Status.SUCCESS,
        paid_at=paid_at,
        gateway_payment_id="2000000001",
    )


def test_the_account_page_shows_the_payment_and_the_debt_net_of_it(signed_in, owing, paid):
    page = signed_in.get(f"/cabinet/accounts/{owing.pk}/").content.decode()

    assert (
        "paid through the portal on 2 December, awaiting the utility&#x27;s confirmation" in (page)
        or "paid through the portal on 2 December, awaiting the utility's confirmation" in page
    )
    assert 'data-after="0.00"' in page
    assert "paid on 2 December" in page


def test_the_cabinet_shows_it_too(signed_in, owing, paid):
    page = signed_in.get("/cabinet/").content.decode()

    assert "paid through the portal, awaiting the utility" in page
    assert "Owed after it" in page


def test_a_ledger_row_with_the_order_as_reference_matches_it(owing, paid, make_ledger):
    make_ledger(
        owing,
        dt.date(2026, 12, 1),
        "payment",
        "297.78",
        reference=paid.order_id,
        payment_date=dt.date(2026, 12, 2),
    )

    panel = selectors.pending_panel(account=owing, balance=None, now=timezone.now())

    assert panel.pending == []
    assert selectors.pending_totals(account_ids=[owing.pk]) == {}


def test_the_matched_payment_is_not_counted_twice(signed_in, owing, paid, make_ledger):
    december = dt.date(2026, 12, 1)
    make_ledger(owing, december, "balance", "297.78", position=1)
    make_ledger(owing, december, "payment", "297.78", reference=paid.order_id, position=2)

    page = signed_in.get(f"/cabinet/accounts/{owing.pk}/").content.decode()

    assert "awaiting the utility" not in page
    assert "Nothing owed" in page


def test_a_reference_on_another_account_does_not_match(owing, paid, make_ledger, make_account):
    other = make_account("0012399", provider=owing.provider)
    make_ledger(other, NOVEMBER, "payment", "297.78", reference=paid.order_id)

    panel = selectors.pending_panel(account=owing, balance=None, now=timezone.now())

    assert panel.pending == [paid]


def test_unmatched_after_ten_days_are_listed_for_operators(owing, paid, vodokanal, make_payment):
    fresh = make_payment(
        owing,
        status=Payment.Status.SUCCESS,
        paid_at=paid.paid_at + dt.timedelta(days=9),
    )
    now = paid.paid_at + dt.timedelta(days=10, minutes=1)

    unmatched = list(selectors.unmatched_payments(providers=type(vodokanal).objects.all(), now=now))

    assert unmatched == [paid]
    assert fresh not in unmatched


def test_the_cabinet_counts_pending_payments_in_one_query(
    signed_in, owing, paid, django_assert_max_num_queries
):
    signed_in.get("/cabinet/")  # warm the session

    with django_assert_max_num_queries(12):
        signed_in.get("/cabinet/")
