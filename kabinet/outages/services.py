"""Writes of outages: publishing, updates, the subscriber's opt-in, and the mail about them."""

import datetime as dt
import logging
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kabinet.addresses.models import Street, StreetName
from kabinet.addresses.normalize import fold_street
from kabinet.audit.services import audit_record
from kabinet.providers.models import Provider
from kabinet.subscribers.models import AccountLink

from . import selectors
from .models import Outage, OutageMailSent, OutageStreet, OutageSubscription, OutageUpdate

logger = logging.getLogger(__name__)

# Mail about a planned outage waits for the morning; an emergency one goes out at once.
NIGHT_STARTS = dt.time(22, 0)
NIGHT_ENDS = dt.time(8, 0)
# A range written `1–25`, `1-25`, `1 — 25`, or one house `7`.
_RANGE = re.compile(r"^\s*(\d{1,5})\s*(?:[-‐‑‒–—]\s*(\d{1,5}))?\s*$")


class OutageRejected(Exception):
    """The outage or its update is not valid; the message says why, for the operator."""

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class AffectedStreet:
    street: Street
    house_from: int | None = None
    house_to: int | None = None
    side: str = OutageStreet.Side.BOTH


def houses_parse(text: str) -> tuple[int | None, int | None]:
    """Read a house range: "" → the whole street, `1–25`, `7`. Raises OutageRejected."""
    if not text.strip():
        return None, None
    match = _RANGE.match(text)
    if match is None:
        raise OutageRejected(
            _("Write the houses as a range of numbers, e.g. 1–25, or leave it empty."),
            field="houses",
        )
    first = int(match.group(1))
    last = int(match.group(2)) if match.group(2) else first
    if last < first:
        raise OutageRejected(
            _("The range %(first)s–%(last)s runs backwards; write it as %(last)s–%(first)s.")
            % {"first": first, "last": last},
            field="houses",
        )
    return first, last


def street_find(*, provider: Provider, name: str) -> Street:
    """Return the provider's street with the name `name`, current or former.

    Raises OutageRejected when no street, or more than one, has that name.
    """
    key = fold_street(name)
    ids = set(
        StreetName.objects.filter(street__provider=provider, name_key=key).values_list(
            "street_id", flat=True
        )[:2]
    )
    if len(ids) != 1:
        raise OutageRejected(
            _("No street called “%(name)s” is known to %(provider)s.")
            % {"name": name, "provider": provider.name}
            if not ids
            else _("More than one street is called “%(name)s”; name it with its type.")
            % {"name": name},
            field="street",
        )
    return Street.objects.get(pk=ids.pop())


def _check_times(starts_at: dt.datetime, ends_at: dt.datetime | None) -> None:
    if ends_at is not None and ends_at <= starts_at:
        raise OutageRejected(_("The outage cannot end before it starts."), field="ends_at")


@transaction.atomic
def outage_publish(
    *,
    provider: Provider,
    operator,
    service: str,
    kind: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime | None,
    reason: str,
    streets: list[AffectedStreet],
    now: dt.datetime,
) -> Outage:
    """Publish an outage on some of the provider's streets. Raises OutageRejected."""
    _check_times(starts_at, ends_at)
    if not streets:
        raise OutageRejected(_("Name at least one street."), field="street")
    if not reason.strip():
        raise OutageRejected(_("Say why the service stops."), field="reason")
    outage = Outage(
        provider=provider,
        service=service,
        kind=kind,
        starts_at=starts_at,
        ends_at=ends_at,
        reason=reason.strip(),
        created_at=now,
        created_by=operator,
    )
    outage.full_clean()
    outage.save()
    for item in streets:
        if item.street.provider_id != provider.pk:
            raise OutageRejected(_("The street belongs to another provider."), field="street")
        if (
            item.house_from is not None
            and item.house_to is not None
            and item.house_to < item.house_from
        ):
            raise OutageRejected(_("The house range runs backwards."), field="houses")
        OutageStreet.objects.create(
            outage=outage,
            street=item.street,
            house_from=item.house_from,
            house_to=item.house_to,
            side=item.side,
        )
    audit_record(
        at=now,
        actor=operator,
        action="outage.published",
        target=outage,
        provider=provider,
        after={
            "kind": kind,
            "service": service,
            "starts_at": starts_at.isoformat(),
            "ends_at": ends_at.isoformat() if ends_at else None,
            "streets": [str(item.street) for item in streets],
        },
    )
    _queue_mail(now)
    return outage


@transaction.atomic
def outage_update(
    *,
    outage: Outage,
    operator,
    text: str,
    ends_at: dt.datetime | None,
    restored: bool,
    now: dt.datetime,
) -> OutageUpdate:
    """Add an update to an outage, with a new end or its restoration. Raises OutageRejected."""
    outage = Outage.objects.select_for_update().get(pk=outage.pk)
    if not text.strip():
        raise OutageRejected(_("Write what changed."), field="text")
    if outage.restored_at is not None:
        raise OutageRejected(_("This outage is over; publish a new one."))
    before = {"ends_at": outage.ends_at.isoformat() if outage.ends_at else None}
    if ends_at is not None:
        _check_times(outage.starts_at, ends_at)
        outage.ends_at = ends_at
    if restored:
        outage.restored_at = now
        if outage.ends_at is None or outage.ends_at > now:
            outage.ends_at = max(now, outage.starts_at + dt.timedelta(minutes=1))
    outage.revision += 1
    outage.save()
    update = OutageUpdate.objects.create(
        outage=outage, text=text.strip(), created_at=now, author=operator, revision=outage.revision
    )
    audit_record(
        at=now,
        actor=operator,
        action="outage.restored" if restored else "outage.updated",
        target=outage,
        provider=outage.provider,
        before=before,
        after={"ends_at": outage.ends_at.isoformat() if outage.ends_at else None},
        reason=text.strip(),
    )
    _queue_mail(now)
    return update


def _queue_mail(now: dt.datetime) -> None:
    from .tasks import outage_mail_send as task

    # Runs after the commit, so the worker sees the outage it is told about.
    transaction.on_commit(lambda: task.enqueue(now.isoformat()))


def outage_subscription_save(
    *, user, enabled: bool, language: str, now: dt.datetime
) -> OutageSubscription:
    """Create or change the subscriber's wish to be mailed about outages at their addresses."""
    subscription = OutageSubscription.objects.filter(user=user).first() or OutageSubscription(
        user=user
    )
    subscription.enabled = enabled
    subscription.language = language
    subscription.updated_at = now
    subscription.full_clean(exclude=["user"])
    subscription.save()
    return subscription


def is_night(now: dt.datetime) -> bool:
    """Tell whether `now` is in the night (22:00 to 08:00 local time), when planned mail waits."""
    local = timezone.localtime(now).time()
    return local >= NIGHT_STARTS or local < NIGHT_ENDS


def outage_mail_send(*, now: dt.datetime) -> int:
    """Mail subscribers who asked about each outage, or update, at their address; return how many.

    Once per outage and revision per subscriber (a database constraint); planned outages wait
    for the morning, emergencies go out at any hour.
    """
    outages = Outage.objects.filter(
        # A restoration is news too: mailed for half a day after it.
        selectors.shown_condition(now=now) | Q(restored_at__gt=now - dt.timedelta(hours=12))
    ).select_related("provider")
    if is_night(now):
        outages = outages.filter(kind=Outage.Kind.EMERGENCY)
    sent = 0
    for outage in outages.order_by("pk"):
        try:
            sent += _mail_outage(outage=outage, now=now)
        except Exception:
            # One failing address must not stop the others; the next run tries again.
            logger.exception("outage mail for outage %s failed", outage.pk)
    return sent


def _mail_outage(*, outage: Outage, now: dt.datetime) -> int:
    accounts = selectors.affected_accounts(outage=outage)
    if not accounts:
        return 0
    links = (
        AccountLink.objects.filter(
            account_id__in=[a.pk for a in accounts],
            unlinked_at__isnull=True,
            user__outage_subscription__enabled=True,
        )
        .exclude(user__email="")
        .select_related("user", "user__outage_subscription", "account", "account__street")
        .order_by("user_id", "account_id")
    )
    by_user: dict[int, list] = {}
    for link in links:
        by_user.setdefault(link.user_id, []).append(link)
    already = set(
        OutageMailSent.objects.filter(outage=outage, revision=outage.revision).values_list(
            "subscription__user_id", flat=True
        )
    )
    latest = outage.updates.order_by("-revision").first()
    sent = 0
    for user_id, user_links in by_user.items():
        if user_id in already:
            continue
        user = user_links[0].user
        subscription = user.outage_subscription
        try:
            with transaction.atomic():
                OutageMailSent.objects.create(
                    subscription=subscription, outage=outage, revision=outage.revision, sent_at=now
                )
                with translation.override(subscription.language):
                    context = {
                        "outage": outage,
                        "update": latest,
                        "links": user_links,
                        "outages_url": f"{settings.SITE_URL}/outages/",
                        "settings_url": f"{settings.SITE_URL}/cabinet/outages/mail/",
                    }
                    subject = render_to_string("outages/mail_subject.txt", context).strip()
                    body = render_to_string("outages/mail_body.txt", context)
                EmailMessage(subject, body, to=[user.email]).send()
        except IntegrityError:
            continue  # another run sent it meanwhile
        sent += 1
    return sent
