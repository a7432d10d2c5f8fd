"""Fixtures of requests' and outages' tests (both conftests take them): a subscriber, operators."""

import pytest
from django.core.cache import cache
from django.utils import timezone, translation


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def fresh_cache(db):
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


@pytest.fixture
def client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def vodokanal(make_provider):
    return make_provider("vodokanal")


@pytest.fixture
def gas(make_provider):
    return make_provider("gas")


@pytest.fixture
def street(make_street, vodokanal):
    return make_street("Шевченка", provider=vodokanal, street_id="0001", old_names=("Леніна",))


@pytest.fixture
def link(db):
    from kabinet.subscribers.models import AccountLink

    def make(user, account):
        return AccountLink.objects.create(user=user, account=account, linked_at=timezone.now())

    return make


@pytest.fixture
def subscriber(db, django_user_model):
    return django_user_model.objects.create_user(
        username="olena", email="olena@example.com", password="x"
    )


@pytest.fixture
def account(make_account, vodokanal, street, subscriber, link):
    account = make_account("0012345", provider=vodokanal, street=street, house="12")
    link(subscriber, account)
    return account


@pytest.fixture
def other_subscriber(db, django_user_model):
    return django_user_model.objects.create_user(
        username="petro", email="petro@example.com", password="x"
    )


@pytest.fixture
def other_account(make_account, vodokanal, street, other_subscriber, link):
    account = make_account("0012399", provider=vodokanal, street=street, house="40")
    link(other_subscriber, account)
    return account


@pytest.fixture
def operator(db, django_user_model, vodokanal):
    user = django_user_model.objects.create_user(
        username="operator", email="operator@example.com", password="x", is_staff=True
    )
    vodokanal.operators.add(user)
    return user


@pytest.fixture
def gas_operator(db, django_user_model, gas):
    user = django_user_model.objects.create_user(
        username="gasop", email="gasop@example.com", password="x", is_staff=True
    )
    gas.operators.add(user)
    return user
