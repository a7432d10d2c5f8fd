"""What a stored reading costs the database, pinned so that it cannot creep back.

A submission was once thirteen queries and 17-22 ms of server CPU (docs/performance.md); each
query is a good part of a millisecond of Python in the ORM, whatever the database does.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from kabinet.metering.models import Reading

pytestmark = pytest.mark.urls("kabinet.metering.tests.urls")


@pytest.fixture
def year_of_readings(meter, make_reading):
    today = timezone.localdate()
    for months_ago in range(12, 0, -1):
        make_reading(
            meter,
            today - dt.timedelta(days=30 * months_ago),
            Decimal(1000 + 90 * (12 - months_ago)),
        )
    return meter


def test_a_reading_through_the_account_page_takes_nine_queries(
    signed_in, account, year_of_readings, django_assert_num_queries
):
    # The session, the user, the meter with its account (linked to the user) and provider;
    # a savepoint (the test's transaction; BEGIN in production), the meter locked, the
    # readings of the last year and a bit, the reading, its audit entry, the release (COMMIT).
    # Exactly: one query more fails here, whoever adds it.
    with django_assert_num_queries(9):
        response = signed_in.post(
            f"/cabinet/accounts/{account.pk}/readings/",
            {"meter": year_of_readings.serial, "value": "2003,5"},
        )

    assert response.status_code == 302
    assert Reading.objects.get(meter=year_of_readings, reading_date=timezone.localdate()).value == (
        Decimal("2003.5")
    )


def test_a_reading_for_another_account_costs_no_more_and_is_not_found(
    signed_in, account, year_of_readings, make_account, make_meter, django_assert_max_num_queries
):
    other = make_account("0099999")
    make_meter(other, serial="OTHER-1")

    with django_assert_max_num_queries(4):
        response = signed_in.post(
            f"/cabinet/accounts/{other.pk}/readings/", {"meter": "OTHER-1", "value": "5"}
        )

    assert response.status_code == 404
    assert not Reading.objects.filter(meter__serial="OTHER-1").exists()
