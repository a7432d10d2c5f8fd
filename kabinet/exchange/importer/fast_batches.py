"""The column batches of the bulk kinds whose files are the largest (meters, ledger): a CSV
batch checked a column at a time, giving the same staging values as the fast row converters
(`fast_rows`) give row by row, or None when any row of the batch is in doubt (the batch then
goes row by row, which words the problems). Every limit comes from the column specification.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from kabinet.metering.keys import meter_serial_key

from .columns import (
    LEDGER,
    LEDGER_KINDS,
    METERS,
    REFERENCED_LEDGER_KINDS,
    SERVICE_CELLS,
    SERVICES,
    SIGNED_LEDGER_KINDS,
    ZONED_LEDGER_KINDS,
    Column,
)
from .fast_rows import Memo, ResolveProvider, checked_date, positions, staged_period, whole_cells

# A ledger batch, column by column: provider ids, accounts, periods, kinds, services, amounts,
# volumes, tariffs, dates, notes, zones, references (text as staged, None for an empty
# optional cell).
LedgerColumns = tuple[list[Any], ...]
BatchConverter = Callable[[list[list[str]]], tuple[list[Any], ...] | None]
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


def _numbers(spec: Column) -> Any:
    """The joined-column matcher of a number column, as its specification allows."""
    return _column_of_numbers(
        spec.places, spec.integer_digits, signed=spec.negative, empty=not spec.required
    )


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


def fast_ledger_batch(index: Mapping[str, int], resolve: ResolveProvider) -> BatchConverter:
    """The ledger's fast path a batch at a time.

    Most columns of a billing file hold a few distinct values (provider, period, kind,
    service, date) and are checked once per distinct value; the number columns are matched
    whole with one regular expression each. What is left per row runs in C (zip, map, join).
    """
    spec = LEDGER
    at = positions(index, spec)
    i_provider, i_account, i_period = at["provider"], at["account"], at["period"]
    i_kind, i_amount, i_service = at["kind"], at["amount"], at["service"]
    i_volume, i_tariff, i_date = at["volume"], at["tariff"], at["date"]
    i_note, i_reference = at["note"], at["reference"]
    amounts_ok = _numbers(spec["amount"])
    volumes_ok = _numbers(spec["volume"])
    tariffs_ok = _numbers(spec["tariff"])
    account_max, note_max = spec["account"].max_length, spec["note"].max_length
    reference_max = spec["reference"].max_length
    periods = Memo(staged_period)
    dates = Memo(checked_date)

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
        references = column(i_reference)
        staged_periods = {
            text: periods(text) if text == text.strip() else None for text in set(column(i_period))
        }
        distinct_services = set(services)
        if (
            None in staged_periods.values()
            or not _texts_ok(accounts, account_max, required=True)
            or not set(kinds) <= LEDGER_KINDS
            or not distinct_services <= SERVICE_CELLS.keys()
            or not _optional_dates(days, dates)
            or not _texts_ok(notes, note_max, required=False)
            or (i_reference >= 0 and not _texts_ok(references, reference_max, required=False))
        ):
            return None
        zoned = not distinct_services <= _SERVICES_WITHOUT_ZONE
        if (
            zoned
            and not {
                kind for kind, cell in zip(kinds, services, strict=True) if SERVICE_CELLS[cell][1]
            }
            <= ZONED_LEDGER_KINDS
        ):
            return None
        if (
            any(references)
            and not {kind for kind, reference in zip(kinds, references, strict=True) if reference}
            <= REFERENCED_LEDGER_KINDS
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
        if zoned:
            split = [SERVICE_CELLS[cell] for cell in services]
            staged_services = [service for service, _zone in split]
            zones = [zone for _service, zone in split]
        else:
            staged_services, zones = list(services), [""] * len(services)
        return (
            provider_ids,
            list(accounts),
            list(map(staged_periods.__getitem__, column(i_period))),
            list(kinds),
            staged_services,
            _decimal_points(joined_amounts, amounts),
            _none_if_empty(_decimal_points(joined_volumes, volumes)),
            _none_if_empty(_decimal_points(joined_tariffs, tariffs)),
            _none_if_empty(days),
            list(notes),
            zones,
            list(references),
        )

    return convert


_SERVICES_WITHOUT_ZONE = SERVICES | {""}


def fast_meter_batch(index: Mapping[str, int], resolve: ResolveProvider) -> BatchConverter:
    """The fast meter converter a batch at a time, as columns, or None when any row is in
    doubt."""
    spec = METERS
    at = positions(index, spec)
    i_provider, i_account, i_meter = at["provider"], at["account"], at["meter"]
    i_service, i_digits, i_decimals = at["service"], at["digits"], at["decimals"]
    i_installed, i_verify, i_initial = at["installed"], at["verify_by"], at["initial"]
    i_removed, i_zones = at["removed"], at["zones"]
    initials_ok = _numbers(spec["initial"])
    account_max, serial_max = spec["account"].max_length, spec["meter"].max_length
    dates = Memo(checked_date)
    digit_values = whole_cells(spec["digits"])
    decimal_values = whole_cells(spec["decimals"])
    zone_counts = whole_cells(spec["zones"])

    def convert(rows: list[list[str]]) -> tuple[list[Any], ...] | None:
        column = _column_reader(rows)
        provider_ids = _providers(column(i_provider), resolve)
        accounts, serials = column(i_account), column(i_meter)
        services, digits, decimals = column(i_service), column(i_digits), column(i_decimals)
        installed, verify_by, removed = column(i_installed), column(i_verify), column(i_removed)
        initials, zones = column(i_initial), column(i_zones)
        joined_initials = _JOIN.join(initials)
        if (
            provider_ids is None
            or not _texts_ok(accounts, account_max, required=True)
            or not _texts_ok(serials, serial_max, required=True)
            or not set(services) <= SERVICES
            or not set(digits) <= digit_values.keys()
            or not set(decimals) <= decimal_values.keys()
            or not set(zones) <= zone_counts.keys()
            or not _optional_dates(installed, dates)
            or not _optional_dates(verify_by, dates)
            or not _optional_dates(removed, dates)
            or not initials_ok(joined_initials + _JOIN)
        ):
            return None
        staged_initials = _decimal_points(joined_initials, initials)
        if "" in staged_initials:
            staged_initials = [value or spec["initial"].default for value in staged_initials]
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
            list(map(zone_counts.__getitem__, zones)),
            list(map(meter_serial_key, serials)),
        )

    return convert


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


def _optional_dates(cells: Sequence[str], dates: Memo) -> bool:
    return all(not d or (d == d.strip() and dates(d) is not None) for d in set(cells))


def _decimal_points(joined: str, cells: Sequence[str]) -> list[str]:
    """The cells with a decimal comma made a point (`joined` is the cells joined with NUL)."""
    if "," in joined:
        return joined.replace(",", ".").split(_JOIN)
    return list(cells)


def _none_if_empty(cells: Sequence[str]) -> list[str | None]:
    return [cell or None for cell in cells]
