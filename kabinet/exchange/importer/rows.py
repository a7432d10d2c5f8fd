"""The checked row converters: one row's cells become its staging row, validated and folded,
with every problem worded. Each limit comes from the kind's column specification."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _

from kabinet.addresses.normalize import fold_street
from kabinet.billing.keys import account_keys
from kabinet.metering.keys import meter_serial_key

from .cells import Cells
from .columns import (
    ACCOUNTS,
    DEFAULT_READING_SOURCE,
    LEDGER,
    METERS,
    PROVIDER_CODE_RE,
    PROVIDERS,
    READINGS,
    REFERENCED_LEDGER_KINDS,
    SERVICE_CELLS,
    SERVICE_ZONE_SEPARATOR,
    SERVICES,
    SIGNED_LEDGER_KINDS,
    STREET_NAME_LENGTH,
    STREETS,
    ZONE_NAMES,
    ZONED_LEDGER_KINDS,
)

ProviderOf = Callable[[Cells], int | None]


def convert_provider(c: Cells) -> tuple[Any, ...]:
    spec = PROVIDERS
    code = c.text(spec["provider"])
    if code and not PROVIDER_CODE_RE.match(code):
        c.fail("provider", _("a code has only Latin letters, digits, - and _"))
    return (
        code,
        c.text(spec["name"]),
        c.choice(spec["service"]),
        c.integer(spec["read_from"]),
        c.integer(spec["read_to"]),
        c.integer(spec["cutoff"]),
        c.boolean(spec["meter_required"]),
    )


def convert_street(
    c: Cells, provider_of: ProviderOf
) -> tuple[tuple[Any, ...], list[tuple[Any, ...]]]:
    """Return the street row and its name rows (position 0 is the current name)."""
    spec = STREETS
    provider_id = provider_of(c)
    street_id = c.text(spec["street_id"])
    street_type = c.text(spec["type"])
    name = c.text(spec["name"])
    if name and not fold_street(name):
        c.fail("name", _("a street name needs letters or digits"))
    names: list[tuple[Any, ...]] = []
    seen: set[str] = set()
    candidates = [name, *(old.strip() for old in c.text(spec["old_names"]).split("|"))]
    for candidate in candidates:
        key = fold_street(candidate)
        if not candidate or not key or key in seen:
            continue  # an empty name, or one that folds like a newer name, adds nothing
        if len(candidate) > STREET_NAME_LENGTH:
            c.fail("old_names", _("longer than %(max)d characters") % {"max": STREET_NAME_LENGTH})
        seen.add(key)
        position = len(names)
        names.append((provider_id, street_id, position, candidate, key, position == 0))
    return (provider_id, street_id, street_type, name), names


def convert_account(c: Cells, provider_of: ProviderOf) -> tuple[Any, ...]:
    spec = ACCOUNTS
    provider_id = provider_of(c)
    number = c.text(spec["account"])
    street_code = c.text(spec["street_id"])
    house = c.text(spec["house"])
    korpus = c.text(spec["korpus"])
    apartment = c.text(spec["apartment"])
    surname = c.text(spec["surname"])
    opened = c.date(spec["opened"])
    closed = c.date(spec["closed"])
    if opened and closed and closed < opened:
        c.fail("closed", _("the account is closed before it was opened"))
    return (
        provider_id,
        number,
        street_code,
        *account_keys(house=house, korpus=korpus, apartment=apartment, surname=surname),
        c.text(spec["name"]),
        c.text(spec["patronymic"]),
        c.integer(spec["persons"]),
        opened,
        closed,
    )


def convert_meter(c: Cells, provider_of: ProviderOf) -> tuple[Any, ...]:
    spec = METERS
    serial = c.text(spec["meter"])
    return (
        provider_of(c),
        c.text(spec["account"]),
        serial,
        c.choice(spec["service"]),
        c.integer(spec["digits"]),
        c.integer(spec["decimals"]),
        c.date(spec["installed"]),
        c.date(spec["verify_by"]),
        c.decimal(spec["initial"]),
        c.date(spec["removed"]),
        c.integer(spec["zones"]),
        meter_serial_key(serial),
    )


def convert_reading(c: Cells, provider_of: ProviderOf) -> tuple[Any, ...]:
    spec = READINGS
    return (
        provider_of(c),
        c.text(spec["account"]),
        c.text(spec["meter"]),
        c.date(spec["date"]),
        c.decimal(spec["value"]),
        c.choice(spec["source"]) or DEFAULT_READING_SOURCE,
        c.choice(spec["zone"]),
    )


def convert_ledger(c: Cells, provider_of: ProviderOf) -> tuple[Any, ...]:
    spec = LEDGER
    kind = c.choice(spec["kind"])
    service, zone = _service_and_zone(c, kind)
    reference = c.text(spec["reference"])
    if reference and kind not in REFERENCED_LEDGER_KINDS:
        c.fail("reference", _("only a payment carries a reference"))
    return (
        provider_of(c),
        c.text(spec["account"]),
        c.period(spec["period"]),
        kind,
        service,
        c.decimal(spec["amount"], negative=kind in SIGNED_LEDGER_KINDS),
        c.decimal(spec["volume"]),
        c.decimal(spec["tariff"]),
        c.date(spec["date"]),
        c.text(spec["note"]),
        zone,
        reference,
    )


def _service_and_zone(c: Cells, kind: str) -> tuple[str, str]:
    """A ledger row's service and, for a charge, the zone after the colon."""
    cell = c.text(LEDGER["service"])
    known = SERVICE_CELLS.get(cell)
    if known is not None:
        service, zone = known
        if zone and kind not in ZONED_LEDGER_KINDS:
            c.fail("service", _("only a charge names a zone"))
        return service, zone
    service, separator, zone = cell.partition(SERVICE_ZONE_SEPARATOR)
    if service not in SERVICES:
        c.fail(
            "service",
            _("%(value)s is not one of: %(allowed)s")
            % {"value": service, "allowed": ", ".join(sorted(SERVICES))},
        )
    elif separator:
        c.fail(
            "service",
            _("the zone after the colon, %(value)s, is not one of: %(allowed)s")
            % {"value": zone, "allowed": ", ".join(sorted(ZONE_NAMES))},
        )
    return service, ""
