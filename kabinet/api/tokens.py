"""Personal access tokens: made once, shown once, kept only as a hash, revoked at will."""

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from kabinet.backoffice.access import operator_providers
from kabinet.providers.models import Provider
from kabinet.subscribers.session_user import GENERATION_KEY

from .models import ApiToken

TOKEN_PREFIX = "kab_"  # noqa: S105 (a marker, not a secret)
MAX_ACTIVE_TOKENS = 20
TOKEN_CACHE_KEY = "kabinet:api-token:{hash}"  # noqa: S105 (a cache key)


class TokenRefused(Exception):
    """A token that cannot be made; `message` says why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def api_token_create(
    *,
    user,
    name: str,
    kind: str,
    now: dt.datetime,
    providers: QuerySet[Provider] | list[Provider] | None = None,
) -> tuple[ApiToken, str]:
    """Make a token for `user`; returns it and its secret, which is never stored or shown again.

    Raises TokenRefused when the name is empty, too many tokens are active, or an operator
    token names a provider the user does not operate.
    """
    name = name.strip()
    if not name:
        raise TokenRefused(_("Name the token, e.g. after the program that will use it."))
    if kind not in ApiToken.Kind.values:
        raise ValueError(kind)
    chosen = list(providers or [])
    if kind == ApiToken.Kind.OPERATOR:
        allowed = set(operator_providers(user).values_list("pk", flat=True))
        if not chosen:
            raise TokenRefused(_("Choose the providers this token may reach."))
        if any(provider.pk not in allowed for provider in chosen):
            raise TokenRefused(_("You may choose only the providers you operate."))
    if ApiToken.objects.filter(user=user, revoked_at__isnull=True).count() >= MAX_ACTIVE_TOKENS:
        raise TokenRefused(_("Revoke a token you no longer use first."))
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            kind=kind,
            name=name[:100],
            prefix=secret[:12],
            key_hash=token_hash(secret),
            created_at=now,
        )
        if chosen:
            token.providers.set(chosen)
    return token, secret


def api_token_revoke(*, token: ApiToken, now: dt.datetime) -> ApiToken:
    """Revoke `token`; requests with it are refused from now on."""
    if token.revoked_at is None:
        token.revoked_at = now
        token.save(update_fields=["revoked_at"])
    return token


def api_token_find(*, secret: str) -> ApiToken | None:
    """Return the active token with this secret, or None.

    With Redis (`USER_CACHE_SECONDS`), a token with its user that `api_token_remember` put in
    the cache is read from there, as a signed-in page reads its user (issue 12): the copy is
    dropped when the token is saved or deleted (revoked), and is not used once its user
    changed (saved, deactivated, deleted: the user's generation key is gone,
    kabinet/subscribers/session_user.py).
    """
    if not secret.startswith(TOKEN_PREFIX):
        return None
    key_hash = token_hash(secret)
    if settings.USER_CACHE_SECONDS:
        entry = cache.get(TOKEN_CACHE_KEY.format(hash=key_hash))
        if entry is not None:
            token, generation = entry
            if generation == cache.get(GENERATION_KEY.format(pk=token.user_id)):
                token._from_cache = True
                return token
    return (
        ApiToken.objects.select_related("user")
        .filter(key_hash=key_hash, revoked_at__isnull=True, user__is_active=True)
        .first()
    )


def api_token_remember(token: ApiToken) -> None:
    """Put a token just read from the database (and its last use written) in the cache."""
    seconds = settings.USER_CACHE_SECONDS
    if not seconds or getattr(token, "_from_cache", False):
        return
    generation_key = GENERATION_KEY.format(pk=token.user_id)
    generation = cache.get(generation_key)
    if generation is None:
        # Two requests may each set one; the loser's copy is then merely not used.
        generation = secrets.token_hex(8)
        cache.set(generation_key, generation, seconds)
    cache.set(TOKEN_CACHE_KEY.format(hash=token.key_hash), (token, generation), seconds)


def api_token_forget(sender, instance: ApiToken, **kwargs) -> None:
    """post_save / post_delete of a token: drop its cached copy (connected in ApiConfig)."""
    if settings.USER_CACHE_SECONDS:
        key = TOKEN_CACHE_KEY.format(hash=instance.key_hash)
        cache.delete(key)
        transaction.on_commit(lambda: cache.delete(key))


def token_providers(*, token: ApiToken) -> QuerySet[Provider]:
    """Return the providers an operator token reaches: chosen and still operated by its user."""
    if token.kind != ApiToken.Kind.OPERATOR:
        return Provider.objects.none()
    return operator_providers(token.user).filter(pk__in=token.providers.values("pk"))
