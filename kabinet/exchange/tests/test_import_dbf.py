"""DBF files from legacy billing systems: code page from the header, dates, record numbers."""

import datetime as dt
import io

import pytest

from kabinet.billing.models import Account, LedgerEntry
from kabinet.exchange.dbf import DbfField, write_dbf
from kabinet.exchange.importer import ImportRejected, billing_import
from kabinet.metering.models import Meter

pytestmark = pytest.mark.django_db

ACCOUNT_FIELDS = [
    DbfField("PROVIDER", "C", 20),
    DbfField("ACCOUNT", "C", 10),
    DbfField("STREET_ID", "C", 4),
    DbfField("HOUSE", "C", 6),
    DbfField("SURNAME", "C", 30),
    DbfField("OPENED", "D", 8),
]


@pytest.fixture
def imported(sample_paths):
    billing_import(paths=sample_paths)


@pytest.fixture
def write_dbf_file(tmp_path):
    def write(name, fields, records, encoding="cp1251"):
        out = io.BytesIO()
        write_dbf(out, fields=fields, records=records, record_count=len(records), encoding=encoding)
        path = tmp_path / name
        path.write_bytes(out.getvalue())
        return path

    return write


def test_a_cp866_dbf_imports_with_latin_i_folded_to_ukrainian_i(imported, write_dbf_file):
    # cp866 has no Ukrainian і: DOS-era billing stored a Latin i.
    path = write_dbf_file(
        "accounts.dbf",
        ACCOUNT_FIELDS,
        [("vodokanal", "0099001", "0003", "7", "Гаврилiв", dt.date(1999, 3, 1))],
        encoding="cp866",
    )

    billing_import(paths=[path])

    account = Account.objects.get(number="0099001")
    assert (account.surname, account.opened_date) == ("Гаврилiв", dt.date(1999, 3, 1))
    assert account.surname_key == "гаврилів"


def test_a_cp1251_dbf_imports_ukrainian_letters(imported, write_dbf_file):
    path = write_dbf_file(
        "accounts.dbf",
        ACCOUNT_FIELDS,
        [("vodokanal", "0099002", "0003", "7", "Ївженко", None)],
    )

    billing_import(paths=[path])

    assert Account.objects.get(number="0099002").surname == "Ївженко"


def test_an_explicit_encoding_wins_over_the_dbf_header(imported, write_dbf_file):
    path = write_dbf_file(
        "accounts.dbf", ACCOUNT_FIELDS, [("vodokanal", "0099003", "0003", "7", "Бойко", None)]
    )

    billing_import(paths=[path], encoding="cp866")

    assert Account.objects.get(number="0099003").surname == "Бойко".encode("cp1251").decode("cp866")


def test_dbf_numbers_and_dates_import(imported, write_dbf_file):
    fields = [
        DbfField("ACCOUNT", "C", 10),
        DbfField("METER", "C", 10),
        DbfField("SERVICE", "C", 12),
        DbfField("DIGITS", "N", 2),
        DbfField("INITIAL", "N", 12, 3),
        DbfField("INSTALLED", "D", 8),
    ]
    path = write_dbf_file(
        "meters.dbf", fields, [("0023004", "D-1", "cold_water", 4, "12.500", dt.date(2020, 1, 2))]
    )

    billing_import(paths=[path])

    meter = Meter.objects.get(serial="D-1")
    assert (meter.digits, str(meter.initial), meter.installed_date) == (
        4,
        "12.500000",
        dt.date(2020, 1, 2),
    )


def test_a_dbf_error_names_the_record_number(imported, write_dbf_file):
    fields = [
        DbfField("ACCOUNT", "C", 10),
        DbfField("PERIOD", "C", 7),
        DbfField("KIND", "C", 10),
        DbfField("AMOUNT", "N", 10, 2),
    ]
    path = write_dbf_file(
        "ledger.dbf",
        fields,
        [("0023004", "2026-10", "charge", "10.00"), ("0023004", "2026-10", "payment", "-1.00")],
    )

    with pytest.raises(ImportRejected) as rejected:
        billing_import(paths=[path], display_names={path: "ledger.dbf"})

    assert [str(e) for e in rejected.value.errors] == ["ledger.dbf:2: amount: must not be negative"]
    assert not LedgerEntry.objects.filter(account__number="0023004").exists()


def test_a_truncated_dbf_is_an_error(imported, write_dbf_file):
    path = write_dbf_file(
        "accounts.dbf",
        ACCOUNT_FIELDS,
        [("vodokanal", f"00990{n}", "0003", "7", "Бойко", None) for n in range(3)],
    )
    path.write_bytes(path.read_bytes()[:-40])

    with pytest.raises(ImportRejected) as rejected:
        billing_import(paths=[path], display_names={path: "accounts.dbf"})

    assert [str(e) for e in rejected.value.errors] == [
        "accounts.dbf:3: *: the file ends before record 3 of 3 (truncated?)"
    ]
    assert not Account.objects.filter(number__startswith="00990").exists()


def test_a_dbf_cut_inside_its_header_is_an_error(imported, write_dbf_file):
    path = write_dbf_file("accounts.dbf", ACCOUNT_FIELDS, [])
    path.write_bytes(path.read_bytes()[:40])

    with pytest.raises(ImportRejected) as rejected:
        billing_import(paths=[path], display_names={path: "accounts.dbf"})

    assert str(rejected.value.errors[0]).startswith("accounts.dbf:1: ")


def test_deleted_dbf_records_are_skipped(imported, write_dbf_file):
    path = write_dbf_file(
        "accounts.dbf",
        ACCOUNT_FIELDS,
        [
            ("vodokanal", "0099004", "0003", "7", "Бойко", None),
            ("vodokanal", "0099005", "0003", "7", "Бойко", None),
        ],
    )
    data = bytearray(path.read_bytes())
    header_length = int.from_bytes(data[8:10], "little")
    data[header_length] = ord("*")
    path.write_bytes(bytes(data))

    billing_import(paths=[path])

    assert sorted(
        Account.objects.filter(number__startswith="009900").values_list("number", flat=True)
    ) == ["0099005"]
