"""Where a reading submission's CPU goes, in one process: no HTTP, no gunicorn, no wrk.

    python -m bench.profile_submission                  # PostgreSQL, a database of its own
    python -m bench.profile_submission --sqlite         # a temporary SQLite file
    python -m bench.profile_submission --profile 25     # and the 25 costliest functions
    python -m bench.profile_submission --sql            # and every query of one submission

Subscribers are made as `bench/load_submissions.py` makes them (one gas meter each, read
monthly for a year, signed in by a session row, an API token each) and Django's test Client
posts a new plausible reading for each, once through the account page's form (session and
CSRF cookies, the meter by serial) and once through the API (token, `Idempotency-Key`), with
the benchmark settings. Each request is another subscriber's, so each one stores a reading.

It prints, per scenario, the median and mean CPU of this process a request, the CPU of the
database's backend a request (PostgreSQL only, from /proc) and the queries of one request
(CaptureQueriesContext). A profiling tool, not a benchmark: it records no figures, and the
runner (`python -m bench`) gets a one-line note from it instead of a run.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import datetime as dt
import io
import json
import os
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from bench.load_support import (
    OUT_ENV_NAME,
    Subscriber,
    _cpu_seconds,
    api_tokens_create,
    db_name,
    django_setup,
    kabinet_env,
    migrate,
    pg_database,
    subscriber_value,
    subscribers_create,
)


@contextlib.contextmanager
def database(sqlite: bool, keep: bool) -> Iterator[str]:
    if sqlite:
        with tempfile.TemporaryDirectory(prefix="kabinet-profile-") as folder:
            yield f"sqlite:///{Path(folder) / 'profile.sqlite3'}"
        return
    with pg_database(db_name(f"profile_submission_{os.getpid()}"), keep=keep) as url:
        yield url


def backend_pid() -> int | None:
    """The PostgreSQL backend of this process's connection (None on SQLite)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


def page_request(client, s: Subscriber, day: dt.date, value: str) -> Callable[[], int]:
    from django.urls import reverse

    path = reverse("metering:submit", kwargs={"account_id": s.account_id})
    data = {
        "meter": s.meter_serial,
        "value": value,
        "date": day.isoformat(),
        "csrfmiddlewaretoken": s.csrf_token,
    }
    # The cookies are given per request, so the client's own jar (the messages cookie of the
    # previous subscriber) plays no part.
    headers = {"cookie": f"sessionid={s.session_key}; csrftoken={s.csrf_token}"}
    return lambda: client.post(path, data, headers=headers).status_code


def api_request(client, s: Subscriber, day: dt.date, value: str, key: str) -> Callable[[], int]:
    from django.urls import reverse

    path = reverse("api:readings", kwargs={"account_id": s.account_id, "meter_id": s.meter_id})
    body = json.dumps({"value": value, "date": day.isoformat()})
    headers = {
        "authorization": f"Bearer {s.api_token}",
        "idempotency-key": key,
        "cookie": "",
    }
    return lambda: (
        client.post(path, body, content_type="application/json", headers=headers).status_code
    )


def floor_request(client, s: Subscriber, path: str) -> Callable[[], int]:
    headers = {"cookie": f"sessionid={s.session_key}"}
    return lambda: client.get(path, headers=headers).status_code


def measure(
    name: str,
    requests: list[Callable[[], int]],
    *,
    ok: int,
    warmup: int,
    pid: int | None,
    profile: int,
    sql: bool,
) -> dict:
    """Run the requests: warm-up, one under CaptureQueriesContext, the rest timed."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for request in requests[:warmup]:
        status = request()
        assert status == ok, f"{name}: warm-up answered {status}, not {ok}"
    with CaptureQueriesContext(connection) as captured:
        status = requests[warmup]()
    # Read now: the next request's request_started signal empties the connection's log.
    queries = captured.captured_queries
    assert status == ok, f"{name}: answered {status}, not {ok}"
    # Python function calls a request: unlike CPU time, the same on a busy machine as on an
    # idle one, so two versions of the code can be compared while others use the cores.
    counter = cProfile.Profile()
    counter.enable()
    for request in requests[warmup + 1 : warmup + 11]:
        status = request()
        assert status == ok, f"{name}: answered {status}, not {ok}"
    counter.disable()
    calls = pstats.Stats(counter).total_calls / 10  # type: ignore[attr-defined]
    timed = requests[warmup + 11 :]
    # CPU time, not wall time: waiting for the database is the database's own CPU, counted apart.
    profiler = cProfile.Profile(time.process_time) if profile else None
    times = []
    backend_before = _cpu_seconds(pid) if pid else 0.0
    for request in timed:
        started = time.process_time()
        if profiler is not None:
            profiler.enable()
        status = request()
        if profiler is not None:
            profiler.disable()
        times.append(time.process_time() - started)
        assert status == ok, f"{name}: answered {status}, not {ok}"
    backend_ms = (_cpu_seconds(pid) - backend_before) * 1000 / len(timed) if pid else None
    result = {
        "scenario": name,
        "requests": len(timed),
        "cpu_ms_median": statistics.median(times) * 1000,
        "cpu_ms_mean": statistics.fmean(times) * 1000,
        # The fastest tenth: the least disturbed by other work on the machine.
        "cpu_ms_p10": statistics.quantiles(times, n=10)[0] * 1000,
        "python_calls": calls,
        "db_backend_cpu_ms": backend_ms,
        "queries": len(queries),
    }
    if sql:
        print(f"\n--- {name}: {len(queries)} queries")
        for query in queries:
            print(f"  {query['sql'][:300]}")
    if profiler is not None:
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("cumulative").print_stats(profile)
        stats.sort_stats("tottime").print_stats(profile)
        print(f"\n--- {name}: profile of {len(timed)} requests (CPU times include cProfile's)")
        print(out.getvalue())
    return result


def main(argv: list[str] | None = None) -> int:
    if os.environ.get(OUT_ENV_NAME):
        print("bench/profile_submission.py is a profiling tool, not a benchmark: run it as")
        print("python -m bench.profile_submission (see its docstring). Nothing measured.")
        return 0
    parser = argparse.ArgumentParser(prog="python -m bench.profile_submission")
    parser.add_argument("--sqlite", action="store_true", help="SQLite instead of PostgreSQL")
    parser.add_argument("-n", type=int, default=200, help="timed requests a scenario")
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--profile", type=int, default=0, metavar="N", help="print N functions")
    parser.add_argument("--sql", action="store_true", help="print one request's queries")
    parser.add_argument("--only", nargs="+", choices=["floor", "page", "api"])
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument("--json", metavar="FILE", help="also write the figures to FILE")
    args = parser.parse_args(argv)

    per_scenario = args.warmup + 11 + args.n
    with (
        tempfile.TemporaryDirectory(prefix="kabinet-profile-") as var_dir,
        database(args.sqlite, args.keep_db) as url,
    ):
        env = kabinet_env(url, var_dir=var_dir)
        migrate(env)
        django_setup(env)
        from django.conf import settings
        from django.test import Client
        from django.utils import timezone

        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        today = timezone.localdate()
        subscribers = subscribers_create(count=2 * per_scenario, today=today)
        api_tokens_create(subscribers)
        pid = backend_pid()
        client = Client(enforce_csrf_checks=True)
        # As the load benchmark does: the day after the last reading (a month ago), ~3 m³ a day.
        day = today - dt.timedelta(days=29)
        value = f"{subscriber_value() + 3}.5"
        page_subscribers = subscribers[:per_scenario]
        api_subscribers = subscribers[per_scenario:]
        scenarios = {
            "floor": [
                (
                    "floor: bare view",
                    [floor_request(client, s, "/bench/ok/") for s in page_subscribers],
                    200,
                ),
                (
                    "floor: signed-in bare view",
                    [floor_request(client, s, "/bench/ok-signed-in/") for s in page_subscribers],
                    200,
                ),
            ],
            "page": [
                (
                    "page: reading form POST",
                    [page_request(client, s, day, value) for s in page_subscribers],
                    302,
                )
            ],
            "api": [
                (
                    "API: reading POST",
                    [
                        api_request(client, s, day, value, f"profile-{i}")
                        for i, s in enumerate(api_subscribers)
                    ],
                    201,
                )
            ],
        }
        results = []
        for key, runs in scenarios.items():
            if args.only and key not in args.only:
                continue
            for name, requests, ok in runs:
                results.append(
                    measure(
                        name,
                        requests,
                        ok=ok,
                        warmup=args.warmup,
                        pid=pid,
                        profile=args.profile if key != "floor" else 0,
                        sql=args.sql and key != "floor",
                    )
                )
        from django.db import connection

        engine = connection.vendor
        connection.close()
    print(f"\n{engine}, {args.n} timed requests a scenario after {args.warmup} warm-up")
    print(
        f"{'scenario':<28} {'CPU ms: median':>14} {'p10':>6} {'mean':>6}"
        f" {'DB backend':>10} {'queries':>7} {'Python calls':>12}"
    )
    for r in results:
        backend = f"{r['db_backend_cpu_ms']:.2f}" if r["db_backend_cpu_ms"] is not None else "-"
        print(
            f"{r['scenario']:<28} {r['cpu_ms_median']:>14.2f} {r['cpu_ms_p10']:>6.2f}"
            f" {r['cpu_ms_mean']:>6.2f} {backend:>10} {r['queries']:>7} {r['python_calls']:>12.0f}"
        )
    if args.json:
        Path(args.json).write_text(json.dumps({"engine": engine, "results": results}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
