"""Readings without a cabinet: `/readings/` with the account number and the surname's letters."""

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kabinet.metering.models import Reading
from kabinet.subscribers.check import THROTTLE_BY_ADDRESS

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture(autouse=True)
def fresh_throttles(db):
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def mid_window(monkeypatch):
    """A fixed instant inside every throttle window, so that a run never straddles the end of
    one (the windows are aligned to the clock)."""
    instant = dt.datetime(2026, 11, 20, 10, 7, tzinfo=dt.UTC)
    monkeypatch.setattr(timezone, "now", lambda: instant)
    return instant


@pytest.fixture
def power(make_provider):
    return make_provider("power", name="Power", service="electricity")


@pytest.fixture
def home(power, make_account, make_meter, make_reading):
    account = make_account("7700123", provider=power, surname="Ковальчук")
    two_zone = make_meter(account, serial="EL-2001", zones=2, digits=6, decimals=1)
    last = timezone.localdate() - dt.timedelta(days=30)
    make_reading(two_zone, last, "1000", zone="day")
    make_reading(two_zone, last, "400", zone="night")
    single = make_meter(account, serial="W-778899", service="cold_water")
    make_reading(single, last, "612.204")
    make_meter(account, serial="OLD-111", removed_date=dt.date(2020, 1, 1))
    return account


def without_tokens(response):
    """The page without its CSRF tokens, which are masked anew for every response."""
    return re.sub(
        r'(csrfmiddlewaretoken" value="|CSRFToken": ")[^"]+', "", response.content.decode()
    )


def check(client, account="7700123", surname="Ков", **extra):
    return client.post("/readings/", {"account": account, "surname": surname, **extra}, **EN)


def test_the_number_and_three_letters_open_the_meters_by_service_and_serial_end(client, home):
    response = check(client, surname="KOB")  # Latin look-alikes, as the Check step folds

    page = client.get("/readings/", **EN).content.decode()
    assert response.status_code == 302
    assert "…001" in page and "…899" in page
    assert 'name="value_day"' in page and 'name="value_night"' in page and 'name="value"' in page
    for secret in ("EL-2001", "W-778899", "OLD", "Ковальчук", "612", "1000", "Шевченка"):
        assert secret not in page


def test_a_two_zone_reading_is_stored_as_quick_and_the_answer_names_only_the_month(client, home):
    check(client)
    meter = home.meters.get(serial="EL-2001")

    response = client.post(
        "/readings/submit/",
        {"meter": meter.pk, "value_day": "1100", "value_night": "450"},
        follow=True,
        **EN,
    )

    page = response.content.decode()
    assert "Reading accepted. It counts for" in page
    assert "used" not in page and "1000" not in page
    rows = Reading.objects.filter(meter=meter, source="quick")
    assert sorted(rows.values_list("zone", flat=True)) == ["day", "night"]
    assert rows.first().submitted_by is None


def test_every_rule_applies_and_refusals_do_not_tell_earlier_readings(client, home):
    check(client)
    meter = home.meters.get(serial="EL-2001")

    missing = client.post(
        "/readings/submit/", {"meter": meter.pk, "value_day": "1100"}, **EN
    ).content.decode()
    lower = client.post(
        "/readings/submit/", {"meter": meter.pk, "value_day": "1100", "value_night": "39"}, **EN
    ).content.decode()

    assert "Type the number the meter shows" in missing
    assert "lower than the meter" in lower
    assert "400" not in lower
    assert Reading.objects.filter(meter=meter).count() == 2


def test_two_letters_are_refused_before_anything_is_looked_up(client, home):
    with CaptureQueriesContext(connection) as queries:
        response = check(client, surname="Ко")

    assert "at least the first three letters" in response.content.decode()
    assert not [q for q in queries.captured_queries if "billing_account" in q["sql"]]
    assert "kabinet_quick_readings" not in response.cookies


def test_an_unknown_account_and_wrong_letters_get_the_same_page_and_queries(client, home):
    with CaptureQueriesContext(connection) as unknown_queries:
        unknown = check(client, account="7700999", surname="Кол")
    cache.clear()  # each attempt the first failure of its windows
    with CaptureQueriesContext(connection) as wrong_queries:
        wrong = check(client, surname="Кол")

    def shape(queries):
        # The throttle's own cache statements depend on the cache's state, not the account.
        return [
            q["sql"].replace("7700999", "7700123")
            for q in queries.captured_queries
            if "kabinet_cache" not in q["sql"] and "SAVEPOINT" not in q["sql"]
        ]

    assert unknown.status_code == wrong.status_code == 200
    assert without_tokens(unknown).replace("7700999", "7700123") == without_tokens(wrong)
    assert shape(unknown_queries) == shape(wrong_queries)


def test_a_closed_account_fails_like_an_unknown_one(client, home):
    home.closed_date = dt.date(2026, 1, 1)
    home.save()

    response = check(client)

    assert "Nothing matches what you typed" in response.content.decode()


def test_a_flood_from_one_address_is_throttled_with_the_same_page_for_every_attempt(
    client, home, mid_window
):
    for attempt in range(THROTTLE_BY_ADDRESS.limit):
        check(client, account=f"99{attempt:05d}")

    right = check(client)
    wrong = check(client, surname="Кол")

    assert "Too many unsuccessful attempts" in right.content.decode()
    assert without_tokens(right).replace("Ков", "Кол") == without_tokens(wrong)
    assert "kabinet_quick_readings" not in right.cookies


def test_wrong_letters_count_against_the_check_steps_throttle_for_that_number(
    client, home, mid_window
):
    from kabinet.subscribers.check import THROTTLE_BY_NUMBER

    for attempt in range(THROTTLE_BY_NUMBER.limit):
        client.post(
            "/readings/",
            {"account": "7700123", "surname": "Кол"},
            REMOTE_ADDR=f"10.0.0.{attempt + 1}",
            **EN,
        )

    response = check(client)

    assert "Too many unsuccessful attempts" in response.content.decode()


def test_a_meter_of_another_account_cannot_be_reached(client, home, make_account, make_meter):
    other = make_meter(make_account("5550001", provider=home.provider), serial="X-1")
    check(client)

    response = client.post("/readings/submit/", {"meter": other.pk, "value": "5"}, **EN)

    assert response.status_code == 200
    assert not Reading.objects.filter(meter=other).exists()


def test_without_the_check_a_submission_goes_back_to_the_form(client, home):
    meter = home.meters.get(serial="W-778899")

    response = client.post("/readings/submit/", {"meter": meter.pk, "value": "700"})

    assert response.status_code == 302
    assert Reading.objects.filter(meter=meter).count() == 1


def test_a_signed_in_holder_gets_there_in_one_click_and_sees_consumption(
    client, home, subscriber, link
):
    link(subscriber, home)
    client.force_login(subscriber)
    meter = home.meters.get(serial="W-778899")

    opened = client.get(f"/readings/?account={home.pk}")
    response = client.post(
        "/readings/submit/", {"meter": meter.pk, "value": "620"}, follow=True, **EN
    )

    assert opened.status_code == 302
    assert "Used since the last reading" in response.content.decode()
    assert Reading.objects.get(meter=meter, source="quick").submitted_by == subscriber


def test_another_subscribers_account_is_not_opened_by_the_one_click(
    client, home, django_user_model
):
    stranger = django_user_model.objects.create_user(username="x", password="x")
    client.force_login(stranger)

    client.get(f"/readings/?account={home.pk}")
    page = client.get("/readings/", **EN).content.decode()

    assert 'name="surname"' in page
    assert "…001" not in page


@pytest.mark.parametrize("junk", ["9" * 40, "abc", "-1", "１２"])
def test_the_one_click_with_a_junk_account_id_goes_to_the_plain_form(
    client, home, subscriber, junk
):
    client.force_login(subscriber)

    response = client.get(f"/readings/?account={junk}")

    assert response.status_code == 302
    assert "kabinet_quick_readings" not in response.cookies


def test_a_single_zone_meters_refusal_is_shown_on_its_form_and_nothing_is_stored(client, home):
    check(client)
    meter = home.meters.get(serial="W-778899")

    response = client.post("/readings/submit/", {"meter": meter.pk, "value": "6x2"}, **EN)

    page = response.content.decode()
    assert "That is not a meter reading" in page
    assert 'aria-invalid="true"' in page
    assert Reading.objects.filter(meter=meter).count() == 1
