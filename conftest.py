"""Shared test fixtures: small factories for the domain, usable from every app's tests."""

import datetime as dt
from decimal import Decimal

import pytest

from kabinet.addresses.normalize import fold_street
from kabinet.billing.keys import account_keys


@pytest.fixture
def make_provider(db):
    from kabinet.providers.models import Provider

    def make(code: str = "vodokanal", **fields):
        fields.setdefault(
            "name", {"vodokanal": "КП «Водоканал»", "gas": "Газмережі"}.get(code, code)
        )
        fields.setdefault("service", "gas" if code == "gas" else "cold_water")
        provider, _ = Provider.objects.get_or_create(code=code, defaults=fields)
        return provider

    return make


@pytest.fixture
def make_street(db, make_provider):
    from kabinet.addresses.models import Street, StreetName

    def make(
        name: str = "Шевченка",
        *,
        provider=None,
        street_id: str = "0001",
        type: str = "вул.",
        old_names: tuple[str, ...] = (),
    ):
        provider = provider or make_provider()
        street = Street.objects.create(provider=provider, street_id=street_id, type=type, name=name)
        StreetName.objects.create(
            street=street, name=name, name_key=fold_street(name), is_current=True, position=0
        )
        for position, old in enumerate(old_names, start=1):
            StreetName.objects.create(
                street=street, name=old, name_key=fold_street(old), position=position
            )
        return street

    return make


@pytest.fixture
def make_account(db, make_provider, make_street):
    from kabinet.billing.models import Account

    def make(
        number: str = "0012345",
        *,
        provider=None,
        street=None,
        house: str = "12",
        korpus: str = "",
        apartment: str = "45",
        surname: str = "Коваленко",
        **fields,
    ):
        provider = provider or make_provider()
        street = street or make_street(provider=provider, street_id=f"s-{number}")
        return Account.objects.create(
            provider=provider,
            number=number,
            street=street,
            **account_keys(
                house=house, korpus=korpus, apartment=apartment, surname=surname
            )._asdict(),
            **fields,
        )

    return make


@pytest.fixture
def make_meter(db):
    from kabinet.metering.models import Meter

    def make(account, serial: str = "В-1402377", **fields):
        fields.setdefault("service", account.provider.service)
        return Meter.objects.create(account=account, serial=serial, **fields)

    return make


@pytest.fixture
def make_ledger(db):
    from kabinet.billing.models import LedgerEntry

    def make(account, period: dt.date, kind: str, amount: str, **fields):
        return LedgerEntry.objects.create(
            account=account, period=period, kind=kind, amount=Decimal(amount), **fields
        )

    return make


@pytest.fixture
def samples_dir():
    """The exchange-format samples of ../shared/samples, kept in the repo so a clone has them."""
    from pathlib import Path

    return Path(__file__).resolve().parent / "tests" / "samples"


@pytest.fixture(autouse=True)
def _no_cache_purge_by_the_clock():
    """Keep the database cache's once-a-minute purge of expired rows out of every test.

    PurgingDatabaseCache (kabinet/web/cache.py) deletes expired rows on a process's first
    write and then once a minute: one more query, landing in whichever test the clock picks,
    which makes query counts flaky. The purge's own tests set the time of the next purge.
    """
    from django.core.cache import caches

    default = caches["default"]
    if hasattr(default, "_next_purge"):
        default._next_purge = float("inf")
