from decimal import Decimal

import pytest
from django.utils import translation

from kabinet.billing.formatting import (
    format_address,
    format_holder,
    format_money,
    format_number,
    line_details,
)
from kabinet.billing.selectors import Line

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("amount", "language", "expected"),
    [
        ("1400", "uk", f"1{NBSP}400,00 ₴"),
        ("1400", "ru", f"1{NBSP}400,00 ₴"),
        ("1400", "en", "₴1,400.00"),
        ("75.04", "uk", "75,04 ₴"),
        ("75.04", "en", "₴75.04"),
        ("-9.28", "uk", "-9,28 ₴"),
        ("-9.28", "en", "-₴9.28"),
        ("0", "uk", "0,00 ₴"),
        ("1234567.5", "uk", f"1{NBSP}234{NBSP}567,50 ₴"),
        ("1234567.5", "en", "₴1,234,567.50"),
        ("0.005", "en", "₴0.01"),
    ],
)
def test_money_reads_as_the_language_writes_it(amount, language, expected):
    assert format_money(Decimal(amount), language=language) == expected


def test_money_follows_the_active_language():
    with translation.override("en"):
        english = format_money(Decimal("2282.09"))
    with translation.override("uk"):
        ukrainian = format_money(Decimal("2282.09"))

    assert english == "₴2,282.09"
    assert ukrainian == f"2{NBSP}282,09 ₴"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("10.139", "10,139"), ("13.000", "13"), ("-2", "-2"), ("40.7200", "40,72")],
)
def test_volumes_lose_their_trailing_zeros(value, expected):
    assert format_number(Decimal(value), max_places=4, language="uk") == expected


def test_the_address_has_street_house_korpus_and_apartment(make_account, make_street):
    street = make_street("Богдана Хмельницького", type="просп.", street_id="0001")
    account = make_account(street=street, house="12", korpus="3", apartment="45")

    with translation.override("uk"):
        text = format_address(account)

    assert text == "просп. Богдана Хмельницького, 12/3, кв. 45"


def test_a_private_house_has_no_apartment_in_its_address(make_account, make_street):
    street = make_street("Садовий", type="пров.", street_id="0006")
    account = make_account(street=street, house="2", apartment="")

    with translation.override("en"):
        text = format_address(account)

    assert text == "пров. Садовий, 2"


def test_the_holder_is_written_surname_first(make_account):
    account = make_account(surname="Коваленко", name="Олена", patronymic="Петрівна")

    assert format_holder(account) == "Коваленко Олена Петрівна"


def test_a_charge_shows_volume_times_tariff():
    line = Line(
        kind="charge",
        service="cold_water",
        amount=Decimal("412.86"),
        effect=Decimal("412.86"),
        volume=Decimal("10.139"),
        tariff=Decimal("40.7200"),
        payment_date=None,
        note="",
    )

    with translation.override("en"):
        text = line_details(line)

    assert text == "10.139 m³ × ₴40.72"
