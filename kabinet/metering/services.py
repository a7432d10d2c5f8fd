"""Writes of readings: a subscriber's, an operator's or an integrator's reading of a meter."""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, connections, router, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kabinet.audit.services import audit_record
from kabinet.billing.models import Account
from kabinet.metrics import reading_stored

from .models import Meter, Reading
from .submission import (
    Evaluation,
    ReadingNeedsConfirmation,
    ReadingRejected,
    evaluate,
    evaluate_zones,
)

__all__ = [
    "ReadingNeedsConfirmation",
    "ReadingRejected",
    "ReadingSubmitted",
    "reading_audit_values",
    "reading_review_accept",
    "reading_review_correct",
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
    `zones`: a multi-zone meter's event, one result per zone in the meter's order; `reading`
    is then the first zone's, `consumption` the total, `replaced` true when any zone's was,
    `unchanged` when every zone's was.
    """

    reading: Reading
    consumption: Decimal | None
    period: dt.date
    replaced: bool = False
    unchanged: bool = False
    warnings: list[str] = field(default_factory=list)
    zones: list["ReadingSubmitted"] = field(default_factory=list)


def reading_audit_values(reading: Reading) -> dict[str, str]:
    """Return what the audit trail records of a reading, whoever wrote it."""
    zone = {"zone": reading.zone} if reading.zone else {}
    return {
        "meter": reading.meter.serial,
        "date": reading.reading_date.isoformat(),
        **zone,
        "value": format(reading.value.quantize(Decimal(1).scaleb(-reading.meter.decimals)), "f"),
        "source": reading.source,
        "status": reading.status,
    }


def reading_submit(
    *,
    meter: Meter,
    value: Decimal | str | None = None,
    values: Mapping[str, Decimal | str] | None = None,
    reading_date: dt.date,
    source: str,
    submitted_by,
    now: dt.datetime,
    confirm_implausible: bool = False,
    confirm_wrap: bool = False,
    reason: str = "",
) -> ReadingSubmitted:
    """Store a reading of `meter` on `reading_date`; one per meter, day and zone.

    `value` for a single-zone meter; `values` (zone -> value) for a multi-zone one, stored as
    one event: every zone passes every rule or nothing is stored. A new value for a day that
    has one replaces it (the old one goes to the audit trail); the same value again changes
    nothing. Raises ReadingRejected, or ReadingNeedsConfirmation when the value needs the
    subscriber's confirmation (`confirm_wrap`, `confirm_implausible`). Every writer passes
    here: subscribers, the API and operators (`source="operator"`, who skip only the window and
    whose word needs no review). A `reason` (an operator's correction) is kept in the audit
    trail. Access control is the caller's.
    """
    if (value is None) == (values is None):
        raise ValueError("give either value or values")
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
                    values=values,
                    reading_date=reading_date,
                    source=source,
                    submitted_by=submitted_by,
                    now=now,
                    today=today,
                    confirm_implausible=confirm_implausible,
                    confirm_wrap=confirm_wrap,
                    reason=reason,
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
        locked = _locked_row(meter.pk)
        if locked is not None and locked.account_id == meter.account_id:
            locked.account = meter.account
            return locked
    return (
        Meter.objects.select_for_update(of=("self",))
        .select_related("account__provider")
        .get(pk=meter.pk)
    )


def _locked_row(pk: int) -> Meter | None:
    """The meter's row read with `SELECT ... FOR UPDATE`, written out once rather than built.

    The same statement `select_for_update().get(pk=...)` sends, without the ORM building it
    for every submission (a quarter of a millisecond of Python, measured); SQLite takes
    no row locks (its BEGIN IMMEDIATE already holds the database's write lock), so there it
    is a plain read, as the ORM would send it. Columns are converted as the ORM converts them.
    """
    alias = router.db_for_write(Meter)
    connection = connections[alias]
    sql = _LOCK_SQL.get(connection.vendor)
    if sql is None:
        quote = connection.ops.quote_name
        opts = Meter._meta
        columns = ", ".join(quote(field.column) for field in opts.concrete_fields)
        # Names from the model, quoted; the id is a parameter.
        sql = f"SELECT {columns} FROM {quote(opts.db_table)} WHERE {quote(opts.pk.column)} = %s"  # noqa: S608
        if connection.features.has_select_for_update:
            sql += " FOR UPDATE"
        _LOCK_SQL[connection.vendor] = sql
    return next(iter(Meter.objects.db_manager(alias).raw(sql, [pk])), None)


_LOCK_SQL: dict[str, str] = {}


def _submit_locked(
    *,
    meter: Meter,
    value: Decimal | str | None,
    values: Mapping[str, Decimal | str] | None,
    reading_date: dt.date,
    source: str,
    submitted_by,
    now: dt.datetime,
    today: dt.date,
    confirm_implausible: bool,
    confirm_wrap: bool,
    reason: str,
) -> ReadingSubmitted:
    # Locking the meter row serialises submissions for one meter: the second waits, then
    # sees the first one's reading.
    meter = _lock(meter)
    if values is None:
        assert value is not None
        evaluation = evaluate(
            meter=meter,
            value=value,
            reading_date=reading_date,
            source=source,
            today=today,
            confirm_implausible=confirm_implausible,
            confirm_wrap=confirm_wrap,
        )
        return _store(
            evaluation=evaluation,
            source=source,
            submitted_by=submitted_by,
            now=now,
            reason=reason,
        )
    evaluations = evaluate_zones(
        meter=meter,
        values=values,
        reading_date=reading_date,
        source=source,
        today=today,
        confirm_implausible=confirm_implausible,
        confirm_wrap=confirm_wrap,
    )
    results = [
        _store(
            evaluation=evaluation,
            source=source,
            submitted_by=submitted_by,
            now=now,
            reason=reason,
        )
        for evaluation in evaluations
    ]
    used = [result.consumption for result in results if result.consumption is not None]
    return ReadingSubmitted(
        reading=results[0].reading,
        consumption=sum(used, Decimal(0)) if len(used) == len(results) else None,
        period=results[0].period,
        replaced=any(result.replaced for result in results),
        unchanged=all(result.unchanged for result in results),
        # The meter's warnings (verification) are the same for every zone.
        warnings=results[0].warnings,
        zones=results,
    )


def _store(
    *, evaluation: Evaluation, source: str, submitted_by, now: dt.datetime, reason: str
) -> ReadingSubmitted:
    meter = evaluation.meter
    reading_date = evaluation.reading_date
    provider = meter.account.provider
    # An operator's value is the review: it is stored accepted even where a subscriber's
    # confirmed value would wait for one.
    status = Reading.Status.ACCEPTED if source == Reading.Source.OPERATOR else evaluation.status
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
        before = reading_audit_values(existing)
        existing.value = evaluation.value
        existing.source = source
        existing.status = status
        existing.submitted_at = now
        existing.submitted_by = actor
        existing.full_clean(
            exclude=KNOWN_FOREIGN_KEYS, validate_unique=False, validate_constraints=False
        )
        existing.save(update_fields=["value", "source", "status", "submitted_at", "submitted_by"])
        audit_record(
            at=now,
            actor=actor,
            action="reading.corrected" if reason else "reading.replaced",
            target=existing,
            provider=provider,
            before=before,
            after=reading_audit_values(existing),
            reason=reason,
        )
        reading = existing
    else:
        reading = Reading(
            meter=meter,
            reading_date=reading_date,
            zone=evaluation.zone,
            value=evaluation.value,
            source=source,
            status=status,
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
            after=reading_audit_values(reading),
            reason=reason,
        )
    reading_stored(provider=provider.code, source=source)  # ops: kabinet_readings_stored
    return ReadingSubmitted(
        reading=reading,
        consumption=evaluation.consumption,
        period=evaluation.period,
        replaced=existing is not None,
        warnings=evaluation.warnings,
    )


# --- an operator's review ---------------------------------------------------------------------


def _lock_under_review(reading: Reading) -> Reading:
    """Return `reading` read again under its meter's lock; raises ReadingRejected."""
    _lock(reading.meter)
    current = Reading.objects.select_related("meter__account__provider").get(pk=reading.pk)
    if current.status != Reading.Status.REVIEW:
        raise ReadingRejected(
            "not_under_review", _("This reading is not waiting for review any more.")
        )
    return current


def reading_review_accept(
    *, reading: Reading, actor, now: dt.datetime, reason: str = ""
) -> Reading:
    """Accept a reading that waited for review, as it is; audited. Raises ReadingRejected."""
    with transaction.atomic():
        current = _lock_under_review(reading)
        before = reading_audit_values(current)
        current.status = Reading.Status.ACCEPTED
        current.save(update_fields=["status"])
        audit_record(
            at=now,
            actor=actor,
            action="reading.reviewed",
            target=current,
            provider=current.meter.account.provider,
            before=before,
            after=reading_audit_values(current),
            reason=reason,
        )
    return current


def reading_review_correct(
    *, reading: Reading, value: Decimal | str, reason: str, actor, now: dt.datetime
) -> Reading:
    """Replace the value of a reading that waited for review and accept it; audited.

    The new value passes every rule a subscriber's does (reading_submit with
    `source="operator"`), so it is refused with the same message; a correction to the value
    already stored accepts it. Raises ReadingRejected.
    """
    reason = reason.strip()
    if not reason:
        raise ReadingRejected("no_reason", _("Say why the value is corrected."))
    with transaction.atomic():
        current = _lock_under_review(reading)
        submitted = reading_submit(
            meter=current.meter,
            value=value,
            reading_date=current.reading_date,
            source=Reading.Source.OPERATOR,
            submitted_by=actor,
            now=now,
            # The operator saw the value and the history: their word is the confirmation.
            confirm_implausible=True,
            confirm_wrap=True,
            reason=reason,
        )
        if submitted.unchanged:
            return reading_review_accept(reading=current, actor=actor, now=now, reason=reason)
    return submitted.reading
