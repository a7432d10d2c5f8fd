"""Fixtures of the billing tests: a subscriber, links to accounts, the samples' three accounts."""

import datetime as dt

import pytest
from django.utils import timezone

OCTOBER = dt.date(2026, 10, 1)


@pytest.fixture
def subscriber(db, django_user_model):
    return django_user_model.objects.create_user(
        username="olena", email="olena@example.com", password="s3cret-pass"
    )


@pytest.fixture
def link(db):
    """Link an account to a user, as a confirmed registration does."""
    from kabinet.subscribers.models import AccountLink

    def make(user, account):
        return AccountLink.objects.create(user=user, account=account, linked_at=timezone.now())

    return make


@pytest.fixture
def signed_in(client, subscriber):
    client.force_login(subscriber)
    return client


@pytest.fixture
def vodokanal(make_provider):
    return make_provider("vodokanal", name="КП «Водоканал»")


@pytest.fixture
def prospekt(make_street, vodokanal):
    return make_street("Богдана Хмельницького", provider=vodokanal, street_id="0001", type="просп.")


@pytest.fixture
def owing_account(make_account, make_ledger, vodokanal, prospekt):
    """0012345 of the samples: owes 75.04 at the end of October 2026."""
    account = make_account(
        "0012345",
        provider=vodokanal,
        street=prospekt,
        house="12",
        korpus="3",
        apartment="45",
        surname="Коваленко",
        name="Олена",
        patronymic="Петрівна",
    )
    make_ledger(account, OCTOBER, "balance", "215.40", position=1)
    make_ledger(
        account,
        OCTOBER,
        "charge",
        "412.86",
        service="cold_water",
        volume="10.139",
        tariff="40.72",
        position=2,
    )
    make_ledger(account, OCTOBER, "charge", "0.00", service="hot_water", volume="0", position=3)
    make_ledger(
        account,
        OCTOBER,
        "benefit",
        "103.22",
        service="cold_water",
        note="Пільга ветерана праці 25%",
        position=4,
    )
    make_ledger(account, OCTOBER, "subsidy", "150.00", position=5)
    make_ledger(
        account,
        OCTOBER,
        "payment",
        "300.00",
        payment_date=dt.date(2026, 10, 14),
        note="Приватбанк",
        position=6,
    )
    return account


@pytest.fixture
def overpaid_account(make_account, make_ledger, vodokanal, prospekt):
    """0012346 of the samples: has overpaid 9.28."""
    account = make_account(
        "0012346", provider=vodokanal, street=prospekt, korpus="3", apartment="46"
    )
    make_ledger(account, OCTOBER, "balance", "-50.00", position=1)
    make_ledger(
        account,
        OCTOBER,
        "charge",
        "40.72",
        service="cold_water",
        volume="1",
        tariff="40.72",
        position=2,
    )
    return account


@pytest.fixture
def corrected_account(make_account, make_ledger, make_street, vodokanal):
    """0023001 of the samples: owes 2282.09 after a negative correction."""
    street = make_street("Героїв України", provider=vodokanal, street_id="0002")
    account = make_account("0023001", provider=vodokanal, street=street, house="7", apartment="")
    make_ledger(account, OCTOBER, "balance", "1834.17", position=1)
    make_ledger(
        account,
        OCTOBER,
        "charge",
        "529.36",
        service="cold_water",
        volume="13",
        tariff="40.72",
        position=2,
    )
    make_ledger(
        account,
        OCTOBER,
        "correction",
        "-81.44",
        service="cold_water",
        volume="-2",
        tariff="40.72",
        note="Перерахунок за показаннями",
        position=3,
    )
    return account


@pytest.fixture
def make_history(make_ledger):
    """Give an account `years` of monthly history ending in `last`: balance, charge, payment."""
    from decimal import Decimal

    from kabinet.billing.models import LedgerEntry
    from kabinet.periods import add_months

    def make(account, *, years: int = 10, last: dt.date = OCTOBER) -> None:
        rows = []
        opening = Decimal("100.00")
        for back in range(years * 12 - 1, -1, -1):
            period = add_months(last, -back)
            charge = Decimal("40.72") * (1 + back % 5)
            payment = Decimal("150.00")
            rows += [
                LedgerEntry(account=account, period=period, kind="balance", amount=opening),
                LedgerEntry(
                    account=account,
                    period=period,
                    kind="charge",
                    service="cold_water",
                    amount=charge,
                    volume=Decimal(1 + back % 5),
                    tariff=Decimal("40.72"),
                    position=1,
                ),
                LedgerEntry(
                    account=account,
                    period=period,
                    kind="payment",
                    amount=payment,
                    payment_date=period.replace(day=14),
                    note="Ощадбанк",
                    position=2,
                ),
            ]
            opening = opening + charge - payment
        LedgerEntry.objects.bulk_create(rows)

    return make
