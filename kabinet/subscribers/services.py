"""Registration against billing data, and the links between subscribers and accounts.

The Check step proves that a person holds the bill: every field they type must match the
account as the billing system sent it, folded the way people really type (see
kabinet/addresses/normalize.py), and nothing looser.
"""

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from kabinet.addresses.models import StreetName
from kabinet.addresses.normalize import (
    fold_account_number,
    fold_apartment,
    fold_house,
    fold_korpus,
    fold_name,
    fold_street,
    split_house,
)
from kabinet.backoffice.audit import audit_record
from kabinet.billing.models import Account
from kabinet.metering.models import Meter
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


def _same(typed: str, stored: str) -> bool:
    # Constant-time, so the comparison itself says nothing about how much matched.
    return hmac.compare_digest(typed.encode(), stored.encode())


def fold_meter_serial(text: str) -> str:
    """Fold a meter's serial: spaces, dashes, case and Latin look-alikes (В-14 = b14) ignored."""
    return fold_name(fold_account_number(text)).replace(" ", "")


def _accounts_by_number(*, provider: Provider, typed: str, number: str) -> QuerySet[Account]:
    """Accounts whose number is what was typed, folded or as typed (one indexed lookup).

    The folded form finds numbers the billing system stores without separators, whatever the
    subscriber typed; the typed form (trimmed, upper-cased) finds a number stored with its
    dashes when typed the same way. A folded key column on Account would find every spelling.
    """
    as_typed = " ".join(typed.split())
    spellings = {number, as_typed, as_typed.upper()}
    return Account.objects.filter(provider=provider, number__in=spellings).order_by("pk")


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
    found = (
        _accounts_by_number(provider=provider, typed=account_number, number=number).first()
        if number
        else None
    )
    candidate: Any = found if found is not None else _NoAccount()
    street_key = fold_street(street)
    street_ids = set(
        StreetName.objects.filter(street__provider=provider, name_key=street_key).values_list(
            "street_id", flat=True
        )
    )
    serials: list[str] = []
    if provider.meter_required:
        serials = list(
            Meter.objects.filter(account_id=candidate.pk, removed_date__isnull=True).values_list(
                "serial", flat=True
            )
        )
    typed_house = split_house(house, korpus)
    typed_serial = fold_meter_serial(meter_serial or "")
    # Every comparison runs, whatever the earlier ones gave.
    matches = [
        found is not None,
        bool(street_key) and candidate.street_id in street_ids,
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
    if AccountLink.objects.filter(account=found, unlinked_at__isnull=True).exists():
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
    stamp = int(now.timestamp())
    window_start = stamp - stamp % throttle.window
    digest = hashlib.sha256(value.encode()).hexdigest()[:32]
    key = f"kabinet:check:{throttle.scope}:{digest}:{window_start}"
    return key, dt.datetime.fromtimestamp(window_start + throttle.window, tz=dt.UTC)


def _failure_counts(
    checks: list[tuple[Throttle, str]], now: dt.datetime
) -> list[tuple[Throttle, str, dt.datetime, int]]:
    """Each throttle's cache key, the end of its window and the failures counted in it."""
    keys = [(throttle, *_throttle_key(throttle, value, now)) for throttle, value in checks]
    counts = cache.get_many([key for _, key, _ in keys])
    return [(throttle, key, end, counts.get(key, 0)) for throttle, key, end in keys]


def _count_failure(counts: list[tuple[Throttle, str, dt.datetime, int]], now: dt.datetime) -> None:
    # set() with the window's remaining time, not incr(): the database cache's incr() resets an
    # entry's expiry to the default five minutes. Two failures at the same instant may count
    # once; a guesser gains one try from it, not a window.
    for _throttle, key, window_end, failures in counts:
        remaining = max(1, int((window_end - now).total_seconds()))
        cache.set(key, failures + 1, timeout=remaining)


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
    """
    number_value = f"{provider.pk}:{fold_account_number(account_number)}"
    counts = _failure_counts(
        [(THROTTLE_BY_ADDRESS, client_ip), (THROTTLE_BY_NUMBER, number_value)], now
    )
    locked = [end for throttle, _key, end, failures in counts if failures >= throttle.limit]
    if locked:
        raise CheckThrottled(max(locked))
    try:
        return account_check(provider=provider, account_number=account_number, **fields)
    except CheckFailed:
        _count_failure(counts, now)
        raise


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
