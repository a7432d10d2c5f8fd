"""Reads of a multi-zone meter: its preview, history and monthly figures per zone and in total.

Each zone is a register of its own, so every figure is the single-zone one computed per zone
(kabinet/metering/selectors.py); the total adds the zones up.
"""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from kabinet.periods import add_months, period_start

from . import consumption as maths
from .models import Meter
from .selectors import (
    HistoryRow,
    ReadingPreview,
    estimated_charge,
    meter_history,
    meter_monthly,
    tariff_key,
)
from .submission import (
    ReadingNeedsConfirmation,
    ReadingRejected,
    evaluate_zones,
    service_unit,
    zone_label,
)
from .zones import meter_zones


def _sum(values: list[Decimal | None]) -> Decimal | None:
    if not values or any(value is None for value in values):
        return None
    return sum((value for value in values if value is not None), Decimal(0))


@dataclass
class ZonesPreview:
    """What one reading event of a multi-zone meter would mean, or why it would be refused."""

    meter: Meter
    zones: list[ReadingPreview] = field(default_factory=list)
    problem: ReadingRejected | None = None
    needs_confirmation: bool = False
    consumption: Decimal | None = None
    estimated_charge: Decimal | None = None
    period: dt.date | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def unit(self) -> str:
        return service_unit(self.meter.service)

    @property
    def problem_zone(self) -> str:
        return zone_label(self.problem.zone) if self.problem else ""


def zones_preview(
    *,
    meter: Meter,
    values: Mapping[str, Decimal | str],
    reading_date: dt.date,
    source: str,
    today: dt.date,
    tariffs: Mapping[str, Decimal],
    confirm_implausible: bool = False,
    confirm_wrap: bool = False,
) -> ZonesPreview:
    """Check one value per zone without storing them: per zone and in total, at each zone's
    tariff (the ledger's charges of that zone)."""
    preview = ZonesPreview(meter=meter)
    try:
        evaluations = evaluate_zones(
            meter=meter,
            values=values,
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
    for evaluation in evaluations:
        tariff = tariffs.get(tariff_key(meter.service, evaluation.zone))
        preview.zones.append(
            ReadingPreview(
                meter=meter,
                evaluation=evaluation,
                tariff=tariff,
                estimated_charge=estimated_charge(
                    consumption=evaluation.consumption, tariff=tariff
                ),
            )
        )
    preview.consumption = _sum([zone.evaluation.consumption for zone in preview.zones])  # type: ignore[union-attr]
    preview.estimated_charge = _sum([zone.estimated_charge for zone in preview.zones])
    preview.period = evaluations[0].period
    preview.warnings = evaluations[0].warnings
    return preview


@dataclass
class ZoneHistory:
    zone: str
    label: str
    rows: list[HistoryRow]
    months: list[maths.MonthShare]


@dataclass
class EventRow:
    """One reading day of a multi-zone meter: each zone's row (None if missing) and the total."""

    reading_date: dt.date
    cells: list[HistoryRow | None]
    consumption: Decimal | None


@dataclass
class ZonedHistory:
    zones: list[ZoneHistory]
    events: list[EventRow]
    months: list[maths.MonthShare]


def zoned_history(*, meter: Meter, today: dt.date, months: int = 13) -> ZonedHistory:
    """Return a multi-zone meter's history per zone and in total (one query per zone).

    The total of a calendar month adds up its zones' shares; it counts as covered only as far
    as every zone is.
    """
    zones = []
    for zone in meter_zones(meter.zones):
        rows = meter_history(meter=meter, zone=zone)
        zones.append(
            ZoneHistory(
                zone=zone,
                label=zone_label(zone),
                rows=rows,
                months=meter_monthly(meter=meter, rows=rows, today=today, months=months),
            )
        )
    by_day: dict[dt.date, list[HistoryRow | None]] = {}
    for index, history in enumerate(zones):
        for row in history.rows:
            by_day.setdefault(row.reading.reading_date, [None] * len(zones))[index] = row
    events = [
        EventRow(
            reading_date=day,
            cells=cells,
            consumption=_sum([cell.consumption if cell else None for cell in cells]),
        )
        for day, cells in sorted(by_day.items(), reverse=True)
    ]
    current = period_start(today)
    periods = [add_months(current, offset) for offset in range(-(months - 1), 1)]
    total = [
        maths.MonthShare(
            period=period,
            consumption=sum((zone.months[i].consumption for zone in zones), Decimal(0)),
            covered_days=min(zone.months[i].covered_days for zone in zones),
            month_days=zones[0].months[i].month_days,
        )
        for i, period in enumerate(periods)
    ]
    return ZonedHistory(zones=zones, events=events, months=total)
