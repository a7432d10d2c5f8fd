import datetime as dt
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError
from django.utils import timezone

from kabinet.notifications.models import ReminderPreference, ReminderSent
from kabinet.notifications.services import due_days, reminders_send
from kabinet.notifications.tasks import reminders_send as reminders_task

pytestmark = pytest.mark.urls("kabinet.metering.tests.urls")

D = dt.date
NOW = dt.datetime(2026, 11, 20, 8, 0, tzinfo=ZoneInfo("Europe/Kyiv"))


@pytest.fixture
def subscriber(db, django_user_model):
    return django_user_model.objects.create_user(
        username="olena", email="olena@example.com", password="s3cret-pass", first_name="Олена"
    )


@pytest.fixture
def account(make_account, make_meter, subscriber):
    from kabinet.subscribers.models import AccountLink

    account = make_account()
    make_meter(account)
    AccountLink.objects.create(user=subscriber, account=account, linked_at=timezone.now())
    return account


@pytest.fixture
def preference(subscriber):
    return ReminderPreference.objects.create(user=subscriber, day=20, language="en", updated_at=NOW)


def test_a_reminder_goes_out_on_the_chosen_day(account, preference):
    sent = reminders_send(today=D(2026, 11, 20), now=NOW)

    assert sent == 1
    assert mail.outbox[0].to == ["olena@example.com"]
    assert "Time to read your meters" in mail.outbox[0].subject
    assert f"/cabinet/accounts/{account.pk}/" in mail.outbox[0].body
    assert "/cabinet/reminders/" in mail.outbox[0].body


def test_reminders_go_out_once_per_period(account, preference):
    reminders_send(today=D(2026, 11, 20), now=NOW)
    reminders_send(today=D(2026, 11, 20), now=NOW)
    reminders_send(today=D(2026, 11, 21), now=NOW)

    reminders_send(today=D(2026, 12, 20), now=NOW)

    assert len(mail.outbox) == 2
    assert list(ReminderSent.objects.order_by("period").values_list("period", flat=True)) == [
        D(2026, 11, 1),
        D(2026, 12, 1),
    ]


def test_no_reminder_on_other_days(account, preference):
    assert reminders_send(today=D(2026, 11, 19), now=NOW) == 0
    assert reminders_send(today=D(2026, 11, 25), now=NOW) == 0


def test_a_run_missed_by_a_day_still_sends_the_months_reminder(account, preference):
    assert reminders_send(today=D(2026, 11, 21), now=NOW) == 1


def test_no_reminder_when_the_period_already_has_a_reading(account, preference):
    from kabinet.metering.models import Reading

    Reading.objects.create(
        meter=account.meters.get(), reading_date=D(2026, 11, 3), value=Decimal(1), source="portal"
    )

    assert reminders_send(today=D(2026, 11, 20), now=NOW) == 0


def test_a_reading_before_the_cut_off_does_not_cover_the_next_period(account, preference):
    from kabinet.metering.models import Reading

    account.provider.cutoff = 15
    account.provider.save()
    Reading.objects.create(
        meter=account.meters.get(), reading_date=D(2026, 11, 3), value=Decimal(1), source="portal"
    )

    assert reminders_send(today=D(2026, 11, 20), now=NOW) == 1
    assert ReminderSent.objects.get().period == D(2026, 12, 1)


def test_reminders_can_be_turned_off(account, preference):
    preference.enabled = False
    preference.save()

    assert reminders_send(today=D(2026, 11, 20), now=NOW) == 0


def test_the_mail_is_in_the_chosen_language(account, preference):
    preference.language = "uk"
    preference.save()

    reminders_send(today=D(2026, 11, 20), now=NOW)

    assert "показання" in mail.outbox[0].subject + mail.outbox[0].body


def test_the_thirty_first_means_the_last_day_of_a_short_month():
    assert 31 in due_days(today=D(2026, 2, 28))
    assert 31 not in due_days(today=D(2026, 3, 28))


def test_the_database_allows_one_reminder_per_account_and_period(account, preference):
    ReminderSent.objects.create(
        preference=preference, account=account, period=D(2026, 11, 1), sent_at=NOW
    )

    with pytest.raises(IntegrityError):
        ReminderSent.objects.create(
            preference=preference, account=account, period=D(2026, 11, 1), sent_at=NOW
        )


def test_the_task_runs_the_day_it_is_given(account, preference):
    result = reminders_task.enqueue("2026-11-20")

    assert result.return_value == 1


def test_the_command_runs_for_an_injected_date(account, preference):
    out = StringIO()

    call_command("reminders", "--date", "2026-11-20", stdout=out)
    call_command("reminders", "--date", "2026-11-20", stdout=out)

    assert len(mail.outbox) == 1
    assert "1 mail(s) sent" in out.getvalue()


def test_the_command_can_queue_the_run_for_the_worker(account, preference, settings):
    # A backend that only keeps what is queued: the immediate one would run the task at once,
    # and a queued run could not be told from a run.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    from django_tasks import default_task_backend

    out = StringIO()

    call_command("reminders", "--date", "2026-11-20", "--enqueue", stdout=out)

    (queued,) = default_task_backend.results  # type: ignore[attr-defined]
    assert "queued" in out.getvalue() and queued.id in out.getvalue()
    assert queued.status == "READY"
    assert (queued.task.name, queued.args) == ("reminders_send", ["2026-11-20"])
    assert len(mail.outbox) == 0


def test_the_command_refuses_a_bad_date(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="not a date"):
        call_command("reminders", "--date", "20.11.2026")


def test_the_scheduler_queues_a_day_once_after_its_hour():
    from kabinet.web.management.commands.scheduler import due

    at = dt.time(8, 0)

    assert due(now=NOW, at=at, last_run=None)
    assert not due(now=NOW, at=at, last_run=D(2026, 11, 20))
    assert not due(now=NOW.replace(hour=7), at=at, last_run=None)


def test_the_subscriber_sets_and_turns_off_reminders(client, subscriber):
    client.force_login(subscriber)

    client.post("/cabinet/reminders/", {"enabled": "on", "day": "25", "language": "ru"})
    saved = ReminderPreference.objects.get(user=subscriber)
    client.post("/cabinet/reminders/", {"day": "25", "language": "ru"})

    assert (saved.day, saved.language) == (25, "ru")
    assert not ReminderPreference.objects.get(user=subscriber).enabled


@pytest.mark.parametrize("day", ["0", "32", "abc", ""])
def test_a_bad_day_gets_a_message(client, subscriber, day):
    client.force_login(subscriber)

    response = client.post(
        "/cabinet/reminders/",
        {"enabled": "on", "day": day, "language": "uk"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 200
    assert "Give a day of the month, from 1 to 31." in response.content.decode()
    assert not ReminderPreference.objects.exists()
