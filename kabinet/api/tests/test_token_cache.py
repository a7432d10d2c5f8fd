"""The API's token read from the cache (issue 12): no query for it once cached, and never
after the token is revoked or its user deactivated or deleted."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kabinet.api.models import ApiToken
from kabinet.api.tokens import api_token_revoke

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def user_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.USER_CACHE_SECONDS = 300


def token_queries(api, account) -> tuple[int, int]:
    """The status of GET accounts/ and how many of its queries read the token table."""
    with CaptureQueriesContext(connection) as queries:
        response = api.get("/api/v1/accounts/")
    return response.status_code, sum(
        1 for q in queries if 'FROM "api_apitoken"' in q["sql"] and q["sql"].startswith("SELECT")
    )


def warm(api, account) -> None:
    # The first use reads the token (and writes its last use) and caches it.
    assert token_queries(api, account) == (200, 1)
    assert token_queries(api, account) == (200, 0)


def test_a_cached_token_is_not_read_again(api, account):
    warm(api, account)

    assert token_queries(api, account) == (200, 0)


def test_a_revoked_token_is_refused_at_once(api, account, subscriber):
    warm(api, account)

    api_token_revoke(token=ApiToken.objects.get(user=subscriber), now=timezone.now())

    assert token_queries(api, account)[0] == 401


def test_a_deactivated_users_token_is_refused_at_once(api, account, subscriber):
    warm(api, account)

    subscriber.is_active = False
    subscriber.save()

    assert token_queries(api, account)[0] == 401


def test_a_deleted_token_is_refused(api, account, subscriber):
    warm(api, account)

    ApiToken.objects.filter(user=subscriber).delete()

    assert token_queries(api, account)[0] == 401


def test_the_last_use_is_written_once_while_cached(api, account, subscriber):
    warm(api, account)
    first = ApiToken.objects.get(user=subscriber).last_used_at

    assert token_queries(api, account) == (200, 0)
    assert first is not None
    assert ApiToken.objects.get(user=subscriber).last_used_at == first
