"""Readings without a cabinet (`/readings/`): the account number and the surname's first letters.

The account is proved by less than the Check step asks (no address), so the door opens only to
submitting readings: the meters are shown by their service and the last three digits of their
serial, and nothing of the account is said. A wrong number and wrong letters fail alike, with
the same statements, and count against the Check step's own throttle (per address and per
account number): a guesser gains no fresh tries by moving from one door to the other.
"""

import datetime as dt
import hmac
from dataclasses import dataclass

from kabinet.addresses.normalize import fold_account_number, fold_name
from kabinet.billing.models import Account
from kabinet.metering.models import Meter
from kabinet.metering.zones import meter_zones
from kabinet.providers.models import Provider
from kabinet.subscribers.check import CheckFailed, check_throttled

# As many letters as Naftogaz asks for: few enough to remember, enough that a guess of the
# number alone needs the right letters too.
SURNAME_MIN_LETTERS = 3
SERIAL_SHOWN = 3


def surname_letters(surname: str) -> int:
    """How many letters the folded surname has (what SURNAME_MIN_LETTERS counts)."""
    return sum(1 for char in fold_name(surname) if char.isalpha())


def _surname_matches(*, typed: str, stored_key: str) -> bool:
    # The typed letters are the stored surname's beginning; compared in constant time, so
    # the comparison says nothing about how many letters were right.
    return hmac.compare_digest(typed.encode(), stored_key[: len(typed)].encode())


def quick_account_check(*, provider: Provider, account_number: str, surname: str) -> Account:
    """Return the open account of `provider` with that number whose surname begins with
    `surname` (at least SURNAME_MIN_LETTERS letters, folded as the Check step folds).

    Raises CheckFailed whatever differs (one statement whether the number exists or not).
    """
    number = fold_account_number(account_number)
    as_typed = " ".join(account_number.split())
    spellings = sorted({number, as_typed, as_typed.upper()} - {""})
    found = (
        Account.objects.filter(provider=provider, number__in=spellings)
        .order_by("pk")
        .only("pk", "provider_id", "number", "surname_key", "closed_date")
        .first()
    )
    typed = fold_name(surname)
    stored = found.surname_key if found is not None else "\x00"
    matches = [
        found is not None,
        surname_letters(surname) >= SURNAME_MIN_LETTERS,
        _surname_matches(typed=typed, stored_key=stored),
        found is not None and found.closed_date is None,
    ]
    if not all(matches) or found is None:
        raise CheckFailed()
    found.provider = provider
    return found


def quick_account_check_throttled(
    *, client_ip: str, now: dt.datetime, provider: Provider, account_number: str, surname: str
) -> Account:
    """quick_account_check behind the Check step's throttle.

    Raises CheckThrottled (nothing checked), or CheckFailed (counted as a failure).
    """
    return check_throttled(
        client_ip=client_ip,
        now=now,
        provider=provider,
        account_number=account_number,
        check=lambda: quick_account_check(
            provider=provider, account_number=account_number, surname=surname
        ),
    )


@dataclass(frozen=True)
class QuickMeter:
    """A meter as the quick page shows it: its service and its serial's last digits only."""

    meter: Meter
    serial_end: str
    zones: tuple[str, ...]


def quick_meters(*, account_id: int) -> list[QuickMeter]:
    """Return the meters in service of the account, with account and provider (one query)."""
    meters = (
        Meter.objects.filter(account_id=account_id, removed_date__isnull=True)
        .select_related("account__provider")
        .order_by("service", "serial")
    )
    return [
        QuickMeter(
            meter=meter,
            serial_end=meter.serial[-SERIAL_SHOWN:],
            zones=tuple(zone for zone in meter_zones(meter.zones) if zone),
        )
        for meter in meters
    ]


def quick_meter(*, account_id: int, meter_id: str) -> Meter | None:
    """Return the account's meter in service with that id (as typed), else None."""
    text = str(meter_id).strip()
    if not (text.isascii() and text.isdigit() and len(text) <= 18):
        return None
    return (
        Meter.objects.filter(account_id=account_id, pk=int(text), removed_date__isnull=True)
        .select_related("account__provider")
        .first()
    )
