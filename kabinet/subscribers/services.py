"""Registration against billing data, and the links between subscribers and accounts.

Whether what a person typed proves they hold the bill is the Check step's (check.py).
"""

import datetime as dt
from typing import Any, TypeVar

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from kabinet.audit.services import audit_record
from kabinet.billing.models import Account
from kabinet.providers.models import Provider

from .check import AccountAlreadyRegistered, AccountClosed, account_check_throttled
from .models import AccountLink, RegistrationClaim, User

T = TypeVar("T")


class NoRegistrationPending(Exception):
    """The user has no account waiting for the confirmation of their mail."""


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


class LinkNotEnded(Exception):
    """A link that cannot be ended as asked; `message` says why, in words."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def account_link_end(
    *, link: AccountLink, actor, now: dt.datetime, reason: str = ""
) -> AccountLink:
    """End a subscriber's link to an account; its data and the row stay, audited.

    The subscriber ends their own link (`link.removed`, a reason optional); an operator ends
    anyone's (`link.unlinked`) and must say why. Access control is the caller's. Raises
    LinkNotEnded.
    """
    reason = reason.strip()[:300]
    by_subscriber = actor.pk == link.user_id
    if not by_subscriber and not reason:
        raise LinkNotEnded(_("Say why the account is unlinked."))
    with transaction.atomic():
        link = (
            AccountLink.objects.select_for_update()
            .select_related("account__provider")
            .get(pk=link.pk)
        )
        if link.unlinked_at is not None:
            raise LinkNotEnded(_("This link has already ended."))
        before = _link_facts(link)
        link.unlinked_at = now
        link.unlink_reason = reason
        link.full_clean()
        link.save(update_fields=["unlinked_at", "unlink_reason"])
        audit_record(
            at=now,
            actor=actor,
            action="link.removed" if by_subscriber else "link.unlinked",
            target=link,
            provider=link.account.provider,
            before=before,
            after={**before, "unlinked_at": now.isoformat(), "reason": reason},
            reason=reason,
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
