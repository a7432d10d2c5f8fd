"""Argon2id sign-ins with PBKDF2 hashes upgraded, and the signed-in user read from the cache
without a query but never after a password change, a deactivation or a sign-out (issue 12)."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import identify_hasher, make_password
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kabinet.subscribers.hashers import Argon2idPasswordHasher
from kabinet.web.cache import ResilientRedisCache

PASSWORD = "зелений чайник співає"
PRODUCTION_HASHERS = [
    "kabinet.subscribers.hashers.Argon2idPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]


@pytest.fixture
def subscriber(django_user_model):
    user = django_user_model.objects.create_user("olena.k", "olena@example.com", PASSWORD)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


@pytest.fixture
def argon2(settings):
    settings.PASSWORD_HASHERS = PRODUCTION_HASHERS


def test_the_hasher_is_argon2id_at_owasps_minimum(argon2):
    encoded = make_password(PASSWORD)

    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert isinstance(identify_hasher(encoded), Argon2idPasswordHasher)


def test_a_pbkdf2_hash_is_upgraded_to_argon2id_on_the_next_sign_in(argon2, subscriber, client):
    subscriber.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    subscriber.save()

    response = client.post("/login/", {"login": "olena.k", "password": PASSWORD})

    assert response.status_code == 302
    subscriber.refresh_from_db()
    assert subscriber.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert subscriber.check_password(PASSWORD)


def test_a_wrong_password_upgrades_nothing(argon2, subscriber, client):
    old = make_password(PASSWORD, hasher="pbkdf2_sha256")
    subscriber.password = old
    subscriber.save()

    client.post("/login/", {"login": "olena.k", "password": "not it at all"})

    subscriber.refresh_from_db()
    assert subscriber.password == old


def test_raised_parameters_rehash_on_the_next_sign_in(argon2, settings, subscriber, client):
    subscriber.set_password(PASSWORD)
    subscriber.save()
    settings.ARGON2_TIME_COST = 3

    client.post("/login/", {"login": "olena.k", "password": PASSWORD})

    subscriber.refresh_from_db()
    assert "$m=19456,t=3,p=1$" in subscriber.password


# --- the signed-in user from the cache ------------------------------------------------------


@pytest.fixture
def user_cache(settings):
    """Sessions and users in an in-process cache, as with Redis (KABINET_SESSIONS=cache)."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cache"
    settings.USER_CACHE_SECONDS = 300


def signed_in_ok(client) -> tuple[bool, int]:
    """GET the bare signed-in view: whether it answered as signed in, and its queries."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/bench/ok-signed-in/")
    return response.status_code == 200, len(queries)


@pytest.mark.urls("kabinet.config.bench_urls")
def test_a_signed_in_request_that_needs_no_row_makes_no_query(user_cache, subscriber, client):
    client.force_login(subscriber)

    assert signed_in_ok(client) == (True, 1)  # the first read fills the cache
    assert signed_in_ok(client) == (True, 0)
    assert signed_in_ok(client) == (True, 0)


@pytest.mark.urls("kabinet.config.bench_urls")
def test_without_the_cache_the_user_is_read_every_time(settings, user_cache, subscriber, client):
    settings.USER_CACHE_SECONDS = 0
    client.force_login(subscriber)

    assert signed_in_ok(client) == (True, 1)
    assert signed_in_ok(client) == (True, 1)


@pytest.mark.urls("kabinet.config.bench_urls")
def test_a_password_changed_elsewhere_signs_the_cached_session_out(user_cache, subscriber, client):
    client.force_login(subscriber)
    assert signed_in_ok(client) == (True, 1)

    subscriber.set_password("a wholly different sentence")
    subscriber.save()

    assert signed_in_ok(client)[0] is False


@pytest.mark.urls("kabinet.config.bench_urls")
def test_a_deactivated_user_is_signed_out_at_once(user_cache, subscriber, client):
    client.force_login(subscriber)
    assert signed_in_ok(client) == (True, 1)

    subscriber.is_active = False
    subscriber.save()

    assert signed_in_ok(client)[0] is False


@pytest.mark.urls("kabinet.config.bench_urls")
def test_a_deleted_user_is_signed_out(user_cache, subscriber, client):
    client.force_login(subscriber)
    assert signed_in_ok(client) == (True, 1)

    subscriber.delete()

    assert signed_in_ok(client)[0] is False


@pytest.mark.urls("kabinet.config.bench_urls")
def test_signing_out_ends_the_cached_session(user_cache, subscriber, client):
    client.post("/login/", {"login": "olena.k", "password": PASSWORD})
    assert signed_in_ok(client) == (True, 1)

    client.post("/logout/")

    assert signed_in_ok(client)[0] is False


@pytest.mark.urls("kabinet.config.bench_urls")
def test_a_password_change_through_the_page_keeps_this_session_and_ends_others(
    user_cache, subscriber, client, django_user_model
):
    from django.test import Client

    other = Client()
    client.post("/login/", {"login": "olena.k", "password": PASSWORD})
    other.post("/login/", {"login": "olena.k", "password": PASSWORD})
    assert signed_in_ok(client)[0] and signed_in_ok(other)[0]

    new = "інше довге речення для пароля"
    response = client.post(
        "/password/change/",
        {"oldpassword": PASSWORD, "password1": new, "password2": new},
    )

    assert response.status_code == 302
    assert signed_in_ok(client)[0] is True
    assert signed_in_ok(other)[0] is False


# --- Redis away ------------------------------------------------------------------------------


def test_the_redis_cache_answers_as_empty_while_redis_is_unreachable():
    # Port 1 on loopback: nothing listens there, the connection is refused at once.
    cache = ResilientRedisCache("redis://127.0.0.1:1/0", {"OPTIONS": {"socket_timeout": 1}})

    assert cache.get("key", "default") == "default"
    cache.set("key", "value")
    assert cache.add("key", "value") is True
    assert cache.get_many(["a", "b"]) == {}
    assert cache.incr("counter", 3) == 3
    cache.delete("key")
    assert cache.has_key("key") is False


# --- the settings, read in a fresh process ----------------------------------------------------


def settings_in_a_fresh_process(tmp_path, expression: str, **env: str):
    import os
    import subprocess
    import sys

    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("KABINET_ARGON2", "KABINET_REDIS", "KABINET_USER_CACHE"))
    }
    environment.update(
        env, DJANGO_SETTINGS_MODULE="kabinet.config.settings.local", KABINET_VAR_DIR=str(tmp_path)
    )
    return subprocess.run(
        [sys.executable, "-c", f"from django.conf import settings; print({expression})"],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def test_argon2_below_owasps_minimum_refuses_to_start(tmp_path):
    low = settings_in_a_fresh_process(
        tmp_path, "settings.ARGON2_MEMORY_KIB", KABINET_ARGON2_MEMORY_KIB="8192"
    )
    raised = settings_in_a_fresh_process(
        tmp_path, "settings.ARGON2_MEMORY_KIB", KABINET_ARGON2_MEMORY_KIB="47104"
    )

    assert low.returncode != 0 and "OWASP" in low.stderr
    assert raised.stdout.strip() == "47104"


def test_the_user_is_cached_only_with_redis(tmp_path):
    without = settings_in_a_fresh_process(tmp_path, "settings.USER_CACHE_SECONDS")
    with_redis = settings_in_a_fresh_process(
        tmp_path, "settings.USER_CACHE_SECONDS", KABINET_REDIS_URL="redis://127.0.0.1:1/0"
    )

    assert without.stdout.strip() == "0"
    assert with_redis.stdout.strip() == "300"
