"""The one way a subscriber reaches an account: through a link they hold.

Every view, API endpoint and task that shows or changes a subscriber's account data calls one of
these; none loads an account by id on its own.
"""

from django.db.models import Q, QuerySet

from kabinet.billing.models import Account
from kabinet.metering.models import Meter
from kabinet.metering.selectors import meter_ref_text

from .models import AccountLink


class AccountNotAccessible(Exception):
    """The account does not exist or is not linked to this user (the two look the same)."""


class MeterNotAccessible(AccountNotAccessible):
    """The meter or its account does not exist, or the account is not linked to this user."""


def accessible_accounts(*, user) -> QuerySet[Account]:
    """Return the accounts actively linked to `user` (none for an anonymous user)."""
    if not user.is_authenticated:
        return Account.objects.none()
    return Account.objects.filter(
        links__user=user,
        links__unlinked_at__isnull=True,
    )


def access_account(*, user, account_id: int) -> Account:
    """Return the account with `account_id` if it is linked to `user`.

    Raises AccountNotAccessible otherwise, whether or not the account exists.
    """
    account = (
        accessible_accounts(user=user)
        .select_related("provider", "street")
        .filter(pk=account_id)
        .first()
    )
    if account is None:
        raise AccountNotAccessible(account_id)
    return account


def access_link(*, user, account_id: int) -> AccountLink:
    """Return `user`'s active link to the account with `account_id`.

    Raises AccountNotAccessible otherwise, whether or not the account exists.
    """
    link = (
        AccountLink.objects.select_related("account__provider")
        # The account's own pk look-up, not `account_id=`: an id beyond the column's integer
        # then matches nothing instead of overflowing in the database driver.
        .filter(account__in=accessible_accounts(user=user).filter(pk=account_id))
        .filter(user=user, unlinked_at__isnull=True)
        .first()
    )
    if link is None:
        raise AccountNotAccessible(account_id)
    return link


def access_meter(
    *, user, account_id: int, meter_ref: str | int | None = None, meter_id: int | None = None
) -> Meter:
    """Return a meter of account `account_id` if that account is linked to `user`.

    The meter is `meter_ref` read as `account_meter` reads it (serial number, else id), or
    exactly `meter_id`. It comes with its account and provider loaded, in one query: a
    submission needs the account only through its meter, and a separate look-up of each cost
    as much CPU as the rules. Raises MeterNotAccessible, which does not say which of the two
    is missing.
    """
    if meter_id is not None:
        match = Q(pk=meter_id)
        text = ""
    else:
        text = meter_ref_text(meter_ref)
        if not text:
            raise MeterNotAccessible(account_id)
        match = Q(serial=text)
        if text.isascii() and text.isdigit():
            match |= Q(pk=int(text))
    if not user.is_authenticated:
        raise MeterNotAccessible(account_id)
    found = list(
        # The link joined rather than asked in a subquery (a third less of the ORM's Python a
        # submission; at most one active link an account, so no meter comes twice), and the
        # same conditions as accessible_accounts.
        Meter.objects.filter(
            match,
            # The account's own pk look-up, not `account_id=`: an id beyond the column's
            # integer then matches nothing instead of overflowing in the database driver.
            account__pk=account_id,
            account__links__user=user,
            account__links__unlinked_at__isnull=True,
        ).select_related("account__provider")[:2]
    )
    # A serial number wins over another meter's id, as in account_meter.
    by_serial = [meter for meter in found if text and meter.serial == text]
    if by_serial:
        return by_serial[0]
    if not found:
        raise MeterNotAccessible(account_id)
    return found[0]
