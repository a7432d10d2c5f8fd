"""Fixtures of the back office's tests: operators of `vodokanal` and of `gas`."""

import datetime as dt
import importlib
from decimal import Decimal

import pytest
from django.utils import timezone, translation


@pytest.fixture(autouse=True)
def backoffice_urls(settings):
    """The real URLs; while another app's work in progress breaks them, ours alone."""
    try:
        importlib.import_module(settings.ROOT_URLCONF)
    except ImportError:
        settings.ROOT_URLCONF = "kabinet.backoffice.tests.urls"


@pytest.fixture(autouse=True)
def in_english():
    """Pages are read in English here; the Ukrainian catalogue has its own test."""
    with translation.override("en"):
        yield


@pytest.fixture
def make_operator(db, django_user_model):
    def make(*providers, username: str = "operator"):
        user = django_user_model.objects.create_user(
            username=username, email=f"{username}@example.com", password="x", is_staff=True
        )
        for provider in providers:
            provider.operators.add(user)
        return user

    return make


@pytest.fixture
def vodokanal(make_provider):
    return make_provider("vodokanal")


@pytest.fixture
def gas(make_provider):
    return make_provider("gas")


@pytest.fixture
def operator(make_operator, vodokanal):
    return make_operator(vodokanal)


@pytest.fixture
def operator_client(client, operator):
    client.force_login(operator)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def make_reading(db):
    from kabinet.metering.models import Reading

    def make(meter, day: dt.date, value: str, *, status: str = "accepted", source: str = "portal"):
        return Reading.objects.create(
            meter=meter,
            reading_date=day,
            value=Decimal(value),
            source=source,
            status=status,
            submitted_at=timezone.now(),
        )

    return make


@pytest.fixture
def make_subscriber(db, django_user_model):
    from kabinet.subscribers.models import AccountLink

    def make(username: str, *accounts, linked_at=None):
        user = django_user_model.objects.create_user(
            username=username, email=f"{username}@example.com", password="x"
        )
        for account in accounts:
            AccountLink.objects.create(
                user=user, account=account, linked_at=linked_at or timezone.now()
            )
        return user

    return make


@pytest.fixture
def client(client):
    """Django's test client, reading pages in English (the catalogues have their own tests)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client
