"""The Check step's matching: forgiving in how people type, strict in what proves ownership."""

import contextlib
import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kabinet.metering.keys import meter_serial_key
from kabinet.subscribers import check
from kabinet.subscribers.check import (
    THROTTLE_BY_ADDRESS,
    THROTTLE_BY_NUMBER,
    AccountAlreadyRegistered,
    AccountClosed,
    CheckFailed,
    CheckThrottled,
    account_check,
    account_check_throttled,
)
from kabinet.subscribers.models import AccountLink

NOW = dt.datetime(2026, 11, 28, 10, 0, tzinfo=dt.UTC)


def test_the_fields_as_printed_on_the_bill_find_the_account(billed_account, typed):
    account = account_check(**typed)

    assert account == billed_account


@pytest.mark.parametrize(
    "street",
    [
        "Шевченка",
        "вул. Шевченка",
        "вулиця шевченка",
        "ШЕВЧЕНКА",
        "ул. Шевченка",
        "Леніна",
        "вул. Леніна",
        "Кірова",
    ],
)
def test_the_street_matches_by_current_or_former_name_with_or_without_its_type(typed, street):
    account_check(**(typed | {"street": street}))


@pytest.mark.parametrize(
    ("house", "korpus"),
    [("40А/3", ""), ("40 а/3", ""), ("40-а/3", ""), ("40а", "3"), ("40 А", "корп. 3")],
)
def test_house_letters_and_the_fraction_are_read_as_people_type_them(typed, house, korpus):
    account_check(**(typed | {"house": house, "korpus": korpus}))


@pytest.mark.parametrize("surname", ["кон'кова", "КОН’КОВА", "Конʼкова", "Kон'кова"])
def test_the_surname_ignores_case_apostrophes_and_latin_look_alikes(typed, surname):
    account_check(**(typed | {"surname": surname}))


@pytest.mark.parametrize("number", ["00 123 45", "001-2345", " 0012345 "])
def test_the_account_number_ignores_spaces_and_dashes(typed, number):
    account_check(**(typed | {"account_number": number}))


@pytest.mark.parametrize(
    "change",
    [
        {"account_number": "12345"},
        {"account_number": "00123456"},
        {"street": "Франка"},
        {"street": ""},
        {"house": "40"},
        {"house": "40Б"},
        {"korpus": "", "house": "40А"},
        {"apartment": "46"},
        {"apartment": ""},
        {"surname": "Коньова"},
        {"surname": "Кон'ков"},
        {"surname": "Кон'кова Олена"},
    ],
)
def test_anything_that_differs_from_the_bill_fails_with_one_generic_error(typed, change):
    with pytest.raises(CheckFailed) as failure:
        account_check(**(typed | change))

    assert str(failure.value) == ""


def test_a_street_of_another_provider_does_not_match(typed, make_provider, make_street):
    other = make_provider("gas")
    make_street("Франка", provider=other, street_id="0001", old_names=("Лесі Українки",))

    with pytest.raises(CheckFailed):
        account_check(**(typed | {"street": "Франка"}))
    with pytest.raises(CheckFailed):
        account_check(**(typed | {"street": "Лесі Українки"}))


def test_a_closed_account_cannot_be_registered(billed_account, typed):
    billed_account.closed_date = dt.date(2025, 1, 31)
    billed_account.save()

    with pytest.raises(AccountClosed):
        account_check(**typed)


def test_an_account_with_a_cabinet_is_refused_only_after_every_field_matched(
    billed_account, typed, django_user_model
):
    owner = django_user_model.objects.create_user("owner", "owner@example.com", "x")
    AccountLink.objects.create(user=owner, account=billed_account, linked_at=NOW)

    with pytest.raises(CheckFailed):
        account_check(**(typed | {"apartment": "1"}))
    with pytest.raises(AccountAlreadyRegistered):
        account_check(**typed)


def test_an_unlinked_account_can_be_registered_again(billed_account, typed, django_user_model):
    owner = django_user_model.objects.create_user("owner", "owner@example.com", "x")
    AccountLink.objects.create(user=owner, account=billed_account, linked_at=NOW, unlinked_at=NOW)

    assert account_check(**typed) == billed_account


def test_a_provider_that_requires_it_also_asks_for_a_meter_serial(
    billed_account, typed, make_meter
):
    billed_account.provider.meter_required = True
    billed_account.provider.save()
    make_meter(billed_account, serial="В-1402377")

    with pytest.raises(CheckFailed):
        account_check(**typed)
    with pytest.raises(CheckFailed):
        account_check(**typed, meter_serial="1402378")
    assert account_check(**typed, meter_serial="b 1402377") == billed_account


def test_the_check_compares_the_stored_serial_key_not_the_serial(billed_account, typed, make_meter):
    billed_account.provider.meter_required = True
    billed_account.provider.save()
    meter = make_meter(billed_account, serial="В-1402377")
    assert meter.serial_key == meter_serial_key("b 1402377")
    # A key the importer stored for another serial: the serial itself is not folded again.
    type(meter).objects.filter(pk=meter.pk).update(serial_key=meter_serial_key("555"))

    with pytest.raises(CheckFailed):
        account_check(**typed, meter_serial="b 1402377")
    assert account_check(**typed, meter_serial="5-55") == billed_account


def test_a_removed_meter_no_longer_proves_the_account(billed_account, typed, make_meter):
    billed_account.provider.meter_required = True
    billed_account.provider.save()
    make_meter(billed_account, serial="777", removed_date=dt.date(2024, 1, 1))

    with pytest.raises(CheckFailed):
        account_check(**typed, meter_serial="777")


def test_an_unknown_number_costs_the_same_queries_as_a_known_one(typed):
    with CaptureQueriesContext(connection) as known, pytest.raises(CheckFailed):
        account_check(**(typed | {"surname": "Інша"}))
    with CaptureQueriesContext(connection) as unknown, pytest.raises(CheckFailed):
        account_check(**(typed | {"account_number": "9999999"}))

    assert len(known.captured_queries) == len(unknown.captured_queries)


def test_failed_checks_from_one_address_are_throttled_until_the_window_ends(typed):
    wrong = typed | {"surname": "Інша"}
    for attempt in range(THROTTLE_BY_ADDRESS.limit):
        number = f"99{attempt:05d}"
        with pytest.raises(CheckFailed):
            account_check_throttled(
                client_ip="10.0.0.1", now=NOW, **(wrong | {"account_number": number})
            )

    with pytest.raises(CheckThrottled) as throttled:
        account_check_throttled(client_ip="10.0.0.1", now=NOW, **typed)

    assert NOW < throttled.value.until <= NOW + dt.timedelta(hours=1)
    assert account_check_throttled(client_ip="10.0.0.2", now=NOW, **typed)
    later = throttled.value.until + dt.timedelta(seconds=1)
    assert account_check_throttled(client_ip="10.0.0.1", now=later, **typed)


def test_failed_checks_for_one_account_number_are_throttled_from_any_address(typed):
    wrong = typed | {"surname": "Інша"}
    for attempt in range(THROTTLE_BY_NUMBER.limit):
        with pytest.raises(CheckFailed):
            account_check_throttled(client_ip=f"10.0.1.{attempt}", now=NOW, **wrong)

    with pytest.raises(CheckThrottled) as throttled:
        account_check_throttled(client_ip="10.0.2.1", now=NOW, **typed)

    assert throttled.value.until - NOW <= dt.timedelta(hours=1)


def test_a_successful_check_is_not_counted_against_anyone(typed):
    for _ in range(THROTTLE_BY_NUMBER.limit + 1):
        account_check_throttled(client_ip="10.0.0.9", now=NOW, **typed)


@pytest.fixture(params=["database", "redis-like"])
def check_cache(request, settings):
    """The shared cache as deployed: the database cache, or one whose incr() is atomic (Redis;
    the local-memory cache stands in for it here)."""
    if request.param == "redis-like":
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                "LOCATION": f"check-throttle-{request.node.name}",
            }
        }
    yield request.param
    caches["default"].clear()


def test_failures_that_read_the_count_at_the_same_time_are_all_counted(
    typed, check_cache, monkeypatch
):
    # Every failure reads the count before any of them writes it (as concurrent requests
    # may): a get-then-set counter would end at 1, an atomic one counts each.
    wrong = typed | {"surname": "Інша"}
    monkeypatch.setattr(caches["default"], "get_many", lambda keys, version=None: {})
    for attempt in range(THROTTLE_BY_NUMBER.limit):
        with pytest.raises(CheckFailed):
            account_check_throttled(client_ip=f"10.0.3.{attempt}", now=NOW, **wrong)
    monkeypatch.undo()

    with pytest.raises(CheckThrottled) as throttled:
        account_check_throttled(client_ip="10.0.4.1", now=NOW, **typed)

    assert NOW < throttled.value.until <= NOW + dt.timedelta(minutes=30)


def test_the_throttle_keeps_its_limit_and_window_on_either_cache(typed, check_cache):
    wrong = typed | {"surname": "Інша"}
    for attempt in range(THROTTLE_BY_NUMBER.limit - 1):
        with pytest.raises(CheckFailed):
            account_check_throttled(client_ip=f"10.0.5.{attempt}", now=NOW, **wrong)
    assert account_check_throttled(client_ip="10.0.5.99", now=NOW, **typed)
    with pytest.raises(CheckFailed):
        account_check_throttled(client_ip="10.0.5.98", now=NOW, **wrong)

    with pytest.raises(CheckThrottled) as throttled:
        account_check_throttled(client_ip="10.0.6.1", now=NOW, **typed)
    window_end = throttled.value.until
    assert window_end - NOW <= dt.timedelta(minutes=30)
    with pytest.raises(CheckThrottled):
        account_check_throttled(
            client_ip="10.0.6.1", now=window_end - dt.timedelta(seconds=1), **typed
        )
    assert account_check_throttled(client_ip="10.0.6.1", now=window_end, **typed)


def test_concurrent_failures_are_each_counted_where_incr_is_atomic(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "check-throttle-threads",
        }
    }
    window = check._window(THROTTLE_BY_NUMBER, "1:0012345", NOW)
    failures = 64
    barrier = threading.Barrier(8)

    def fail(_: int) -> None:
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=1)
        check._count_failure([window], NOW, atomic=True)

    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(fail, range(failures)))
        assert caches["default"].get(window.key) == failures
    finally:
        caches["default"].clear()
