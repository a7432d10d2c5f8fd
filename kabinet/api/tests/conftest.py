"""Fixtures of the API's tests: a subscriber with a linked account, an operator, their tokens."""

import datetime as dt
import importlib

import pytest
from django.core.cache import cache
from django.utils import timezone, translation
from rest_framework.test import APIClient

from kabinet.api.models import ApiToken
from kabinet.api.tokens import api_token_create


@pytest.fixture(autouse=True)
def api_urls(settings):
    """The real URLs; while another app's work in progress breaks them, ours alone."""
    try:
        importlib.import_module(settings.ROOT_URLCONF)
    except ImportError:
        settings.ROOT_URLCONF = "kabinet.backoffice.tests.urls"


@pytest.fixture(autouse=True)
def fresh_throttles():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def vodokanal(make_provider):
    return make_provider("vodokanal")


@pytest.fixture
def gas(make_provider):
    return make_provider("gas")


@pytest.fixture
def subscriber(db, django_user_model):
    return django_user_model.objects.create_user(
        username="olena", email="olena@example.com", password="x"
    )


@pytest.fixture
def link(db):
    from kabinet.subscribers.models import AccountLink

    def make(user, account):
        return AccountLink.objects.create(user=user, account=account, linked_at=timezone.now())

    return make


@pytest.fixture
def account(make_account, vodokanal, subscriber, link, make_ledger):
    account = make_account("0012345", provider=vodokanal)
    link(subscriber, account)
    make_ledger(account, dt.date(2026, 10, 1), "balance", "215.40")
    make_ledger(account, dt.date(2026, 10, 1), "charge", "412.86", service="cold_water")
    make_ledger(account, dt.date(2026, 10, 1), "payment", "300.00")
    return account


@pytest.fixture
def meter(make_meter, account):
    return make_meter(account, "В-1402377", decimals=3)


@pytest.fixture
def foreign_account(make_account, make_meter, django_user_model, link, gas):
    """An account of someone else, of another provider, with a meter."""
    other = django_user_model.objects.create_user(username="petro", password="x")
    account = make_account("9990001", provider=gas)
    link(other, account)
    make_meter(account, "G-1")
    return account


@pytest.fixture
def subscriber_secret(subscriber):
    _token, secret = api_token_create(
        user=subscriber, name="script", kind=ApiToken.Kind.SUBSCRIBER, now=timezone.now()
    )
    return secret


@pytest.fixture
def api(subscriber_secret):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {subscriber_secret}", HTTP_ACCEPT_LANGUAGE="en")
    return client


@pytest.fixture
def operator(db, django_user_model, vodokanal):
    user = django_user_model.objects.create_user(username="billing", password="x", is_staff=True)
    vodokanal.operators.add(user)
    return user


@pytest.fixture
def operator_secret(operator, vodokanal):
    _token, secret = api_token_create(
        user=operator,
        name="billing system",
        kind=ApiToken.Kind.OPERATOR,
        providers=[vodokanal],
        now=timezone.now(),
    )
    return secret


@pytest.fixture
def integrator(operator_secret):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {operator_secret}", HTTP_ACCEPT_LANGUAGE="en")
    return client


@pytest.fixture
def client(client):
    """Django's test client, reading pages in English (the catalogues have their own tests)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client
