"""The six kinds of exchange file: their columns, how a kind is told from a header, and how one
row's cells become a staging row (validated, folded) or a list of problems."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from kabinet.addresses.normalize import (
    fold_apartment,
    fold_house,
    fold_korpus,
    fold_name,
    fold_street,
    split_house,
)
from kabinet.providers.service_kinds import Service

from .files import Cell

SERVICES = frozenset(Service.values)
LEDGER_KINDS = frozenset({"balance", "charge", "payment", "benefit", "subsidy", "correction"})
SIGNED_LEDGER_KINDS = frozenset({"balance", "correction"})
IMPORT_READING_SOURCES = frozenset({"controller", "subscriber", "phone", "estimate", "portal"})
DEFAULT_READING_SOURCE = "controller"
NUMBER_RE = re.compile(r"^[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
PERIOD_RE = re.compile(r"^(\d{4})-(\d{2})$")
PROVIDER_CODE_RE = re.compile(r"^[-a-zA-Z0-9_]+$")
BOOLEAN_VALUES = {"1": True, "0": False, "true": True, "false": False, "yes": True, "no": False}


@functools.cache
def _plain_number(places: int, integer_digits: int) -> re.Pattern[str]:
    """A number that needs no further checks: sign, at most so many digits and decimals."""
    fraction = rf"(?:[.,]\d{{1,{places}}})?" if places else ""
    return re.compile(rf"^-?\d{{1,{integer_digits}}}{fraction}$")


@dataclass(frozen=True)
class Kind:
    name: str
    required: tuple[str, ...]
    optional: tuple[str, ...]

    @property
    def allowed(self) -> frozenset[str]:
        return frozenset(self.required + self.optional)


# Dependency order: each kind refers only to the kinds before it.
KINDS: tuple[Kind, ...] = (
    Kind(
        "providers",
        ("provider", "name", "service"),
        ("read_from", "read_to", "cutoff", "meter_required"),
    ),
    Kind("streets", ("street_id", "name"), ("provider", "type", "old_names")),
    Kind(
        "accounts",
        ("account", "street_id", "house", "surname"),
        (
            "provider",
            "korpus",
            "apartment",
            "name",
            "patronymic",
            "persons",
            "opened",
            "closed",
        ),
    ),
    Kind(
        "meters",
        ("account", "meter", "service"),
        ("provider", "digits", "decimals", "installed", "verify_by", "initial", "removed"),
    ),
    Kind("readings", ("account", "meter", "date", "value"), ("provider", "source")),
    Kind(
        "ledger",
        ("account", "period", "kind", "amount"),
        ("provider", "service", "volume", "tariff", "date", "note"),
    ),
)
KIND_BY_NAME = {kind.name: kind for kind in KINDS}
KIND_ORDER = {kind.name: index for index, kind in enumerate(KINDS)}


@dataclass
class Detected:
    kind: Kind | None
    missing: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)


def _hinted(file_name: str) -> Kind | None:
    stem = file_name.lower().rsplit("/", 1)[-1]
    for kind in KINDS:
        if kind.name in stem or kind.name.rstrip("s") in stem:
            return kind
    return None


def detect_kind(columns: list[str], file_name: str) -> Detected:
    """Tell a file's kind from its header (the file name breaks ties and guides the report)."""
    present = set(columns)
    fitting = [k for k in KINDS if set(k.required) <= present and present <= k.allowed]
    hint = _hinted(file_name)
    if len(fitting) == 1:
        return Detected(fitting[0])
    if fitting:
        return Detected(hint if hint in fitting else fitting[0])
    best = hint
    if best is None:
        scored = [(len(present & k.allowed) - len(present - k.allowed), k) for k in KINDS]
        score, kind = max(scored, key=lambda pair: pair[0])
        if score <= 0 or not present & set(kind.required):
            return Detected(None)
        best = kind
    return Detected(
        best,
        missing=[c for c in best.required if c not in present],
        unknown=[c for c in columns if c not in best.allowed],
    )


# --- cell parsers: each returns the staged value or raises RowInvalid via the collector --------


class Cells:
    """The cells of one row with the parsers that validate them; problems are collected.

    `index` maps a column to its position in the row (shared by every row of a file), so a row
    is never turned into a dict.
    """

    __slots__ = ("index", "problems", "values")

    def __init__(self, values: Sequence[Cell], index: Mapping[str, int]) -> None:
        self.values = values
        self.index = index
        self.problems: list[tuple[str, str]] = []

    def get(self, column: str) -> Cell:
        """The cell, trimmed; None when it is empty or the file has no such column."""
        position = self.index.get(column)
        if position is None:
            return None
        value = self.values[position]
        if value.__class__ is str:
            return value.strip() or None  # type: ignore[union-attr]
        return value

    def fail(self, column: str, reason: str) -> None:
        self.problems.append((column, reason))

    def text(self, column: str, max_length: int, *, required: bool = False) -> str:
        value = self.get(column)
        if value is None:
            if required:
                self.fail(column, _("required"))
            return ""
        if isinstance(value, dt.date):
            value = value.isoformat()
        if len(value) > max_length:
            self.fail(column, _("longer than %(max)d characters") % {"max": max_length})
        return value

    def choice(self, column: str, allowed: frozenset[str], *, required: bool = False) -> str:
        value = self.text(column, 40, required=required)
        if value and value not in allowed:
            self.fail(
                column,
                _("%(value)s is not one of: %(allowed)s")
                % {"value": value, "allowed": ", ".join(sorted(allowed))},
            )
        return value

    def integer(self, column: str, low: int, high: int, default: int | None = None) -> int | None:
        value = self.get(column)
        if value is None:
            return default
        text = value if isinstance(value, str) else ""
        # DBF numeric fields may carry a zero fraction (5.0).
        if text.endswith((".0", ",0")):
            text = text[:-2]
        if not (text.isascii() and text.lstrip("+-").isdigit()):
            self.fail(column, _("not a whole number: %(value)s") % {"value": value})
            return default
        number = int(text)
        if not low <= number <= high:
            self.fail(
                column,
                _("must be from %(low)d to %(high)d") % {"low": low, "high": high},
            )
        return number

    def decimal(
        self,
        column: str,
        *,
        places: int,
        integer_digits: int,
        required: bool = False,
        negative: bool = False,
        default: str | None = None,
    ) -> str | None:
        value = self.get(column)
        if value is None:
            if required:
                self.fail(column, _("required"))
            return default
        # The common case, checked by one regular expression: no Decimal is built.
        if _plain_number(places, integer_digits).match(value):  # type: ignore[arg-type]
            assert isinstance(value, str)
            if value[0] == "-" and not negative and value.strip("-0.,"):
                self.fail(column, _("must not be negative"))
                return default
            return value.replace(",", ".")
        if not isinstance(value, str) or not NUMBER_RE.match(value):
            self.fail(column, _("not a number: %(value)s") % {"value": value})
            return default
        try:
            number = Decimal(value.replace(",", "."))
        except InvalidOperation:
            self.fail(column, _("not a number: %(value)s") % {"value": value})
            return default
        exponent = number.as_tuple().exponent
        assert isinstance(exponent, int)
        if -exponent > places and number != number.quantize(Decimal(1).scaleb(-places)):
            self.fail(column, _("more than %(places)d decimal places") % {"places": places})
            return default
        if abs(number) >= Decimal(10) ** integer_digits:
            self.fail(column, _("too large: %(value)s") % {"value": value})
            return default
        if number < 0 and not negative:
            self.fail(column, _("must not be negative"))
            return default
        return str(number)

    def date(self, column: str, *, required: bool = False) -> str | None:
        value = self.get(column)
        if value is None:
            if required:
                self.fail(column, _("required"))
            return None
        if isinstance(value, dt.date):
            return value.isoformat()
        if DATE_RE.match(value):
            try:
                return dt.date.fromisoformat(value).isoformat()
            except ValueError:
                pass
        self.fail(column, _("not a date (YYYY-MM-DD): %(value)s") % {"value": value})
        return None

    def period(self, column: str) -> str | None:
        value = self.get(column)
        if value is None:
            self.fail(column, _("required"))
            return None
        if isinstance(value, dt.date):
            return value.replace(day=1).isoformat()
        match = PERIOD_RE.match(value)
        if match and 1 <= int(match.group(2)) <= 12 and int(match.group(1)) >= 1900:
            return f"{match.group(1)}-{match.group(2)}-01"
        self.fail(column, _("not a period (YYYY-MM): %(value)s") % {"value": value})
        return None

    def boolean(self, column: str) -> bool:
        value = self.get(column)
        if value is None:
            return False
        text = value.lower() if isinstance(value, str) else ""
        if text not in BOOLEAN_VALUES:
            self.fail(column, _("must be 1 or 0"))
            return False
        return BOOLEAN_VALUES[text]


# --- the staging row of each kind ----------------------------------------------------------


ProviderOf = Callable[[Cells], int | None]


def convert_provider(c: Cells) -> tuple[Any, ...]:
    code = c.text("provider", 40, required=True)
    if code and not PROVIDER_CODE_RE.match(code):
        c.fail("provider", _("a code has only Latin letters, digits, - and _"))
    name = c.text("name", 200, required=True)
    service = c.choice("service", SERVICES, required=True)
    read_from = c.integer("read_from", 1, 31, default=1)
    read_to = c.integer("read_to", 1, 31, default=31)
    cutoff = c.integer("cutoff", 1, 31)
    meter_required = c.boolean("meter_required")
    return (code, name, service, read_from, read_to, cutoff, meter_required)


def convert_street(
    c: Cells, provider_of: ProviderOf
) -> tuple[tuple[Any, ...], list[tuple[Any, ...]]]:
    """Return the street row and its name rows (position 0 is the current name)."""
    provider_id = provider_of(c)
    street_id = c.text("street_id", 40, required=True)
    street_type = c.text("type", 20)
    name = c.text("name", 200, required=True)
    if name and not fold_street(name):
        c.fail("name", _("a street name needs letters or digits"))
    names: list[tuple[Any, ...]] = []
    seen: set[str] = set()
    candidates = [name, *(old.strip() for old in c.text("old_names", 2000).split("|"))]
    for candidate in candidates:
        key = fold_street(candidate)
        if not candidate or not key or key in seen:
            continue  # an empty name, or one that folds like a newer name, adds nothing
        if len(candidate) > 200:
            c.fail("old_names", _("longer than %(max)d characters") % {"max": 200})
        seen.add(key)
        position = len(names)
        names.append((provider_id, street_id, position, candidate, key, position == 0))
    return (provider_id, street_id, street_type, name), names


def convert_account(c: Cells, provider_of: ProviderOf) -> tuple[Any, ...]:
    provider_id = provider_of(c)
    number = c.text("account", 40, required=True)
    street_code = c.text("street_id", 40, required=True)
    split = split_house(c.text("house", 20, required=True), c.text("korpus", 20))
    apartment = c.text("apartment", 20)
    surname = c.text("surname", 100, required=True)
    opened = c.date("opened")
    closed = c.date("closed")
    if opened and closed and closed < opened:
        c.fail("closed", _("the account is closed before it was opened"))
    return (
        provider_id,
        number,
        street_code,
        split.house,
        fold_house(split.house),
        split.korpus,
        fold_korpus(split.korpus),
        apartment,
        fold_apartment(apartment),
        surname,
        fold_name(surname),
        c.text("name", 100),
        c.text("patronymic", 100),
        c.integer("persons", 0, 32767),
        opened,
        closed,
    )


def convert_meter(c: Cells, provider_of: ProviderOf) -> tuple[Any, ...]:
    return (
        provider_of(c),
        c.text("account", 40, required=True),
        c.text("meter", 40, required=True),
        c.choice("service", SERVICES, required=True),
        c.integer("digits", 1, 12, default=5),
        c.integer("decimals", 0, 6, default=3),
        c.date("installed"),
        c.date("verify_by"),
        c.decimal("initial", places=6, integer_digits=12, default="0"),
        c.date("removed"),
    )


def convert_reading(c: Cells, provider_of: ProviderOf) -> tuple[Any, ...]:
    return (
        provider_of(c),
        c.text("account", 40, required=True),
        c.text("meter", 40, required=True),
        c.date("date", required=True),
        c.decimal("value", places=6, integer_digits=12, required=True),
        c.choice("source", IMPORT_READING_SOURCES) or DEFAULT_READING_SOURCE,
    )


def convert_ledger(c: Cells, provider_of: ProviderOf) -> tuple[Any, ...]:
    kind = c.choice("kind", LEDGER_KINDS, required=True)
    return (
        provider_of(c),
        c.text("account", 40, required=True),
        c.period("period"),
        kind,
        c.choice("service", SERVICES),
        c.decimal(
            "amount",
            places=2,
            integer_digits=12,
            required=True,
            negative=kind in SIGNED_LEDGER_KINDS,
        ),
        c.decimal("volume", places=3, integer_digits=13, negative=True),
        c.decimal("tariff", places=4, integer_digits=8),
        c.date("date"),
        c.text("note", 500),
    )


# --- fast paths ----------------------------------------------------------------------------
#
# The bulk kinds (accounts, meters, readings, ledger) also have a fast converter for CSV rows:
# one function per row, no per-cell calls. It returns None at the first doubt, and the row
# then goes through the converters above, which say what is wrong; so the fast path decides
# nothing on its own and both give the same staging row for a valid one
# (tests/test_fast_path.py holds them to that).

FastConverter = Callable[[Sequence[str]], tuple[Any, ...] | None]
ResolveProvider = Callable[[str], int | None]


def _valid_date(text: str) -> bool:
    if not DATE_RE.match(text):
        return False
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _checked_date(text: str) -> str | None:
    return text if _valid_date(text) else None


def fast_converter(
    kind: str, index: Mapping[str, int], resolve: ResolveProvider
) -> FastConverter | None:
    """Return the fast converter of a bulk kind for a file with these columns, or None."""
    factory = {
        "accounts": _fast_account,
        "meters": _fast_meter,
        "readings": _fast_reading,
        "ledger": _fast_ledger,
    }.get(kind)
    return factory(index, resolve) if factory else None


def _optional(index: Mapping[str, int], column: str) -> int:
    """Position of an optional column; -1 (an always-empty cell) when the file lacks it."""
    return index.get(column, -1)


def _cells(values: Sequence[str]) -> Sequence[str]:
    """The row with an empty cell at position -1, for the columns a file does not have.

    The reader gives each row a list of its own, so the cell is appended in place.
    """
    if isinstance(values, list):
        values.append("")
        return values
    return [*values, ""]


def _fast_ledger(index: Mapping[str, int], resolve: ResolveProvider) -> FastConverter:
    i_provider = _optional(index, "provider")
    i_account, i_period = index["account"], index["period"]
    i_kind, i_amount = index["kind"], index["amount"]
    i_service, i_volume = _optional(index, "service"), _optional(index, "volume")
    i_tariff, i_date = _optional(index, "tariff"), _optional(index, "date")
    i_note = _optional(index, "note")
    money, volume_re, tariff_re = (
        _plain_number(2, 12).match,
        _plain_number(3, 13).match,
        _plain_number(4, 8).match,
    )
    periods = _Memo(_staged_period)
    dates = _Memo(_checked_date)
    default_provider = resolve("")

    def convert(values: Sequence[str]) -> tuple[Any, ...] | None:
        v = _cells(values)
        code = v[i_provider].strip()
        provider_id = resolve(code) if code else default_provider
        account = v[i_account].strip()
        period = periods(v[i_period].strip())
        kind = v[i_kind].strip()
        service = v[i_service].strip()
        amount = v[i_amount].strip()
        volume = v[i_volume].strip()
        tariff = v[i_tariff].strip()
        day = v[i_date].strip()
        note = v[i_note].strip()
        if (
            provider_id is None
            or not account
            or len(account) > 40
            or period is None
            or kind not in LEDGER_KINDS
            or (service and service not in SERVICES)
            or not money(amount)
            or (amount[0] == "-" and kind not in SIGNED_LEDGER_KINDS)
            or (volume and not volume_re(volume))
            or (tariff and (not tariff_re(tariff) or tariff[0] == "-"))
            or (day and dates(day) is None)
            or len(note) > 500
        ):
            return None
        return (
            provider_id,
            account,
            period,
            kind,
            service,
            amount.replace(",", "."),
            volume.replace(",", ".") or None,
            tariff.replace(",", ".") or None,
            day or None,
            note,
        )

    return convert


# A ledger batch, column by column: provider ids, accounts, periods, kinds, services, amounts,
# volumes, tariffs, dates, notes (text as staged, None for an empty optional cell).
LedgerColumns = tuple[list[Any], ...]
LedgerBatchConverter = Callable[[list[list[str]]], LedgerColumns | None]
# Cells are joined with NUL to be matched at once: a CSV cell with a NUL fails the patterns,
# which then step aside, as they do for anything else.
_JOIN = "\x00"


@functools.cache
def _column_of_numbers(places: int, integer_digits: int, *, signed: bool, empty: bool) -> Any:
    """A matcher of a whole joined column (each cell followed by NUL) of plain numbers."""
    sign = "-?" if signed else ""
    number = rf"{sign}[0-9]{{1,{integer_digits}}}(?:[.,][0-9]{{1,{places}}})?"
    if empty:
        number = f"(?:{number})?"
    return re.compile(rf"(?:{number}\x00)*+").fullmatch


def fast_ledger_batch(index: Mapping[str, int], resolve: ResolveProvider) -> LedgerBatchConverter:
    """The ledger's fast path a batch at a time: the same staging values as `_fast_ledger`
    gives row by row, as columns, or None when any row of the batch is in doubt (the batch
    then goes row by row).

    Most columns of a billing file hold a few distinct values (provider, period, kind,
    service, date) and are checked once per distinct value; the number columns are matched
    whole with one regular expression each. What is left per row runs in C (zip, map, join).
    """
    i_provider = _optional(index, "provider")
    i_account, i_period = index["account"], index["period"]
    i_kind, i_amount = index["kind"], index["amount"]
    i_service, i_volume = _optional(index, "service"), _optional(index, "volume")
    i_tariff, i_date = _optional(index, "tariff"), _optional(index, "date")
    i_note = _optional(index, "note")
    amounts_ok = _column_of_numbers(2, 12, signed=True, empty=False)
    volumes_ok = _column_of_numbers(3, 13, signed=True, empty=True)
    tariffs_ok = _column_of_numbers(4, 8, signed=False, empty=True)
    periods = _Memo(_staged_period)
    dates = _Memo(_checked_date)

    def convert(rows: list[list[str]]) -> LedgerColumns | None:
        column = _column_reader(rows)
        provider_ids = _providers(column(i_provider), resolve)
        if provider_ids is None:
            return None
        accounts = column(i_account)
        kinds = column(i_kind)
        services = column(i_service)
        amounts = column(i_amount)
        volumes = column(i_volume)
        tariffs = column(i_tariff)
        days = column(i_date)
        notes = column(i_note)
        staged_periods = {
            text: periods(text) if text == text.strip() else None for text in set(column(i_period))
        }
        if (
            None in staged_periods.values()
            or not _texts_ok(accounts, 40, required=True)
            or not set(kinds) <= LEDGER_KINDS
            or not set(services) <= _OPTIONAL_SERVICES
            or not _optional_dates(days, dates)
            or not _texts_ok(notes, 500, required=False)
        ):
            return None
        joined_amounts = _JOIN.join(amounts)
        joined_volumes = _JOIN.join(volumes)
        joined_tariffs = _JOIN.join(tariffs)
        if (
            not amounts_ok(joined_amounts + _JOIN)
            or not volumes_ok(joined_volumes + _JOIN)
            or not tariffs_ok(joined_tariffs + _JOIN)
        ):
            return None
        if (
            "-" in joined_amounts
            and not {kind for kind, amount in zip(kinds, amounts, strict=True) if amount[0] == "-"}
            <= SIGNED_LEDGER_KINDS
        ):
            return None
        return (
            provider_ids,
            list(accounts),
            list(map(staged_periods.__getitem__, column(i_period))),
            list(kinds),
            list(services),
            _decimal_points(joined_amounts, amounts),
            _none_if_empty(_decimal_points(joined_volumes, volumes)),
            _none_if_empty(_decimal_points(joined_tariffs, tariffs)),
            _none_if_empty(days),
            list(notes),
        )

    return convert


BatchConverter = Callable[[list[list[str]]], tuple[list[Any], ...] | None]


def fast_batch_converter(
    kind: str, index: Mapping[str, int], resolve: ResolveProvider
) -> BatchConverter | None:
    """The batch converter of a bulk kind (see `fast_ledger_batch`), or None.

    Accounts have none: their row converter, with its folds memoised, is as quick.
    """
    factory = {
        "meters": fast_meter_batch,
        "ledger": fast_ledger_batch,
    }.get(kind)
    return factory(index, resolve) if factory else None


_OPTIONAL_SERVICES = SERVICES | {""}


def _column_reader(rows: list[list[str]]) -> Callable[[int], Sequence[str]]:
    """The batch's columns by position; an absent optional column (position -1) is empty."""
    columns = list(zip(*rows, strict=True))
    empty = ("",) * len(rows)
    return lambda position: columns[position] if position >= 0 else empty


def _texts_ok(cells: Sequence[str], limit: int, *, required: bool) -> bool:
    """Every cell trimmed already and at most `limit` long (and, if required, not empty),
    checked without a Python step a cell."""
    if required and "" in cells:
        return False
    return max(map(len, cells), default=0) <= limit and all(
        map(str.__eq__, cells, map(str.strip, cells))
    )


def _providers(codes: Sequence[str], resolve: ResolveProvider) -> list[Any] | None:
    resolved = {}
    for code in set(codes):
        provider_id = resolve(code) if code == code.strip() else None
        if provider_id is None:
            return None
        resolved[code] = provider_id
    return list(map(resolved.__getitem__, codes))


def _optional_dates(cells: Sequence[str], dates: _Memo) -> bool:
    return all(not d or (d == d.strip() and dates(d) is not None) for d in set(cells))


def fast_meter_batch(index: Mapping[str, int], resolve: ResolveProvider) -> BatchConverter:
    """`_fast_meter` a batch at a time, as columns, or None when any row is in doubt."""
    i_provider = _optional(index, "provider")
    i_account, i_meter, i_service = index["account"], index["meter"], index["service"]
    i_digits, i_decimals = _optional(index, "digits"), _optional(index, "decimals")
    i_installed, i_verify = _optional(index, "installed"), _optional(index, "verify_by")
    i_initial, i_removed = _optional(index, "initial"), _optional(index, "removed")
    initials_ok = _column_of_numbers(6, 12, signed=False, empty=True)
    dates = _Memo(_checked_date)
    digit_values = {"": 5, **{d: int(d) for d in _DIGITS}}
    decimal_values = {"": 3, **{d: int(d) for d in _DECIMALS}}

    def convert(rows: list[list[str]]) -> tuple[list[Any], ...] | None:
        column = _column_reader(rows)
        provider_ids = _providers(column(i_provider), resolve)
        accounts, serials = column(i_account), column(i_meter)
        services, digits, decimals = column(i_service), column(i_digits), column(i_decimals)
        installed, verify_by, removed = column(i_installed), column(i_verify), column(i_removed)
        initials = column(i_initial)
        joined_initials = _JOIN.join(initials)
        if (
            provider_ids is None
            or not _texts_ok(accounts, 40, required=True)
            or not _texts_ok(serials, 40, required=True)
            or not set(services) <= SERVICES
            or not set(digits) <= digit_values.keys()
            or not set(decimals) <= decimal_values.keys()
            or not _optional_dates(installed, dates)
            or not _optional_dates(verify_by, dates)
            or not _optional_dates(removed, dates)
            or not initials_ok(joined_initials + _JOIN)
        ):
            return None
        staged_initials = _decimal_points(joined_initials, initials)
        if "" in staged_initials:
            staged_initials = [value or "0" for value in staged_initials]
        return (
            provider_ids,
            list(accounts),
            list(serials),
            list(services),
            list(map(digit_values.__getitem__, digits)),
            list(map(decimal_values.__getitem__, decimals)),
            _none_if_empty(installed),
            _none_if_empty(verify_by),
            staged_initials,
            _none_if_empty(removed),
        )

    return convert


def _decimal_points(joined: str, cells: Sequence[str]) -> list[str]:
    """The cells with a decimal comma made a point (`joined` is the cells joined with NUL)."""
    if "," in joined:
        return joined.replace(",", ".").split(_JOIN)
    return list(cells)


def _none_if_empty(cells: Sequence[str]) -> list[str | None]:
    return [cell or None for cell in cells]


def _staged_period(text: str) -> str | None:
    match = PERIOD_RE.match(text)
    if match is None or not "01" <= match.group(2) <= "12" or match.group(1) < "1900":
        return None
    return f"{text}-01"


class _Memo:
    """A bounded memo of a pure check: billing files repeat the same few periods and dates."""

    __slots__ = ("check", "known")
    LIMIT = 4096

    def __init__(self, check: Callable[[str], str | None]) -> None:
        self.check = check
        self.known: dict[str, str | None] = {}

    def __call__(self, text: str) -> str | None:
        try:
            return self.known[text]
        except KeyError:
            result = self.check(text)
            if len(self.known) < self.LIMIT:
                self.known[text] = result
            return result


def _fast_account(index: Mapping[str, int], resolve: ResolveProvider) -> FastConverter:
    i_provider = _optional(index, "provider")
    i_account, i_street = index["account"], index["street_id"]
    i_house, i_surname = index["house"], index["surname"]
    i_korpus, i_apartment = _optional(index, "korpus"), _optional(index, "apartment")
    i_name, i_patronymic = _optional(index, "name"), _optional(index, "patronymic")
    i_persons, i_opened = _optional(index, "persons"), _optional(index, "opened")
    i_closed = _optional(index, "closed")
    # House numbers, buildings and apartments repeat from account to account: each spelling
    # is split and folded once.
    addresses: dict[tuple[str, str], tuple[str, str, str, str]] = {}
    apartments = _Memo(fold_apartment)
    dates = _Memo(_checked_date)

    def convert(values: Sequence[str]) -> tuple[Any, ...] | None:
        v = _cells(values)
        provider_id = resolve(v[i_provider].strip())
        number = v[i_account].strip()
        street = v[i_street].strip()
        house = v[i_house].strip()
        korpus = v[i_korpus].strip()
        apartment = v[i_apartment].strip()
        surname = v[i_surname].strip()
        name = v[i_name].strip()
        patronymic = v[i_patronymic].strip()
        persons = v[i_persons].strip()
        opened = v[i_opened].strip()
        closed = v[i_closed].strip()
        if (
            provider_id is None
            or not number
            or not street
            or not house
            or not surname
            or len(number) > 40
            or len(street) > 40
            or len(house) > 20
            or len(korpus) > 20
            or len(apartment) > 20
            or len(surname) > 100
            or len(name) > 100
            or len(patronymic) > 100
            or (persons and not (persons.isdigit() and persons.isascii() and int(persons) <= 32767))
            or (opened and dates(opened) is None)
            or (closed and dates(closed) is None)
            or (opened and closed and closed < opened)
        ):
            return None
        try:
            address = addresses[house, korpus]
        except KeyError:
            address = _house_and_korpus(house, korpus)
            if len(addresses) < _Memo.LIMIT:
                addresses[house, korpus] = address
        apartment_key = apartments(apartment)
        return (
            provider_id,
            number,
            street,
            *address,
            apartment,
            apartment_key,
            surname,
            fold_name(surname),
            name,
            patronymic,
            int(persons) if persons else None,
            opened or None,
            closed or None,
        )

    return convert


def _house_and_korpus(house: str, korpus: str) -> tuple[str, str, str, str]:
    split = split_house(house, korpus)
    return split.house, fold_house(split.house), split.korpus, fold_korpus(split.korpus)


def _fast_meter(index: Mapping[str, int], resolve: ResolveProvider) -> FastConverter:
    i_provider = _optional(index, "provider")
    i_account, i_meter, i_service = index["account"], index["meter"], index["service"]
    i_digits, i_decimals = _optional(index, "digits"), _optional(index, "decimals")
    i_installed, i_verify = _optional(index, "installed"), _optional(index, "verify_by")
    i_initial, i_removed = _optional(index, "initial"), _optional(index, "removed")
    reading = _plain_number(6, 12).match
    dates = _Memo(_checked_date)

    def convert(values: Sequence[str]) -> tuple[Any, ...] | None:
        v = _cells(values)
        provider_id = resolve(v[i_provider].strip())
        account = v[i_account].strip()
        serial = v[i_meter].strip()
        service = v[i_service].strip()
        digits = v[i_digits].strip() or "5"
        decimals = v[i_decimals].strip() or "3"
        installed = v[i_installed].strip()
        verify_by = v[i_verify].strip()
        initial = v[i_initial].strip() or "0"
        removed = v[i_removed].strip()
        if (
            provider_id is None
            or not account
            or not serial
            or len(account) > 40
            or len(serial) > 40
            or service not in SERVICES
            or digits not in _DIGITS
            or decimals not in _DECIMALS
            or (installed and dates(installed) is None)
            or (verify_by and dates(verify_by) is None)
            or (removed and dates(removed) is None)
            or not reading(initial)
            or initial[0] == "-"
        ):
            return None
        return (
            provider_id,
            account,
            serial,
            service,
            int(digits),
            int(decimals),
            installed or None,
            verify_by or None,
            initial.replace(",", "."),
            removed or None,
        )

    return convert


_DIGITS = frozenset(str(n) for n in range(1, 13))
_DECIMALS = frozenset(str(n) for n in range(7))


def _fast_reading(index: Mapping[str, int], resolve: ResolveProvider) -> FastConverter:
    i_provider = _optional(index, "provider")
    i_account, i_meter = index["account"], index["meter"]
    i_date, i_value, i_source = index["date"], index["value"], _optional(index, "source")
    reading = _plain_number(6, 12).match
    dates = _Memo(_checked_date)

    def convert(values: Sequence[str]) -> tuple[Any, ...] | None:
        v = _cells(values)
        provider_id = resolve(v[i_provider].strip())
        account = v[i_account].strip()
        serial = v[i_meter].strip()
        day = v[i_date].strip()
        value = v[i_value].strip()
        source = v[i_source].strip()
        if (
            provider_id is None
            or not account
            or not serial
            or len(account) > 40
            or len(serial) > 40
            or dates(day) is None
            or not reading(value)
            or value[0] == "-"
            or (source and source not in IMPORT_READING_SOURCES)
        ):
            return None
        return (
            provider_id,
            account,
            serial,
            day,
            value.replace(",", "."),
            source or DEFAULT_READING_SOURCE,
        )

    return convert
