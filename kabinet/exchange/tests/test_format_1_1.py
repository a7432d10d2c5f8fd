"""Exchange format 1.1 on import: multi-zone meters and their readings, the quick source, the
ledger's reference and a charge's zone; with what is refused and how it is reported."""

import datetime as dt
import io
from decimal import Decimal

import pytest

from kabinet.billing.keys import account_keys
from kabinet.billing.models import Account, LedgerEntry
from kabinet.exchange.dbf import DbfField, write_dbf
from kabinet.exchange.importer import ImportRejected, billing_import
from kabinet.metering.keys import meter_serial_key
from kabinet.metering.models import Meter, Reading
from kabinet.providers.models import Provider

pytestmark = pytest.mark.django_db

METERS = (
    "provider,account,meter,service,zones\n"
    "vodokanal,0012345,E-2,electricity,2\n"
    "vodokanal,0012345,E-3,electricity,3\n"
    "vodokanal,0012345,E-1,electricity,\n"
)
READINGS_HEADER = "provider,account,meter,date,zone,value,source\n"


@pytest.fixture
def imported(sample_paths, write_file):
    billing_import(paths=[*sample_paths, write_file("meters.csv", METERS)])


def _rejected(paths):
    with pytest.raises(ImportRejected) as rejected:
        billing_import(paths=paths)
    return [str(error) for error in rejected.value.errors]


def test_meters_carry_their_zones_one_by_default(imported):
    zones = dict(Meter.objects.filter(serial__startswith="E-").values_list("serial", "zones"))

    assert zones == {"E-1": 1, "E-2": 2, "E-3": 3}


def test_a_zones_count_other_than_1_2_or_3_is_reported(imported, write_file):
    path = write_file(
        "meters.csv", "provider,account,meter,service,zones\nvodokanal,0012345,E-4,gas,4\n"
    )

    assert _rejected([path]) == [f"{path}:2: zones: must be from 1 to 3"]


def test_readings_of_each_zone_share_a_day_and_are_keyed_by_meter_date_and_zone(
    imported, write_file
):
    path = write_file(
        "readings.csv",
        READINGS_HEADER
        + "vodokanal,0012345,E-2,2026-10-01,day,100,controller\n"
        + "vodokanal,0012345,E-2,2026-10-01,night,40,quick\n"
        + "vodokanal,0012345,E-3,2026-10-01,half_peak,7,\n"
        + "vodokanal,0012345,E-1,2026-10-01,,5,\n",
    )

    first = billing_import(paths=[path])
    again = billing_import(paths=[path])

    assert first.counts["readings"].inserted == 4
    assert (again.counts["readings"].inserted, again.counts["readings"].unchanged) == (0, 4)
    stored = Reading.objects.filter(meter__serial__startswith="E-").order_by(
        "meter__serial", "zone"
    )
    assert [(r.meter.serial, r.zone, r.value, r.source) for r in stored] == [
        ("E-1", "", Decimal(5), "controller"),
        ("E-2", "day", Decimal(100), "controller"),
        ("E-2", "night", Decimal(40), "quick"),
        ("E-3", "half_peak", Decimal(7), "controller"),
    ]


def test_a_zone_the_meter_has_not_or_a_missing_zone_is_reported_and_nothing_changes(
    imported, write_file
):
    path = write_file(
        "readings.csv",
        READINGS_HEADER
        + "vodokanal,0012345,E-2,2026-10-01,peak,100,\n"
        + "vodokanal,0012345,E-2,2026-10-01,,40,\n"
        + "vodokanal,0012345,E-1,2026-10-01,night,5,\n"
        + "vodokanal,0012345,E-3,2026-10-01,dusk,5,\n"
        + "vodokanal,0012345,E-3,2026-10-02,night,5,\n",
    )
    before = Reading.objects.count()

    assert _rejected([path]) == [
        f"{path}:2: zone: meter E-2 has no zone peak: its zones are day, night",
        f"{path}:3: zone: meter E-2 has 2 zones: give one of day, night",
        f"{path}:4: zone: meter E-1 has one zone: leave the zone empty",
        f"{path}:5: zone: dusk is not one of: day, half_peak, night, peak",
    ]
    assert Reading.objects.count() == before


def test_the_same_meter_date_and_zone_twice_is_a_repeated_key(imported, write_file):
    path = write_file(
        "readings.csv",
        READINGS_HEADER
        + "vodokanal,0012345,E-2,2026-10-01,day,100,\n"
        + "vodokanal,0012345,E-2,2026-10-01,day,101,\n",
    )

    assert _rejected([path]) == [f"{path}:3: date: the same key as {path}:2"]


def test_a_reading_source_outside_the_list_is_reported(imported, write_file):
    path = write_file(
        "readings.csv", READINGS_HEADER + "vodokanal,0012345,E-1,2026-10-01,,5,link\n"
    )

    assert _rejected([path]) == [
        f"{path}:2: source: link is not one of: controller, estimate, phone, portal, quick,"
        " subscriber"
    ]


LEDGER_HEADER = "provider,account,period,kind,service,amount,date,reference\n"


def test_a_charge_names_its_zone_and_a_payment_its_reference(imported, write_file):
    path = write_file(
        "ledger.csv",
        LEDGER_HEADER
        + "vodokanal,0012346,2026-11,charge,electricity:night,41.20,,\n"
        + "vodokanal,0012346,2026-11,charge,electricity:day,80.00,,\n"
        + "vodokanal,0012346,2026-11,payment,,121.20,2026-11-05,kab-000042\n",
    )

    again = [billing_import(paths=[path]), billing_import(paths=[path])][1]

    rows = LedgerEntry.objects.filter(account__number="0012346", period=dt.date(2026, 11, 1))
    assert sorted(rows.values_list("kind", "service", "zone", "reference")) == [
        ("charge", "electricity", "day", ""),
        ("charge", "electricity", "night", ""),
        ("payment", "", "", "kab-000042"),
    ]
    assert again.counts["ledger"].unchanged == 3


def test_a_changed_reference_replaces_the_period(imported, write_file):
    first = LEDGER_HEADER + "vodokanal,0012346,2026-11,payment,,10,2026-11-05,kab-1\n"
    billing_import(paths=[write_file("ledger.csv", first)])

    summary = billing_import(paths=[write_file("ledger.csv", first.replace("kab-1", "kab-2"))])

    assert summary.counts["ledger"].updated == 1
    assert LedgerEntry.objects.get(account__number="0012346", period="2026-11-01").reference == (
        "kab-2"
    )


def test_a_bad_zone_a_zone_off_a_charge_and_a_reference_off_a_payment_are_reported(
    imported, write_file
):
    path = write_file(
        "ledger.csv",
        LEDGER_HEADER
        + "vodokanal,0012346,2026-11,charge,electricity:dusk,1,,\n"
        + "vodokanal,0012346,2026-11,payment,electricity:night,1,,\n"
        + "vodokanal,0012346,2026-11,charge,gas,1,,kab-1\n"
        + "vodokanal,0012346,2026-11,charge,water:night,1,,\n"
        + f"vodokanal,0012346,2026-11,payment,,1,,{'r' * 65}\n",
    )

    assert _rejected([path]) == [
        f"{path}:2: service: the zone after the colon, dusk, is not one of: day, half_peak,"
        " night, peak",
        f"{path}:3: service: only a charge names a zone",
        f"{path}:4: reference: only a payment carries a reference",
        f"{path}:5: service: water is not one of: cold_water, electricity, gas, heat, hot_water",
        f"{path}:6: reference: longer than 64 characters",
    ]


def test_a_dbf_meters_and_readings_file_carries_zones(imported, tmp_path):
    def dbf(name, fields, records):
        out = io.BytesIO()
        write_dbf(out, fields=fields, records=records, record_count=len(records), encoding="cp1251")
        path = tmp_path / name
        path.write_bytes(out.getvalue())
        return path

    meters = dbf(
        "meters.dbf",
        [
            DbfField("ACCOUNT", "C", 10),
            DbfField("METER", "C", 10),
            DbfField("SERVICE", "C", 12),
            DbfField("ZONES", "N", 1),
        ],
        [("0012345", "E-9", "electricity", 2)],
    )
    readings = dbf(
        "readings.dbf",
        [
            DbfField("ACCOUNT", "C", 10),
            DbfField("METER", "C", 10),
            DbfField("DATE", "D", 8),
            DbfField("ZONE", "C", 10),
            DbfField("VALUE", "N", 12, 3),
        ],
        [
            ("0012345", "E-9", dt.date(2026, 10, 1), "night", "12.500"),
            ("0012345", "E-9", dt.date(2026, 10, 1), "peak", "1.000"),
        ],
    )

    assert _rejected([meters, readings]) == [
        f"{readings}:2: zone: meter E-9 has no zone peak: its zones are day, night"
    ]


def test_the_importer_stores_the_keys_the_check_step_compares(imported):
    account = Account.objects.get(number="0012345")
    meter = Meter.objects.get(serial="В-1402377")

    keys = account_keys(house="12", korpus="3", apartment="45", surname="Коваленко")
    stored = tuple(getattr(account, name) for name in keys._fields)
    assert stored == tuple(keys)
    assert meter.serial_key == meter_serial_key("В-1402377") == meter_serial_key(" в 1402377 ")


def test_a_new_provider_takes_the_database_default_factor(write_file):
    path = write_file("providers.csv", "provider,name,service\nvoda,Вода,cold_water\n")

    billing_import(paths=[path])

    assert (
        Provider.objects.get(code="voda").usual_factor
        == Provider._meta.get_field("usual_factor").db_default
    )
