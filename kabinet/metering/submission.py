"""The rules a reading must pass, shared by submitting (services) and previewing (selectors).

Every refusal is a ReadingRejected whose message, in the subscriber's language, says what to
do next. A value that may be right but looks wrong (lower than the last reading, or far more
than usual) is a ReadingNeedsConfirmation: the subscriber confirms it on a second screen.
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connections, router
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from kabinet.providers import windows
from kabinet.providers.service_kinds import service_unit

from . import consumption as maths
from .models import Meter, Reading
from .plausibility import USUAL_HISTORY_DAYS, is_implausible, usual_daily_use, usual_history_since
from .values import ValueProblem, decimal_places, parse_value
from .zones import ZONES_BY_COUNT, Zone

# The sources whose readings a subscriber typed: the provider's window applies to them.
SUBSCRIBER_SOURCES = (
    Reading.Source.PORTAL,
    Reading.Source.API,
    Reading.Source.QUICK,
    Reading.Source.LINK,
)
# What a controller or an operator read for a day stands against a subscriber's value for the
# same day; a billing estimate or a phoned-in value is replaced by what the subscriber reads.
PROTECTED_SOURCES = (Reading.Source.CONTROLLER, Reading.Source.OPERATOR)

# One query fetches the readings from this many days before the new reading's year of history
# on: the last two readings and the usual use come from it whenever the previous reading lies
# within these days of the new one (monthly or more often: nearly always). Otherwise each is
# fetched on its own, as the rules need them.
RECENT_GAP_DAYS = 62
_READING_COLUMNS = [field.attname for field in Reading._meta.concrete_fields]


class ReadingRejected(Exception):
    """A reading refused; `code` names the rule, `message` tells the subscriber what to do.

    `zone`: the register of a multi-zone meter whose value was refused ("" otherwise).
    """

    def __init__(self, code: str, message: str, zone: str = ""):
        super().__init__(message)
        self.code = code
        self.message = message
        self.zone = zone


class ReadingNeedsConfirmation(ReadingRejected):
    """A reading stored only when the subscriber confirms it (code `wrap` or `implausible`)."""


def format_value(value: Decimal, decimals: int) -> str:
    return number_format(value, decimal_pos=decimals)


def format_date(day: dt.date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


@dataclass
class Evaluation:
    """What a value on a day would mean for a meter, once it passed the rules."""

    meter: Meter
    value: Decimal
    reading_date: dt.date
    period: dt.date
    previous: Reading | None
    previous_point: maths.Point | None
    same_day: Reading | None
    consumption: Decimal | None
    days: int | None
    zone: str = ""
    wrapped: bool = False
    implausible: bool = False
    unchanged: bool = False
    warnings: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        return Reading.Status.REVIEW if self.implausible else Reading.Status.ACCEPTED


def value_from_input(*, meter: Meter, value: Decimal | str) -> Decimal:
    """Return the typed value as a Decimal fit for `meter`; raises ReadingRejected."""
    try:
        parsed = parse_value(value)
    except ValueProblem as problem:
        raise ReadingRejected(problem.code, _value_problem_message(problem.code)) from None
    if parsed >= maths.counter_limit(meter.digits):
        raise ReadingRejected(
            "too_many_digits",
            _(
                "This meter shows at most %(digits)s digits before the comma. "
                "Check the number on the meter and type it again."
            )
            % {"digits": meter.digits},
        )
    if decimal_places(parsed) > meter.decimals:
        raise ReadingRejected(
            "too_many_decimals",
            _("This meter shows %(decimals)s digits after the comma; type no more than that.")
            % {"decimals": meter.decimals},
        )
    return parsed


def _value_problem_message(code: str) -> str:
    if code == "empty":
        return _("Type the number the meter shows, for example 612,204.")
    if code == "negative":
        return _("A reading cannot be negative. Type the number the meter shows, without a minus.")
    if code == "too_long":
        return _("That is too long for a meter reading. Type the number the meter shows.")
    return _(
        "That is not a meter reading. Type only digits, with a comma before the decimals, "
        "for example 612,204."
    )


def window_message(*, provider, today: dt.date) -> str | None:
    """Return why readings are not accepted on `today`, or None when the window is open."""
    state = windows.window_state(
        read_from=provider.read_from, read_to=provider.read_to, today=today
    )
    if state.is_open:
        return None
    assert state.opens_on is not None
    return _(
        "Readings are accepted from day %(from)s to day %(to)s of the month. "
        "The next window opens on %(date)s: please submit your reading then."
    ) % {"from": provider.read_from, "to": provider.read_to, "date": format_date(state.opens_on)}


@dataclass
class _History:
    """The meter's readings from `since` on (newest first), and its last two readings."""

    since: dt.date
    rows: list[tuple]
    latest_two: list[Reading]


# The statement of _recent_rows and each column's converters, by database alias.
_RECENT_SQL: dict[str, tuple[str, list[tuple]]] = {}


def _recent_rows(*, alias: str, meter: Meter, since: dt.date, zone: str) -> list[tuple]:
    """The meter's readings of `zone` from `since` on, newest first, as `_READING_COLUMNS`.

    What `meter.readings.filter(reading_date__gte=since, zone=zone).order_by("-reading_date")
    .values_list(*_READING_COLUMNS)` returns, with the statement written once: the ORM built
    it again for every submission, 0.6 to 0.8 ms of Python (as much as the rules themselves).
    Values are converted as the ORM converts them (SQLite's dates and decimals).
    """
    connection = connections[alias]
    prepared = _RECENT_SQL.get(alias)
    if prepared is None:
        opts = Reading._meta
        quote = connection.ops.quote_name
        fields = opts.concrete_fields
        column = {f.name: quote(f.column) for f in fields}
        # Names from the model, quoted; every value is a parameter.
        sql = (
            f"SELECT {', '.join(column.values())} FROM {quote(opts.db_table)}"  # noqa: S608
            f" WHERE {column['meter']} = %s AND {column['reading_date']} >= %s"
            f" AND {column['zone']} = %s"
            f" ORDER BY {column['reading_date']} DESC"
        )
        converters = []
        for f in fields:
            col = f.get_col(opts.db_table)
            found = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
            converters.append((col, found))
        prepared = _RECENT_SQL[alias] = (sql, converters)
    sql, converters = prepared
    with connection.cursor() as cursor:
        cursor.execute(sql, [meter.pk, connection.ops.adapt_datefield_value(since), zone])
        rows = cursor.fetchall()
    if not any(found for _col, found in converters):
        return [tuple(row) for row in rows]
    converted = []
    for row in rows:
        values = []
        for value, (col, found) in zip(row, converters, strict=True):
            for converter in found:
                value = converter(value, col, connection)
            values.append(value)
        converted.append(tuple(values))
    return converted


def _history(*, meter: Meter, reading_date: dt.date, zone: str) -> _History:
    since = reading_date - dt.timedelta(days=USUAL_HISTORY_DAYS + RECENT_GAP_DAYS)
    alias = meter._state.db or router.db_for_read(Reading, instance=meter)
    rows = _recent_rows(alias=alias, meter=meter, since=since, zone=zone)
    if len(rows) >= 2:
        # Every reading left out is older than these two.
        latest_two = [Reading.from_db(alias, _READING_COLUMNS, row) for row in rows[:2]]
        for reading in latest_two:
            reading.meter = meter
    else:
        latest_two = list(meter.readings.filter(zone=zone).order_by("-reading_date")[:2])
    return _History(since=since, rows=rows, latest_two=latest_two)


def _usual_daily(
    *, meter: Meter, before: maths.Point, history: _History, zone: str
) -> Decimal | None:
    since = usual_history_since(before.day)
    if since >= history.since:
        day_at = _READING_COLUMNS.index("reading_date")
        value_at = _READING_COLUMNS.index("value")
        status_at = _READING_COLUMNS.index("status")
        rows: Iterable[tuple[dt.date, Decimal]] = [
            (row[day_at], row[value_at])
            for row in history.rows
            if since <= row[day_at] <= before.day and row[status_at] == Reading.Status.ACCEPTED
        ]
    else:
        rows = meter.readings.filter(
            zone=zone,
            reading_date__gte=since,
            reading_date__lte=before.day,
            status=Reading.Status.ACCEPTED,
        ).values_list("reading_date", "value")
    return usual_daily_use(
        (maths.Point(day=day, value=value) for day, value in rows), digits=meter.digits
    )


def evaluate(
    *,
    meter: Meter,
    value: Decimal | str,
    reading_date: dt.date,
    source: str,
    today: dt.date,
    confirm_implausible: bool = False,
    confirm_wrap: bool = False,
    zone: str = "",
) -> Evaluation:
    """Check a reading (of one `zone` of a multi-zone meter) against every rule.

    Raises ReadingRejected, or ReadingNeedsConfirmation when only the subscriber's word is
    missing. `meter` should come with its account and provider loaded.
    """
    check_zone(meter=meter, zone=zone)
    parsed = value_from_input(meter=meter, value=value)
    provider = meter.account.provider
    if meter.removed_date is not None:
        raise ReadingRejected(
            "meter_removed",
            _(
                "This meter was removed on %(date)s and takes no readings. If a new meter was "
                "installed, ask the provider to register it."
            )
            % {"date": format_date(meter.removed_date)},
        )
    if reading_date > today:
        raise ReadingRejected(
            "date_in_future",
            _("The date cannot be in the future. Give the day you read the meter."),
        )
    if meter.installed_date and reading_date < meter.installed_date:
        raise ReadingRejected(
            "date_before_installed",
            _("The meter was installed on %(date)s. Give a date on or after that day.")
            % {"date": format_date(meter.installed_date)},
        )
    if source in SUBSCRIBER_SOURCES:
        closed = window_message(provider=provider, today=today)
        if closed:
            raise ReadingRejected("window_closed", closed)

    history = _history(meter=meter, reading_date=reading_date, zone=zone)
    latest_two = history.latest_two
    if latest_two and latest_two[0].reading_date > reading_date:
        raise ReadingRejected(
            "date_before_last",
            _(
                "The last reading is of %(date)s. Give that day or a later one; to correct an "
                "older reading, contact the provider."
            )
            % {"date": format_date(latest_two[0].reading_date)},
        )
    same_day = next((r for r in latest_two if r.reading_date == reading_date), None)
    previous = next((r for r in latest_two if r.reading_date < reading_date), None)

    if previous is not None:
        previous_point: maths.Point | None = maths.Point(
            day=previous.reading_date, value=previous.value
        )
    elif meter.installed_date is not None:
        previous_point = maths.Point(day=meter.installed_date, value=meter.initial)
    else:
        previous_point = None
    previous_value = previous_point.value if previous_point else meter.initial
    days = (reading_date - previous_point.day).days if previous_point else None

    evaluation = Evaluation(
        meter=meter,
        value=parsed,
        reading_date=reading_date,
        period=windows.reading_period(reading_date=reading_date, cutoff=provider.cutoff),
        previous=previous,
        previous_point=previous_point,
        same_day=same_day,
        consumption=None,
        days=days,
        zone=zone,
    )
    if meter.verify_by_date is not None and meter.verify_by_date < reading_date:
        evaluation.warnings.append(
            _(
                "The meter's verification was due on %(date)s. The reading is accepted, but "
                "please arrange the verification with the provider."
            )
            % {"date": format_date(meter.verify_by_date)}
        )

    if same_day is not None and same_day.value == parsed:
        evaluation.unchanged = True
        evaluation.consumption = maths.reading_consumption(
            previous=previous_value, current=parsed, digits=meter.digits
        )
        return evaluation
    if (
        same_day is not None
        and source in SUBSCRIBER_SOURCES
        and same_day.source in PROTECTED_SOURCES
    ):
        raise ReadingRejected(
            "day_taken",
            _(
                "A reading for %(date)s is already recorded by the provider (%(source)s). "
                "Give the next day's date, or contact the provider if that reading is wrong."
            )
            % {"date": format_date(reading_date), "source": same_day.get_source_display()},
        )

    unit = service_unit(meter.service)
    if parsed < previous_value:
        evaluation.wrapped = True
        obvious = maths.is_obvious_wrap(
            previous=previous_value, current=parsed, digits=meter.digits
        )
        if not obvious and not confirm_wrap:
            limit = maths.counter_limit(meter.digits)
            raise ReadingNeedsConfirmation(
                "wrap",
                _(
                    "%(value)s is lower than the last reading, %(last)s. Please check the "
                    "number. If it is right, the counter went past %(top)s and started again "
                    "from zero: confirm that, and %(used)s %(unit)s will be counted."
                )
                % {
                    "value": format_value(parsed, meter.decimals),
                    "last": format_value(previous_value, meter.decimals),
                    "top": format_value(limit - 1, 0),
                    "used": format_value(
                        maths.reading_consumption(
                            previous=previous_value, current=parsed, digits=meter.digits
                        ),
                        meter.decimals,
                    ),
                    "unit": unit,
                },
            )
    used = maths.reading_consumption(previous=previous_value, current=parsed, digits=meter.digits)
    evaluation.consumption = used

    if previous_point is not None and is_implausible(
        used=used,
        days=days or 0,
        service=meter.service,
        daily_max=provider.daily_max,
        usual_factor=provider.usual_factor,
        usual_daily=lambda: _usual_daily(
            meter=meter, before=previous_point, history=history, zone=zone
        ),
    ):
        evaluation.implausible = True
        if not confirm_implausible:
            raise ReadingNeedsConfirmation(
                "implausible",
                _(
                    "%(value)s would mean %(used)s %(unit)s used in %(days)s days, much "
                    "more than is usual for this meter. Did you type an extra digit? "
                    "Check the number; if it is right, confirm it and an operator will "
                    "review it."
                )
                % {
                    "value": format_value(parsed, meter.decimals),
                    "used": format_value(used, meter.decimals),
                    "unit": unit,
                    "days": days,
                },
            )
    return evaluation


# --- multi-zone meters ---------------------------------------------------------------------


def check_zone(*, meter: Meter, zone: str) -> None:
    """Refuse a zone `meter` does not have (ReadingRejected `zone_unknown` or `zones_required`)."""
    zones = ZONES_BY_COUNT.get(meter.zones, ())
    if zone in zones:
        return
    if zone == "":
        raise ReadingRejected(
            "zones_required",
            _("This meter has %(count)s zones: give the value of each (%(names)s).")
            % {"count": meter.zones, "names": ", ".join(str(z.label) for z in zones)},
        )
    raise ReadingRejected(
        "zone_unknown",
        _("This meter has no zone “%(zone)s”; its zones are: %(names)s.")
        % {"zone": zone[:20], "names": ", ".join(str(z.label) for z in zones) or "—"},
        zone=zone[:20],
    )


def zone_label(zone: str) -> str:
    """The zone's name in the subscriber's language ("" for a single-zone meter)."""
    return str(Zone(zone).label) if zone and zone in Zone.values else zone


def evaluate_zones(
    *,
    meter: Meter,
    values: Mapping[str, Decimal | str],
    reading_date: dt.date,
    source: str,
    today: dt.date,
    confirm_implausible: bool = False,
    confirm_wrap: bool = False,
) -> list[Evaluation]:
    """Check one reading event of a meter: one value per zone, in the meter's order.

    Every rule applies to each zone; a zone missing, unknown or refused refuses the whole
    event. Raises the first zone's ReadingRejected (its `zone` set), a refusal before any
    ReadingNeedsConfirmation, so that nobody confirms a value that would be refused anyway.
    """
    zones = ZONES_BY_COUNT.get(meter.zones, ())
    for zone in values:
        check_zone(meter=meter, zone=zone)
    evaluations: list[Evaluation] = []
    questions: list[ReadingNeedsConfirmation] = []
    for zone in zones:
        try:
            evaluations.append(
                evaluate(
                    meter=meter,
                    value=values.get(zone, ""),
                    reading_date=reading_date,
                    source=source,
                    today=today,
                    confirm_implausible=confirm_implausible,
                    confirm_wrap=confirm_wrap,
                    zone=zone,
                )
            )
        except ReadingNeedsConfirmation as question:
            question.zone = zone
            questions.append(question)
        except ReadingRejected as problem:
            problem.zone = zone
            raise
    if questions:
        raise questions[0]
    return evaluations
