"""Every kind of bad input gets a clear `file:line: column: reason` and changes nothing."""

import pytest

from kabinet.billing.models import Account, LedgerEntry
from kabinet.exchange.importer import (
    MAX_REPORTED_ERRORS,
    ImportRejected,
    ImportUsageError,
    billing_import,
    iter_errors,
)
from kabinet.providers.models import Provider

pytestmark = pytest.mark.django_db

ACCOUNTS_HEADER = "provider,account,street_id,house,surname\n"
LEDGER_HEADER = "provider,account,period,kind,amount,date\n"


@pytest.fixture
def imported(sample_paths):
    billing_import(paths=sample_paths)


def _reject(paths, **options) -> list[str]:
    with pytest.raises(ImportRejected) as rejected:
        billing_import(paths=paths, display_names={p: p.name for p in paths}, **options)
    return [str(error) for error in rejected.value.errors]


def test_nothing_is_changed_when_any_file_has_an_error(providers_file, samples_dir, write_file):
    bad = write_file("ledger.csv", LEDGER_HEADER + "vodokanal,0012345,2026-10,payment,abc,\n")
    paths = [providers_file, samples_dir / "streets.csv", samples_dir / "accounts.csv", bad]

    errors = _reject(paths)

    assert errors == ["ledger.csv:2: amount: not a number: abc"]
    assert not Provider.objects.exists()
    assert not Account.objects.exists()


def test_a_utf8_file_read_with_a_wrong_explicit_encoding_reports_the_lines(imported, write_file):
    path = write_file("streets.csv", "street_id,name\n0100,Вокзальна\n", encoding="cp1251")

    errors = _reject([path], encoding="utf-8")

    assert errors == [
        "streets.csv:2: *: the line is not valid utf-8 (does the file mix encodings?)"
    ]


def test_a_file_mixing_utf8_and_windows_1251_is_rejected(imported, write_file):
    content = "street_id,name\n0100,Вокзальна\n".encode() + "0101,Садова\n".encode("cp1251")
    path = write_file("streets.csv", content)

    errors = _reject([path])

    assert errors == [
        "streets.csv:3: *: the line is not valid utf-8 (does the file mix encodings?)"
    ]


def test_a_windows_1251_file_with_a_utf8_line_is_rejected(imported, write_file):
    content = "street_id,name\n0100,Вокзальна\n".encode("cp1251") + "0101,Садова\n".encode()
    path = write_file("streets.csv", content)

    errors = _reject([path])

    assert errors == [
        "streets.csv:3: *: the line is UTF-8 but the file is Windows-1251 (mixed encodings)"
    ]


def test_a_missing_required_column_is_reported_on_the_header(imported, write_file):
    path = write_file("accounts.csv", "provider,account,street_id,house\nvodokanal,1,0001,1\n")

    assert _reject([path]) == ["accounts.csv:1: surname: required column is missing"]


def test_an_unknown_column_is_an_error(imported, write_file):
    path = write_file(
        "accounts.csv", ACCOUNTS_HEADER.strip() + ",surnmae\nvodokanal,1,0001,1,Х,Y\n"
    )

    assert _reject([path]) == ["accounts.csv:1: surnmae: unknown column in a accounts file"]


def test_a_header_of_no_known_kind_is_an_error(imported, write_file):
    path = write_file("data.csv", "foo,bar\n1,2\n")

    assert _reject([path]) == [
        "data.csv:1: *: cannot tell the kind of file from its header: foo,bar"
    ]


def test_an_account_on_a_street_that_does_not_exist_is_an_error(imported, write_file):
    path = write_file("accounts.csv", ACCOUNTS_HEADER + "vodokanal,0099999,0999,1,Бондар\n")

    assert _reject([path]) == [
        "accounts.csv:2: street_id: street 0999 does not exist: import it in a streets file"
    ]


def test_a_ledger_row_of_an_account_that_does_not_exist_is_an_error(imported, write_file):
    path = write_file("ledger.csv", LEDGER_HEADER + "vodokanal,12345,2026-10,charge,1.00,\n")

    assert _reject([path]) == [
        "ledger.csv:2: account: account 12345 does not exist: import it in an accounts file"
    ]


def test_a_reading_of_a_meter_not_on_the_account_is_an_error(imported, write_file):
    path = write_file(
        "readings.csv",
        "provider,account,meter,date,value\nvodokanal,0012346,В-1402377,2026-10-01,1\n",
    )

    assert _reject([path]) == [
        "readings.csv:2: meter: meter В-1402377 is not on this account: import it in a meters file"
    ]


def test_an_unknown_provider_asks_for_a_providers_file_first(samples_dir):
    errors = _reject([samples_dir / "streets.csv", samples_dir / "accounts.csv"])

    assert errors[0] == (
        "streets.csv:2: provider: no provider: add a provider column or give --provider"
    )
    assert (
        "accounts.csv:2: provider: unknown provider vodokanal: import a providers file first"
        in errors
    )


def test_a_key_repeated_within_a_file_is_an_error(imported, write_file):
    path = write_file(
        "accounts.csv",
        ACCOUNTS_HEADER + "vodokanal,0099,0001,1,Бондар\nvodokanal,0098,0001,2,Гнатюк\n"
        "vodokanal,0099,0001,3,Бондар\n",
    )

    assert _reject([path]) == ["accounts.csv:4: account: the same key as accounts.csv:2"]


def test_a_key_repeated_across_two_files_is_an_error(imported, write_file):
    first = write_file("meters-a.csv", "account,meter,service\n0023004,M1,gas\n")
    second = write_file("meters-b.csv", "account,meter,service\n0023004,M1,gas\n")

    assert _reject([first, second]) == ["meters-b.csv:2: meter: the same key as meters-a.csv:2"]


def test_unparseable_dates_numbers_and_periods_are_reported_by_column(imported, write_file):
    path = write_file(
        "ledger.csv",
        LEDGER_HEADER
        + "vodokanal,0023004,2026-13,charge,1.00,\n"
        + "vodokanal,0023004,2026-10,payment,1.00,2026-02-30\n"
        + "vodokanal,0023004,2026-10,payment,1.0.0,\n"
        + "vodokanal,0023004,2026-10,refund,1.00,\n"
        + "vodokanal,0023004,2026-10,payment,1.001,\n",
    )

    assert _reject([path]) == [
        "ledger.csv:2: period: not a period (YYYY-MM): 2026-13",
        "ledger.csv:3: date: not a date (YYYY-MM-DD): 2026-02-30",
        "ledger.csv:4: amount: not a number: 1.0.0",
        "ledger.csv:5: kind: refund is not one of: balance, benefit, charge, correction, "
        "payment, subsidy",
        "ledger.csv:6: amount: more than 2 decimal places",
    ]


def test_a_negative_amount_is_an_error_except_in_balance_and_correction(imported, write_file):
    path = write_file(
        "ledger.csv",
        LEDGER_HEADER
        + "vodokanal,0023004,2026-10,balance,-10.00,\n"
        + "vodokanal,0023004,2026-10,correction,-5.00,\n"
        + "vodokanal,0023004,2026-10,payment,-5.00,\n",
    )

    assert _reject([path]) == ["ledger.csv:4: amount: must not be negative"]


def test_negative_amounts_import_in_balance_and_correction(imported, write_file):
    path = write_file(
        "ledger.csv",
        LEDGER_HEADER + "vodokanal,0023004,2026-10,balance,-10.00,\n"
        "vodokanal,0023004,2026-10,correction,-5.00,\n",
    )

    billing_import(paths=[path])

    assert LedgerEntry.objects.filter(account__number="0023004").count() == 2


def test_a_required_cell_left_empty_is_an_error(imported, write_file):
    path = write_file("accounts.csv", ACCOUNTS_HEADER + "vodokanal,0099,0001,,Бондар\n")

    assert _reject([path]) == ["accounts.csv:2: house: required"]


def test_a_row_with_the_wrong_number_of_cells_is_an_error(imported, write_file):
    path = write_file("accounts.csv", ACCOUNTS_HEADER + "vodokanal,0099,0001,1\n")

    assert _reject([path]) == ["accounts.csv:2: *: 4 cells where the header has 5"]


def test_broken_quoting_is_an_error(imported, write_file):
    path = write_file("accounts.csv", ACCOUNTS_HEADER + 'vodokanal,0099,0001,"1"x,Бондар\n')

    assert _reject([path])[0].startswith("accounts.csv:2: *: broken CSV quoting")


def test_an_empty_file_is_an_error(write_file):
    path = write_file("accounts.csv", b"")

    assert _reject([path]) == ["accounts.csv:1: *: the file is empty"]


def test_a_file_with_only_a_header_imports_nothing(imported, write_file):
    path = write_file("accounts.csv", ACCOUNTS_HEADER)

    summary = billing_import(paths=[path])

    assert summary.counts["accounts"].rows == 0


def test_a_file_that_is_neither_csv_nor_dbf_is_an_error(write_file):
    path = write_file("accounts.xlsx", b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00")

    assert _reject([path]) == ["accounts.xlsx:1: *: not a CSV or DBF file"]


def test_the_first_thousand_errors_are_listed_and_the_rest_counted(imported, write_file):
    rows = "".join(f"vodokanal,{n},0001,1,\n" for n in range(1500))
    path = write_file("accounts.csv", ACCOUNTS_HEADER + rows)

    with pytest.raises(ImportRejected) as rejected:
        billing_import(paths=[path])

    assert len(rejected.value.errors) == MAX_REPORTED_ERRORS
    assert rejected.value.total == 1500
    assert list(iter_errors(rejected.value))[-1] == "... and 500 more errors"


def test_invalid_accounts_do_not_echo_as_missing_accounts_in_meters(imported, write_file):
    accounts = write_file("accounts.csv", ACCOUNTS_HEADER + "vodokanal,0099,0001,,Бондар\n")
    meters = write_file("meters.csv", "account,meter,service\n0099,M1,gas\n")

    assert _reject([accounts, meters]) == ["accounts.csv:2: house: required"]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"paths": []}, "Give at least one file to import."),
        ({"paths": ["/nonexistent/accounts.csv"]}, "No such file: /nonexistent/accounts.csv"),
        ({"encoding": "klingon"}, "Unknown encoding: klingon"),
    ],
)
def test_wrong_usage_is_its_own_error(providers_file, options, message):
    options.setdefault("paths", [providers_file])

    with pytest.raises(ImportUsageError) as error:
        billing_import(**options)

    assert str(error.value) == message


def test_a_street_name_without_letters_is_an_error(imported, write_file):
    path = write_file("streets.csv", "street_id,name\n0100,---\n")

    assert _reject([path]) == ["streets.csv:2: name: a street name needs letters or digits"]


def test_line_numbers_count_only_line_feeds_in_a_crlf_file(imported, write_file):
    content = LEDGER_HEADER.replace("\n", "\r\n") + (
        "vodokanal,0023004,2026-10,payment,1.00,\r\nvodokanal,0023004,2026-10,payment,x,\r\n"
    )
    path = write_file("ledger.csv", content.replace("payment,1.00", "payment,1.00\u2028"))

    assert _reject([path]) == ["ledger.csv:3: amount: not a number: x"]
