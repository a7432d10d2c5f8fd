"""The one way an operator reaches a provider's data: through the providers they operate.

Every back-office view and every operator API endpoint calls one of these; none loads a
provider's account, street, reading or link by id on its own. One `access_operator_*` gate per
kind of object; each raises OperatorNotAllowed (the views answer 404) whether or not the
object exists.
"""

from typing import TypeVar

from django.db import models
from django.db.models import QuerySet

from kabinet.addresses.models import Street
from kabinet.billing.models import Account
from kabinet.metering.models import Reading
from kabinet.providers.models import Provider
from kabinet.subscribers.models import AccountLink

_Model = TypeVar("_Model", bound=models.Model)


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


def _the_one(found: QuerySet[_Model], key: object) -> _Model:
    """Return the one object `found` holds; raises OperatorNotAllowed when it holds none."""
    obj = found.first()
    if obj is None:
        raise OperatorNotAllowed(key)
    return obj


def access_operator_provider(*, user, provider_id: int) -> Provider:
    """Return the provider with `provider_id` if `user` operates it."""
    return _the_one(operator_providers(user).filter(pk=provider_id), provider_id)


def access_operator_provider_code(*, user, code: str) -> Provider:
    """Return the provider with `code` if `user` operates it."""
    return _the_one(operator_providers(user).filter(code=code), code)


def operator_accounts(user) -> QuerySet[Account]:
    """Return the accounts of every provider `user` operates."""
    return Account.objects.filter(provider__in=operator_providers(user))


def access_operator_account(*, user, account_id: int) -> Account:
    """Return the account with `account_id` if `user` operates its provider."""
    found = operator_accounts(user).filter(pk=account_id)
    return _the_one(found.select_related("provider", "street"), account_id)


def access_operator_reading(*, user, reading_id: int) -> Reading:
    """Return the reading with `reading_id` if `user` operates its provider."""
    found = Reading.objects.filter(pk=reading_id).filter(meter__account__in=operator_accounts(user))
    return _the_one(found.select_related("meter__account__provider"), reading_id)


def access_operator_street(*, user, street_id: int) -> Street:
    """Return the street with `street_id` if `user` operates its provider."""
    found = Street.objects.filter(pk=street_id).filter(provider__in=operator_providers(user))
    return _the_one(found.select_related("provider"), street_id)


def access_operator_link(*, user, account_id: int, link_id: int) -> AccountLink:
    """Return the link with `link_id` to the account `account_id` if `user` operates it."""
    account = access_operator_account(user=user, account_id=account_id)
    found = AccountLink.objects.filter(pk=link_id).filter(account=account)
    return _the_one(found.select_related("account__provider", "user"), link_id)
