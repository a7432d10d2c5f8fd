"""The one way an operator reaches a provider's data: through the providers they operate.

Every back-office view and every operator API endpoint calls one of these; none loads a
provider's account, street, reading or link by id on its own. One `access_operator_*` gate per
kind of object; each raises OperatorNotAllowed (the views answer 404) whether or not the
object exists.
"""

from django.db.models import QuerySet

from kabinet.addresses.models import Street
from kabinet.billing.models import Account
from kabinet.metering.models import Reading
from kabinet.providers.models import Provider
from kabinet.subscribers.models import AccountLink


class OperatorNotAllowed(Exception):
    """The object does not exist or belongs to a provider this operator does not operate."""


def is_operator(user) -> bool:
    """Tell whether `user` may open the back office at all."""
    return bool(
        user.is_authenticated  # signed in,
        and user.is_active  # not switched off,
        and user.is_staff  # and one of the utility's staff
    )


def operator_providers(user) -> QuerySet[Provider]:
    """Return the providers `user` operates (every provider for a superuser)."""
    if not is_operator(user):
        return Provider.objects.none()
    if user.is_superuser:
        return Provider.objects.all()
    return Provider.objects.filter(operators=user)


def access_operator_provider(*, user, provider_id: int) -> Provider:
    """Return the provider with `provider_id` if `user` operates it; raises OperatorNotAllowed."""
    provider = operator_providers(user).filter(pk=provider_id).first()
    if provider is None:
        raise OperatorNotAllowed(provider_id)
    return provider


def access_operator_provider_code(*, user, code: str) -> Provider:
    """Return the provider with `code` if `user` operates it; raises OperatorNotAllowed."""
    provider = operator_providers(user).filter(code=code).first()
    if provider is None:
        raise OperatorNotAllowed(code)
    return provider


def operator_accounts(user) -> QuerySet[Account]:
    """Return the accounts of every provider `user` operates."""
    return Account.objects.filter(provider__in=operator_providers(user))


def access_operator_account(*, user, account_id: int) -> Account:
    """Return the account with `account_id` if `user` operates its provider.

    Raises OperatorNotAllowed otherwise, whether or not the account exists.
    """
    account = (
        operator_accounts(user).select_related("provider", "street").filter(pk=account_id).first()
    )
    if account is None:
        raise OperatorNotAllowed(account_id)
    return account


def access_operator_reading(*, user, reading_id: int) -> Reading:
    """Return the reading with `reading_id` if `user` operates its provider."""
    reading = (
        Reading.objects.filter(pk=reading_id)
        .filter(meter__account__in=operator_accounts(user))
        .select_related("meter__account__provider")
        .first()
    )
    if reading is None:
        raise OperatorNotAllowed(reading_id)
    return reading


def access_operator_street(*, user, street_id: int) -> Street:
    """Return the street with `street_id` if `user` operates its provider."""
    street = (
        Street.objects.filter(pk=street_id)
        .filter(provider__in=operator_providers(user))
        .select_related("provider")
        .first()
    )
    if street is None:
        raise OperatorNotAllowed(street_id)
    return street


def access_operator_link(*, user, account_id: int, link_id: int) -> AccountLink:
    """Return the link with `link_id` to the account `account_id` if `user` operates it."""
    link = (
        AccountLink.objects.filter(pk=link_id)
        .filter(account=access_operator_account(user=user, account_id=account_id))
        .select_related("account__provider", "user")
        .first()
    )
    if link is None:
        raise OperatorNotAllowed(link_id)
    return link
