"""The demo town's electricity supplier, with two-zone (day/night) meters.

Written straight into the tables rather than through the billing files: the town's files are
exchange format 1.0, and zones arrive with 1.1. Every value is a function of the account and
the month, so the seed stays deterministic, and running it again adds nothing.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from kabinet.addresses.models import Street, StreetName
from kabinet.addresses.normalize import (
    fold_apartment,
    fold_house,
    fold_korpus,
    fold_name,
    fold_street,
)
from kabinet.billing.models import Account, LedgerEntry
from kabinet.metering.models import Meter, Reading
from kabinet.periods import add_months, period_start
from kabinet.providers.models import Provider

CODE = "power"
NAME = "ТОВ «Міськенергозбут»"
HISTORY_MONTHS = 12
READING_DAY = 3
# Ukraine's household tariff, UAH per kWh, and its night zone at half of it.
TARIFFS = {"day": Decimal("4.3200"), "night": Decimal("2.1600")}
# A household's day-zone use (kWh) by calendar month: more in the dark and cold months.
DAY_USE = {1: 210, 2: 190, 3: 170, 4: 150, 5: 140, 6: 150, 7: 170, 8: 165, 9: 140, 10: 160}
DAY_USE |= {11: 185, 12: 215}
NIGHT_SHARE = Decimal("0.55")


@dataclass(frozen=True)
class PowerAccount:
    number: str
    street: str
    house: str
    korpus: str
    apartment: str
    surname: str
    name: str
    serial: str
    size: Decimal  # the household's use against the table above


# The demo subscriber's flat (the same as their water and gas accounts) and a free one, to try
# /readings/ with the number and the surname's first letters.
ACCOUNTS = (
    PowerAccount(
        "3100012", "Шевченка", "12", "3", "45", "Шевчук", "Тарас", "NIK-2303-0012451", Decimal(1)
    ),
    PowerAccount(
        "3100035",
        "Шевченка",
        "14",
        "",
        "7",
        "Бондаренко",
        "Ірина",
        "NIK-2303-0035112",
        Decimal("0.8"),
    ),
)
# Accounts linked to the demo subscriber (besides the town's water and gas).
DEMO_NUMBERS = ("3100012",)
FREE_NUMBERS = ("3100035",)


def power_address(account: PowerAccount) -> str:
    korpus = f"/{account.korpus}" if account.korpus else ""
    return f"вул. {account.street}, {account.house}{korpus}, кв. {account.apartment}"


@transaction.atomic
def power_ensure(*, today: dt.date) -> Provider:
    """Make the electricity supplier, its accounts, two-zone meters, a year of readings per zone
    and charges per zone's tariff (each only when missing)."""
    provider, _ = Provider.objects.get_or_create(
        code=CODE, defaults={"name": NAME, "service": "electricity"}
    )
    for spec in ACCOUNTS:
        account = _account(provider, spec)
        meter, created = Meter.objects.get_or_create(
            account=account,
            serial=spec.serial,
            defaults={
                "service": "electricity",
                "zones": 2,
                "digits": 6,
                "decimals": 1,
                "installed_date": dt.date(2023, 3, 1),
                "verify_by_date": dt.date(2039, 3, 1),
            },
        )
        if created or not meter.readings.exists():
            _history(account, meter, spec, today)
    return provider


def _account(provider: Provider, spec: PowerAccount) -> Account:
    street, created = Street.objects.get_or_create(
        provider=provider,
        street_id=f"p-{fold_street(spec.street)}",
        defaults={"type": "вул.", "name": spec.street},
    )
    if created:
        StreetName.objects.create(
            street=street, name=spec.street, name_key=fold_street(spec.street), is_current=True
        )
    account, _ = Account.objects.get_or_create(
        provider=provider,
        number=spec.number,
        defaults={
            "street": street,
            "house": spec.house,
            "house_key": fold_house(spec.house),
            "korpus": spec.korpus,
            "korpus_key": fold_korpus(spec.korpus),
            "apartment": spec.apartment,
            "apartment_key": fold_apartment(spec.apartment),
            "surname": spec.surname,
            "surname_key": fold_name(spec.surname),
            "name": spec.name,
            "persons": 2,
            "opened_date": dt.date(2023, 3, 1),
        },
    )
    return account


def _history(account: Account, meter: Meter, spec: PowerAccount, today: dt.date) -> None:
    first = add_months(period_start(today), -HISTORY_MONTHS)
    values = {"day": Decimal("8000.0"), "night": Decimal("3000.0")}
    readings: list[Reading] = []
    ledger: list[LedgerEntry] = []
    # Up to last month: like the town's showcase meters, none has a reading in the current
    # month, so the demo's subscribers can submit one.
    for k in range(HISTORY_MONTHS):
        month = add_months(first, k)
        day_use = (DAY_USE[month.month] * spec.size).quantize(Decimal("0.1"))
        use = {"day": day_use, "night": (day_use * NIGHT_SHARE).quantize(Decimal("0.1"))}
        reading_date = month.replace(day=READING_DAY)
        if k and reading_date < today:
            for zone in ("day", "night"):
                values[zone] += use[zone]
        if reading_date >= today:
            break
        for zone in ("day", "night"):
            readings.append(
                Reading(
                    meter=meter,
                    reading_date=reading_date,
                    zone=zone,
                    value=values[zone],
                    source=Reading.Source.CONTROLLER if k % 4 == 0 else Reading.Source.SUBSCRIBER,
                )
            )
        if k == 0:
            ledger.append(
                LedgerEntry(account=account, period=month, kind="balance", amount=Decimal(0))
            )
            continue
        total = Decimal(0)
        for position, zone in enumerate(("day", "night")):
            amount = (use[zone] * TARIFFS[zone]).quantize(Decimal("0.01"))
            total += amount
            ledger.append(
                LedgerEntry(
                    account=account,
                    period=month,
                    kind="charge",
                    service="electricity",
                    zone=zone,
                    amount=amount,
                    volume=use[zone],
                    tariff=TARIFFS[zone],
                    position=position,
                )
            )
        if month.replace(day=15) < today:
            ledger.append(
                LedgerEntry(
                    account=account,
                    period=month,
                    kind="payment",
                    amount=total,
                    payment_date=month.replace(day=15),
                    position=2,
                )
            )
    Reading.objects.bulk_create(readings)
    LedgerEntry.objects.bulk_create(ledger)
