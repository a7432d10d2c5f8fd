"""The sample files import cleanly, and what they imply is what the portal shows."""

import datetime as dt
from decimal import Decimal

import pytest

from kabinet.addresses.models import Street, StreetName
from kabinet.billing.models import Account, LedgerEntry
from kabinet.billing.selectors import account_balance
from kabinet.exchange.importer import billing_import
from kabinet.metering.models import Meter, Reading

pytestmark = pytest.mark.django_db

OCTOBER = dt.date(2026, 10, 1)


def test_the_samples_import_cleanly(sample_paths):
    summary = billing_import(paths=sample_paths)

    assert {kind: c.inserted for kind, c in summary.counts.items()} == {
        "providers": 1,
        "streets": 6,
        "accounts": 7,
        "meters": 7,
        "readings": 8,
        "ledger": 11,
    }
    assert summary.changed == 40


@pytest.mark.parametrize(
    ("number", "balance"),
    [("0012345", "75.04"), ("0012346", "-9.28"), ("0023001", "2282.09")],
)
def test_the_sample_balances_are_those_on_the_bills(sample_paths, number, balance):
    billing_import(paths=sample_paths)

    account = Account.objects.get(number=number)

    assert account_balance(account=account, period=OCTOBER) == Decimal(balance)


def test_files_given_in_any_order_are_applied_in_dependency_order(sample_paths):
    summary = billing_import(paths=list(reversed(sample_paths)))

    assert list(summary.counts) == [
        "providers",
        "streets",
        "accounts",
        "meters",
        "readings",
        "ledger",
    ]
    assert Reading.objects.count() == 8


def test_a_second_identical_import_changes_nothing(sample_paths):
    billing_import(paths=sample_paths)
    ids_before = sorted(LedgerEntry.objects.values_list("id", flat=True))

    summary = billing_import(paths=sample_paths)

    assert summary.changed == 0
    assert {kind: c.unchanged for kind, c in summary.counts.items()} == {
        "providers": 1,
        "streets": 6,
        "accounts": 7,
        "meters": 7,
        "readings": 8,
        "ledger": 11,
    }
    assert sorted(LedgerEntry.objects.values_list("id", flat=True)) == ids_before


def test_the_windows_1251_accounts_file_imports_like_the_utf8_one(samples_dir, providers_file):
    paths = [providers_file, samples_dir / "streets.csv", samples_dir / "accounts-cp1251.csv"]

    billing_import(paths=paths)

    account = Account.objects.get(number="0023001")
    assert account.surname == "Кондрат'єв"
    assert account.surname_key == "кондратєв"
    assert Account.objects.get(number="0023002").name == "Пётр"


def test_the_cp1251_file_after_the_utf8_one_reports_no_change(sample_paths, samples_dir):
    billing_import(paths=sample_paths)

    summary = billing_import(paths=[samples_dir / "accounts-cp1251.csv"])

    assert summary.counts["accounts"].unchanged == 7


def test_folded_keys_are_stored(sample_paths):
    billing_import(paths=sample_paths)

    account = Account.objects.get(number="0023002")

    assert (account.house, account.house_key) == ("101а", "101а")
    assert (account.apartment, account.apartment_key) == ("5а", "5а")
    assert account.surname_key == "соловйов"
    assert Account.objects.get(number="0012345").korpus_key == "3"


def test_street_names_hold_the_current_and_every_former_name(sample_paths):
    billing_import(paths=sample_paths)

    street = Street.objects.get(street_id="0001")
    names = list(
        StreetName.objects.filter(street=street)
        .order_by("position")
        .values_list("name", "name_key", "is_current", "position")
    )

    assert street.type == "просп."
    assert names == [
        ("Богдана Хмельницького", "богдана хмельницького", True, 0),
        ("Леніна", "леніна", False, 1),
        ("Ленина", "ленина", False, 2),
    ]


def test_identifiers_keep_their_leading_zeros(sample_paths):
    billing_import(paths=sample_paths)

    assert Account.objects.filter(number="0000077").exists()
    assert Meter.objects.filter(serial="0031177").exists()
    assert Street.objects.filter(street_id="0006").exists()


def test_meter_and_reading_values_are_imported_as_decimals(sample_paths):
    billing_import(paths=sample_paths)

    meter = Meter.objects.get(serial="1502211")
    reading = Reading.objects.get(meter__serial="77-000451")

    assert (meter.initial, meter.digits, meter.decimals) == (Decimal("12.5"), 5, 3)
    assert reading.value == Decimal("9987.5")
    assert (reading.source, reading.status) == ("controller", "accepted")


def test_a_dry_run_reports_what_would_change_and_changes_nothing(sample_paths):
    summary = billing_import(paths=sample_paths, dry_run=True)

    assert summary.dry_run
    assert summary.counts["accounts"].inserted == 7
    assert not Account.objects.exists()
