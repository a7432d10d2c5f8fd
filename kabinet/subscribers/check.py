"""The Check step: whether what a person typed proves they hold an account's bill, and the
throttling of failed checks.

Every field typed must match the account as the billing system sent it, folded the way people
really type (the stored keys: kabinet/billing/keys.py, kabinet/metering/keys.py), and nothing
looser. The same work is done, and the same queries run, whether the number exists or not.
"""

import contextlib
import datetime as dt
import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.cache.backends.base import BaseCache
from django.db import connection

from kabinet.addresses.models import Street, StreetName
from kabinet.addresses.normalize import fold_account_number, fold_street
from kabinet.billing.keys import account_keys
from kabinet.billing.models import Account
from kabinet.metering.keys import meter_serial_key
from kabinet.metering.models import Meter
from kabinet.metrics import check_outcome
from kabinet.providers.models import Provider

from .models import AccountLink

T = TypeVar("T")


class CheckFailed(Exception):
    """What was typed does not match an account (which field is never said)."""


class AccountClosed(Exception):
    """Every field matched, but the provider has closed the account."""

    def __init__(self, account: Account):
        super().__init__(account.pk)
        self.account = account


class AccountAlreadyRegistered(Exception):
    """Every field matched, but the account already belongs to a cabinet."""

    def __init__(self, account: Account):
        super().__init__(account.pk)
        self.account = account


class CheckThrottled(Exception):
    """Too many failed checks from this address or for this account number, until `until`."""

    def __init__(self, until: dt.datetime):
        super().__init__(until.isoformat())
        self.until = until


# --- matching ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _NoAccount:
    """Compared against when the number matches no account, so both paths do the same work.

    Its keys hold a character no fold ever produces, so no comparison can succeed.
    """

    pk: int = 0
    street_id: int = 0
    house_key: str = "\x00"
    korpus_key: str = "\x00"
    apartment_key: str = "\x00"
    surname_key: str = "\x00"
    street_matches: bool = False
    is_linked: bool = False


def _same(typed: str, stored: str) -> bool:
    # Constant-time, so the comparison itself says nothing about how much matched.
    return hmac.compare_digest(typed.encode(), stored.encode())


def _check_sql(*, spellings: int, with_meters: bool) -> str:
    q = connection.ops.quote_name
    account, street, street_name = (
        q(Account._meta.db_table),
        q(Street._meta.db_table),
        q(StreetName._meta.db_table),
    )
    link, meter = q(AccountLink._meta.db_table), q(Meter._meta.db_table)
    meters = (
        f" LEFT JOIN {meter} m ON m.account_id = a.id AND m.removed_date IS NULL"
        if with_meters
        else ""
    )
    # Only table names (from the models) and placeholders are put into the text.
    return (
        f"SELECT a.*,"  # noqa: S608
        f" EXISTS (SELECT 1 FROM {street_name} sn INNER JOIN {street} s ON s.id = sn.street_id"
        f"  WHERE sn.street_id = a.street_id AND s.provider_id = %s AND sn.name_key = %s)"
        f"  AS street_matches,"
        f" EXISTS (SELECT 1 FROM {link} l WHERE l.account_id = a.id AND l.unlinked_at IS NULL)"
        f"  AS is_linked,"
        f" {'m.serial_key' if with_meters else 'NULL'} AS meter_serial_key"
        f" FROM {account} a{meters}"
        f" WHERE a.provider_id = %s AND a.number IN ({', '.join(['%s'] * spellings)})"
        f" ORDER BY a.id"
    )


def _account_by_number(
    *, provider: Provider, typed: str, number: str, street_key: str
) -> tuple[Account | None, list[str]]:
    """The account whose number is what was typed, folded or as typed, and its meters' serial
    keys.

    The folded form finds numbers the billing system stores without separators, whatever the
    subscriber typed; the typed form (trimmed, upper-cased) finds a number stored with its
    dashes when typed the same way. A folded key column on Account would find every spelling.

    One statement, whether the number exists or not: the account (by its indexed number),
    whether the typed street is one of its street's names, whether it is linked, and its
    meters when the provider asks for one. Written out because the ORM spent more CPU building
    this query (two subqueries) than the database spent answering it, on the portal's busiest
    form; the tests run it on SQLite and PostgreSQL.
    """
    as_typed = " ".join(typed.split())
    spellings = sorted({number, as_typed, as_typed.upper()})
    sql = _check_sql(spellings=len(spellings), with_meters=provider.meter_required)
    # Any: the rows are Accounts that also carry the statement's three extra columns.
    rows: list[Any] = list(
        Account.objects.raw(sql, [provider.pk, street_key, provider.pk, *spellings])
    )
    if not rows:
        return None, []
    found = rows[0]
    # SQLite answers EXISTS with 0 or 1, PostgreSQL with a boolean.
    found.street_matches = bool(found.street_matches)
    found.is_linked = bool(found.is_linked)
    serial_keys = [
        row.meter_serial_key for row in rows if row.pk == found.pk and row.meter_serial_key
    ]
    return found, serial_keys


def account_check(
    *,
    provider: Provider,
    account_number: str,
    street: str,
    house: str,
    korpus: str = "",
    apartment: str = "",
    surname: str,
    meter_serial: str | None = None,
) -> Account:
    """Return the account that every typed field matches.

    Raises CheckFailed when anything differs (the same error whatever differs, and the same
    work whether the number exists or not), then AccountClosed or AccountAlreadyRegistered,
    which are said only to someone who typed every field right.
    """
    number = fold_account_number(account_number)
    street_key = fold_street(street)
    found, serial_keys = (
        _account_by_number(
            provider=provider, typed=account_number, number=number, street_key=street_key
        )
        if number
        else (None, [])
    )
    candidate: Any = found if found is not None else _NoAccount()
    typed = account_keys(house=house, korpus=korpus, apartment=apartment, surname=surname)
    typed_serial = meter_serial_key(meter_serial or "")
    # Every comparison runs, whatever the earlier ones gave.
    matches = [
        found is not None,
        bool(street_key) and candidate.street_matches,
        _same(typed.house_key, candidate.house_key),
        _same(typed.korpus_key, candidate.korpus_key),
        _same(typed.apartment_key, candidate.apartment_key),
        _same(typed.surname_key, candidate.surname_key),
        not provider.meter_required
        or (
            bool(typed_serial)
            and any([_same(typed_serial, serial_key) for serial_key in serial_keys])
        ),
    ]
    if not all(matches) or found is None:
        raise CheckFailed()
    if found.is_closed:
        raise AccountClosed(found)
    if candidate.is_linked:
        raise AccountAlreadyRegistered(found)
    return found


# --- throttling of failed checks -----------------------------------------------------------


@dataclass(frozen=True)
class Throttle:
    """At most `limit` failed checks per `window` seconds; the lock lifts when the window ends."""

    scope: str
    limit: int
    window: int


# Generous per address: a mobile operator puts many people behind one. Tighter per number: it
# is the number a guesser works on. Neither locks anyone out for more than an hour.
THROTTLE_BY_ADDRESS = Throttle("address", limit=20, window=15 * 60)
THROTTLE_BY_NUMBER = Throttle("number", limit=6, window=30 * 60)


def _throttle_key(throttle: Throttle, value: str, now: dt.datetime) -> tuple[str, dt.datetime]:
    """The cache key of `value`'s failures in the current window, and the window's end."""
    stamp = int(now.timestamp())
    window_start = stamp - stamp % throttle.window
    digest = hashlib.sha256(value.encode()).hexdigest()[:32]
    key = f"kabinet:check:{throttle.scope}:{digest}:{window_start}"
    return key, dt.datetime.fromtimestamp(window_start + throttle.window, tz=dt.UTC)


@dataclass(frozen=True)
class _Window:
    """One throttle's current window for one address or number."""

    throttle: Throttle
    key: str
    end: dt.datetime

    def slot(self, n: int) -> str:
        return f"{self.key}:{n}"


def _window(throttle: Throttle, value: str, now: dt.datetime) -> _Window:
    key, end = _throttle_key(throttle, value, now)
    return _Window(throttle=throttle, key=key, end=end)


def _incr_is_atomic() -> bool:
    """Whether the cache increments in one step and keeps the entry's expiry.

    Redis (INCR), Memcached and the local-memory cache do. Django's database (and file)
    cache inherits BaseCache.incr: a get, then a set that also resets the expiry to the
    default five minutes, so two failures at the same instant would count once.
    """
    return type(caches[DEFAULT_CACHE_ALIAS]).incr is not BaseCache.incr


# Where incr() is not atomic, the n-th failure of a window is the entry `slot(n - 1)`, taken
# with cache.add(): an add succeeds for one caller only (the database cache's INSERT into its
# unique key), so concurrent failures each take a slot of their own. Slot n holds n + 1, the
# count so far, and slots are taken in order (a caller moves on only past a taken one): the
# window is full exactly when its last slot is there. Either way the lock is one key a window.


def _lock_key(window: _Window, atomic: bool) -> str:
    return window.key if atomic else window.slot(window.throttle.limit - 1)


def _locked_until(windows: list[_Window], atomic: bool) -> dt.datetime | None:
    """The end of the last full window (one cache read for all of them), or None."""
    counts = cache.get_many([_lock_key(window, atomic) for window in windows])
    ends = [
        window.end
        for window in windows
        if counts.get(_lock_key(window, atomic), 0) >= window.throttle.limit
    ]
    return max(ends) if ends else None


def _count_failure(windows: list[_Window], now: dt.datetime, atomic: bool) -> None:
    # Each entry expires with its window (never the cache's default timeout): the lock lifts
    # when the window ends, and not before.
    remaining = {window: max(1, int((window.end - now).total_seconds())) for window in windows}
    if atomic:
        for window in windows:
            cache.add(window.key, 0, timeout=remaining[window])
            # ValueError: the window ended between the two calls, nothing is left to count in.
            with contextlib.suppress(ValueError):
                cache.incr(window.key)
        return
    taken = cache.get_many(
        [window.slot(n) for window in windows for n in range(window.throttle.limit)]
    )
    for window in windows:
        limit = window.throttle.limit
        n = next((n for n in range(limit) if window.slot(n) not in taken), limit)
        # Another failure may take slot n between the read and the add: move on to the next.
        while n < limit and not cache.add(window.slot(n), n + 1, timeout=remaining[window]):
            n += 1


def account_check_throttled(
    *,
    client_ip: str,
    now: dt.datetime,
    provider: Provider,
    account_number: str,
    **fields: Any,
) -> Account:
    """Run account_check unless too many checks failed lately; count this one if it fails.

    Raises CheckThrottled (with the time the lock lifts) before checking anything, and
    whatever account_check raises.

    Counting is atomic, but it happens once the check has failed: checks that started before
    the limit was reached still run, so one window can see at most `limit` plus the number of
    checks in flight at that moment (not the limit times the concurrency a lost count allowed).
    """
    try:
        account = check_throttled(
            client_ip=client_ip,
            now=now,
            provider=provider,
            account_number=account_number,
            check=lambda: account_check(provider=provider, account_number=account_number, **fields),
        )
    except CheckThrottled:
        check_outcome("throttled")
        raise
    except CheckFailed:
        check_outcome("not_matched")
        raise
    except (AccountClosed, AccountAlreadyRegistered):
        check_outcome("matched")  # the account matched; it just cannot be linked
        raise
    check_outcome("matched")
    return account


def check_throttled(
    *,
    client_ip: str,
    now: dt.datetime,
    provider: Provider,
    account_number: str,
    check: Callable[[], T],
) -> T:
    """Run `check` unless too many checks failed lately; count its CheckFailed as a failure.

    The one throttle of every door that takes an account number and something only its holder
    knows (the Check step, readings without a cabinet): a guesser gets no fresh tries by
    moving from one door to another. Raises CheckThrottled, and whatever `check` raises.
    """
    number_value = f"{provider.pk}:{fold_account_number(account_number)}"
    windows = [
        _window(THROTTLE_BY_ADDRESS, client_ip, now),
        _window(THROTTLE_BY_NUMBER, number_value, now),
    ]
    atomic = _incr_is_atomic()
    until = _locked_until(windows, atomic)
    if until is not None:
        raise CheckThrottled(until)
    try:
        return check()
    except CheckFailed:
        _count_failure(windows, now, atomic)
        raise
