"""A write to the shared cache (rate limits, throttles) once expired rows have piled up.

    .venv/bin/python -m bench.cache_writes [--db sqlite|postgres|both] [--stale 100000]
                                           [--writes 500]

Every API request and every Check writes throttle counters to the cache; without Redis that is
the database cache table. Django's `DatabaseCache` counts the whole table on each write and
deletes expired rows only past `MAX_ENTRIES` (1,000,000 in Kabinet's settings, so that a flood
of keys cannot cull live counters), so the rows of every client that was ever counted stay.

Method: a fresh database, migrated; `--stale` expired rows put into the cache table; then
`--writes` `cache.set` calls of distinct throttle-like keys, timed, through Django's
`DatabaseCache` and through Kabinet's `PurgingDatabaseCache` (which deletes expired rows once
a minute a process; its first write here pays that purge, and is counted in). Floor: Django's
`DatabaseCache` on an empty table, in the same run. Mean milliseconds a write.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

from bench import Figure, quick, record
from bench.load_support import django_in_process, scratch_database

BENCHMARK = "cache_writes"


def fill_stale(rows: int) -> None:
    """`rows` expired entries, as months of clients counted once each would leave."""
    from django.db import connection
    from django.utils import timezone

    an_hour_ago = timezone.now().replace(microsecond=0) - dt.timedelta(hours=1)
    gone = connection.ops.adapt_datetimefield_value(an_hour_ago)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM kabinet_cache")
        batch = 5000
        for start in range(0, rows, batch):
            cursor.executemany(
                "INSERT INTO kabinet_cache (cache_key, value, expires) VALUES (%s, %s, %s)",
                [(f":1:throttle_client_10.{n}", "gAUu", gone) for n in range(start, start + batch)][
                    : rows - start
                ],
            )
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE kabinet_cache")


def write_times_ms(backend_path: str, writes: int, tag: str) -> list[float]:
    from django.core.cache.backends.db import DatabaseCache

    from kabinet.web.cache import PurgingDatabaseCache

    backend = {"django": DatabaseCache, "kabinet": PurgingDatabaseCache}[backend_path]
    cache = backend("kabinet_cache", {"OPTIONS": {"MAX_ENTRIES": 1_000_000}})
    times = []
    for n in range(writes):
        started = time.perf_counter()
        cache.set(f"throttle_token_{tag}_{n}", [time.time()], 60)
        times.append((time.perf_counter() - started) * 1000)
    return times


def mean(values: list[float]) -> float:
    return sum(values) / len(values)


def table_rows() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM kabinet_cache")
        return cursor.fetchone()[0]


def run_one(kind: str, *, stale: int, writes: int) -> list[Figure]:
    os.environ.pop("KABINET_REDIS_URL", None)  # the database cache is what is measured
    with (
        tempfile.TemporaryDirectory() as tmp,
        scratch_database(kind, Path(tmp), "kabinet_bench_cache_writes") as url,
    ):
        django_in_process(url, Path(tmp))
        fill_stale(0)
        floor = mean(write_times_ms("django", writes, "floor"))
        fill_stale(stale)
        django_ms = mean(write_times_ms("django", writes, "django"))
        rows_after_django = table_rows()
        fill_stale(stale)
        kabinet_times = write_times_ms("kabinet", writes, "kabinet")
        rows_after_kabinet = table_rows()
        from django.db import connections

        connections.close_all()
    note = f"{stale:,} expired rows, {writes} writes"
    extra = {"stale": stale, "writes": writes}
    purge_ms = kabinet_times[0]
    return [
        Figure(
            BENCHMARK,
            f"{kind}: Django's cache, expired rows kept",
            django_ms,
            "ms",
            floor=floor,
            floor_name="empty table",
            higher_is_better=False,
            note=f"{note}; {rows_after_django:,} rows after",
            extra=extra,
        ),
        Figure(
            BENCHMARK,
            f"{kind}: Kabinet's purging cache, mean",
            mean(kabinet_times),
            "ms",
            floor=floor,
            floor_name="empty table",
            higher_is_better=False,
            note=f"{note}; first: purge, {purge_ms:.0f} ms; {rows_after_kabinet:,} rows after",
            extra=extra,
        ),
        Figure(
            BENCHMARK,
            f"{kind}: Kabinet's purging cache, after the purge",
            mean(kabinet_times[1:]),
            "ms",
            floor=floor,
            floor_name="empty table",
            higher_is_better=False,
            note=f"{writes - 1} writes",
            extra=extra,
        ),
    ]


def run_in_child(kind: str, stale: int, writes: int) -> None:
    # Each database in a process of its own: Django is set up once a process.
    import subprocess

    command = [sys.executable, "-m", "bench.cache_writes", "--db", kind]
    command += ["--stale", str(stale), "--writes", str(writes)]
    subprocess.run(command, check=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--stale", type=int, default=20_000 if quick() else 100_000)
    parser.add_argument("--writes", type=int, default=200 if quick() else 500)
    args = parser.parse_args(argv)
    if args.db == "both":
        for kind in ("sqlite", "postgres"):
            run_in_child(kind, args.stale, args.writes)
        return
    record(*run_one(args.db, stale=args.stale, writes=args.writes))


if __name__ == "__main__":
    main()
