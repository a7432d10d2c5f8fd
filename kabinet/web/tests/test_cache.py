"""The database cache deletes expired rows as it goes, and keeps live ones."""

import datetime as dt

import pytest
from django.core.cache import caches
from django.db import connection
from django.utils import timezone

from kabinet.web import cache as shared_cache

pytestmark = pytest.mark.django_db(transaction=True)


def rows() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM kabinet_cache")
        return {key for (key,) in cursor.fetchall()}


def expire(cache, *keys: str) -> None:
    gone = connection.ops.adapt_datetimefield_value(timezone.now() - dt.timedelta(hours=1))
    with connection.cursor() as cursor:
        for key in keys:
            cursor.execute(
                "UPDATE kabinet_cache SET expires = %s WHERE cache_key = %s",
                [gone, cache.make_key(key)],
            )


@pytest.fixture(autouse=True)
def cache():
    """The default cache, empty, as a process that has not purged yet."""
    default = caches["default"]
    default.clear()
    default._next_purge = 0.0
    yield default
    default.clear()


def test_the_portal_uses_the_purging_cache_without_redis(cache):
    assert isinstance(cache, shared_cache.PurgingDatabaseCache)


def test_a_write_a_minute_later_deletes_what_has_expired_and_keeps_what_is_live(cache, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(shared_cache.time, "monotonic", lambda: clock[0])
    cache.set_many({f"throttle:client:{n}": [n] for n in range(50)}, 600)
    cache.set("throttle:number:0012345", 5, 600)
    expire(cache, *(f"throttle:client:{n}" for n in range(50)))

    clock[0] += shared_cache.PURGE_EVERY_SECONDS
    cache.set("throttle:client:new", 1, 600)

    live = {"throttle:number:0012345", "throttle:client:new"}
    assert rows() == {cache.make_key(key) for key in live}


def test_between_purges_writes_do_not_delete(cache, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(shared_cache.time, "monotonic", lambda: clock[0])
    cache.set("a", 1, 600)
    expire(cache, "a")

    clock[0] += shared_cache.PURGE_EVERY_SECONDS - 1
    cache.set("b", 1, 600)
    kept = rows()
    clock[0] += 1
    cache.set("c", 1, 600)

    assert cache.make_key("a") in kept
    assert rows() == {cache.make_key("b"), cache.make_key("c")}


def test_an_expired_value_is_not_served_before_it_is_purged(cache):
    cache.set("a", 1, 600)
    expire(cache, "a")

    assert cache.get("a") is None
