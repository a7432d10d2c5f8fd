"""The fault run at benchmark scale: at least 10,000 acknowledged submissions, through the
page and the API, while gunicorn workers are SIGKILLed and PostgreSQL connections cut.

The machinery is the fault test's (`tests/faults/test_faults_under_load.py`, which CI runs
with 240 submissions through `.ci/checks/faults.sh`): clients that retry each submission
unchanged until it is answered (the page: the same value for the same day; the API: the same
`Idempotency-Key`), and faults: every 0.5 to 1.5 s two of the database's connections cut
and, here every 10 s (the CI test: one fault in three), a worker SIGKILLed. Here in the
production configuration (PostgreSQL, a Redis of the benchmark's own for the cache, sessions
and rate limits), with more clients and subscribers. Afterwards: every acknowledged
submission stored exactly once with its value, no reading with two `reading.created` audit
entries, none replaced.

Environment: KABINET_BENCH_FAULT_SUBMISSIONS (10000; quick 600), KABINET_BENCH_FAULT_CLIENTS
(16), KABINET_BENCH_WORKERS (2 x cores + 1), KABINET_BENCH_FAULT_DEADLINE (seconds, 1800),
KABINET_BENCH_FAULT_KILL_EVERY (seconds between worker kills, 10).
"""

from __future__ import annotations

import datetime as dt
import math
import os
import sys
import tempfile
import threading
import time
import zoneinfo

from bench import Figure, record
from bench.load_support import (
    PrivateRedis,
    db_name,
    env_int,
    kabinet_env,
    migrate,
    pg_database,
    serve,
)

NAME = "faults"


def faults(server, database_url, stop, enough, counts, kill_every: float) -> None:
    """The fault test's faults at a pace a long run can bear: every 0.5 to 1.5 s two of the
    database's connections are cut, and every `kill_every` seconds a gunicorn worker is
    SIGKILLed (the CI test kills one a fault in three, about every 3 s; at that pace on a
    busy 2-core machine the workers spend most of their time starting again)."""
    import random
    import signal

    import psycopg

    rng = random.Random(7)
    next_kill = time.monotonic() + kill_every
    with psycopg.connect(database_url, autocommit=True) as conn:
        while not stop.wait(rng.uniform(0.5, 1.5)):
            if time.monotonic() >= next_kill:
                next_kill = time.monotonic() + kill_every
                workers = server.worker_pids()
                if workers:
                    try:
                        os.kill(rng.choice(workers), signal.SIGKILL)
                        counts["workers killed"] += 1
                    except ProcessLookupError:
                        pass
                continue
            row = conn.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM ("
                " SELECT pid FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                " ORDER BY random() LIMIT 2) AS victims"
            ).fetchone()
            counts["connections cut"] += row[0] if row else 0
            if min(counts.values()) >= machinery_faults_at_least():
                enough.set()


def machinery_faults_at_least() -> int:
    from tests.faults import test_faults_under_load as machinery

    return machinery.FAULTS_AT_LEAST


def main() -> int:
    from tests.faults import test_faults_under_load as machinery

    wanted = env_int("KABINET_BENCH_FAULT_SUBMISSIONS", 10000, quick=600)
    clients = env_int("KABINET_BENCH_FAULT_CLIENTS", 16)
    workers = env_int("KABINET_BENCH_WORKERS", 2 * (os.cpu_count() or 1) + 1)
    deadline_seconds = env_int("KABINET_BENCH_FAULT_DEADLINE", 1800)
    kill_every = float(os.environ.get("KABINET_BENCH_FAULT_KILL_EVERY", "10"))
    # Round r reads every meter on today - 29 + r: 30 rounds of each subscriber, with room.
    subscribers_needed = math.ceil(wanted * 1.2 / machinery.ROUNDS / clients) * clients
    machinery.PER_CLIENT = math.ceil(wanted / clients)
    today = dt.datetime.now(zoneinfo.ZoneInfo("Europe/Kyiv")).date()
    with (
        tempfile.TemporaryDirectory(prefix="kabinet-faults-") as var_dir,
        pg_database(db_name(f"fault_run_{os.getpid()}")) as url,
        PrivateRedis() as redis_server,
    ):
        env = kabinet_env(
            url,
            var_dir=var_dir,
            KABINET_REDIS_URL=redis_server.url,
            KABINET_SESSIONS="cached_db",
        )
        migrate(env)
        subscribers = machinery.subscribers_make(env, subscribers_needed)
        outcome = machinery.Outcome()
        counts = {"workers killed": 0, "connections cut": 0}
        stop = threading.Event()
        enough_faults = threading.Event()
        started = time.monotonic()
        with serve(env=env, workers=workers, log_dir=var_dir) as server:
            deadline = time.monotonic() + deadline_seconds
            threads = [
                threading.Thread(
                    target=machinery.client,
                    args=(server.port, subscribers[i::clients]),
                    kwargs={
                        "today": today,
                        "deadline": deadline,
                        "enough_faults": enough_faults,
                        "outcome": outcome,
                    },
                )
                for i in range(clients)
            ]
            fault_thread = threading.Thread(
                target=faults, args=(server, url, stop, enough_faults, counts, kill_every)
            )
            fault_thread.start()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            stop.set()
            fault_thread.join()
        seconds = time.monotonic() - started
        readings, created, replaced = machinery.stored_readings(url)
    stored = {(meter, day): (value, n) for meter, day, value, n in readings}
    lost = sum(
        1
        for meter, day, value, _ in outcome.confirmed
        if stored.get((meter, day), (None,))[0] != value
    )
    twice = sum(1 for _, n in stored.values() if n > 1) + sum(1 for _, n in created if n > 1)
    via = {"page": 0, "api": 0}
    for *_, how in outcome.confirmed:
        via[how] += 1
    note = (
        f"{via['page']} through the page, {via['api']} through the API, in {seconds:.0f} s;"
        f" {counts['workers killed']} workers killed, {counts['connections cut']} connections"
        f" cut, {outcome.failed_attempts} retries, {len(outcome.gave_up)} gave up,"
        f" {len(outcome.refused)} refused, {replaced} replaced"
    )
    print(note, flush=True)
    record(
        Figure(
            NAME,
            "acknowledged submissions under faults",
            len(outcome.confirmed),
            "",
            floor=float(wanted),
            floor_name="wanted",
            goal=1.0,
            note=note,
        ),
        Figure(NAME, "acknowledged but not stored (lost)", lost, "", note="goal 0"),
        Figure(NAME, "stored twice", twice, "", note="goal 0; (meter, day) pairs and audit"),
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
