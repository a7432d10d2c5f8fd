"""The readings export: what subscribers submitted, repeatable byte for byte."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from dbfread import DBF
from django.utils import timezone

from kabinet.exchange.exporter import ExportUsageError, consumption, readings_export
from kabinet.metering.models import Reading

pytestmark = pytest.mark.django_db

OCTOBER = (dt.date(2026, 10, 1), dt.date(2026, 10, 31))


@pytest.fixture
def meters(make_provider, make_account, make_meter):
    provider = make_provider()
    first = make_account("0012345")
    second = make_account("=SUM(A1)")
    return (
        make_meter(first, "В-1402377", digits=4, decimals=3),
        make_meter(second, "+380", digits=5, decimals=1, initial=Decimal("100")),
        provider,
    )


def submit(meter, day, value, source="portal", at=None, zone=""):
    return Reading.objects.create(
        meter=meter,
        reading_date=day,
        zone=zone,
        value=Decimal(value),
        source=source,
        submitted_at=at or timezone.make_aware(dt.datetime(day.year, day.month, day.day, 9, 30)),
    )


def export(file_format="csv", date_range=OCTOBER, provider_code="vodokanal") -> bytes:
    out = io.BytesIO()
    readings_export(
        provider_code=provider_code,
        date_from=date_range[0],
        date_to=date_range[1],
        file_format=file_format,
        out=out,
    )
    return out.getvalue()


def test_consumption_wraps_past_the_counter_s_capacity():
    assert consumption(value=Decimal("5"), previous=Decimal("9990"), digits=4) == Decimal("15")
    assert consumption(value=Decimal("12.5"), previous=Decimal("10"), digits=4) == Decimal("2.5")


def test_the_csv_lists_portal_readings_with_consumption_in_the_meter_s_decimals(meters):
    cold, other, _provider = meters
    submit(cold, dt.date(2026, 9, 20), "9990", source="controller")
    submit(cold, dt.date(2026, 10, 20), "5.1")
    submit(other, dt.date(2026, 10, 3), "123.45", source="api")

    lines = export().decode().splitlines()

    assert lines == [
        "provider,account,meter,date,value,consumption,submitted,zone,source",
        "vodokanal,0012345,В-1402377,2026-10-20,5.100,15.100,2026-10-20T09:30:00+03:00,,portal",
        "vodokanal,'=SUM(A1),'+380,2026-10-03,123.4,23.4,2026-10-03T09:30:00+03:00,,api",
    ]


def test_readings_from_the_billing_system_and_outside_the_range_are_left_out(meters):
    cold, _other, _provider = meters
    submit(cold, dt.date(2026, 10, 5), "10", source="controller")
    submit(cold, dt.date(2026, 11, 1), "11")
    submit(cold, dt.date(2026, 10, 31), "10.5", source="operator")

    lines = export().decode().splitlines()

    assert [line.split(",")[3] for line in lines[1:]] == ["2026-10-31"]
    assert lines[1].endswith(",0.500,2026-10-31T09:30:00+02:00,,operator")


def test_the_export_is_repeatable_byte_for_byte(meters):
    cold, other, _provider = meters
    submit(cold, dt.date(2026, 10, 20), "612.204")
    submit(other, dt.date(2026, 10, 3), "123.45")

    assert export() == export()
    assert export("dbf") == export("dbf")


def test_the_dbf_export_reads_back_with_its_values(meters, tmp_path):
    cold, _other, _provider = meters
    submit(cold, dt.date(2026, 10, 20), "612.204")
    path = tmp_path / "readings.dbf"
    path.write_bytes(export("dbf"))

    records = list(DBF(str(path)))

    assert len(records) == 1
    record = records[0]
    assert (record["ACCOUNT"], record["METER"], record["DATE"]) == (
        "0012345",
        "В-1402377",
        dt.date(2026, 10, 20),
    )
    assert (record["VALUE"], record["CONSUMPTIO"]) == (612.204, 612.204)
    assert record["SOURCE"] == "portal"


def test_a_two_zone_meter_exports_a_row_a_zone_with_each_zone_s_own_consumption(
    make_provider, make_account, make_meter
):
    make_provider()
    meter = make_meter(make_account("0012345"), "E-1", service="electricity", zones=2)
    submit(meter, dt.date(2026, 9, 20), "100", source="controller", zone="day")
    submit(meter, dt.date(2026, 9, 20), "40", source="controller", zone="night")
    submit(meter, dt.date(2026, 10, 20), "150", source="quick", zone="night")
    submit(meter, dt.date(2026, 10, 20), "180", source="link", zone="day")

    lines = export().decode().splitlines()

    assert [line.split(",")[4:] for line in lines[1:]] == [
        ["180.000", "80.000", "2026-10-20T09:30:00+03:00", "day", "link"],
        ["150.000", "110.000", "2026-10-20T09:30:00+03:00", "night", "quick"],
    ]
    assert export() == export()


def test_the_dbf_export_carries_the_zone(make_provider, make_account, make_meter, tmp_path):
    make_provider()
    meter = make_meter(make_account("0012345"), "E-1", service="electricity", zones=3)
    submit(meter, dt.date(2026, 10, 20), "15", zone="half_peak")
    path = tmp_path / "readings.dbf"
    path.write_bytes(export("dbf"))

    (record,) = DBF(str(path))

    assert (record["ZONE"], record["SOURCE"]) == ("half_peak", "portal")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"file_format": "xlsx"}, "Unknown format xlsx: csv or dbf"),
        ({"provider_code": "gas"}, "Unknown provider: gas"),
        (
            {"date_range": (dt.date(2026, 10, 2), dt.date(2026, 10, 1))},
            "The range starts after it ends.",
        ),
    ],
)
def test_wrong_usage_is_reported(meters, options, message):
    with pytest.raises(ExportUsageError) as error:
        export(**options)

    assert str(error.value) == message
