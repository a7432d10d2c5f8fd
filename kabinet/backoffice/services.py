"""Writes of the back office: street names and the export.

Readings under review and account links are written by their own domains
(kabinet.metering.services, kabinet.subscribers.services), whoever the actor; import runs by the
exchange's (kabinet/exchange/runs.py).
"""

import datetime as dt
from typing import BinaryIO

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from kabinet.addresses.models import Street, StreetName
from kabinet.addresses.normalize import fold_street
from kabinet.audit.services import audit_record
from kabinet.exchange.exporter import readings_export
from kabinet.providers.models import Provider


class BackofficeRefused(Exception):
    """An operator's request that breaks a rule; `message` says which, in words."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


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
