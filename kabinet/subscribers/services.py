"""Registration against billing data, and the links between subscribers and accounts.

The Check step proves that a person holds the bill: every field they type must match the
account as the billing system sent it, folded the way people really type (see
kabinet/addresses/normalize.py), and nothing looser.
"""

import contextlib
import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.cache.backends.base import BaseCache
from django.db import IntegrityError, connection, transaction

from kabinet.addresses.models import Street, StreetName
from kabinet.addresses.normalize import (
    fold_account_number,
    fold_apartment,
    fold_house,
    fold_korpus,
    fold_name,
    fold_street,
    split_house,
)
from kabinet.audit.services import audit_record
from kabinet.billing.models import Account
from kabinet.metering.models import Meter
from kabinet.ops.metrics import check_outcome
from kabinet.providers.models import Provider

from .access import access_account
from .models import AccountLink, RegistrationClaim, User


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


class NoRegistrationPending(Exception):
    """The user has no account waiting for the confirmation of their mail."""


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


def fold_meter_serial(text: str) -> str:
    """Fold a meter's serial: spaces, dashes, case and Latin look-alikes (В-14 = b14) ignored."""
    return fold_name(fold_account_number(text)).replace(" ", "")


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
        f" {'m.serial' if with_meters else 'NULL'} AS meter_serial"
        f" FROM {account} a{meters}"
        f" WHERE a.provider_id = %s AND a.number IN ({', '.join(['%s'] * spellings)})"
        f" ORDER BY a.id"
    )


def _account_by_number(
    *, provider: Provider, typed: str, number: str, street_key: str
) -> tuple[Account | None, list[str]]:
    """The account whose number is what was typed, folded or as typed, and its meters' serials.

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
    serials = [row.meter_serial for row in rows if row.pk == found.pk and row.meter_serial]
    return found, serials


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
    found, serials = (
        _account_by_number(
            provider=provider, typed=account_number, number=number, street_key=street_key
        )
        if number
        else (None, [])
    )
    candidate: Any = found if found is not None else _NoAccount()
    typed_house = split_house(house, korpus)
    typed_serial = fold_meter_serial(meter_serial or "")
    # Every comparison runs, whatever the earlier ones gave.
    matches = [
        found is not None,
        bool(street_key) and candidate.street_matches,
        _same(fold_house(typed_house.house), candidate.house_key),
        _same(fold_korpus(typed_house.korpus), candidate.korpus_key),
        _same(fold_apartment(apartment), candidate.apartment_key),
        _same(fold_name(surname), candidate.surname_key),
        not provider.meter_required
        or (
            bool(typed_serial)
            and any([_same(typed_serial, fold_meter_serial(serial)) for serial in serials])
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
    number_value = f"{provider.pk}:{fold_account_number(account_number)}"
    windows = [
        _window(THROTTLE_BY_ADDRESS, client_ip, now),
        _window(THROTTLE_BY_NUMBER, number_value, now),
    ]
    atomic = _incr_is_atomic()
    until = _locked_until(windows, atomic)
    if until is not None:
        check_outcome("throttled")  # ops: kabinet_check_outcomes
        raise CheckThrottled(until)
    try:
        account = account_check(provider=provider, account_number=account_number, **fields)
    except CheckFailed:
        _count_failure(windows, now, atomic)
        check_outcome("not_matched")  # ops
        raise
    except (AccountClosed, AccountAlreadyRegistered):
        check_outcome("matched")  # ops: the account matched, it just cannot be linked
        raise
    check_outcome("matched")  # ops
    return account


# --- links ---------------------------------------------------------------------------------


def _link_facts(link: AccountLink) -> dict[str, Any]:
    return {
        "user": link.user_id,
        "account": link.account.number,
        "provider": link.account.provider.code,
        "linked_at": link.linked_at.isoformat(),
    }


def account_link_create(*, user: User, account: Account, now: dt.datetime) -> AccountLink:
    """Link `account` to `user`, checking again that it is open and free.

    Raises AccountClosed or AccountAlreadyRegistered.
    """
    with transaction.atomic():
        locked = Account.objects.select_for_update().select_related("provider").get(pk=account.pk)
        if locked.is_closed:
            raise AccountClosed(locked)
        if AccountLink.objects.filter(account=locked, unlinked_at__isnull=True).exists():
            raise AccountAlreadyRegistered(locked)
        link = AccountLink(user=user, account=locked, linked_at=now)
        link.full_clean()
        try:
            with transaction.atomic():
                link.save()
        except IntegrityError:
            # Another request linked it between the check and the insert.
            raise AccountAlreadyRegistered(locked) from None
        audit_record(
            at=now,
            actor=user,
            action="link.created",
            target=link,
            provider=locked.provider,
            after=_link_facts(link),
        )
    return link


def account_add(
    *,
    user: User,
    client_ip: str,
    now: dt.datetime,
    provider: Provider,
    account_number: str,
    **fields: Any,
) -> AccountLink:
    """A signed-in subscriber proves one more account with the Check fields, and links it.

    Raises CheckThrottled, CheckFailed, AccountClosed or AccountAlreadyRegistered.
    """
    account = account_check_throttled(
        client_ip=client_ip, now=now, provider=provider, account_number=account_number, **fields
    )
    return account_link_create(user=user, account=account, now=now)


def account_link_remove(
    *, user: User, account_id: int, now: dt.datetime, reason: str = ""
) -> AccountLink:
    """End the user's link to an account; its data stays, the audit trail records it.

    Raises AccountNotAccessible when the account is not linked to the user.
    """
    account = access_account(user=user, account_id=account_id)
    with transaction.atomic():
        link = (
            AccountLink.objects.select_for_update()
            .select_related("account__provider")
            .get(user=user, account=account, unlinked_at__isnull=True)
        )
        before = _link_facts(link)
        link.unlinked_at = now
        link.unlink_reason = reason
        link.full_clean()
        link.save(update_fields=["unlinked_at", "unlink_reason"])
        audit_record(
            at=now,
            actor=user,
            action="link.removed",
            target=link,
            provider=account.provider,
            before=before,
            after={**before, "unlinked_at": now.isoformat(), "reason": reason},
        )
    return link


# --- registration --------------------------------------------------------------------------


def registration_claim_create(*, user: User, account: Account, now: dt.datetime) -> None:
    """Remember which account a new subscriber proved, until their mail is confirmed."""
    RegistrationClaim.objects.update_or_create(
        user=user, defaults={"account": account, "claimed_at": now}
    )


def registration_complete(*, user: User, now: dt.datetime) -> AccountLink:
    """Finish a registration once the mail is confirmed: link the account the user proved.

    Raises NoRegistrationPending (a confirmation that is not a registration's, such as a
    changed e-mail), AccountClosed or AccountAlreadyRegistered (the account was closed or
    registered by someone else while the mail waited).
    """
    claim = RegistrationClaim.objects.select_related("account").filter(user=user).first()
    if claim is None:
        raise NoRegistrationPending(user.pk)
    account = claim.account
    # The claim is spent either way: a refused link is not retried on a second confirmation.
    claim.delete()
    return account_link_create(user=user, account=account, now=now)
