"""Writes of the back office: review of readings, street names, links, the export.

Import runs are the exchange's (kabinet/exchange/runs.py)."""

import datetime as dt
from decimal import Decimal
from typing import BinaryIO

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from kabinet.addresses.models import Street, StreetName
from kabinet.addresses.normalize import fold_street
from kabinet.audit.services import audit_record
from kabinet.exchange.exporter import readings_export
from kabinet.metering.models import Reading
from kabinet.providers.models import Provider
from kabinet.subscribers.models import AccountLink


class BackofficeRefused(Exception):
    """An operator's request that breaks a rule; `message` says which, in words."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --- readings waiting for review ----------------------------------------------------------------


def _reading_values(reading: Reading) -> dict[str, str]:
    return {
        "meter": reading.meter.serial,
        "date": reading.reading_date.isoformat(),
        "value": format(reading.value.normalize(), "f"),
        "status": reading.status,
    }


def reading_review_accept(*, reading: Reading, actor, now: dt.datetime) -> Reading:
    """Accept a reading that waited for review, as it is; audited."""
    with transaction.atomic():
        reading = (
            Reading.objects.select_for_update().select_related("meter__account").get(pk=reading.pk)
        )
        if reading.status != Reading.Status.REVIEW:
            raise BackofficeRefused(_("This reading is not waiting for review any more."))
        before = _reading_values(reading)
        reading.status = Reading.Status.ACCEPTED
        reading.save(update_fields=["status"])
        audit_record(
            at=now,
            actor=actor,
            action="reading.reviewed",
            target=reading,
            provider=reading.meter.account.provider,
            before=before,
            after=_reading_values(reading),
        )
    return reading


def reading_review_correct(
    *, reading: Reading, value: Decimal, reason: str, actor, now: dt.datetime
) -> Reading:
    """Replace the value of a reading that waited for review and accept it; audited."""
    if value < 0:
        raise BackofficeRefused(_("A reading cannot be negative."))
    if not reason.strip():
        raise BackofficeRefused(_("Say why the value is corrected."))
    with transaction.atomic():
        reading = (
            Reading.objects.select_for_update().select_related("meter__account").get(pk=reading.pk)
        )
        if reading.status != Reading.Status.REVIEW:
            raise BackofficeRefused(_("This reading is not waiting for review any more."))
        places = Decimal(1).scaleb(-reading.meter.decimals)
        if value != value.quantize(places):
            raise BackofficeRefused(
                _("This meter shows %(decimals)s digits after the point.")
                % {"decimals": reading.meter.decimals}
            )
        before = _reading_values(reading)
        reading.value = value
        reading.status = Reading.Status.ACCEPTED
        reading.save(update_fields=["value", "status"])
        audit_record(
            at=now,
            actor=actor,
            action="reading.corrected",
            target=reading,
            provider=reading.meter.account.provider,
            before=before,
            after=_reading_values(reading),
            reason=reason.strip(),
        )
    return reading


# --- streets ------------------------------------------------------------------------------------


def street_former_name_add(*, street: Street, name: str, actor, now: dt.datetime) -> StreetName:
    """Add a former name by which subscribers find `street`; raises BackofficeRefused."""
    name = " ".join(name.split())
    key = fold_street(name)
    if not key:
        raise BackofficeRefused(_("Type the former name of the street."))
    if StreetName.objects.filter(street=street, name_key=key).exists():
        raise BackofficeRefused(_("This street is already found by that name."))
    position = (
        max(StreetName.objects.filter(street=street).values_list("position", flat=True), default=0)
        + 1
    )
    try:
        with transaction.atomic():
            street_name = StreetName.objects.create(
                street=street, name=name, name_key=key, is_current=False, position=position
            )
            audit_record(
                at=now,
                actor=actor,
                action="street.name_added",
                target=street,
                provider=street.provider,
                after={"name": name, "name_key": key},
            )
    except IntegrityError as clash:
        raise BackofficeRefused(_("This street is already found by that name.")) from clash
    return street_name


# --- account links ------------------------------------------------------------------------------


def account_link_unlink(*, link: AccountLink, reason: str, actor, now: dt.datetime) -> AccountLink:
    """End a subscriber's link to an account, keeping the row with the reason; audited."""
    reason = reason.strip()
    if not reason:
        raise BackofficeRefused(_("Say why the account is unlinked."))
    with transaction.atomic():
        link = (
            AccountLink.objects.select_for_update()
            .select_related("account", "user")
            .get(pk=link.pk)
        )
        if link.unlinked_at is not None:
            raise BackofficeRefused(_("This link has already ended."))
        link.unlinked_at = now
        link.unlink_reason = reason[:300]
        link.save(update_fields=["unlinked_at", "unlink_reason"])
        audit_record(
            at=now,
            actor=actor,
            action="link.unlinked",
            target=link,
            provider=link.account.provider,
            before={"user": link.user.get_username(), "account": link.account.number},
            reason=reason[:300],
        )
    return link


def export_write(
    *, provider: Provider, date_from: dt.date, date_to: dt.date, file_format: str, out: BinaryIO
) -> int:
    """Write the readings export of `provider` to `out`; returns the number of rows."""
    return readings_export(
        provider_code=provider.code,
        date_from=date_from,
        date_to=date_to,
        file_format=file_format,
        out=out,
    )
