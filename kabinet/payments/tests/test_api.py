"""API v1: an account's payments (paginated) and starting a checkout with Idempotency-Key."""

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from kabinet.api.models import ApiToken
from kabinet.api.tokens import api_token_create
from kabinet.payments import liqpay
from kabinet.payments.models import Payment

from .conftest import PRIVATE_KEY


@pytest.fixture
def api(subscriber, fresh_cache):
    _token, secret = api_token_create(
        user=subscriber, name="script", kind=ApiToken.Kind.SUBSCRIBER, now=timezone.now()
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}", HTTP_ACCEPT_LANGUAGE="en")
    return client


def url(account) -> str:
    return f"/api/v1/accounts/{account.pk}/payments/"


def test_creating_a_checkout_answers_data_signature_and_url(api, owing, liqpay_keys):
    response = api.post(url(owing), {"amount": "297.78"}, format="json")

    assert response.status_code == 201
    body = response.json()
    assert body["checkout_url"] == "https://www.liqpay.ua/api/3/checkout"
    assert liqpay.signature_valid(
        private_key=PRIVATE_KEY, data=body["data"], signature=body["signature"]
    )
    assert liqpay.decode_data(body["data"])["order_id"] == body["order_id"]


def test_the_same_idempotency_key_makes_one_order(api, owing, liqpay_keys):
    first = api.post(url(owing), {"amount": "10.00"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = api.post(url(owing), {"amount": "10.00"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")

    assert first.json()["order_id"] == again.json()["order_id"]
    assert again["Idempotent-Replayed"] == "true"
    assert Payment.objects.filter(account=owing).count() == 1


@pytest.mark.parametrize("amount", ["0", "-1", "1.234", "abc", "100000.01"])
def test_a_bad_amount_is_a_400_with_the_one_error_shape(api, owing, liqpay_keys, amount):
    response = api.post(url(owing), {"amount": amount}, format="json")

    assert response.status_code == 400
    assert set(response.json()) == {"code", "message", "details"}
    assert not Payment.objects.exists()


def test_the_payments_list_is_paginated_and_mine_only(
    api, owing, make_payment, make_account, vodokanal
):
    for _ in range(3):
        make_payment(owing, "10.00")
    make_payment(make_account("0099999", provider=vodokanal), "5.00")

    response = api.get(url(owing))
    stranger = api.get(f"/api/v1/accounts/{owing.pk + 1}/payments/")

    assert response.status_code == 200
    assert response.json()["count"] == 3
    assert {"order_id", "status", "matched", "gateway_payment_id"} <= set(
        response.json()["results"][0]
    )
    assert stranger.status_code == 404
