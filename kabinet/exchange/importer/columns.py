"""The six kinds of exchange file and, for each, its ONE column specification.

Every converter takes its limits from here: the checked row converters (`rows`), the fast row
converters (`fast_rows`) and the column batches (`fast_batches`). A text column's length is the
model field's own `max_length`, so the file format cannot drift from the table it fills.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any

from kabinet.addresses.models import Street, StreetName
from kabinet.billing.models import Account, LedgerEntry
from kabinet.metering.models import READING_DECIMAL_PLACES, Meter, Reading
from kabinet.metering.zones import ZONES_BY_COUNT, Zone
from kabinet.providers.models import Provider
from kabinet.providers.service_kinds import Service

SERVICES = frozenset(Service.values)
LEDGER_KINDS = frozenset(LedgerEntry.Kind.values)
SIGNED_LEDGER_KINDS = frozenset({"balance", "correction"})
# Exchange 1.1: a charge's service may name a zone after a colon (`electricity:night`).
ZONED_LEDGER_KINDS = frozenset({"charge"})
# Exchange 1.1: the portal's order id, echoed back on a payment.
REFERENCED_LEDGER_KINDS = frozenset({"payment"})
IMPORT_READING_SOURCES = frozenset(
    {"controller", "subscriber", "phone", "estimate", "portal", "quick"}
)
DEFAULT_READING_SOURCE = "controller"
# The registers a multi-zone meter has (the empty zone is a single-zone meter's).
ZONE_NAMES = frozenset(zone.value for zone in Zone if zone.value)
ZONE_COUNTS = frozenset(ZONES_BY_COUNT)
SERVICE_ZONE_SEPARATOR = ":"
NUMBER_RE = re.compile(r"^[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
PERIOD_RE = re.compile(r"^(\d{4})-(\d{2})$")
PROVIDER_CODE_RE = re.compile(r"^[-a-zA-Z0-9_]+$")
BOOLEAN_VALUES = {"1": True, "0": False, "true": True, "false": False, "yes": True, "no": False}


def _places(model: Any, name: str) -> tuple[int, int]:
    """A decimal field's decimal places and the integer digits left beside them."""
    model_field = model._meta.get_field(name)
    return model_field.decimal_places, model_field.max_digits - model_field.decimal_places


def _length(model: Any, name: str) -> int:
    max_length = model._meta.get_field(name).max_length
    assert isinstance(max_length, int)
    return max_length


@dataclass(frozen=True)
class Column:
    """One column of a kind of file and what a cell of it may hold.

    `type` is one of text, choice, whole, number, date, period, flag. A text or choice cell is
    at most `max_length` characters; a choice is one of `allowed`; a whole number lies in
    `low`..`high`; a number has at most `places` decimals and `integer_digits` digits before
    the point, and is negative only when `negative`. `default` stands for an empty cell.
    """

    name: str
    type: str
    required: bool = False
    max_length: int = 0
    allowed: frozenset[str] = frozenset()
    low: int = 0
    high: int = 0
    places: int = 0
    integer_digits: int = 0
    negative: bool = False
    default: Any = None

    @property
    def whole_numbers(self) -> frozenset[str]:
        """A whole column's cells as written plainly (`4`, not `04` or `+4`)."""
        return frozenset(str(n) for n in range(self.low, self.high + 1))


def text(name: str, max_length: int, *, required: bool = False) -> Column:
    return Column(name, "text", required=required, max_length=max_length)


def choice(name: str, allowed: frozenset[str], *, required: bool = False) -> Column:
    return Column(name, "choice", required=required, max_length=40, allowed=allowed)


def whole(name: str, low: int, high: int, default: int | None = None) -> Column:
    return Column(name, "whole", low=low, high=high, default=default)


def number(
    name: str,
    digits: tuple[int, int],
    *,
    required: bool = False,
    negative: bool = False,
    default: str | None = None,
) -> Column:
    return Column(
        name,
        "number",
        required=required,
        places=digits[0],
        integer_digits=digits[1],
        negative=negative,
        default=default,
    )


def date(name: str, *, required: bool = False) -> Column:
    return Column(name, "date", required=required)


@dataclass(frozen=True)
class Kind:
    name: str
    columns: tuple[Column, ...]
    by_name: dict[str, Column] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", {column.name: column for column in self.columns})

    def __getitem__(self, name: str) -> Column:
        return self.by_name[name]

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    @property
    def optional(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if not c.required)

    @property
    def allowed(self) -> frozenset[str]:
        return frozenset(c.name for c in self.columns)


# Stated once, used by every kind that names an account, a meter or a provider.
PROVIDER = text("provider", _length(Provider, "code"))
ACCOUNT = text("account", _length(Account, "number"), required=True)
METER = text("meter", _length(Meter, "serial"), required=True)
STREET_ID = text("street_id", _length(Street, "street_id"), required=True)
SERVICE = choice("service", SERVICES, required=True)

PROVIDERS = Kind(
    "providers",
    (
        text("provider", _length(Provider, "code"), required=True),
        text("name", _length(Provider, "name"), required=True),
        SERVICE,
        whole("read_from", 1, 31, default=1),
        whole("read_to", 1, 31, default=31),
        whole("cutoff", 1, 31),
        Column("meter_required", "flag"),
    ),
)
STREETS = Kind(
    "streets",
    (
        STREET_ID,
        text("name", _length(Street, "name"), required=True),
        PROVIDER,
        text("type", _length(Street, "type")),
        text("old_names", 2000),
    ),
)
# A former name, one of `old_names`, is stored like the current one.
STREET_NAME_LENGTH = _length(StreetName, "name")
ACCOUNTS = Kind(
    "accounts",
    (
        ACCOUNT,
        STREET_ID,
        text("house", _length(Account, "house"), required=True),
        text("surname", _length(Account, "surname"), required=True),
        PROVIDER,
        text("korpus", _length(Account, "korpus")),
        text("apartment", _length(Account, "apartment")),
        text("name", _length(Account, "name")),
        text("patronymic", _length(Account, "patronymic")),
        whole("persons", 0, 32767),
        date("opened"),
        date("closed"),
    ),
)
METERS = Kind(
    "meters",
    (
        ACCOUNT,
        METER,
        SERVICE,
        PROVIDER,
        whole("digits", 1, 12, default=5),
        whole("decimals", 0, READING_DECIMAL_PLACES, default=3),
        date("installed"),
        date("verify_by"),
        number("initial", _places(Meter, "initial"), default="0"),
        date("removed"),
        whole("zones", min(ZONE_COUNTS), max(ZONE_COUNTS), default=1),
    ),
)
READINGS = Kind(
    "readings",
    (
        ACCOUNT,
        METER,
        date("date", required=True),
        number("value", _places(Reading, "value"), required=True),
        PROVIDER,
        choice("source", IMPORT_READING_SOURCES),
        choice("zone", ZONE_NAMES),
    ),
)
LEDGER = Kind(
    "ledger",
    (
        ACCOUNT,
        Column("period", "period", required=True),
        choice("kind", LEDGER_KINDS, required=True),
        # Money: the sign is allowed for SIGNED_LEDGER_KINDS only (see the converters).
        number("amount", _places(LedgerEntry, "amount"), required=True, negative=True),
        PROVIDER,
        # A service, or a service and a zone (`electricity:night`): checked apart.
        text("service", 40),
        number("volume", _places(LedgerEntry, "volume"), negative=True),
        number("tariff", _places(LedgerEntry, "tariff")),
        date("date"),
        text("note", _length(LedgerEntry, "note")),
        text("reference", _length(LedgerEntry, "reference")),
    ),
)

# Dependency order: each kind refers only to the kinds before it.
KINDS: tuple[Kind, ...] = (PROVIDERS, STREETS, ACCOUNTS, METERS, READINGS, LEDGER)
KIND_BY_NAME = {kind.name: kind for kind in KINDS}
KIND_ORDER = {kind.name: index for index, kind in enumerate(KINDS)}

# A ledger's `service` cell, as written, and the (service, zone) it stands for: every valid
# spelling, so that a cell is checked and split by one lookup.
SERVICE_CELLS: dict[str, tuple[str, str]] = {
    "": ("", ""),
    **{service: (service, "") for service in SERVICES},
    **{
        f"{service}{SERVICE_ZONE_SEPARATOR}{zone}": (service, zone)
        for service in SERVICES
        for zone in ZONE_NAMES
    },
}


@functools.cache
def plain_number(places: int, integer_digits: int) -> re.Pattern[str]:
    """A number that needs no further checks: sign, at most so many digits and decimals."""
    fraction = rf"(?:[.,]\d{{1,{places}}})?" if places else ""
    return re.compile(rf"^-?\d{{1,{integer_digits}}}{fraction}$")


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
