"""Outages: publishing, who is affected, the banner, the public list, feed, JSON, and mail."""

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone

from kabinet.audit.models import AuditEntry
from kabinet.outages import selectors, services
from kabinet.outages.models import Outage, OutageMailSent
from kabinet.requests import services as request_services
from kabinet.requests.models import Message, Request

KYIV = ZoneInfo("Europe/Kyiv")


def _publish(
    provider,
    street,
    *,
    houses="",
    side="both",
    kind="emergency",
    starts_at=None,
    ends_at=None,
    operator=None,
    now=None,
):
    now = now or timezone.now()
    house_from, house_to = services.houses_parse(houses)
    return services.outage_publish(
        provider=provider,
        operator=operator,
        service="cold_water",
        kind=kind,
        starts_at=starts_at or now - dt.timedelta(hours=1),
        ends_at=ends_at,
        reason="Pipe burst",
        streets=[
            services.AffectedStreet(
                street=street, house_from=house_from, house_to=house_to, side=side
            )
        ],
        now=now,
    )


# --- house ranges ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [("", (None, None)), ("1–25", (1, 25)), ("1-25", (1, 25)), (" 3 — 9 ", (3, 9)), ("7", (7, 7))],
)
def test_house_ranges_are_read_as_people_write_them(text, expected):
    assert services.houses_parse(text) == expected


def test_a_backwards_house_range_is_refused_with_the_fix():
    with pytest.raises(services.OutageRejected) as refused:
        services.houses_parse("25–1")

    assert "1–25" in refused.value.message


@pytest.mark.parametrize(
    ("house", "side", "house_from", "house_to", "covered"),
    [
        ("12", "both", None, None, True),
        ("12", "odd", None, None, False),
        ("13", "odd", 1, 25, True),
        ("101а", "odd", 99, 101, True),
        ("12", "even", 1, 11, False),
        ("12/3", "even", 1, 25, True),
    ],
)
def test_a_house_is_covered_by_its_number_and_side(house, side, house_from, house_to, covered):
    assert (
        selectors.covers(house_from=house_from, house_to=house_to, side=side, house=house)
        is covered
    )


# --- publishing -----------------------------------------------------------------------------


def test_an_operator_publishes_an_outage_by_a_streets_former_name(client, operator, street):
    client.force_login(operator)
    data = {
        "provider": street.provider_id,
        "service": "cold_water",
        "kind": "planned",
        "starts_at": "2030-05-01T09:00",
        "ends_at": "2030-05-01T18:00",
        "reason": "Valve replacement",
        "street_1": "вул. Леніна",
        "houses_1": "1–25",
        "side_1": "odd",
    }

    response = client.post("/backoffice/outages/", data)

    outage = Outage.objects.get()
    assert response.status_code == 302
    row = outage.streets.get()
    assert (row.street_id, row.house_from, row.house_to, row.side) == (street.pk, 1, 25, "odd")
    assert outage.starts_at == dt.datetime(2030, 5, 1, 9, tzinfo=KYIV)
    assert AuditEntry.objects.filter(action="outage.published").count() == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"ends_at": "2030-05-01T08:00"}, "cannot end before it starts"),
        ({"houses_1": "25–1"}, "runs backwards"),
        ({"street_1": "Nowhere"}, "No street called"),
    ],
)
def test_a_bad_outage_is_refused_with_a_clear_message(client, operator, street, change, message):
    client.force_login(operator)
    data = {
        "provider": street.provider_id,
        "service": "cold_water",
        "kind": "planned",
        "starts_at": "2030-05-01T09:00",
        "ends_at": "2030-05-01T18:00",
        "reason": "Valve replacement",
        "street_1": "Шевченка",
        **change,
    }

    response = client.post("/backoffice/outages/", data)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Outage.objects.exists()


def test_an_operator_of_another_provider_cannot_see_or_update_an_outage(
    client, gas_operator, street
):
    outage = _publish(street.provider, street)
    client.force_login(gas_operator)

    assert client.get(f"/backoffice/outages/{outage.pk}/").status_code == 404
    response = client.post(f"/backoffice/outages/{outage.pk}/update/", {"text": "restored"})
    assert response.status_code == 404


def test_updates_extend_and_restore_an_outage(client, operator, street):
    outage = _publish(street.provider, street, ends_at=timezone.now() + dt.timedelta(hours=2))
    client.force_login(operator)

    client.post(
        f"/backoffice/outages/{outage.pk}/update/",
        {"text": "Extended to 18:00", "ends_at": "2030-01-01T18:00"},
    )
    client.post(f"/backoffice/outages/{outage.pk}/update/", {"text": "Restored", "restored": "on"})

    outage.refresh_from_db()
    assert outage.revision == 2
    assert outage.restored_at is not None
    assert list(outage.updates.order_by("revision").values_list("text", flat=True)) == [
        "Extended to 18:00",
        "Restored",
    ]


def test_an_update_ending_before_the_start_is_refused(operator, street):
    outage = _publish(street.provider, street)

    with pytest.raises(services.OutageRejected):
        services.outage_update(
            outage=outage,
            operator=operator,
            text="oops",
            ends_at=outage.starts_at - dt.timedelta(hours=1),
            restored=False,
            now=timezone.now(),
        )


# --- the banner -----------------------------------------------------------------------------


def test_the_affected_subscriber_sees_the_banner_and_an_unaffected_one_does_not(
    client, street, account, subscriber, other_account, other_subscriber
):
    # account is at house 12, other_account at house 40: the outage covers houses 1–25.
    _publish(street.provider, street, houses="1–25")
    client.force_login(subscriber)

    cabinet = client.get("/cabinet/").content.decode()
    account_page = client.get(f"/cabinet/accounts/{account.pk}/").content.decode()
    client.force_login(other_subscriber)
    other_cabinet = client.get("/cabinet/").content.decode()

    assert "Outages at your address" in cabinet
    assert "Pipe burst" in cabinet
    assert "Outages at your address" in account_page
    assert "Outages at your address" not in other_cabinet


def test_the_banner_costs_one_query(street, account, subscriber, django_assert_num_queries):
    _publish(street.provider, street)

    with django_assert_num_queries(1):
        found = selectors.subscriber_outages(user=subscriber, now=timezone.now())

    assert [o.reason for o in found] == ["Pipe burst"]


def test_pages_without_the_banner_do_not_query_outages(
    client, street, account, subscriber, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _publish(street.provider, street)
    client.force_login(subscriber)

    with CaptureQueriesContext(connection) as captured:
        client.get("/cabinet/requests/")

    assert not [q for q in captured.captured_queries if "outages_outage" in q["sql"]]


def test_over_or_far_future_outages_make_no_banner(street, account, subscriber):
    now = timezone.now()
    _publish(
        street.provider,
        street,
        starts_at=now - dt.timedelta(days=2),
        ends_at=now - dt.timedelta(days=1),
    )
    _publish(street.provider, street, kind="planned", starts_at=now + dt.timedelta(days=40))

    assert selectors.subscriber_outages(user=subscriber, now=now) == []


# --- the public list ------------------------------------------------------------------------


def test_the_public_list_needs_no_sign_in_and_finds_a_street_by_its_former_name(
    client, street, make_street, vodokanal
):
    other = make_street("Франка", provider=vodokanal, street_id="0002")
    _publish(vodokanal, street)
    elsewhere = _publish(vodokanal, other)
    elsewhere.reason = "Other street work"
    elsewhere.save()

    everything = client.get("/outages/").content.decode()
    by_former = client.get("/outages/", {"street": "леніна"}).content.decode()

    assert "Pipe burst" in everything and "Other street work" in everything
    assert "Pipe burst" in by_former
    assert "Other street work" not in by_former


def test_the_public_list_shows_html_in_the_reason_as_text(client, street, vodokanal):
    outage = _publish(vodokanal, street)
    outage.reason = "<img src=x onerror=alert(1)>"
    outage.save()

    page = client.get("/outages/").content.decode()

    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_the_atom_feed_and_the_json_list(client, street, vodokanal):
    outage = _publish(vodokanal, street, houses="1–25", side="odd")

    feed = client.get("/outages/feed/")
    listing = client.get("/outages/outages.json", {"street": "Леніна"})

    assert feed.status_code == 200
    assert feed["Content-Type"].startswith("application/atom+xml")
    assert f"/outages/#outage-{outage.pk}" in feed.content.decode()
    body = json.loads(listing.content)
    (item,) = body["outages"]
    assert item["id"] == outage.pk
    assert item["streets"] == [
        {"street": "вул. Шевченка", "house_from": 1, "house_to": 25, "side": "odd"}
    ]
    assert item["ends_at"] is None


def test_the_public_api_lists_outages_without_a_token(client, street, vodokanal):
    _publish(vodokanal, street)

    response = client.get("/api/v1/outages/", {"street": "Шевченка"})

    assert response.status_code == 200
    assert [o["reason"] for o in response.json()] == ["Pipe burst"]
    assert client.post("/api/v1/outages/", {}).status_code == 405


# --- "no water" answered automatically ------------------------------------------------------


def test_a_no_water_request_under_an_outage_is_answered_at_once_and_stays_open(
    street, account, subscriber
):
    now = timezone.now()
    _publish(street.provider, street, ends_at=now + dt.timedelta(hours=3), now=now)

    filed = request_services.request_create(
        user=subscriber,
        account=account,
        kind="no_water",
        text="No water",
        uploads=[],
        language="en",
        now=now,
    )

    automatic = filed.messages.get(author_kind=Message.Author.AUTOMATIC)
    assert "Pipe burst" in automatic.text
    assert "Expected end" in automatic.text
    assert filed.status == Request.Status.NEW
    assert filed.answered_at is None


def test_a_no_water_request_elsewhere_gets_no_automatic_answer(
    street, other_account, other_subscriber
):
    _publish(street.provider, street, houses="1–25")

    filed = request_services.request_create(
        user=other_subscriber,
        account=other_account,
        kind="no_water",
        text="No water",
        uploads=[],
        language="en",
        now=timezone.now(),
    )

    assert not filed.messages.filter(author_kind=Message.Author.AUTOMATIC).exists()


# --- mail -----------------------------------------------------------------------------------


@pytest.fixture
def opted_in(subscriber, account):
    return services.outage_subscription_save(
        user=subscriber, enabled=True, language="en", now=timezone.now()
    )


def _at(hour: int) -> dt.datetime:
    return dt.datetime(2030, 3, 10, hour, 30, tzinfo=KYIV)


def test_mail_goes_once_per_outage_and_per_update(street, opted_in, operator):
    noon = _at(12)
    outage = _publish(
        street.provider,
        street,
        kind="planned",
        starts_at=noon,
        ends_at=noon + dt.timedelta(hours=6),
        now=noon,
    )

    first = services.outage_mail_send(now=noon)
    again = services.outage_mail_send(now=noon + dt.timedelta(minutes=15))
    services.outage_update(
        outage=outage,
        operator=operator,
        text="Extended to 20:00",
        ends_at=noon + dt.timedelta(hours=8),
        restored=False,
        now=noon,
    )
    after_update = services.outage_mail_send(now=noon + dt.timedelta(minutes=30))

    assert (first, again, after_update) == (1, 0, 1)
    assert len(mail.outbox) == 2
    assert "Planned outage at your address" in mail.outbox[0].subject
    assert "Extended to 20:00" in mail.outbox[1].body
    assert OutageMailSent.objects.count() == 2


def test_planned_outage_mail_waits_for_the_morning_but_an_emergency_does_not(street, opted_in):
    night = _at(23)
    _publish(
        street.provider, street, kind="planned", starts_at=night + dt.timedelta(hours=12), now=night
    )

    at_night = services.outage_mail_send(now=night)
    morning = services.outage_mail_send(now=night + dt.timedelta(hours=9))
    _publish(street.provider, street, kind="emergency", starts_at=night, now=night)
    emergency_at_night = services.outage_mail_send(now=night + dt.timedelta(minutes=5))

    assert (at_night, morning, emergency_at_night) == (0, 1, 1)


def test_no_mail_without_opting_in(street, account, subscriber):
    _publish(street.provider, street, now=_at(12), starts_at=_at(12))

    assert services.outage_mail_send(now=_at(12)) == 0
    assert not mail.outbox


def test_the_opt_in_page_saves_the_wish(client, subscriber):
    client.force_login(subscriber)

    response = client.post("/cabinet/outages/mail/", {"enabled": "on", "language": "ru"})

    assert response.status_code == 302
    assert subscriber.outage_subscription.enabled
    assert subscriber.outage_subscription.language == "ru"


@pytest.mark.parametrize("outages", [1, 8])
def test_the_outage_lists_take_the_same_number_of_queries_however_many(
    client, operator, street, vodokanal, outages, django_assert_num_queries
):
    for _ in range(outages):
        outage = _publish(vodokanal, street)
        services.outage_update(
            outage=outage,
            operator=operator,
            text="Later",
            ends_at=None,
            restored=False,
            now=timezone.now(),
        )

    # outages, their streets, their updates
    with django_assert_num_queries(3):
        public = client.get("/outages/")
    # the same, plus the names that matched the search
    with django_assert_num_queries(4):
        found = client.get("/outages/", {"street": "Леніна"})
    client.force_login(operator)
    # session, user, the operator's providers (form), the page's count, outages, their streets
    with django_assert_num_queries(6):
        listed = client.get("/backoffice/outages/")

    assert public.content.decode().count('class="card outage-card') == outages
    assert found.content.decode().count('class="card outage-card') == outages
    assert listed.status_code == 200


def test_the_outage_mail_command_sends_what_is_due(street, opted_in):
    from io import StringIO

    from django.core.management import call_command

    _publish(street.provider, street, kind="emergency")
    out = StringIO()

    call_command("outage_mail", stdout=out)

    assert out.getvalue().strip() == "1 mail(s) sent"
    assert mail.outbox[0].to == ["olena@example.com"]


def test_the_scheduler_queues_the_outage_mail_run(street, opted_in):
    from io import StringIO

    from django.core.management import call_command

    _publish(street.provider, street, kind="emergency")

    call_command("scheduler", "--once", "--at", "23:59", stdout=StringIO())

    # The test settings run queued tasks at once: the run mailed the one subscriber who asked.
    assert [message.to for message in mail.outbox] == [["olena@example.com"]]
