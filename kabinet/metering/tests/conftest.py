import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

KYIV = ZoneInfo("Europe/Kyiv")


def kyiv(year, month, day, hour=12, minute=0):
    return dt.datetime(year, month, day, hour, minute, tzinfo=KYIV)


@pytest.fixture
def now():
    return kyiv(2026, 11, 20)


@pytest.fixture
def account(make_account):
    return make_account()


@pytest.fixture
def meter(account, make_meter):
    return make_meter(
        account,
        installed_date=dt.date(2015, 5, 10),
        verify_by_date=dt.date(2027, 5, 10),
        digits=5,
        decimals=3,
    )


@pytest.fixture
def make_reading(db):
    from kabinet.metering.models import Reading

    def make(meter, day, value, source="controller", **fields):
        return Reading.objects.create(
            meter=meter, reading_date=day, value=Decimal(str(value)), source=source, **fields
        )

    return make


@pytest.fixture
def subscriber(db, django_user_model):
    return django_user_model.objects.create_user(
        username="olena", email="olena@example.com", password="s3cret-pass"
    )


@pytest.fixture
def link(db):
    from django.utils import timezone

    from kabinet.subscribers.models import AccountLink

    def make(user, account):
        return AccountLink.objects.create(user=user, account=account, linked_at=timezone.now())

    return make


@pytest.fixture
def signed_in(client, subscriber, account, link):
    link(subscriber, account)
    client.force_login(subscriber)
    return client
