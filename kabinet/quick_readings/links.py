"""One-tap reminder links: a signed link per meter that opens only that meter's reading form.

The link names the account link (subscriber and account), the meter and its last valid day,
signed with the secret key over those and the subscriber's password hash, the way Django's
password-reset tokens are: changing the password or unlinking the account kills every link
sent before, and the link cannot be stretched to another meter or another day. It proves the
holder only for submitting that meter's readings; it never signs anyone in.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils.crypto import constant_time_compare, salted_hmac

from kabinet.metering.models import Meter
from kabinet.providers import windows
from kabinet.providers.models import Provider
from kabinet.subscribers.models import AccountLink

SALT = "kabinet.quick_readings.links.reading-link"
# A token is `link-meter-day-signature`: ids and the last day (YYYYMMDD) in base 36.
MAX_TOKEN_LENGTH = 120


class ReadingLinkInvalid(Exception):
    """The link is altered, expired, of an unlinked account, or its holder changed the password.

    Which of them is never said: the page only asks to sign in or wait for the next reminder.
    """


def link_last_day(*, provider: Provider, today: dt.date) -> dt.date:
    """Return the last day a reading sent through a link mailed `today` counts for its period.

    The end of the reading window now open (or the next one, when the mail goes out before it
    opens), or of the period's month when the window is always open; never past the cut-off
    day after which a reading would count for the next period.
    """
    state = windows.window_state(
        read_from=provider.read_from, read_to=provider.read_to, today=today
    )
    period = windows.reading_period(reading_date=today, cutoff=provider.cutoff)
    if state.always_open:
        last = windows.period_dates(period=period, cutoff=provider.cutoff)[1]
    elif state.is_open and state.closes_on is not None:
        last = state.closes_on
    else:
        assert state.opens_on is not None
        opened = windows.window_state(
            read_from=provider.read_from, read_to=provider.read_to, today=state.opens_on
        )
        last = opened.closes_on or state.opens_on
    if provider.cutoff is not None:
        cutoff_day = windows.period_dates(period=period, cutoff=provider.cutoff)[1]
        if cutoff_day >= today:
            last = min(last, cutoff_day)
    return last


def _signature(*, link: AccountLink, meter_id: int, last_day: dt.date) -> str:
    user = link.user
    value = (
        f"{link.pk}:{link.account_id}:{meter_id}:{last_day.isoformat()}:{user.pk}:{user.password}"
    )
    return salted_hmac(SALT, value, algorithm="sha256").hexdigest()[::2]


def _b36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while True:
        number, rest = divmod(number, 36)
        text = digits[rest] + text
        if not number:
            return text


def reading_link_token(*, link: AccountLink, meter: Meter, last_day: dt.date) -> str:
    """Return the token of a link to `meter`'s form valid through `last_day`."""
    day = int(last_day.strftime("%Y%m%d"))
    signature = _signature(link=link, meter_id=meter.pk, last_day=last_day)
    return f"{_b36(link.pk)}-{_b36(meter.pk)}-{_b36(day)}-{signature}"


@dataclass(frozen=True)
class LinkedMeter:
    """What a valid link opens: the meter (with account and provider) and its holder's link."""

    meter: Meter
    link: AccountLink
    last_day: dt.date


def reading_link_open(*, token: str, today: dt.date) -> LinkedMeter:
    """Return the meter a link's token opens on `today`. Raises ReadingLinkInvalid."""
    parts = str(token).split("-")
    if len(token) > MAX_TOKEN_LENGTH or len(parts) != 4:
        raise ReadingLinkInvalid()
    # Ids beyond the database's integers would overflow its driver: 12 base-36 digits fit.
    if not all(part.isascii() and part.isalnum() and len(part) <= 12 for part in parts[:3]):
        raise ReadingLinkInvalid()
    try:
        link_id, meter_id, day = (int(part, 36) for part in parts[:3])
        last_day = dt.datetime.strptime(str(day), "%Y%m%d").date()
    except ValueError:
        raise ReadingLinkInvalid() from None
    if last_day < today:
        raise ReadingLinkInvalid()
    link = (
        AccountLink.objects.filter(pk=link_id, unlinked_at__isnull=True)
        .select_related("user")
        .first()
    )
    if link is None or not link.user.is_active:
        raise ReadingLinkInvalid()
    if not constant_time_compare(
        parts[3], _signature(link=link, meter_id=meter_id, last_day=last_day)
    ):
        raise ReadingLinkInvalid()
    meter = (
        Meter.objects.filter(pk=meter_id, account_id=link.account_id, removed_date__isnull=True)
        .select_related("account__provider")
        .first()
    )
    if meter is None or meter.account.closed_date is not None:
        raise ReadingLinkInvalid()
    return LinkedMeter(meter=meter, link=link, last_day=last_day)
