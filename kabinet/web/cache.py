"""The shared cache when there is no Redis: Django's database cache, kept small.

Django's `DatabaseCache` counts its whole table (`SELECT COUNT(*)`) on every write and deletes
expired rows only once the count passes `MAX_ENTRIES`. Kabinet sets that ceiling high, so that
a flood of keys cannot cull the rate limits' counters; but then expired rows (one per client
address, token and account number that was ever counted) pile up for months, and every write
pays for counting them: 1.2 ms a write on an empty PostgreSQL table, 9.7 ms with 100,000
expired rows, 40 ms with 500,000 (docs/performance.md). This backend deletes expired rows
every minute or so, through the index on `expires`, so the table holds about what is live.
"""

import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache
from django.db import DatabaseError, connections, router, transaction
from django.utils.timezone import now as tz_now

PURGE_EVERY_SECONDS = 60.0


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
