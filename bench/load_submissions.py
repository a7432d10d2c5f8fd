"""Reading submissions under load: `kabinet serve` + PostgreSQL, 64 clients over loopback.

Signed-in subscribers (one session, one account and one gas meter each) submit readings
through the account page's form and through the API, while wrk keeps 64 connections busy.
The floor is a bare Django view returning "ok" (`/bench/ok/`), served by the same gunicorn
processes with the same settings, measured in the same run.

Two configurations, one after the other (KABINET_BENCH_CONFIGS, "production,sqlite"):
"production", the headline (figures named `load`): PostgreSQL, and a Redis of the
benchmark's own (`redis-server --save ''`, its CPU counted with the server's) for the cache,
the sessions (`KABINET_SESSIONS=cached_db`) and every rate limit; and "sqlite" (`load-sqlite`):
the embedded default, an SQLite file, the database cache and database sessions.

Environment: KABINET_BENCH_DURATION (seconds per scenario, 20; quick 4),
KABINET_BENCH_CONNECTIONS (64), KABINET_BENCH_WORKERS (gunicorn workers, 2 x cores + 1),
KABINET_BENCH_SUBSCRIBERS (20000; quick 2000), KABINET_BENCH_KEEP_DB=1 keeps the database,
KABINET_BENCH_REDIS=redis://127.0.0.1:6379/6 uses that Redis database (emptied first) instead
of starting one, KABINET_BENCH_REDIS_PORT the port of the one it starts.
The Naftogaz arithmetic's assumptions are KABINET_BENCH_NAFTOGAZ_* (see `naftogaz_peak`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass

from bench import Figure, record
from bench.load_support import (
    PrivateRedis,
    Server,
    ServerCpu,
    Subscriber,
    WrkResult,
    api_tokens_create,
    db_name,
    django_setup,
    env_int,
    kabinet_env,
    lua_string,
    migrate,
    pg_database,
    serve,
    subscriber_value,
    subscribers_create,
    wrk,
    wrk_measured,
)

# The benchmark name of the figures: "load" for the production configuration (the
# headline), "load-sqlite" for the embedded default (set by `run`).
NAME = "load"


@dataclass(frozen=True)
class Scenario:
    name: str
    path: str
    script: str
    ok_statuses: tuple[int, ...]
    submission: bool = True


def redis_flush(url: str) -> None:
    """Empty the Redis database the benchmark was given (its own: a number like /6)."""
    import redis

    redis.Redis.from_url(url).flushdb()


def floor_scenario() -> Scenario:
    return Scenario("floor: bare view returning ok", "/bench/ok/", "", (200,), submission=False)


def signed_in_floor_scenario(subscribers: list[Subscriber]) -> Scenario:
    """The bare view behind login_required: a session and a user loaded, nothing else."""
    script = (
        subscribers_lua(subscribers, api=False)
        + """
function init(args)
  step = 0
end
function request()
  local s = subscribers[(step * 2 + thread_id) % #subscribers + 1]
  step = step + 1
  return wrk.format("GET", "/bench/ok-signed-in/", {
    ["Cookie"] = "sessionid=" .. s[2],
    ["Host"] = "127.0.0.1",
  })
end
"""
    )
    return Scenario("signed-in floor: bare view + session", "/", script, (200,), submission=False)


def page_submit_path(account_id: int) -> str | None:
    """Where the account page's reading form posts (None until the metering views exist)."""
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("metering:submit", kwargs={"account_id": account_id})
    except NoReverseMatch:
        return None


def api_submit_path(account_id: int, meter_id: int) -> str | None:
    """The API's reading endpoint of a meter (None while the API has none)."""
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("api:readings", kwargs={"account_id": account_id, "meter_id": meter_id})
    except NoReverseMatch:
        return None


def subscribers_lua(subscribers: list[Subscriber], *, api: bool) -> str:
    """The subscribers as a Lua table: {serial, session key or API token, CSRF token, path}."""
    rows = []
    for s in subscribers:
        if api:
            secret, path = s.api_token, api_submit_path(s.account_id, s.meter_id)
        else:
            secret, path = s.session_key, page_submit_path(s.account_id)
        # The page's form names the meter by its serial, as the account page does.
        rows.append(
            f"{{{lua_string(s.meter_serial)}, {lua_string(secret)}, {lua_string(s.csrf_token)},"
            f" {lua_string(path or '')}}}"
        )
    return "subscribers = {\n" + ",\n".join(rows) + "\n}\n"


def rounds_lua(today: dt.date) -> str:
    """Lua's `next_reading()`: the next subscriber, and the day and value of its reading.

    Round r reads every meter on today - 29 + r, 3 m³ a day after the last reading, so each
    request stores a new, plausible reading (30 rounds: more than any run needs)."""
    days = ", ".join(lua_string((today - dt.timedelta(days=29 - r)).isoformat()) for r in range(30))
    return f"""
days = {{{days}}}
function init(args)
  step = 0
end
function next_reading()
  local n = #subscribers
  local k = step * 2 + thread_id
  step = step + 1
  local round = math.floor(k / n) % 30
  local value = {subscriber_value()} + 3 * (round + 1)
  return subscribers[k % n + 1], days[round + 1], value .. ".5"
end
"""


def page_scenario(subscribers: list[Subscriber], today: dt.date) -> Scenario:
    """Each request is another subscriber posting the account page's form, as a browser does:
    session and CSRF cookies, the CSRF token in the form field."""
    script = (
        subscribers_lua(subscribers, api=False)
        + rounds_lua(today)
        + """
function request()
  local s, day, value = next_reading()
  local body = "meter=" .. s[1] .. "&value=" .. value .. "&date=" .. day ..
    "&csrfmiddlewaretoken=" .. s[3]
  return wrk.format("POST", s[4], {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "sessionid=" .. s[2] .. "; csrftoken=" .. s[3],
    ["Host"] = "127.0.0.1",
  }, body)
end
"""
    )
    return Scenario("page: reading form POST", "/", script, (302,))


def api_scenario(subscribers: list[Subscriber], today: dt.date) -> Scenario:
    """Each request is another subscriber's program posting JSON with its personal token and
    an Idempotency-Key of its own."""
    script = (
        subscribers_lua(subscribers, api=True)
        + rounds_lua(today)
        + """
function request()
  local s, day, value = next_reading()
  local body = '{"value": "' .. value .. '", "date": "' .. day .. '"}'
  return wrk.format("POST", s[4], {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. s[2],
    ["Idempotency-Key"] = "bench-" .. thread_id .. "-" .. step,
    ["Host"] = "127.0.0.1",
  }, body)
end
"""
    )
    return Scenario("API: reading POST", "/", script, (201,))


def scenarios_run(
    *,
    server: Server,
    database: str,
    scenarios: list[Scenario],
    connections: int,
    duration: float,
    extra_pids: list[int] | None = None,
) -> dict[str, WrkResult]:
    # A short warm-up: every worker imports, connects to the database and fills its caches.
    wrk(f"{server.base_url}/bench/ok/", connections=connections, duration=2)
    cpu = ServerCpu(server, database)
    cpu.extra_pids = list(extra_pids or [])
    results = {}
    for scenario in scenarios:
        result = wrk_measured(
            server.base_url + scenario.path,
            cpu=cpu,
            connections=connections,
            duration=duration,
            script=scenario.script,
        )
        results[scenario.name] = result
        print(
            f"{scenario.name}: {result.throughput:.0f} req/s, p50 {result.latency_ms['p50']:.1f}"
            f" ms, p99 {result.latency_ms['p99']:.1f} ms, server CPU"
            f" {result.cpu_ms_per_request:.2f} ms/request ({result.postgres_share:.0%} in"
            f" PostgreSQL), statuses {result.statuses},"
            f" errors {result.errors}",
            flush=True,
        )
    return results


def password_check_seconds() -> float:
    """The CPU time of one sign-in's password check with the configured hasher (median of 5)."""
    import statistics
    import time

    from django.contrib.auth.hashers import check_password, make_password

    encoded = make_password("correct horse battery staple")
    times = []
    for _ in range(5):
        started = time.process_time()
        check_password("correct horse battery staple", encoded)
        times.append(time.process_time() - started)
    return statistics.median(times)


def naftogaz_peak(per_second: float, *, basis: str = "measured") -> Figure:
    """How many Naftogaz first-day peak hours one machine carries, and the arithmetic."""
    customers = float(os.environ.get("KABINET_BENCH_NAFTOGAZ_CUSTOMERS", 12_300_000))
    submitting = float(os.environ.get("KABINET_BENCH_NAFTOGAZ_SUBMITTING", 0.6))
    day_one = float(os.environ.get("KABINET_BENCH_NAFTOGAZ_DAY_ONE", 0.4))
    peak_hour = float(os.environ.get("KABINET_BENCH_NAFTOGAZ_PEAK_HOUR", 0.15))
    requests_per_visit = float(os.environ.get("KABINET_BENCH_NAFTOGAZ_REQUESTS", 1))
    peak = customers * submitting * day_one * peak_hour / 3600 * requests_per_visit
    note = (
        f"{customers / 1e6:.1f} M customers x {submitting:.0%} submit in days 1-5 x "
        f"{day_one:.0%} of them on day 1 x {peak_hour:.0%} of the day in its busiest hour "
        f"= {peak:.0f} submissions/s; machine {per_second:.0f}/s"
    )
    return Figure(
        benchmark=NAME,
        name=f"Naftogaz day-1 peak hours carried ({basis})",
        value=round(per_second / peak, 2) if peak else 0.0,
        unit="x",
        note=note,
        extra={
            "customers": customers,
            "submitting": submitting,
            "day_one": day_one,
            "peak_hour": peak_hour,
            "peak_per_second": peak,
            "machine_per_second": per_second,
        },
    )


def figures_for(name: str, result: WrkResult, floor: WrkResult, *, goal: float | None):
    return [
        Figure(
            benchmark=NAME,
            name=f"{name}, server CPU a request",
            value=round(result.cpu_ms_per_request, 3),
            unit="ms",
            floor=round(floor.cpu_ms_per_request, 3),
            floor_name="bare view",
            goal=goal,
            higher_is_better=False,
            note=f"gunicorn workers + PostgreSQL ({result.postgres_share:.0%} of it);"
            " ratio = capacity on an otherwise idle machine",
            extra={"postgres_share": round(result.postgres_share, 3)},
        ),
        Figure(
            benchmark=NAME,
            name=f"{name}, throughput",
            value=round(result.throughput, 1),
            unit="req/s",
            floor=round(floor.throughput, 1),
            floor_name="bare view",
            goal=goal,
            note=f"statuses {result.statuses}",
            extra={"errors": result.errors},
        ),
        Figure(
            benchmark=NAME,
            name=f"{name}, p50",
            value=round(result.latency_ms["p50"], 2),
            unit="ms",
            floor=round(floor.latency_ms["p50"], 2),
            floor_name="bare view p50",
            higher_is_better=False,
        ),
        Figure(
            benchmark=NAME,
            name=f"{name}, p99",
            value=round(result.latency_ms["p99"], 2),
            unit="ms",
            floor=round(floor.latency_ms["p99"], 2),
            floor_name="bare view p99",
            higher_is_better=False,
        ),
    ]


def main() -> int:
    configs = [
        c.strip() for c in os.environ.get("KABINET_BENCH_CONFIGS", "production,sqlite").split(",")
    ]
    if len(configs) == 1:
        run(configs[0])
        return 0
    # Django is set up once a process: each configuration runs in a process of its own (its
    # figures go to the same file, KABINET_BENCH_OUT).
    failed = 0
    for config in configs:
        completed = subprocess.run(
            [sys.executable, "-m", "bench.load_submissions"],
            env={**os.environ, "KABINET_BENCH_CONFIGS": config},
            check=False,
        )
        failed += completed.returncode != 0
    return 1 if failed else 0


def run(config: str) -> None:
    """One configuration: "production" (PostgreSQL, and Redis for the cache, the sessions and
    every rate limit: the headline) or "sqlite" (the embedded default: an SQLite file, the
    database cache and database sessions)."""
    global NAME
    duration = env_int("KABINET_BENCH_DURATION", 20, quick=4)
    connections = env_int("KABINET_BENCH_CONNECTIONS", 64)
    workers = env_int("KABINET_BENCH_WORKERS", 2 * (os.cpu_count() or 1) + 1)
    count = env_int("KABINET_BENCH_SUBSCRIBERS", 20000, quick=2000)
    database = db_name(f"load_{os.getpid()}")
    keep = os.environ.get("KABINET_BENCH_KEEP_DB") == "1"
    # KABINET_BENCH_REDIS=redis://host:port/n: a Redis of yours (that database is emptied
    # first); else the benchmark starts one of its own (PrivateRedis).
    redis_url = os.environ.get("KABINET_BENCH_REDIS", "")
    NAME = "load" if config == "production" else f"load-{config}"
    with contextlib.ExitStack() as stack:
        var_dir = stack.enter_context(tempfile.TemporaryDirectory(prefix="kabinet-bench-"))
        extra: dict[str, str] = {}
        redis_server = None
        if config == "sqlite":
            url = f"sqlite:///{var_dir}/bench.sqlite3"
        else:
            url = stack.enter_context(pg_database(database, keep=keep))
            if redis_url:
                redis_flush(redis_url)
            else:
                redis_server = stack.enter_context(PrivateRedis())
                redis_url = redis_server.url
            extra = {"KABINET_REDIS_URL": redis_url, "KABINET_SESSIONS": "cached_db"}
        env = kabinet_env(url, var_dir=var_dir, **extra)
        migrate(env)
        django_setup(env)
        from django.db import connections as db_connections
        from django.utils import timezone

        today = timezone.localdate()
        subscribers = subscribers_create(count=count, today=today)
        api_tokens_create(subscribers)
        password_seconds = password_check_seconds()
        half = len(subscribers) // 2
        first = subscribers[0]
        # The signed-in floor cycles through 100 subscribers, so that each comes back many
        # times, as within a subscriber's visit (the first request of each reads the user).
        scenarios = [floor_scenario(), signed_in_floor_scenario(subscribers[:100])]
        if page_submit_path(first.account_id):
            scenarios.append(page_scenario(subscribers[:half], today))
        if first.api_token and api_submit_path(first.account_id, first.meter_id):
            scenarios.append(api_scenario(subscribers[half:], today))
        db_connections.close_all()
        with serve(env=env, workers=workers, log_dir=var_dir) as server:
            results = scenarios_run(
                server=server,
                database=database if config != "sqlite" else "",
                scenarios=scenarios,
                connections=connections,
                duration=duration,
                extra_pids=[redis_server.pid] if redis_server and redis_server.pid else [],
            )
        floor = results[floor_scenario().name]
        figures = [
            Figure(
                benchmark=NAME,
                name="floor: bare view, throughput",
                value=round(floor.throughput, 1),
                unit="req/s",
                note=f"p50 {floor.latency_ms['p50']:.1f} ms, p99 {floor.latency_ms['p99']:.1f}"
                f" ms, server CPU {floor.cpu_ms_per_request:.3f} ms a request",
            )
        ]
        submit_rates = []
        submit_cpu_ms = []
        for scenario in scenarios[1:]:
            result = results[scenario.name]
            goal = 0.3 if scenario.submission else 0.6
            figures += figures_for(scenario.name, result, floor, goal=goal)
            if scenario.submission:
                submit_rates.append(result.throughput * result.ok_share(*scenario.ok_statuses))
                submit_cpu_ms.append(result.cpu_ms_per_request)
        page = results.get(page_scenario([], today).name)
        api = results.get(api_scenario([], today).name)
        if page is not None and api is not None and page.throughput:
            figures.append(
                Figure(
                    benchmark=NAME,
                    name="API against the page, throughput",
                    value=round(api.throughput, 1),
                    unit="req/s",
                    floor=round(page.throughput, 1),
                    floor_name="page",
                    goal=1.0,
                    note=f"server CPU {api.cpu_ms_per_request:.2f} ms (API) against"
                    f" {page.cpu_ms_per_request:.2f} ms (page)",
                )
            )
        cores = os.cpu_count() or 1
        figures.append(
            Figure(
                benchmark=NAME,
                name="sign-in password check (CPU)",
                value=round(password_seconds * 1000, 1),
                unit="ms",
                floor=40.0,
                floor_name="limit 40 ms",
                goal=1.0,
                higher_is_better=False,
                note=f"at most {cores / password_seconds:.0f} sign-ins/s on {cores} cores",
            )
        )
        if submit_rates:
            figures.append(naftogaz_peak(min(submit_rates)))
        if submit_cpu_ms and max(submit_cpu_ms) > 0:
            # What the machine would carry with nothing else running: its cores divided by the
            # server CPU of the costlier way of submitting.
            figures.append(
                naftogaz_peak(cores * 1000 / max(submit_cpu_ms), basis="from server CPU")
            )
        record(*figures)


if __name__ == "__main__":
    sys.exit(main())
