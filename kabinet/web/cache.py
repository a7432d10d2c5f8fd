"""The shared cache when there is no Redis: Django's database cache, kept small.

Django's `DatabaseCache` counts its whole table (`SELECT COUNT(*)`) on every write and deletes
expired rows only once the count passes `MAX_ENTRIES`. Kabinet sets that ceiling high, so that
a flood of keys cannot cull the rate limits' counters; but then expired rows (one per client
address, token and account number that was ever counted) pile up for months, and every write
pays for counting them: 1.2 ms a write on an empty PostgreSQL table, 9.7 ms with 100,000
expired rows, 40 ms with 500,000 (docs/performance.md). This backend deletes expired rows
every minute or so, through the index on `expires`, so the table holds about what is live.
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.db import DatabaseError, connections, router, transaction
from django.utils.timezone import now as tz_now

PURGE_EVERY_SECONDS = 60.0
logger = logging.getLogger(__name__)
_last_logged: dict[str, float] = {}


def _redis_down_errors() -> tuple[type[Exception], ...]:
    try:
        import redis
    except ImportError:  # the database cache needs no Redis client
        return ()
    return (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)


REDIS_DOWN = _redis_down_errors()


class PurgingDatabaseCache(DatabaseCache):
    def __init__(self, table, params):
        super().__init__(table, params)
        self.table = table
        self._next_purge = 0.0  # per process: each server process purges now and then

    def _base_set(self, mode, key, value, timeout=DEFAULT_TIMEOUT):
        clock = time.monotonic()
        if clock >= self._next_purge:
            self._next_purge = clock + PURGE_EVERY_SECONDS
            self.purge_expired()
        # Django's private writer (set, add and touch all go through it); not in django-stubs.
        return super()._base_set(mode, key, value, timeout)  # type: ignore[misc]

    def purge_expired(self) -> int:
        """Delete the rows whose time is up; return how many went."""
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        table = connection.ops.quote_name(self.table)
        expires = connection.ops.quote_name("expires")
        moment = connection.ops.adapt_datetimefield_value(tz_now().replace(microsecond=0))
        try:
            with transaction.atomic(using=db), connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {table} WHERE {expires} < %s", [moment])  # noqa: S608
                return max(cursor.rowcount, 0)
        except DatabaseError:
            # As Django's own cache writes do: a cache that cannot be tidied still serves.
            return 0


# --- Redis, surviving its own restart (issue 12) ----------------------------------------------


class ResilientRedisCacheClient(RedisCacheClient):
    """Django's Redis client, answering as an empty cache while Redis cannot be reached.

    What the cache holds can be lost (it is a cache): the rate limits' counters, the Check
    step's throttle, cached sessions (`cached_db` reads them from the database then), cached
    users and rows. A Redis restart must not turn every request into a 500, so a read misses,
    a write is dropped and a counter starts again from nothing until Redis answers again; the
    first failure of each kind in a minute is logged. Only connection and time-out errors are
    swallowed: anything else (a bad key, a missing key for `incr`) is raised as before.
    """

    def get_client(self, key=None, *, write=False):
        # Django builds a new redis.Redis for every operation; its constructor fills a table
        # of some 170 response callbacks, 0.5 ms of CPU, more than the round trip itself
        # (a cProfile of the API's POST: 600 of them, 0.34 s of 5.2 s). One client a pool
        # does: a Redis client is safe to share between threads, the pool hands out
        # connections.
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
        clients = self.__dict__.setdefault("_clients", {})
        client = clients.get(id(pool))
        if client is None:
            client = clients[id(pool)] = self._client(connection_pool=pool)  # type: ignore[attr-defined]
        return client

    def _unreachable(self, operation: str, error: Exception) -> None:
        clock = time.monotonic()
        if clock >= _last_logged.get(operation, 0.0):
            _last_logged[operation] = clock + 60.0
            logger.warning(
                "Redis unreachable (%s): %s; answering as an empty cache", operation, error
            )

    def add(self, key, value, timeout):
        try:
            return super().add(key, value, timeout)
        except REDIS_DOWN as error:
            self._unreachable("add", error)
            return True

    def get(self, key, default):
        try:
            return super().get(key, default)
        except REDIS_DOWN as error:
            self._unreachable("get", error)
            return default

    def set(self, key, value, timeout):
        try:
            return super().set(key, value, timeout)
        except REDIS_DOWN as error:
            self._unreachable("set", error)
            return None

    def touch(self, key, timeout):
        try:
            return super().touch(key, timeout)
        except REDIS_DOWN as error:
            self._unreachable("touch", error)
            return False

    def delete(self, key):
        try:
            return super().delete(key)
        except REDIS_DOWN as error:
            self._unreachable("delete", error)
            return False

    def get_many(self, keys):
        try:
            return super().get_many(keys)
        except REDIS_DOWN as error:
            self._unreachable("get_many", error)
            return {}

    def has_key(self, key):
        try:
            return super().has_key(key)
        except REDIS_DOWN as error:
            self._unreachable("has_key", error)
            return False

    def incr(self, key, delta):
        try:
            return super().incr(key, delta)
        except REDIS_DOWN as error:
            self._unreachable("incr", error)
            return delta

    def set_many(self, data, timeout):
        try:
            return super().set_many(data, timeout)
        except REDIS_DOWN as error:
            self._unreachable("set_many", error)
            return None

    def delete_many(self, keys):
        try:
            return super().delete_many(keys)
        except REDIS_DOWN as error:
            self._unreachable("delete_many", error)
            return None


class ResilientRedisCache(RedisCache):
    """`KABINET_REDIS_URL`'s cache: Django's RedisCache with the client above."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ResilientRedisCacheClient
