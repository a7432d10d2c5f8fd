import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from kabinet.audit.models import AuditEntry
from kabinet.backoffice.chart import daily_chart
from kabinet.backoffice.selectors import DayCount, dashboard_figures
from kabinet.metering.models import Reading
from kabinet.providers.models import Provider

pytestmark = pytest.mark.django_db


def test_the_dashboard_counts_subscribers_and_accounts_with_a_reading_this_period(
    make_account, make_meter, make_subscriber, make_reading, vodokanal, gas
):
    today = dt.date(2026, 11, 20)
    first, second, third = (make_account(n) for n in ("0001", "0002", "0003"))
    foreign = make_account("9001", provider=gas)
    make_reading(make_meter(first), dt.date(2026, 11, 3), "10")
    make_reading(make_meter(second), dt.date(2026, 10, 30), "10")
    make_reading(make_meter(foreign), dt.date(2026, 11, 3), "10")
    october = timezone.make_aware(dt.datetime(2026, 10, 5, 12))
    make_subscriber("old", first, linked_at=october)
    make_subscriber("new", second)
    make_subscriber("gasman", foreign)

    figures = dashboard_figures(providers=Provider.objects.filter(pk=vodokanal.pk), today=today)

    assert figures.subscribers_total == 2
    assert figures.subscribers_this_month == 1
    assert (figures.accounts_with_reading, figures.accounts_total) == (1, 3)
    assert figures.reading_share_percent == 33
    assert len(figures.readings_per_day) == 20
    assert figures.readings_per_day[2] == DayCount(day=dt.date(2026, 11, 3), count=1)
    assert third.pk  # an account without readings still counts in the total


def test_the_chart_gives_the_busiest_day_the_full_height_and_an_empty_day_none():
    days = [
        DayCount(dt.date(2026, 11, 1), 0),
        DayCount(dt.date(2026, 11, 2), 4),
        DayCount(dt.date(2026, 11, 3), 2),
    ]

    chart = daily_chart(days)

    heights = [bar.height for bar in chart.bars]
    assert heights[0] == 0
    assert heights[1] == 2 * heights[2]
    assert chart.bars[1].y + heights[1] == chart.baseline


def test_the_dashboard_page_draws_an_svg_chart_without_style_attributes(
    operator_client, make_account, make_meter, make_reading, django_assert_max_num_queries
):
    account = make_account()
    today = timezone.localdate()
    make_reading(make_meter(account), today, "5", status="review")

    with django_assert_max_num_queries(16):
        response = operator_client.get("/backoffice/")

    body = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in body and "<rect" in body
    assert "style=" not in body
    assert account.number in body  # its reading waits for review


def test_the_review_queue_lists_only_the_operators_readings_in_a_fixed_number_of_queries(
    operator_client, make_account, make_meter, make_reading, gas, django_assert_max_num_queries
):
    for n in range(12):
        make_reading(
            make_meter(make_account(f"00{n:02d}")), dt.date(2026, 11, 3), "5", status="review"
        )
    foreign = make_reading(
        make_meter(make_account("9999", provider=gas)), dt.date(2026, 11, 3), "5", status="review"
    )

    with django_assert_max_num_queries(10):
        response = operator_client.get("/backoffice/review/")

    body = response.content.decode()
    assert body.count("/accept/") == 12
    assert f"/review/{foreign.pk}/" not in body


def test_an_operator_accepts_a_reading_under_review_and_the_audit_log_says_so(
    operator_client, operator, make_account, make_meter, make_reading
):
    reading = make_reading(make_meter(make_account()), dt.date(2026, 11, 3), "5", status="review")

    response = operator_client.post(f"/backoffice/review/{reading.pk}/accept/")

    reading.refresh_from_db()
    entry = AuditEntry.objects.get(action="reading.reviewed")
    assert response.status_code == 302
    assert reading.status == Reading.Status.ACCEPTED
    assert entry.actor == operator
    assert (entry.before["status"], entry.after["status"]) == ("review", "accepted")


def test_an_operator_corrects_a_reading_with_a_reason_and_the_old_value_is_audited(
    operator_client, make_account, make_meter, make_reading
):
    reading = make_reading(
        make_meter(make_account()), dt.date(2026, 11, 3), "5000", status="review"
    )

    operator_client.post(
        f"/backoffice/review/{reading.pk}/correct/", {"value": "50.0", "reason": "extra zeros"}
    )

    reading.refresh_from_db()
    entry = AuditEntry.objects.get(action="reading.corrected")
    assert reading.value == Decimal("50")
    assert reading.status == Reading.Status.ACCEPTED
    # Recorded as every writer's are (metering.services.reading_audit_values).
    assert (entry.before["value"], entry.before["source"]) == ("5000.000", "portal")
    assert (entry.after["value"], entry.after["source"]) == ("50.000", "operator")
    assert entry.reason == "extra zeros"


def test_an_operator_correcting_a_five_digit_meter_to_a_million_is_refused_as_a_subscriber_is(
    operator_client, make_account, make_meter, make_reading
):
    meter = make_meter(make_account(), digits=5)
    reading = make_reading(meter, dt.date(2026, 11, 3), "5000", status="review")
    entries = AuditEntry.objects.count()

    response = operator_client.post(
        f"/backoffice/review/{reading.pk}/correct/",
        {"value": "1000000", "reason": "typed by hand"},
        follow=True,
    )

    reading.refresh_from_db()
    body = response.content.decode()
    assert "This meter shows at most 5 digits before the comma." in body
    assert (reading.value, reading.status) == (Decimal("5000"), Reading.Status.REVIEW)
    assert AuditEntry.objects.count() == entries


def test_an_operators_correction_skips_only_the_window(
    operator_client, make_account, make_meter, make_reading
):
    # The window is one day of the month, never today's: a subscriber would be refused.
    other_day = timezone.localdate().day % 28 + 1
    Provider.objects.filter(code="vodokanal").update(read_from=other_day, read_to=other_day)
    meter = make_meter(make_account(), digits=5, decimals=0)
    reading = make_reading(meter, dt.date(2026, 11, 3), "500", status="review")

    operator_client.post(
        f"/backoffice/review/{reading.pk}/correct/", {"value": "50,5", "reason": "a decimal"}
    )
    reading.refresh_from_db()
    refused = reading.value, reading.status
    operator_client.post(
        f"/backoffice/review/{reading.pk}/correct/", {"value": "50", "reason": "extra zero"}
    )

    reading.refresh_from_db()
    assert refused == (Decimal("500"), Reading.Status.REVIEW)
    assert (reading.value, reading.status, reading.source) == (
        Decimal("50"),
        Reading.Status.ACCEPTED,
        Reading.Source.OPERATOR,
    )


def test_a_correction_without_a_reason_changes_nothing(
    operator_client, make_account, make_meter, make_reading
):
    reading = make_reading(
        make_meter(make_account()), dt.date(2026, 11, 3), "5000", status="review"
    )

    response = operator_client.post(
        f"/backoffice/review/{reading.pk}/correct/", {"value": "50", "reason": ""}, follow=True
    )

    reading.refresh_from_db()
    assert reading.value == Decimal("5000")
    assert "Give the correct value and the reason." in response.content.decode()


def test_a_reading_already_accepted_cannot_be_reviewed_again(
    operator_client, make_account, make_meter, make_reading
):
    reading = make_reading(make_meter(make_account()), dt.date(2026, 11, 3), "5")

    response = operator_client.post(f"/backoffice/review/{reading.pk}/accept/", follow=True)

    assert "not waiting for review" in response.content.decode()
    assert not AuditEntry.objects.exists()


def test_meters_overdue_for_verification_are_listed_most_overdue_first(
    operator_client, make_account, make_meter, django_assert_max_num_queries
):
    today = timezone.localdate()
    account = make_account()
    make_meter(account, "LATE-1", verify_by_date=today - dt.timedelta(days=3))
    make_meter(account, "LATE-2", verify_by_date=today - dt.timedelta(days=300))
    make_meter(account, "FINE", verify_by_date=today + dt.timedelta(days=3))
    make_meter(account, "GONE", verify_by_date=today - dt.timedelta(days=3), removed_date=today)

    with django_assert_max_num_queries(8):
        response = operator_client.get("/backoffice/meters/overdue/")

    body = response.content.decode()
    assert body.index("LATE-2") < body.index("LATE-1")
    assert "FINE" not in body and "GONE" not in body
