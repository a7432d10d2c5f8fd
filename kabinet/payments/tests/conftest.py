"""Fixtures of the payments' tests: a subscriber owing ₴297.78, merchants with real-looking
keys, the sandbox switched on, and a transport that hands LiqPay-bound posts to the portal's
own views (the sandbox's API, the callback) through Django's test client."""

import datetime as dt
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone, translation

from kabinet.payments import liqpay
from kabinet.payments.models import Merchant, Payment

NOVEMBER = dt.date(2026, 11, 1)
PUBLIC_KEY = "i00000000001"
PRIVATE_KEY = "test-private-key-vodokanal-0001"
GAS_PUBLIC_KEY = "i00000000002"
GAS_PRIVATE_KEY = "test-private-key-gas-0002"


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = "http://testserver"


@pytest.fixture
def fresh_cache(db):
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def sandbox_on(settings):
    settings.PAYMENTS_SANDBOX = True
    settings.SITE_URL = "http://testserver"
    return settings


@pytest.fixture
def sandbox_off(settings):
    settings.PAYMENTS_SANDBOX = False
    settings.SITE_URL = "http://testserver"
    return settings


@pytest.fixture
def vodokanal(make_provider):
    return make_provider("vodokanal", name="КП «Водоканал»")


@pytest.fixture
def gas(make_provider):
    return make_provider("gas", name="Газмережі")


@pytest.fixture
def bank_details(vodokanal):
    return Merchant.objects.create(
        provider=vodokanal,
        legal_name="КП «Водоканал» міської ради",
        edrpou="03327664",
        iban="UA213223130000026007233566001",
    )


@pytest.fixture
def liqpay_keys(vodokanal, gas):
    """Both providers are LiqPay merchants with keys of their own."""
    Merchant.objects.update_or_create(
        provider=vodokanal,
        defaults={"liqpay_public_key": PUBLIC_KEY, "liqpay_private_key": PRIVATE_KEY},
    )
    Merchant.objects.update_or_create(
        provider=gas,
        defaults={"liqpay_public_key": GAS_PUBLIC_KEY, "liqpay_private_key": GAS_PRIVATE_KEY},
    )


@pytest.fixture
def subscriber(db, django_user_model):
    return django_user_model.objects.create_user(
        username="olena", email="olena@example.com", password="s3cret-pass"
    )


@pytest.fixture
def link(db):
    from kabinet.subscribers.models import AccountLink

    def make(user, account):
        return AccountLink.objects.create(user=user, account=account, linked_at=timezone.now())

    return make


@pytest.fixture
def owing(make_account, make_ledger, vodokanal, subscriber, link):
    """0012345, linked to olena, owes ₴297.78 at the end of November 2026."""
    account = make_account("0012345", provider=vodokanal, surname="Коваленко")
    make_ledger(account, NOVEMBER, "balance", "215.40", position=1)
    make_ledger(account, NOVEMBER, "charge", "162.38", service="cold_water", position=2)
    make_ledger(account, NOVEMBER, "payment", "80.00", position=3)
    link(subscriber, account)
    return account


@pytest.fixture
def signed_in(client, subscriber):
    client.force_login(subscriber)
    return client


@pytest.fixture
def make_payment(db):
    """An order as `payment_start` leaves it, at a given time, on LiqPay with the test keys."""
    counter = iter(range(1, 10_000))

    def make(account, amount: str = "297.78", *, created_at=None, **fields):
        fields.setdefault("gateway", Payment.Gateway.LIQPAY)
        fields.setdefault("public_key", PUBLIC_KEY)
        return Payment.objects.create(
            order_id=f"kb-test-{next(counter):04d}",
            account=account,
            user=fields.pop("user", None),
            amount=Decimal(amount),
            description="test",
            created_at=created_at or timezone.now(),
            **fields,
        )

    return make


def liqpay_message(payment: Payment, **changes) -> dict:
    """The callback LiqPay sends about `payment`, with `changes` applied."""
    message = {
        "action": "pay",
        "payment_id": 2_000_000_001,
        "status": "success",
        "version": 3,
        "type": "buy",
        "paytype": "card",
        "public_key": payment.public_key,
        "order_id": payment.order_id,
        "description": payment.description,
        "amount": float(payment.amount),
        "currency": "UAH",
        "sender_card_mask2": "414963*12",
    }
    message.update(changes)
    return message


def signed(message: dict, private_key: str = PRIVATE_KEY) -> dict[str, str]:
    """The callback's form: `data` and its signature with `private_key`."""
    data = liqpay.encode_data(message)
    return {"data": data, "signature": liqpay.sign(private_key=private_key, data=data)}


def client_transport(client: Client):
    """A transport for liqpay.api_request and the sandbox's callback that posts to the portal's
    own views through the test client (no sockets), answering with the body."""

    def post(url: str, fields: dict[str, str]) -> bytes:
        response = client.post(urlsplit(url).path, fields)
        if response.status_code >= 500:
            raise OSError(f"{response.status_code}")
        return response.content

    return post
