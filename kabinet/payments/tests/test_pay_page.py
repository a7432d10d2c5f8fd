"""The Pay page: the debt pre-filled, the amount checked, one order for two presses, the
checkout form signed for the gateway."""

import datetime as dt

import pytest

from kabinet.payments import liqpay
from kabinet.payments.models import Payment

from .conftest import PRIVATE_KEY


def pay_url(account) -> str:
    return f"/cabinet/accounts/{account.pk}/pay/"


def test_the_pay_page_fills_in_the_debt(signed_in, owing, liqpay_keys):
    response = signed_in.get(pay_url(owing))

    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="amount"' in page
    assert 'value="297.78"' in page


def test_a_valid_amount_leads_to_a_signed_checkout_form(signed_in, owing, liqpay_keys):
    response = signed_in.post(pay_url(owing), {"amount": "297,78"})

    assert response.status_code == 200
    payment = Payment.objects.get(account=owing)
    form = response.context["checkout"]
    assert form.checkout_url == "https://www.liqpay.ua/api/3/checkout"
    assert liqpay.signature_valid(private_key=PRIVATE_KEY, data=form.data, signature=form.signature)
    params = liqpay.decode_data(form.data)
    assert params["order_id"] == payment.order_id
    assert params["amount"] == "297.78"
    assert params["public_key"] == "i00000000001"
    assert "0012345" in params["description"] and "2026-11" in params["description"]
    assert params["server_url"] == "http://testserver/payments/liqpay/callback/"
    page = response.content.decode()
    assert 'action="https://www.liqpay.ua/api/3/checkout"' in page
    assert "https://www.liqpay.ua" in response["Content-Security-Policy"]


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("0", "more than zero"),
        ("0.00", "more than zero"),
        ("-5", "more than zero"),
        ("10.123", "two digits after the point"),
        ("12abc", "with digits"),
        ("сто", "with digits"),
        ("100000.01", "at most ₴100,000.00"),
        ("1e3", "with digits"),
        ("", "Enter the amount"),
    ],
)
def test_a_bad_amount_is_refused_with_a_message_and_no_order(
    signed_in, owing, liqpay_keys, amount, message
):
    response = signed_in.post(pay_url(owing), {"amount": amount})

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Payment.objects.filter(account=owing).exists()


def test_the_largest_amount_is_taken(signed_in, owing, liqpay_keys):
    response = signed_in.post(pay_url(owing), {"amount": "100000.00"})

    assert response.status_code == 200
    assert Payment.objects.get(account=owing).amount == 100000


def test_pay_pressed_twice_makes_one_order(signed_in, owing, liqpay_keys):
    first = signed_in.post(pay_url(owing), {"amount": "297.78"})
    second = signed_in.post(pay_url(owing), {"amount": "297.78"})

    assert Payment.objects.filter(account=owing).count() == 1
    assert first.context["checkout"].payment.order_id == second.context["checkout"].payment.order_id
    assert "paid only once" in second.content.decode()


def test_paying_an_account_not_linked_to_you_is_not_found(
    signed_in, make_account, vodokanal, liqpay_keys
):
    stranger = make_account("0099999", provider=vodokanal)

    assert signed_in.get(pay_url(stranger)).status_code == 404
    assert signed_in.post(pay_url(stranger), {"amount": "10"}).status_code == 404
    assert not Payment.objects.exists()


def test_a_closed_account_is_refused_with_a_message(signed_in, owing, liqpay_keys):
    owing.closed_date = dt.date(2026, 11, 30)
    owing.save()

    page = signed_in.get(pay_url(owing))
    posted = signed_in.post(pay_url(owing), {"amount": "10"})

    assert "This account is closed" in page.content.decode()
    assert posted.status_code == 400
    assert "This account is closed" in posted.content.decode()
    assert not Payment.objects.exists()


def test_a_provider_without_keys_and_without_sandbox_takes_no_payments(
    signed_in, owing, sandbox_off
):
    page = signed_in.get(pay_url(owing))
    posted = signed_in.post(pay_url(owing), {"amount": "10"})

    assert "does not take payments through the portal" in page.content.decode()
    assert posted.status_code == 400
    assert not Payment.objects.exists()


def test_the_pay_page_needs_a_signed_in_subscriber(client, owing):
    response = client.get(pay_url(owing))

    assert response.status_code == 302
    assert "/login/" in response["Location"]
