"""Writes of readings: a subscriber's, an operator's or an integrator's reading of a meter."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from kabinet.audit.services import audit_record
from kabinet.billing.models import Account
from kabinet.ops.metrics import reading_stored

from .models import Meter, Reading
from .submission import (
    ReadingNeedsConfirmation,
    ReadingRejected,
    evaluate,
)

__all__ = [
    "ReadingNeedsConfirmation",
    "ReadingRejected",
    "ReadingSubmitted",
    "reading_submit",
]


# The meter was just locked and the user is the signed-in one: checking that each exists
# would cost a query apiece (full_clean's foreign-key validation) and prove nothing.
KNOWN_FOREIGN_KEYS = ["meter", "submitted_by"]


@dataclass
class ReadingSubmitted:
    """A stored reading and what it means.

    `replaced`: it took the place of another value for the same day (kept in the audit trail).
    `unchanged`: the same value was already stored for that day (a double click, a re-sent
    form); nothing was written.
    """

    reading: Reading
    consumption: Decimal | None
    period: dt.date
    replaced: bool = False
    unchanged: bool = False
    warnings: list[str] = field(default_factory=list)


def _audit_values(reading: Reading) -> dict[str, str]:
    return {
        "meter": reading.meter.serial,
        "date": reading.reading_date.isoformat(),
        "value": format(reading.value.quantize(Decimal(1).scaleb(-reading.meter.decimals)), "f"),
        "source": reading.source,
        "status": reading.status,
    }


def reading_submit(
    *,
    meter: Meter,
    value: Decimal | str,
    reading_date: dt.date,
    source: str,
    submitted_by,
    now: dt.datetime,
    confirm_implausible: bool = False,
    confirm_wrap: bool = False,
) -> ReadingSubmitted:
    """Store a reading of `meter` on `reading_date`; one per meter and day.

    A new value for a day that has one replaces it (the old one goes to the audit trail); the
    same value again changes nothing. Raises ReadingRejected, or ReadingNeedsConfirmation when
    the value needs the subscriber's confirmation (`confirm_wrap`, `confirm_implausible`).
    Access control is the caller's.
    """
    if source not in Reading.Source.values:
        raise ValueError(f"unknown reading source {source!r}")
    today = timezone.localdate(now)
    # The unique (meter, day) constraint settles a race the lock did not (SQLite takes no row
    # locks); the second attempt then sees the winner's row and replaces or keeps it.
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                return _submit_locked(
                    meter=meter,
                    value=value,
                    reading_date=reading_date,
                    source=source,
                    submitted_by=submitted_by,
                    now=now,
                    today=today,
                    confirm_implausible=confirm_implausible,
                    confirm_wrap=confirm_wrap,
                )
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _lock(meter: Meter) -> Meter:
    """Return `meter` read again with its row locked (SELECT ... FOR UPDATE).

    The account and provider the caller loaded with it are reused rather than joined again:
    neither row is locked either way, and the joins cost more CPU than the rest of the query.
    """
    if Meter.account.is_cached(meter) and Account.provider.is_cached(meter.account):
        locked = Meter.objects.select_for_update().get(pk=meter.pk)
        if locked.account_id == meter.account_id:
            locked.account = meter.account
            return locked
    return (
        Meter.objects.select_for_update(of=("self",))
        .select_related("account__provider")
        .get(pk=meter.pk)
    )


def _submit_locked(
    *,
    meter: Meter,
    value: Decimal | str,
    reading_date: dt.date,
    source: str,
    submitted_by,
    now: dt.datetime,
    today: dt.date,
    confirm_implausible: bool,
    confirm_wrap: bool,
) -> ReadingSubmitted:
    # Locking the meter row serialises submissions for one meter: the second waits, then
    # sees the first one's reading.
    meter = _lock(meter)
    evaluation = evaluate(
        meter=meter,
        value=value,
        reading_date=reading_date,
        source=source,
        today=today,
        confirm_implausible=confirm_implausible,
        confirm_wrap=confirm_wrap,
    )
    provider = meter.account.provider
    existing = evaluation.same_day
    if evaluation.unchanged:
        assert existing is not None
        return ReadingSubmitted(
            reading=existing,
            consumption=evaluation.consumption,
            period=evaluation.period,
            unchanged=True,
            warnings=evaluation.warnings,
        )
    actor = submitted_by if getattr(submitted_by, "is_authenticated", False) else None
    if existing is not None:
        before = _audit_values(existing)
        existing.value = evaluation.value
        existing.source = source
        existing.status = evaluation.status
        existing.submitted_at = now
        existing.submitted_by = actor
        existing.full_clean(
            exclude=KNOWN_FOREIGN_KEYS, validate_unique=False, validate_constraints=False
        )
        existing.save(update_fields=["value", "source", "status", "submitted_at", "submitted_by"])
        audit_record(
            at=now,
            actor=actor,
            action="reading.replaced",
            target=existing,
            provider=provider,
            before=before,
            after=_audit_values(existing),
        )
        reading = existing
    else:
        reading = Reading(
            meter=meter,
            reading_date=reading_date,
            value=evaluation.value,
            source=source,
            status=evaluation.status,
            submitted_at=now,
            submitted_by=actor,
        )
        reading.full_clean(
            exclude=KNOWN_FOREIGN_KEYS, validate_unique=False, validate_constraints=False
        )
        reading.save()
        audit_record(
            at=now,
            actor=actor,
            action="reading.created",
            target=reading,
            provider=provider,
            after=_audit_values(reading),
        )
    reading_stored(provider=provider.code, source=source)  # ops: kabinet_readings_stored
    return ReadingSubmitted(
        reading=reading,
        consumption=evaluation.consumption,
        period=evaluation.period,
        replaced=existing is not None,
        warnings=evaluation.warnings,
    )
