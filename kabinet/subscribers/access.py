"""The one way a subscriber reaches an account: through a link they hold.

Every view, API endpoint and task that shows or changes a subscriber's account data calls one of
these; none loads an account by id on its own.
"""

from django.db.models import QuerySet

from kabinet.billing.models import Account

from .models import AccountLink


class AccountNotAccessible(Exception):
    """The account does not exist or is not linked to this user (the two look the same)."""


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
        .filter(account__in=accessible_accounts(user=user), user=user, unlinked_at__isnull=True)
        .filter(account_id=account_id)
        .first()
    )
    if link is None:
        raise AccountNotAccessible(account_id)
    return link
