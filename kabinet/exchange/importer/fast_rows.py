"""The fast row converters of the bulk kinds (accounts, meters, readings, ledger), for CSV rows.

One function per row, no per-cell calls. It returns None at the first doubt, and the row then
goes through the checked converters (`rows`), which say what is wrong; so the fast path decides
nothing on its own, and both give the same staging row for a valid one (tests/test_fast_path.py
holds them to that). Every limit comes from the kind's column specification (`columns`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from kabinet.billing.keys import account_key_values
from kabinet.metering.keys import meter_serial_key

from .columns import (
    ACCOUNTS,
    DATE_RE,
    DEFAULT_READING_SOURCE,
    LEDGER,
    LEDGER_KINDS,
    METERS,
    PERIOD_RE,
    READINGS,
    REFERENCED_LEDGER_KINDS,
    SERVICE_CELLS,
    SERVICES,
    SIGNED_LEDGER_KINDS,
    ZONED_LEDGER_KINDS,
    Column,
    Kind,
    plain_number,
)

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


def checked_date(text: str) -> str | None:
    return text if _valid_date(text) else None


def staged_period(text: str) -> str | None:
    match = PERIOD_RE.match(text)
    if match is None or not "01" <= match.group(2) <= "12" or match.group(1) < "1900":
        return None
    return f"{text}-01"


class Memo:
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


def whole_cells(spec: Column) -> dict[str, int]:
    """A whole-number column's plainly written cells and their values ('' is the default)."""
    return {"": spec.default, **{text: int(text) for text in spec.whole_numbers}}


def number_matcher(spec: Column) -> Callable[[str], Any]:
    return plain_number(spec.places, spec.integer_digits).match


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


def positions(index: Mapping[str, int], kind: Kind) -> dict[str, int]:
    """Each column's position in a file with this header; -1 (an always-empty cell) for an
    optional column the file lacks. A required column is there: the header was checked."""
    return {
        column.name: index[column.name] if column.required else index.get(column.name, -1)
        for column in kind.columns
    }


def _cells(values: Sequence[str]) -> Sequence[str]:
    """The row with an empty cell at position -1, for the columns a file does not have.

    The reader gives each row a list of its own, so the cell is appended in place.
    """
    if isinstance(values, list):
        values.append("")
        return values
    return [*values, ""]


def _fast_ledger(index: Mapping[str, int], resolve: ResolveProvider) -> FastConverter:
    spec = LEDGER
    at = positions(index, spec)
    i_provider, i_account, i_period = at["provider"], at["account"], at["period"]
    i_kind, i_amount, i_service = at["kind"], at["amount"], at["service"]
    i_volume, i_tariff, i_date = at["volume"], at["tariff"], at["date"]
    i_note, i_reference = at["note"], at["reference"]
    money = number_matcher(spec["amount"])
    volume_re = number_matcher(spec["volume"])
    tariff_re = number_matcher(spec["tariff"])
    account_max = spec["account"].max_length
    note_max, reference_max = spec["note"].max_length, spec["reference"].max_length
    periods = Memo(staged_period)
    dates = Memo(checked_date)
    default_provider = resolve("")

    def convert(values: Sequence[str]) -> tuple[Any, ...] | None:
        v = _cells(values)
        code = v[i_provider].strip()
        provider_id = resolve(code) if code else default_provider
        account = v[i_account].strip()
        period = periods(v[i_period].strip())
        kind = v[i_kind].strip()
        service_zone = SERVICE_CELLS.get(v[i_service].strip())
        amount = v[i_amount].strip()
        volume = v[i_volume].strip()
        tariff = v[i_tariff].strip()
        day = v[i_date].strip()
        note = v[i_note].strip()
        reference = v[i_reference].strip()
        if (
            provider_id is None
            or not account
            or len(account) > account_max
            or period is None
            or kind not in LEDGER_KINDS
            or service_zone is None
            or (service_zone[1] and kind not in ZONED_LEDGER_KINDS)
            or not money(amount)
            or (amount[0] == "-" and kind not in SIGNED_LEDGER_KINDS)
            or (volume and not volume_re(volume))
            or (tariff and (not tariff_re(tariff) or tariff[0] == "-"))
            or (day and dates(day) is None)
            or len(note) > note_max
            or len(reference) > reference_max
            or (reference and kind not in REFERENCED_LEDGER_KINDS)
        ):
            return None
        return (
            provider_id,
            account,
            period,
            kind,
            service_zone[0],
            amount.replace(",", "."),
            volume.replace(",", ".") or None,
            tariff.replace(",", ".") or None,
            day or None,
            note,
            service_zone[1],
            reference,
        )

    return convert


def _fast_account(index: Mapping[str, int], resolve: ResolveProvider) -> FastConverter:
    spec = ACCOUNTS
    at = positions(index, spec)
    i_provider, i_account, i_street = at["provider"], at["account"], at["street_id"]
    i_house, i_surname, i_korpus = at["house"], at["surname"], at["korpus"]
    i_apartment, i_name, i_patronymic = at["apartment"], at["name"], at["patronymic"]
    i_persons, i_opened, i_closed = at["persons"], at["opened"], at["closed"]
    number_max, street_max = spec["account"].max_length, spec["street_id"].max_length
    house_max, korpus_max = spec["house"].max_length, spec["korpus"].max_length
    apartment_max, surname_max = spec["apartment"].max_length, spec["surname"].max_length
    name_max, patronymic_max = spec["name"].max_length, spec["patronymic"].max_length
    persons_max = spec["persons"].high
    dates = Memo(checked_date)

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
            or len(number) > number_max
            or len(street) > street_max
            or len(house) > house_max
            or len(korpus) > korpus_max
            or len(apartment) > apartment_max
            or len(surname) > surname_max
            or len(name) > name_max
            or len(patronymic) > patronymic_max
            or (
                persons
                and not (persons.isdigit() and persons.isascii() and int(persons) <= persons_max)
            )
            or (opened and dates(opened) is None)
            or (closed and dates(closed) is None)
            or (opened and closed and closed < opened)
        ):
            return None
        return (
            provider_id,
            number,
            street,
            *account_key_values(house, korpus, apartment, surname),
            name,
            patronymic,
            int(persons) if persons else None,
            opened or None,
            closed or None,
        )

    return convert


def _fast_meter(index: Mapping[str, int], resolve: ResolveProvider) -> FastConverter:
    spec = METERS
    at = positions(index, spec)
    i_provider, i_account, i_meter = at["provider"], at["account"], at["meter"]
    i_service, i_digits, i_decimals = at["service"], at["digits"], at["decimals"]
    i_installed, i_verify, i_initial = at["installed"], at["verify_by"], at["initial"]
    i_removed, i_zones = at["removed"], at["zones"]
    account_max, serial_max = spec["account"].max_length, spec["meter"].max_length
    digit_values, decimal_values = whole_cells(spec["digits"]), whole_cells(spec["decimals"])
    zone_counts = whole_cells(spec["zones"])
    reading = number_matcher(spec["initial"])
    dates = Memo(checked_date)

    def convert(values: Sequence[str]) -> tuple[Any, ...] | None:
        v = _cells(values)
        provider_id = resolve(v[i_provider].strip())
        account = v[i_account].strip()
        serial = v[i_meter].strip()
        service = v[i_service].strip()
        digits = digit_values.get(v[i_digits].strip())
        decimals = decimal_values.get(v[i_decimals].strip())
        zones = zone_counts.get(v[i_zones].strip())
        installed = v[i_installed].strip()
        verify_by = v[i_verify].strip()
        initial = v[i_initial].strip() or "0"
        removed = v[i_removed].strip()
        if (
            provider_id is None
            or not account
            or not serial
            or len(account) > account_max
            or len(serial) > serial_max
            or service not in SERVICES
            or digits is None
            or decimals is None
            or zones is None
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
            digits,
            decimals,
            installed or None,
            verify_by or None,
            initial.replace(",", "."),
            removed or None,
            zones,
            meter_serial_key(serial),
        )

    return convert


def _fast_reading(index: Mapping[str, int], resolve: ResolveProvider) -> FastConverter:
    spec = READINGS
    at = positions(index, spec)
    i_provider, i_account, i_meter = at["provider"], at["account"], at["meter"]
    i_date, i_value, i_source = at["date"], at["value"], at["source"]
    i_zone = at["zone"]
    account_max, serial_max = spec["account"].max_length, spec["meter"].max_length
    sources, zones = spec["source"].allowed, spec["zone"].allowed
    reading = number_matcher(spec["value"])
    dates = Memo(checked_date)

    def convert(values: Sequence[str]) -> tuple[Any, ...] | None:
        v = _cells(values)
        provider_id = resolve(v[i_provider].strip())
        account = v[i_account].strip()
        serial = v[i_meter].strip()
        day = v[i_date].strip()
        value = v[i_value].strip()
        source = v[i_source].strip()
        zone = v[i_zone].strip()
        if (
            provider_id is None
            or not account
            or not serial
            or len(account) > account_max
            or len(serial) > serial_max
            or dates(day) is None
            or not reading(value)
            or value[0] == "-"
            or (source and source not in sources)
            or (zone and zone not in zones)
        ):
            return None
        return (
            provider_id,
            account,
            serial,
            day,
            value.replace(",", "."),
            source or DEFAULT_READING_SOURCE,
            zone,
        )

    return convert
