"""The signed-in user without a query: Django's session authentication, the user read from
the shared cache (issue 12).

Django loads `request.user` with one query of the users table on every signed-in request.
With Redis (`KABINET_REDIS_URL`) and sessions in it (`KABINET_SESSIONS=cached_db`), that query
is the only database work a page that needs no other row does; here the user is kept in the
cache for `USER_CACHE_SECONDS` after it is first read, and every check Django makes still
runs on the copy: the session's hash of the password (a password changed elsewhere signs the
other sessions out), the backend named in the session, `is_active` through the backend.

The copy is dropped whenever the user is saved or deleted (password change or reset,
deactivation, sign-in's `last_login`, the admin), at once and again when the transaction
commits, so no request reads an old copy after the change is committed. A write that skips
`save()` (`QuerySet.update()`) on a user must call `session_user_forget`; nothing in Kabinet
does. The time limit bounds the one race left: a request that read the user from the
database before a change committed and writes it to the cache after the change's delete.
"""

from functools import partial

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib import auth
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, load_backend
from django.contrib.auth.middleware import AuthenticationMiddleware as DjangoAuthMiddleware
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import transaction
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject

KEY = "kabinet:session-user:{pk}"


def _cached_backend_user(backend, user_id):
    seconds = settings.USER_CACHE_SECONDS
    if not seconds:
        return backend.get_user(user_id)
    key = KEY.format(pk=user_id)
    user = cache.get(key)
    if user is None:
        user = backend.get_user(user_id)
        if user is not None:
            cache.set(key, user, seconds)
    return user


def session_user(request):
    """`django.contrib.auth.get_user`, the user read through the cache (same checks)."""
    user = None
    try:
        user_id = auth._get_user_session_key(request)  # type: ignore[attr-defined]
        backend_path = request.session[BACKEND_SESSION_KEY]
    except KeyError:
        pass
    else:
        if backend_path in settings.AUTHENTICATION_BACKENDS:
            user = _cached_backend_user(load_backend(backend_path), user_id)
            if hasattr(user, "get_session_auth_hash"):
                session_hash = request.session.get(HASH_SESSION_KEY)
                session_auth_hash = user.get_session_auth_hash()
                verified = bool(session_hash) and constant_time_compare(
                    session_hash, session_auth_hash
                )
                if not verified:
                    # As Django: a hash made with a previous SECRET_KEY is renewed, any other
                    # mismatch (the password changed) ends the session.
                    if session_hash and any(
                        constant_time_compare(session_hash, fallback)
                        for fallback in user.get_session_auth_fallback_hash()
                    ):
                        request.session.cycle_key()
                        request.session[HASH_SESSION_KEY] = session_auth_hash
                    else:
                        request.session.flush()
                        user = None
    return user or AnonymousUser()


def _get_user(request):
    if not hasattr(request, "_cached_user"):
        request._cached_user = session_user(request)
    return request._cached_user


async def _auser(request):
    if not hasattr(request, "_acached_user"):
        request._acached_user = await sync_to_async(session_user)(request)
    return request._acached_user


class AuthenticationMiddleware(DjangoAuthMiddleware):
    def process_request(self, request):
        super().process_request(request)  # its checks (the session middleware comes first)
        request.user = SimpleLazyObject(lambda: _get_user(request))
        request.auser = partial(_auser, request)


GENERATION_KEY = "kabinet:user-generation:{pk}"


def session_user_forget(pk) -> None:
    """Drop the cached copy of user `pk`, now and once the current transaction commits, and
    give the user a new generation (what other caches of the user's rows compare with: the
    API's tokens, kabinet/api/tokens.py)."""
    if not settings.USER_CACHE_SECONDS or pk is None:
        return
    keys = [KEY.format(pk=pk), GENERATION_KEY.format(pk=pk)]
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


def forget_on_change(sender, instance, **kwargs) -> None:
    """post_save / post_delete of the user model (connected in SubscribersConfig.ready)."""
    session_user_forget(instance.pk)
