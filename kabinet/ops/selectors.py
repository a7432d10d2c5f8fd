"""Reads for the machines that run the portal: readiness, the task queue, the heartbeat."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache as once

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.loader import MigrationLoader
from django.db.models import Count, Min

HEARTBEAT_KEY = "kabinet:ops:worker-heartbeat"
READY_PROBE_KEY = "kabinet:ops:ready-probe"


@dataclass(frozen=True)
class Readiness:
    """What /readyz found: `failed` names each part that is not ready, with a short reason."""

    failed: dict[str, str]
    worker_heartbeat_age: float | None

    @property
    def ready(self) -> bool:
        return not self.failed


@once
def _migrations_on_disk() -> frozenset[tuple[str, str]]:
    # The code's migrations do not change while the process runs: read them from disk once.
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return frozenset(loader.graph.nodes)


def _database_problem() -> str | None:
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            table = connection.ops.quote_name("django_migrations")
            cursor.execute(f"SELECT app, name FROM {table}")  # noqa: S608 (a quoted constant)
            applied = {(app, name) for app, name in cursor.fetchall()}
    except Exception as error:  # any driver's error: the message below names only its class
        connection.close()
        return f"unreachable ({type(error).__name__})"
    missing = _migrations_on_disk() - applied
    if missing:
        return f"{len(missing)} migration(s) not applied"
    return None


def _cache_problem(*, now: dt.datetime) -> str | None:
    stamp = now.isoformat()
    try:
        cache.set(READY_PROBE_KEY, stamp, timeout=60)
        if cache.get(READY_PROBE_KEY) != stamp:
            return "does not keep what is written"
    except Exception as error:  # Redis' and the database cache's errors alike
        return f"unreachable ({type(error).__name__})"
    return None


def worker_heartbeat_age(*, now: dt.datetime) -> float | None:
    """Seconds since a task worker's last heartbeat; None when none was ever seen."""
    try:
        beat = cache.get(HEARTBEAT_KEY)
    except Exception:  # an unreachable cache is reported by readiness on its own
        return None
    if not isinstance(beat, (int, float)):
        return None
    return max(0.0, now.timestamp() - beat)


def readiness(*, now: dt.datetime) -> Readiness:
    """Check the database (reachable, fully migrated), the cache and the worker's heartbeat."""
    failed: dict[str, str] = {}
    database = _database_problem()
    if database:
        failed["database"] = database
    cache_problem = _cache_problem(now=now)
    if cache_problem:
        failed["cache"] = cache_problem
    age = worker_heartbeat_age(now=now) if not cache_problem else None
    limit = settings.WORKER_HEARTBEAT_MAX_AGE
    if limit and not cache_problem:
        if age is None:
            failed["worker"] = "no heartbeat seen"
        elif age > limit:
            failed["worker"] = f"last heartbeat {age:.0f} s ago (limit {limit} s)"
    return Readiness(failed=failed, worker_heartbeat_age=age)


def task_queue(*, now: dt.datetime) -> dict[str, tuple[int, float]]:
    """Per queue: the tasks ready to run and the age in seconds of the oldest of them."""
    from django_tasks_db.models import DBTaskResult

    rows = (
        DBTaskResult.objects.ready()
        .values("queue_name")
        .annotate(count=Count("id"), oldest=Min("enqueued_at"))
        .order_by()
    )
    return {
        row["queue_name"]: (row["count"], max(0.0, (now - row["oldest"]).total_seconds()))
        for row in rows
    }
