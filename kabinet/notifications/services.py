"""Reminders to read the meters: a subscriber's preference, and the daily run that mails them."""

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from kabinet.billing.models import Account
from kabinet.metering.models import Meter
from kabinet.metering.selectors import accounts_with_period_reading, window_info
from kabinet.providers import windows
from kabinet.quick_readings.links import link_last_day, reading_link_token
from kabinet.subscribers.access import accessible_accounts
from kabinet.subscribers.models import AccountLink

from .models import ReminderPreference, ReminderSent

logger = logging.getLogger(__name__)

# A run missed for a day or two (the scheduler was down) still sends that month's reminder.
GRACE_DAYS = 3


def reminder_preference_save(
    *, user, day: int, enabled: bool, language: str, now: dt.datetime
) -> ReminderPreference:
    """Create or change the user's reminder preference."""
    preference = ReminderPreference.objects.filter(user=user).first() or ReminderPreference(
        user=user
    )
    preference.day = day
    preference.enabled = enabled
    preference.language = language
    preference.updated_at = now
    preference.full_clean(exclude=["user"])
    preference.save()
    return preference


def due_days(*, today: dt.date) -> list[int]:
    """Return the preferred days whose reminder goes out `today` (the day itself or a late run)."""
    due = []
    for day in range(1, 32):
        effective = windows.month_day(today.year, today.month, day)
        if 0 <= (today - effective).days < GRACE_DAYS:
            due.append(day)
    return due


@dataclass
class AccountReminder:
    account: Account
    period: dt.date
    window: object
    url: str
    # One-tap links, one per meter in service: (the meter, its link).
    meter_links: list[tuple[Meter, str]] = field(default_factory=list)


def _accounts_to_remind(*, preference: ReminderPreference, today: dt.date) -> list[AccountReminder]:
    accounts = list(
        accessible_accounts(user=preference.user)
        .filter(closed_date__isnull=True, meters__removed_date__isnull=True)
        .select_related("provider", "street")
        .distinct()
        .order_by("number")
    )
    read = accounts_with_period_reading(account_ids=[a.pk for a in accounts], today=today)
    already = set(
        ReminderSent.objects.filter(preference=preference).values_list("account_id", "period")
    )
    result = []
    for account in accounts:
        period = windows.reading_period(reading_date=today, cutoff=account.provider.cutoff)
        if account.pk in read or (account.pk, period) in already:
            continue
        result.append(
            AccountReminder(
                account=account,
                period=period,
                window=window_info(provider=account.provider, today=today),
                url=f"{settings.SITE_URL}/cabinet/accounts/{account.pk}/",
            )
        )
    _add_meter_links(user=preference.user, reminders=result, today=today)
    return result


def _add_meter_links(*, user, reminders: list[AccountReminder], today: dt.date) -> None:
    """Give each reminder a one-tap link per meter in service (two queries for all of them).

    Each link is signed for the user's own account link, so it dies with an unlinking or a
    password change (kabinet/quick_readings/links.py).
    """
    if not reminders:
        return
    account_ids = [item.account.pk for item in reminders]
    account_links = {
        link.account_id: link
        for link in AccountLink.objects.filter(
            user=user, account_id__in=account_ids, unlinked_at__isnull=True
        )
    }
    meters: dict[int, list[Meter]] = {}
    for meter in Meter.objects.filter(
        account_id__in=account_ids, removed_date__isnull=True
    ).order_by("service", "serial"):
        meters.setdefault(meter.account_id, []).append(meter)
    for item in reminders:
        link = account_links.get(item.account.pk)
        if link is None:
            continue
        # The link's holder is the user the mail goes to.
        link.user = user
        last_day = link_last_day(provider=item.account.provider, today=today)
        item.meter_links = [
            (
                meter,
                f"{settings.SITE_URL}/readings/link/"
                f"{reading_link_token(link=link, meter=meter, last_day=last_day)}/",
            )
            for meter in meters.get(item.account.pk, [])
        ]


def reminders_send(*, today: dt.date, now: dt.datetime) -> int:
    """Mail today's reminders; return how many mails went out.

    Each user gets at most one mail a run, naming every linked account that has no reading for
    the period yet; an account is named at most once per period (a database constraint).
    """
    preferences = (
        ReminderPreference.objects.filter(enabled=True, day__in=due_days(today=today))
        .exclude(user__email="")
        .select_related("user")
        .order_by("pk")
    )
    sent = 0
    for preference in preferences:
        try:
            sent += _remind(preference=preference, today=today, now=now)
        except Exception:
            # One failing address must not stop the others; the next run tries it again.
            logger.exception("reminder for user %s failed", preference.user_id)
    return sent


def _remind(*, preference: ReminderPreference, today: dt.date, now: dt.datetime) -> int:
    with transaction.atomic():
        reminders = _accounts_to_remind(preference=preference, today=today)
        if not reminders:
            return 0
        ReminderSent.objects.bulk_create(
            [
                ReminderSent(
                    preference=preference,
                    account=item.account,
                    period=item.period,
                    sent_at=now,
                )
                for item in reminders
            ]
        )
        with translation.override(preference.language):
            context = {
                "user": preference.user,
                "reminders": reminders,
                "settings_url": f"{settings.SITE_URL}/cabinet/reminders/",
                "site_url": settings.SITE_URL,
            }
            subject = render_to_string("notifications/reminder_subject.txt", context).strip()
            body = render_to_string("notifications/reminder_body.txt", context)
        # Sent inside the transaction: a mail that failed leaves no "sent" rows behind.
        EmailMessage(subject, body, to=[preference.user.email]).send()
    return 1
