"""Reads of meters and readings: panels, previews, history, monthly consumption."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, F, OuterRef, QuerySet, Subquery

from kabinet.billing.models import Account, LedgerEntry
from kabinet.billing.selectors import (
    ZERO,
    Card,
    Statement,
    StatementReading,
    account_month,
    balances_by_account,
)
from kabinet.periods import add_months, period_end, period_start
from kabinet.providers import windows

from . import consumption as maths
from .models import Meter, Reading
from .submission import (
    Evaluation,
    ReadingNeedsConfirmation,
    ReadingRejected,
    evaluate,
    service_unit,
    window_message,
)
from .zones import meter_zones

MONEY = Decimal("0.01")


def accounts_with_period_reading(*, account_ids: list[int], today: dt.date) -> set[int]:
    """Return the ids of those accounts that have a reading for the period being read now.

    The period is the one a reading taken `today` counts for under each account's provider's
    cut-off day (the next month once the cut-off has passed). One query.
    """
    if not account_ids:
        return set()
    # Every period's first reading day lies within a month before today's month; the exact
    # bounds depend on each provider's cut-off, applied below.
    since = add_months(period_start(today), -1)
    rows = (
        Reading.objects.filter(
            meter__account_id__in=account_ids,
            reading_date__gte=since,
            reading_date__lte=today,
        )
        .values_list("meter__account_id", "reading_date", "meter__account__provider__cutoff")
        .distinct()
    )
    found = set()
    for account_id, reading_date, cutoff in rows:
        current = windows.reading_period(reading_date=today, cutoff=cutoff)
        if windows.reading_period(reading_date=reading_date, cutoff=cutoff) == current:
            found.add(account_id)
    return found


def current_tariffs(*, account: Account) -> dict[str, Decimal]:
    """Return the tariff of the account's latest charge of each service (one query).

    A zone's charge is keyed `service:zone` (`electricity:night`), as the ledger file names it.
    """
    rows = (
        LedgerEntry.objects.filter(
            account=account, kind=LedgerEntry.Kind.CHARGE, tariff__isnull=False
        )
        .exclude(service="")
        .order_by("service", "zone", "-period", "-position", "-pk")
        .values_list("service", "zone", "tariff")
    )
    tariffs: dict[str, Decimal] = {}
    for service, zone, tariff in rows:
        if tariff is not None:
            tariffs.setdefault(tariff_key(service, zone), tariff)
    return tariffs


def tariff_key(service: str, zone: str = "") -> str:
    """The key of a service's (or one zone's) tariff in current_tariffs."""
    return f"{service}:{zone}" if zone else service


def estimated_charge(*, consumption: Decimal | None, tariff: Decimal | None) -> Decimal | None:
    if consumption is None or tariff is None:
        return None
    return (consumption * tariff).quantize(MONEY)


@dataclass
class WindowInfo:
    is_open: bool
    always_open: bool
    days_left: int | None
    opens_on: dt.date | None
    closes_on: dt.date | None


def window_info(*, provider, today: dt.date) -> WindowInfo:
    state = windows.window_state(
        read_from=provider.read_from, read_to=provider.read_to, today=today
    )
    return WindowInfo(
        is_open=state.is_open,
        always_open=state.always_open,
        days_left=state.days_left(today),
        opens_on=state.opens_on,
        closes_on=state.closes_on,
    )


@dataclass
class MeterPanel:
    meter: Meter
    last_date: dt.date | None
    last_value: Decimal | None
    verification_overdue: bool
    tariff: Decimal | None
    period: dt.date
    window: WindowInfo
    # A multi-zone meter's registers: (zone, its value on last_date or None, its tariff).
    zones: list[tuple[str, Decimal | None, Decimal | None]] = field(default_factory=list)


def meter_panels(*, account: Account, today: dt.date) -> list[MeterPanel]:
    """Return, for each meter of `account` in service, its last reading and today's rules.

    Two queries: the meters with their last reading, and the account's tariffs; a third when
    a meter has several zones (each zone's value on the last day).
    """
    newest = Reading.objects.filter(meter=OuterRef("pk")).order_by("-reading_date")
    meters = (
        Meter.objects.filter(account=account, removed_date__isnull=True)
        .annotate(
            last_date=Subquery(newest.values("reading_date")[:1]),
            last_value=Subquery(newest.values("value")[:1]),
        )
        .order_by("service", "serial")
    )
    meter_list = list(meters)
    tariffs = current_tariffs(account=account) if meter_list else {}
    provider = account.provider
    window = window_info(provider=provider, today=today)
    period = windows.reading_period(reading_date=today, cutoff=provider.cutoff)
    zoned = last_zone_values(meters=[meter for meter in meter_list if meter.zones > 1])
    return [
        MeterPanel(
            meter=meter,
            last_date=meter.last_date,  # type: ignore[attr-defined]
            last_value=meter.last_value,  # type: ignore[attr-defined]
            verification_overdue=bool(meter.verify_by_date and meter.verify_by_date < today),
            tariff=tariffs.get(meter.service),
            period=period,
            window=window,
            zones=[
                (
                    zone,
                    zoned.get((meter.pk, zone)),
                    tariffs.get(tariff_key(meter.service, zone)),
                )
                for zone in meter_zones(meter.zones)
            ]
            if meter.zones > 1
            else [],
        )
        for meter in meter_list
    ]


def meter_panel(*, meter: Meter, today: dt.date) -> MeterPanel:
    """Return one meter's panel without its tariff (a reminder link's page; two queries at most).

    `meter` comes with its account and provider loaded.
    """
    last = (
        Reading.objects.filter(meter=meter)
        .order_by("-reading_date")
        .values_list("reading_date", "value")
        .first()
    )
    zoned = last_zone_values(meters=[meter]) if meter.zones > 1 else {}
    provider = meter.account.provider
    return MeterPanel(
        meter=meter,
        last_date=last[0] if last else None,
        last_value=last[1] if last else None,
        verification_overdue=bool(meter.verify_by_date and meter.verify_by_date < today),
        tariff=None,
        period=windows.reading_period(reading_date=today, cutoff=provider.cutoff),
        window=window_info(provider=provider, today=today),
        zones=[(zone, zoned.get((meter.pk, zone)), None) for zone in meter_zones(meter.zones)]
        if meter.zones > 1
        else [],
    )


def last_zone_values(*, meters: list[Meter]) -> dict[tuple[int, str], Decimal]:
    """Return each zone's value on its meter's last reading day, by (meter id, zone).

    One query, none without meters. Every zone of an event shares its day, so the last day of
    any zone is the last event's.
    """
    if not meters:
        return {}
    newest = Reading.objects.filter(meter=OuterRef("meter")).order_by("-reading_date")
    rows = (
        Reading.objects.filter(meter__in=meters)
        .filter(reading_date=Subquery(newest.values("reading_date")[:1]))
        .values_list("meter_id", "zone", "value")
    )
    return {(meter_id, zone): value for meter_id, zone, value in rows}


def meter_ref_text(meter_ref: str | int | None) -> str:
    """The meter reference as typed, or "" for one no meter can have.

    A NUL cannot be in a serial number, and PostgreSQL refuses it in a query parameter.
    """
    text = str(meter_ref if meter_ref is not None else "").strip()
    return "" if "\x00" in text else text


def account_meter(*, account: Account, meter_ref: str | int) -> Meter | None:
    """Return the account's meter given by serial number or id, or None."""
    meters = Meter.objects.filter(account=account).select_related("account__provider")
    text = meter_ref_text(meter_ref)
    if not text:
        return None
    by_serial = meters.filter(serial=text).first()
    if by_serial is not None or not (text.isascii() and text.isdigit()):
        return by_serial
    return meters.filter(pk=int(text)).first()


@dataclass
class ReadingPreview:
    """What a typed value would mean, or why it would be refused or need confirmation."""

    meter: Meter
    evaluation: Evaluation | None = None
    problem: ReadingRejected | None = None
    needs_confirmation: bool = False
    estimated_charge: Decimal | None = None
    tariff: Decimal | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def unit(self) -> str:
        return service_unit(self.meter.service)


def reading_preview(
    *,
    meter: Meter,
    value: Decimal | str,
    reading_date: dt.date,
    source: str,
    today: dt.date,
    tariff: Decimal | None,
    confirm_implausible: bool = False,
    confirm_wrap: bool = False,
) -> ReadingPreview:
    """Check a value without storing it; the result holds the consumption or the problem."""
    preview = ReadingPreview(meter=meter, tariff=tariff)
    try:
        evaluation = evaluate(
            meter=meter,
            value=value,
            reading_date=reading_date,
            source=source,
            today=today,
            confirm_implausible=confirm_implausible,
            confirm_wrap=confirm_wrap,
        )
    except ReadingRejected as problem:
        preview.problem = problem
        preview.needs_confirmation = isinstance(problem, ReadingNeedsConfirmation)
        return preview
    preview.evaluation = evaluation
    preview.warnings = evaluation.warnings
    preview.estimated_charge = estimated_charge(consumption=evaluation.consumption, tariff=tariff)
    return preview


def closed_window_message(*, account: Account, today: dt.date) -> str | None:
    return window_message(provider=account.provider, today=today)


# --- history -------------------------------------------------------------------------------


@dataclass
class HistoryRow:
    reading: Reading
    consumption: Decimal | None
    days: int | None
    wrapped: bool
    # The first reading is counted from the meter's installation, not from another reading.
    since_installed: dt.date | None = None


def meter_history(*, meter: Meter, zone: str = "") -> list[HistoryRow]:
    """Return the meter's readings (of one zone), newest first, each with what was used since
    the one before.

    One query. The first reading is compared with the value at installation when its date is
    known.
    """
    readings = list(
        Reading.objects.filter(meter=meter, zone=zone)
        .select_related("submitted_by")
        .order_by("reading_date")
        .only(
            "reading_date",
            "value",
            "source",
            "status",
            "submitted_at",
            "meter_id",
            "zone",
            "submitted_by__username",
        )
    )
    rows: list[HistoryRow] = []
    previous: maths.Point | None = (
        maths.Point(day=meter.installed_date, value=meter.initial) if meter.installed_date else None
    )
    for reading in readings:
        if previous is None:
            rows.append(HistoryRow(reading=reading, consumption=None, days=None, wrapped=False))
        else:
            rows.append(
                HistoryRow(
                    reading=reading,
                    consumption=maths.reading_consumption(
                        previous=previous.value, current=reading.value, digits=meter.digits
                    ),
                    days=(reading.reading_date - previous.day).days,
                    wrapped=reading.value < previous.value,
                    since_installed=previous.day if reading is readings[0] else None,
                )
            )
        previous = maths.Point(day=reading.reading_date, value=reading.value)
    rows.reverse()
    return rows


def history_points(*, meter: Meter, rows: Iterable[HistoryRow]) -> list[maths.Point]:
    points = [maths.Point(day=row.reading.reading_date, value=row.reading.value) for row in rows]
    if meter.installed_date:
        points.append(maths.Point(day=meter.installed_date, value=meter.initial))
    return points


def meter_monthly(
    *, meter: Meter, rows: Iterable[HistoryRow], today: dt.date, months: int = 13
) -> list[maths.MonthShare]:
    """Return the normalised consumption of the last `months` calendar months, oldest first."""
    current = period_start(today)
    periods = [add_months(current, offset) for offset in range(-(months - 1), 1)]
    return maths.monthly_consumption(
        history_points(meter=meter, rows=rows), digits=meter.digits, periods=periods
    )


def account_meters(*, account: Account) -> list[Meter]:
    """Return every meter of the account, in service first (one query)."""
    return list(
        Meter.objects.filter(account=account).order_by(
            F("removed_date").asc(nulls_first=True), "service", "serial"
        )
    )


# --- the money pages' readings ------------------------------------------------------------------
# Billing (below) knows the ledger; what joins it to meters and readings is read here.


def account_statement(*, account: Account, period: dt.date) -> Statement:
    """Return the statement of `account` for `period` (two queries).

    Raises StatementNotFound when the billing system has sent nothing for that month.
    """
    month = account_month(account=account, period=period)
    readings = (
        Reading.objects.filter(
            meter__account=account,
            reading_date__gte=period,
            reading_date__lte=period_end(period),
        )
        .order_by("meter__service", "meter__serial", "reading_date")
        .values_list("meter__serial", "meter__service", "reading_date", "value", "meter__decimals")
    )
    return Statement(
        account=account,
        month=month,
        readings=[StatementReading(*row) for row in readings],
    )


def cabinet_cards(*, accounts: QuerySet[Account], today: dt.date) -> list[Card]:
    """Return a card for each of `accounts` (three queries however many accounts).

    `accounts` come from the subscriber's gate (subscribers.access.accessible_accounts).

    The accounts with their last billed period, the balances of those periods, and which
    accounts have this period's reading.
    """
    last_period = (
        LedgerEntry.objects.filter(account=OuterRef("pk")).order_by("-period").values("period")
    )
    in_service = Meter.objects.filter(account=OuterRef("pk"), removed_date__isnull=True)
    rows = list(
        accounts.select_related("provider", "street")
        .annotate(last_period=Subquery(last_period[:1]), has_meters=Exists(in_service))
        .order_by("provider__name", "number")
    )
    ids = [account.pk for account in rows]
    periods = {
        account.pk: account.last_period  # type: ignore[attr-defined]
        for account in rows
        if account.last_period is not None  # type: ignore[attr-defined]
    }
    balances = balances_by_account(account_ids=ids, period_by_account=periods)
    with_reading = accounts_with_period_reading(account_ids=ids, today=today)
    return [
        Card(
            account=account,
            last_period=periods.get(account.pk),
            balance=balances.get(account.pk, ZERO) if account.pk in periods else None,
            has_meters=account.has_meters,  # type: ignore[attr-defined]
            reading_in=account.pk in with_reading,
        )
        for account in rows
    ]
