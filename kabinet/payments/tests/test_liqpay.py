"""LiqPay's protocol: data is base64 of the JSON, the signature base64(sha1(key+data+key))."""

import base64
import hashlib
import json
from decimal import Decimal

import pytest

from kabinet.payments import liqpay


def test_data_is_base64_of_the_json_request():
    params = liqpay.checkout_params(
        public_key="i000",
        amount=Decimal("297.78"),
        description="Оплата послуг: КП «Водоканал», особовий рахунок 0012345, період 2026-11",
        order_id="kb-1",
        result_url="https://portal/cabinet/payments/kb-1/",
        server_url="https://portal/payments/liqpay/callback/",
        language="uk",
    )

    data = liqpay.encode_data(params)

    decoded = json.loads(base64.b64decode(data))
    assert decoded["version"] == 3
    assert decoded["action"] == "pay"
    assert decoded["amount"] == "297.78"
    assert decoded["currency"] == "UAH"
    assert decoded["order_id"] == "kb-1"
    assert "0012345" in decoded["description"] and "2026-11" in decoded["description"]
    assert decoded["result_url"].endswith("/cabinet/payments/kb-1/")
    assert decoded["server_url"].endswith("/payments/liqpay/callback/")


def test_signature_is_base64_of_sha1_of_key_data_key():
    data = liqpay.encode_data({"action": "status", "version": 3})
    expected = base64.b64encode(hashlib.sha1(b"KEY" + data.encode() + b"KEY").digest()).decode()  # noqa: S324

    assert liqpay.sign(private_key="KEY", data=data) == expected


def test_the_documented_example_signs_as_openssl_does():
    # LiqPay's shell example: echo -n "${KEY}${DATA}${KEY}" | openssl dgst -binary -sha1 | base64
    data = base64.b64encode(b'{"action":"status","version":3,"public_key":"pk","order_id":"o1"}')

    signature = liqpay.sign(private_key="sk", data=data.decode())

    assert signature == base64.b64encode(hashlib.sha1(b"sk" + data + b"sk").digest()).decode()  # noqa: S324


@pytest.mark.parametrize(
    "signature",
    ["", "AAAA", "not base64 at all ✓", None],
)
def test_a_wrong_or_missing_signature_is_not_valid(signature):
    data = liqpay.encode_data({"order_id": "kb-1"})

    assert not liqpay.signature_valid(private_key="KEY", data=data, signature=signature or "")


def test_the_right_signature_is_valid_and_another_keys_is_not():
    data = liqpay.encode_data({"order_id": "kb-1"})
    good = liqpay.sign(private_key="KEY", data=data)

    assert liqpay.signature_valid(private_key="KEY", data=data, signature=good)
    assert not liqpay.signature_valid(private_key="OTHER", data=data, signature=good)


def test_signatures_are_compared_in_constant_time(monkeypatch):
    compared = []
    real = liqpay.hmac.compare_digest
    monkeypatch.setattr(
        liqpay.hmac, "compare_digest", lambda a, b: compared.append((a, b)) or real(a, b)
    )
    data = liqpay.encode_data({"order_id": "kb-1"})

    liqpay.signature_valid(private_key="KEY", data=data, signature="x")

    assert len(compared) == 1


@pytest.mark.parametrize("data", ["", "!!!", base64.b64encode(b"[1,2]").decode()])
def test_data_that_is_not_base64_of_a_json_object_is_invalid(data):
    with pytest.raises(liqpay.InvalidMessage):
        liqpay.decode_data(data)


def test_api_request_posts_signed_data_and_reads_json():
    seen = {}

    def transport(url, fields):
        seen.update(url=url, **fields)
        return b'{"status": "success", "amount": 297.78}'

    answer = liqpay.api_request(
        url="https://www.liqpay.ua/api/request",
        private_key="KEY",
        params=liqpay.status_params(public_key="pk", order_id="kb-1"),
        transport=transport,
    )

    assert answer["status"] == "success"
    assert answer["amount"] == Decimal("297.78")
    assert liqpay.decode_data(seen["data"]) == {
        "action": "status",
        "version": 3,
        "public_key": "pk",
        "order_id": "kb-1",
    }
    assert liqpay.signature_valid(private_key="KEY", data=seen["data"], signature=seen["signature"])
