"""The reading pages of a multi-zone meter: fields `value_<zone>`, per-zone figures."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.utils import timezone

from kabinet.metering.models import Reading

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def flashed(response):
    return " ".join(str(message) for message in get_messages(response.wsgi_request))


@pytest.fixture
def power(make_provider):
    return make_provider("power", name="Power", service="electricity")


@pytest.fixture
def two_zone(power, make_account, make_meter, make_reading, subscriber, link):
    account = make_account("7700123", provider=power)
    link(subscriber, account)
    meter = make_meter(account, serial="EL-2001", zones=2, digits=6, decimals=1)
    last = timezone.localdate() - dt.timedelta(days=30)
    make_reading(meter, last, "1000", zone="day")
    make_reading(meter, last, "400", zone="night")
    return meter


@pytest.fixture
def client_in(client, subscriber):
    client.force_login(subscriber)
    return client


def submit_url(meter):
    return f"/cabinet/accounts/{meter.account_id}/readings/"


def test_the_account_page_offers_a_field_per_zone_with_its_last_value(client_in, two_zone):
    page = client_in.get(f"/cabinet/accounts/{two_zone.account_id}/", **EN).content.decode()

    assert 'name="value_day"' in page and 'name="value_night"' in page
    assert 'name="value"' not in page
    assert "1000.0" in page or "1,000.0" in page
    assert f"/readings/?account={two_zone.account_id}" in page


def test_a_two_zone_reading_from_the_account_page_is_stored_with_consumption_per_zone(
    client_in, two_zone
):
    response = client_in.post(
        submit_url(two_zone),
        {"meter": two_zone.serial, "value_day": "1100", "value_night": "450,5"},
        **EN,
    )

    assert response.status_code == 302
    text = flashed(response)
    assert "Day 1100.0 (100.0 used)" in text.replace(",", "")
    assert "Night 450.5 (50.5 used)" in text.replace(",", "")
    assert Reading.objects.filter(meter=two_zone, source="portal").count() == 2


def test_a_zone_left_empty_is_marked_on_its_field_and_nothing_is_stored(client_in, two_zone):
    response = client_in.post(
        submit_url(two_zone), {"meter": two_zone.serial, "value_day": "1100"}, **EN
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="value_night"' in page and 'aria-invalid="true"' in page
    assert "Type the number the meter shows" in page
    assert Reading.objects.filter(meter=two_zone).count() == 2


def test_a_zone_the_meter_does_not_have_is_refused_in_words(client_in, two_zone):
    response = client_in.post(
        submit_url(two_zone),
        {"meter": two_zone.serial, "value_day": "1100", "value_night": "450", "value_peak": "1"},
        **EN,
    )

    assert "has no zone" in response.content.decode()
    assert Reading.objects.filter(meter=two_zone).count() == 2


def test_a_lower_zone_asks_for_confirmation_with_every_zone_carried_over(client_in, two_zone):
    response = client_in.post(
        submit_url(two_zone),
        {"meter": two_zone.serial, "value_day": "1100", "value_night": "390"},
        **EN,
    )
    page = response.content.decode()
    confirmed = client_in.post(
        submit_url(two_zone),
        {
            "meter": two_zone.serial,
            "value_day": "1100",
            "value_night": "390",
            "confirm_wrap": "1",
            "confirm_implausible": "1",
        },
        **EN,
    )

    assert "Night: " in page
    assert 'name="value_day" value="1100"' in page
    assert 'name="value_night" value="390"' in page
    assert confirmed.status_code == 302
    assert Reading.objects.filter(meter=two_zone).count() == 4


def test_check_first_shows_each_zones_consumption_and_charge(client_in, two_zone, make_ledger):
    make_ledger(
        two_zone.account,
        dt.date(2026, 1, 1),
        "charge",
        "1",
        service="electricity",
        zone="day",
        tariff="4.32",
    )
    make_ledger(
        two_zone.account,
        dt.date(2026, 1, 1),
        "charge",
        "1",
        service="electricity",
        zone="night",
        tariff="2.16",
    )

    response = client_in.post(
        submit_url(two_zone),
        {"meter": two_zone.serial, "value_day": "1100", "value_night": "450", "preview": "1"},
        **EN,
    )

    page = response.content.decode()
    assert "432.00" in page and "108.00" in page and "540.00" in page
    assert Reading.objects.filter(meter=two_zone).count() == 2


def test_the_history_page_shows_each_zone_and_the_total(client_in, two_zone, make_reading):
    today = timezone.localdate()
    make_reading(two_zone, today, "1100", zone="day")
    make_reading(two_zone, today, "450", zone="night")

    response = client_in.get(f"/cabinet/accounts/{two_zone.account_id}/meters/{two_zone.pk}/", **EN)
    csv = client_in.get(
        f"/cabinet/accounts/{two_zone.account_id}/meters/{two_zone.pk}/readings.csv"
    ).content.decode()

    page = response.content.decode()
    assert "All zones" in page and "Day" in page and "Night" in page
    assert "(100.0)" in page and "(50.0)" in page and "150.0" in page
    assert page.count("<svg") == 3
    assert "date,zone,value" in csv
    assert f"{today.isoformat()},night,450.0,50.0" in csv


def test_a_single_zone_meter_refuses_a_zone_field(signed_in, account, meter):
    response = signed_in.post(
        submit_url(meter), {"meter": meter.serial, "value": "10", "value_day": "5"}, **EN
    )

    assert "has no zone" in response.content.decode()
    assert not Reading.objects.filter(meter=meter).exists()


def test_the_review_queue_names_a_readings_zone(two_zone, django_user_model, client):
    Reading.objects.filter(meter=two_zone, zone="night").update(
        status="review", submitted_at=timezone.now()
    )
    staff = django_user_model.objects.create_user(username="op", password="x", is_staff=True)
    two_zone.account.provider.operators.add(staff)
    client.force_login(staff)

    page = client.get("/backoffice/review/", **EN).content.decode()

    assert "EL-2001 · Night" in page
