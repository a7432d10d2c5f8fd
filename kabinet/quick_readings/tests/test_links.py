"""One-tap reminder links: a signed link per meter, and everything that must break it."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone

from kabinet.metering.models import Reading
from kabinet.notifications.models import ReminderPreference
from kabinet.notifications.services import reminders_send
from kabinet.quick_readings.links import (
    ReadingLinkInvalid,
    link_last_day,
    reading_link_open,
    reading_link_token,
)
from kabinet.subscribers.models import AccountLink

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
D = dt.date


@pytest.fixture
def power(make_provider):
    return make_provider("power", name="Power", service="electricity")


@pytest.fixture
def home(power, make_account, make_meter, make_reading, subscriber):
    account = make_account("7700123", provider=power)
    link = AccountLink.objects.create(user=subscriber, account=account, linked_at=timezone.now())
    two_zone = make_meter(account, serial="EL-2001", zones=2, digits=6, decimals=1)
    last = timezone.localdate() - dt.timedelta(days=30)
    make_reading(two_zone, last, "1000", zone="day")
    make_reading(two_zone, last, "400", zone="night")
    single = make_meter(account, serial="W-778899", service="cold_water")
    make_reading(single, last, "612.204")
    return link


def url_for(link, meter, last_day=None):
    last_day = last_day or timezone.localdate() + dt.timedelta(days=3)
    return f"/readings/link/{reading_link_token(link=link, meter=meter, last_day=last_day)}/"


def test_a_reminder_carries_a_link_per_meter_that_submits_a_reading_in_one_tap(
    client, home, subscriber
):
    today = timezone.localdate()
    ReminderPreference.objects.create(
        user=subscriber, day=today.day, language="en", updated_at=timezone.now()
    )
    reminders_send(today=today, now=timezone.now())
    links = re.findall(r"http://\S+/readings/link/\S+/", mail.outbox[0].body)
    meter = home.account.meters.get(serial="W-778899")
    paths = ["/" + url.split("/", 3)[3] for url in links]
    opened = {path: client.get(path, **EN).content.decode() for path in paths}
    path, page = next((path, page) for path, page in opened.items() if "W-778899" in page)
    response = client.post(path, {"meter": meter.pk, "value": "620"}, follow=True, **EN)

    assert len(links) == 2
    assert "612.204" in page
    assert "7700123" not in page and "Шевченка" not in page
    assert "Used since the last reading: 7.796" in response.content.decode()
    reading = Reading.objects.get(meter=meter, source="link")
    assert reading.submitted_by == subscriber
    assert client.get("/cabinet/").status_code == 302
    assert client.get(f"/cabinet/accounts/{home.account_id}/").status_code == 302


def test_a_two_zone_meters_link_shows_each_zone_and_takes_both(client, home):
    meter = home.account.meters.get(serial="EL-2001")
    url = url_for(home, meter)

    page = client.get(url, **EN).content.decode()
    response = client.post(
        url, {"meter": meter.pk, "value_day": "1100", "value_night": "450"}, follow=True, **EN
    )

    assert 'name="value_day"' in page and "1000.0" in page.replace(",", "")
    assert "Day 1100.0 (100.0 used)" in response.content.decode().replace(",", "")
    assert Reading.objects.filter(meter=meter, source="link").count() == 2


def invalid(client, url):
    response = client.get(url, **EN)
    return response.status_code == 404 and "This link does not work" in response.content.decode()


def test_an_altered_link_does_not_work(client, home):
    url = url_for(home, home.account.meters.first())
    altered = url[:-3] + ("0" if url[-3] != "0" else "1") + url[-2:]

    assert invalid(client, altered)
    assert invalid(client, "/readings/link/zz-zz-zz-zz/")
    assert invalid(client, "/readings/link/" + "9" * 13 + "-1-1-1/")


def test_an_expired_link_does_not_work(client, home):
    yesterday = timezone.localdate() - dt.timedelta(days=1)

    assert invalid(client, url_for(home, home.account.meters.first(), last_day=yesterday))


def test_a_link_reused_for_another_meter_does_not_work(client, home):
    first, second = home.account.meters.order_by("pk")
    token = url_for(home, first).split("/")[3]
    parts = token.split("-")
    parts[1] = _b36(second.pk)

    assert invalid(client, f"/readings/link/{'-'.join(parts)}/")


def _b36(number):
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while True:
        number, rest = divmod(number, 36)
        text = digits[rest] + text
        if not number:
            return text


def test_a_link_stops_working_after_unlinking(client, home):
    url = url_for(home, home.account.meters.first())
    home.unlinked_at = timezone.now()
    home.save()

    assert invalid(client, url)


def test_a_link_stops_working_after_a_password_change(client, home, subscriber):
    url = url_for(home, home.account.meters.first())
    subscriber.set_password("another-pass-42")
    subscriber.save()

    assert invalid(client, url)


def test_a_posted_reading_through_a_dead_link_is_not_stored(client, home):
    meter = home.account.meters.get(serial="W-778899")
    url = url_for(home, meter, last_day=timezone.localdate() - dt.timedelta(days=1))

    response = client.post(url, {"meter": meter.pk, "value": "620"})

    assert response.status_code == 404
    assert not Reading.objects.filter(meter=meter, source="link").exists()


def test_the_link_opens_only_its_meter_whatever_meter_is_posted(client, home):
    single = home.account.meters.get(serial="W-778899")
    two_zone = home.account.meters.get(serial="EL-2001")

    client.post(url_for(home, single), {"meter": two_zone.pk, "value": "620"})

    assert Reading.objects.filter(meter=single, source="link").count() == 1
    assert not Reading.objects.filter(meter=two_zone, source="link").exists()


@pytest.mark.parametrize(
    ("window", "cutoff", "today", "last"),
    [
        ((1, 25), None, D(2026, 11, 20), D(2026, 11, 25)),
        ((1, 25), 15, D(2026, 11, 10), D(2026, 11, 15)),
        ((1, 31), None, D(2026, 11, 20), D(2026, 11, 30)),
        ((28, 5), None, D(2026, 11, 29), D(2026, 12, 5)),
        ((10, 20), None, D(2026, 11, 3), D(2026, 11, 20)),
    ],
)
def test_a_link_lasts_until_the_window_or_the_cutoff_ends(power, window, cutoff, today, last):
    power.read_from, power.read_to = window
    power.cutoff = cutoff

    assert link_last_day(provider=power, today=today) == last


def test_the_domain_refuses_a_token_of_the_wrong_shape(db):
    with pytest.raises(ReadingLinkInvalid):
        reading_link_open(token="not-a-token", today=D(2026, 11, 20))
