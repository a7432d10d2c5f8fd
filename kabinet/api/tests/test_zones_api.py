"""The API and multi-zone meters: `zones` in, one reading per zone out."""

import pytest
from django.utils import timezone

from kabinet.metering.models import Reading

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_zone(make_meter, account, make_reading):
    meter = make_meter(account, "EL-2", zones=2, decimals=1, service="electricity")
    day = timezone.localdate().replace(day=1)
    make_reading(meter, day, "100", zone="day")
    make_reading(meter, day, "50", zone="night")
    return meter


@pytest.fixture
def make_reading(db):
    from decimal import Decimal

    def make(meter, day, value, **fields):
        return Reading.objects.create(
            meter=meter, reading_date=day, value=Decimal(value), source="controller", **fields
        )

    return make


def url(account, meter):
    return f"/api/v1/accounts/{account.pk}/meters/{meter.pk}/readings/"


def test_a_two_zone_reading_is_taken_with_zones_and_answered_per_zone(api, account, two_zone):
    today = timezone.localdate().isoformat()

    response = api.post(
        url(account, two_zone),
        {"zones": {"day": "110", "night": "55,5"}, "date": today},
        format="json",
        HTTP_IDEMPOTENCY_KEY="z-1",
    )
    again = api.post(
        url(account, two_zone),
        {"zones": {"day": "110", "night": "55,5"}, "date": today},
        format="json",
        HTTP_IDEMPOTENCY_KEY="z-1",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert [(z["zone"], z["consumption"]) for z in body["zones"]] == [
        ("day", "10.0"),
        ("night", "5.5"),
    ]
    assert body["consumption"] == "15.5"
    assert again.json() == body
    assert again["Idempotent-Replayed"] == "true"
    assert Reading.objects.filter(meter=two_zone).count() == 4


def test_a_zone_missing_or_unknown_is_refused_with_the_zone_named(api, account, two_zone):
    missing = api.post(url(account, two_zone), {"zones": {"day": "110"}}, format="json")
    unknown = api.post(
        url(account, two_zone),
        {"zones": {"day": "110", "night": "60", "peak": "1"}},
        format="json",
    )

    assert missing.status_code == 422
    assert missing.json()["details"] == {"zone": "night"}
    assert unknown.status_code == 422
    assert unknown.json()["code"] == "zone_unknown"
    assert Reading.objects.filter(meter=two_zone).count() == 2


def test_value_and_zones_together_or_neither_are_a_bad_request(api, account, two_zone):
    both = api.post(url(account, two_zone), {"value": "1", "zones": {"day": "1"}}, format="json")
    neither = api.post(url(account, two_zone), {}, format="json")

    assert both.status_code == 400
    assert neither.status_code == 400


def test_a_single_value_for_a_two_zone_meter_asks_for_zones(api, account, two_zone):
    response = api.post(url(account, two_zone), {"value": "110"}, format="json")

    assert response.status_code == 422
    assert response.json()["code"] == "zones_required"


def test_readings_and_meters_name_their_zones(api, account, two_zone):
    readings = api.get(url(account, two_zone)).json()["results"]
    meters = api.get(f"/api/v1/accounts/{account.pk}/meters/").json()["results"]

    assert sorted(r["zone"] for r in readings) == ["day", "night"]
    assert {m["serial"]: m["zones"] for m in meters}["EL-2"] == 2


def test_the_ledger_names_the_zone_of_a_charge(api, account, make_ledger):
    import datetime as dt

    make_ledger(
        account, dt.date(2026, 10, 1), "charge", "86.40", service="electricity", zone="night"
    )

    rows = api.get(f"/api/v1/accounts/{account.pk}/ledger/?period=2026-10").json()["results"]

    assert {row["zone"] for row in rows} == {"", "night"}
