"""Import semantics: upserts by natural key, ledger replacement, what is never touched."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from kabinet.addresses.models import Street, StreetName
from kabinet.billing.models import Account, LedgerEntry
from kabinet.exchange.importer import ImportRejected, billing_import
from kabinet.metering.models import Reading
from kabinet.providers.models import Provider
from kabinet.subscribers.models import AccountLink, User

pytestmark = pytest.mark.django_db

ACCOUNTS_HEADER = "provider,account,street_id,house,korpus,apartment,surname\n"
LEDGER_HEADER = "provider,account,period,kind,service,amount,volume,tariff,date,note\n"


@pytest.fixture
def imported(sample_paths):
    billing_import(paths=sample_paths)


def test_a_changed_row_is_updated_and_counted(imported, write_file):
    path = write_file(
        "accounts.csv", ACCOUNTS_HEADER + "vodokanal,0012345,0001,12/3,,45,Коваленко-Ткач\n"
    )

    summary = billing_import(paths=[path])

    assert (summary.counts["accounts"].updated, summary.counts["accounts"].unchanged) == (1, 0)
    account = Account.objects.get(number="0012345")
    assert (account.surname, account.surname_key) == ("Коваленко-Ткач", "коваленко-ткач")
    assert (account.house, account.korpus) == ("12", "3")


def test_a_ledger_file_replaces_the_rows_of_each_account_and_period_it_holds(imported, write_file):
    path = write_file(
        "ledger.csv",
        LEDGER_HEADER
        + "vodokanal,0012345,2026-10,balance,,215.40,,,,\n"
        + "vodokanal,0012345,2026-10,charge,cold_water,100.00,,,,\n",
    )

    summary = billing_import(paths=[path])

    assert summary.counts["ledger"].updated == 2
    rows = LedgerEntry.objects.filter(account__number="0012345", period=dt.date(2026, 10, 1))
    assert sorted(rows.values_list("kind", "amount")) == [
        ("balance", Decimal("215.40")),
        ("charge", Decimal("100.00")),
    ]
    assert LedgerEntry.objects.filter(account__number="0023001").count() == 3


def test_a_ledger_file_leaves_other_periods_alone(imported, write_file):
    path = write_file(
        "ledger.csv", LEDGER_HEADER + "vodokanal,0012345,2026-11,balance,,75.04,,,,\n"
    )

    summary = billing_import(paths=[path])

    assert summary.counts["ledger"].inserted == 1
    assert LedgerEntry.objects.filter(account__number="0012345").count() == 7


def test_an_imported_reading_never_overwrites_one_submitted_in_the_portal(imported, write_file):
    reading = Reading.objects.get(meter__serial="1502211", reading_date=dt.date(2026, 10, 1))
    Reading.objects.filter(pk=reading.pk).update(
        source="portal", value=Decimal("90"), submitted_at=timezone.now()
    )
    path = write_file(
        "readings.csv",
        "provider,account,meter,date,value,source\n"
        "vodokanal,0012346,1502211,2026-10-01,89.0,subscriber\n"
        "vodokanal,0012346,1502211,2026-09-30,88.5,subscriber\n",
    )

    summary = billing_import(paths=[path])

    reading.refresh_from_db()
    assert (reading.value, reading.source) == (Decimal("90"), "portal")
    assert (summary.counts["readings"].updated, summary.counts["readings"].unchanged) == (1, 1)


def test_subscribers_and_their_links_survive_an_import(imported, sample_paths):
    user = User.objects.create_user(username="olena", password="x")
    account = Account.objects.get(number="0012345")
    AccountLink.objects.create(user=user, account=account, linked_at=timezone.now())

    billing_import(paths=sample_paths)

    assert AccountLink.objects.filter(user=user, account=account).exists()


def test_a_renamed_street_keeps_only_the_names_its_row_lists(imported, write_file):
    path = write_file(
        "streets.csv",
        "street_id,type,name,old_names\n0001,просп.,Свободи,Богдана Хмельницького|Леніна\n",
    )

    summary = billing_import(paths=[path])

    street = Street.objects.get(street_id="0001")
    names = list(
        StreetName.objects.filter(street=street)
        .order_by("position")
        .values_list("name", "is_current")
    )
    assert summary.counts["streets"].updated == 1
    assert street.name == "Свободи"
    assert names == [("Свободи", True), ("Богдана Хмельницького", False), ("Леніна", False)]


def test_streets_are_kept_apart_per_provider(imported, write_file):
    providers = write_file("providers.csv", "provider,name,service\ngas,Газмережі,gas\n")
    streets = write_file("streets.csv", "provider,street_id,name\ngas,0001,Вокзальна\n")

    billing_import(paths=[providers, streets])

    assert sorted(
        Street.objects.filter(street_id="0001").values_list("provider__code", "name")
    ) == [
        ("gas", "Вокзальна"),
        ("vodokanal", "Богдана Хмельницького"),
    ]


def test_a_file_without_a_provider_column_takes_the_provider_option(imported, write_file):
    Provider.objects.create(code="gas", name="Газмережі", service="gas")
    path = write_file("streets.csv", "street_id,name\n0100,Вокзальна\n")

    billing_import(paths=[path], provider_code="gas")

    assert Street.objects.get(street_id="0100").provider.code == "gas"


def test_a_file_without_a_provider_column_takes_the_only_provider(imported, write_file):
    path = write_file("streets.csv", "street_id,name\n0100,Вокзальна\n")

    billing_import(paths=[path])

    assert Street.objects.get(street_id="0100").provider.code == "vodokanal"


def test_without_a_provider_column_several_providers_need_the_option(imported, write_file):
    Provider.objects.create(code="gas", name="Газмережі", service="gas")
    path = write_file("streets.csv", "street_id,name\n0100,Вокзальна\n")

    with pytest.raises(ImportRejected) as rejected:
        billing_import(paths=[path])

    error = rejected.value.errors[0]
    assert (error.line, error.column) == (2, "provider")
    assert str(error).startswith(f"{path}:2: provider: ")


def test_a_row_whose_provider_differs_from_the_option_is_an_error(imported, write_file):
    path = write_file("streets.csv", "provider,street_id,name\nvodokanal,0100,Вокзальна\n")

    with pytest.raises(ImportRejected) as rejected:
        billing_import(paths=[path], provider_code="gas", display_names={path: "streets.csv"})

    assert rejected.value.errors[0].column == "provider"


def test_display_names_appear_in_messages(imported, write_file):
    path = write_file("upload-4711.tmp", ACCOUNTS_HEADER + "vodokanal,1,9999,1,,,Х\n")

    with pytest.raises(ImportRejected) as rejected:
        billing_import(paths=[path], display_names={path: "рахунки.csv"})

    assert str(rejected.value.errors[0]).startswith("рахунки.csv:2: street_id: ")


def test_the_progress_callback_hears_of_each_file(sample_paths):
    heard = []

    billing_import(paths=sample_paths, progress=lambda name, rows: heard.append((name, rows)))

    assert (str(sample_paths[2]), 7) in heard


def test_a_providers_file_configures_the_reading_window(write_file):
    path = write_file(
        "providers.csv",
        "provider,name,service,read_from,read_to,cutoff,meter_required\ngas,Газ,gas,28,5,,1\n",
    )

    billing_import(paths=[path])

    provider = Provider.objects.get(code="gas")
    assert (provider.read_from, provider.read_to, provider.cutoff, provider.meter_required) == (
        28,
        5,
        None,
        True,
    )


def test_decimal_commas_and_surrounding_spaces_are_accepted(imported, write_file):
    path = write_file(
        "ledger.csv",
        LEDGER_HEADER + 'vodokanal, 0023004 ,2026-10,charge,cold_water,"12,50",,,,\n',
    )

    billing_import(paths=[path])

    assert LedgerEntry.objects.get(account__number="0023004").amount == Decimal("12.50")


def test_a_utf8_file_with_a_byte_order_mark_imports(imported, write_file):
    path = write_file("streets.csv", "\ufeffstreet_id,name\n0100,Вокзальна\n")

    billing_import(paths=[path])

    assert Street.objects.filter(street_id="0100").exists()


def test_quoted_cells_may_hold_commas_quotes_and_line_breaks(imported, write_file):
    path = write_file(
        "ledger.csv",
        LEDGER_HEADER
        + 'vodokanal,0023004,2026-10,payment,,1.00,,,2026-10-02,"Банк ""А"",\nкаса 2"\n'
        "vodokanal,0023004,2026-10,payment,,x,,,,\n",
    )

    with pytest.raises(ImportRejected) as rejected:
        billing_import(paths=[path])

    assert [str(e) for e in rejected.value.errors] == [f"{path}:4: amount: not a number: x"]


def test_an_explicit_encoding_wins_over_detection(imported, write_file):
    path = write_file("streets.csv", "street_id,name\n0100,Вокзальна\n", encoding="cp1251")

    billing_import(paths=[path], encoding="koi8-u")

    assert Street.objects.get(street_id="0100").name == "Вокзальна".encode("cp1251").decode(
        "koi8-u"
    )


def test_former_names_that_fold_like_a_newer_one_are_kept_once(imported, write_file):
    path = write_file(
        "streets.csv",
        "street_id,type,name,old_names\n0100,вул.,Садова,САДОВА|Ленина||вул. Леніна\n",
    )

    billing_import(paths=[path])

    names = StreetName.objects.filter(street__street_id="0100").order_by("position")
    assert list(names.values_list("name", "position")) == [
        ("Садова", 0),
        ("Ленина", 1),
        ("вул. Леніна", 2),
    ]
