"""The one way an operator reaches a provider's data: through the providers they operate.

Every back-office view and every operator API endpoint calls one of these; none loads a
provider's account, street, reading or import by id on its own.
"""

from django.db.models import QuerySet

from kabinet.billing.models import Account
from kabinet.providers.models import Provider


class OperatorNotAllowed(Exception):
    """The object does not exist or belongs to a provider this operator does not operate."""


def is_operator(user) -> bool:
    """Tell whether `user` may open the back office at all."""
    return bool(user.is_authenticated and user.is_active and user.is_staff)


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
