"""Readings submitted while gunicorn workers are SIGKILLed and PostgreSQL connections are cut:
every submission that got a success answer is stored exactly once, and the clients' retries
(the same value again on the page, the same Idempotency-Key on the API) add no duplicates."""

import datetime as dt
import http.client
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import uuid
import zoneinfo
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

import psycopg
import pytest

from bench.load_support import (
    ROOT,
    kabinet_env,
    migrate,
    pg_database,
    serve,
    subscriber_value,
)

from .conftest import postgres_available

# Each client submits at least this many readings (retrying each until it is answered), and
# goes on until the faults below have happened at least FAULTS_AT_LEAST times each, or the
# deadline passes; the faults go on until the clients stop.
PER_CLIENT = int(os.environ.get("KABINET_FAULTS_SUBMISSIONS", "40"))
DEADLINE_SECONDS = 150
CLIENTS = 6
FAULTS_AT_LEAST = 4
SUBSCRIBERS = 120
RETRIES = 40
ROUNDS = 30  # round r reads the meters on today - 29 + r, about 3 m³ a day after the last


@pytest.fixture
def pg_env(var_dir):
    if not postgres_available():
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is not reachable at 127.0.0.1:5432")
        pytest.skip("PostgreSQL is not reachable")
    with pg_database(f"kabinet_faults_load_{os.getpid()}") as url:
        env = kabinet_env(url, var_dir=var_dir)
        migrate(env)
        yield env


def subscribers_make(env: dict[str, str], count: int) -> list[dict]:
    completed = subprocess.run(
        [sys.executable, "-m", "bench.load_support", "subscribers", str(count)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(completed.stdout)


@dataclass
class Outcome:
    # (meter, day, value, via) of each submission answered with success
    confirmed: list[tuple[int, dt.date, Decimal, str]] = field(default_factory=list)
    failed_attempts: int = 0
    gave_up: list[int] = field(default_factory=list)
    refused: list[tuple[int, int, str]] = field(default_factory=list)


def _post(port: int, path: str, body: bytes, headers: dict[str, str]):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.getheader("Location") or "", response.read()
    finally:
        connection.close()


def submit_until_answered(
    port: int,
    subscriber: dict,
    *,
    day: dt.date,
    value: Decimal,
    outcome: Outcome,
) -> None:
    """Submit one reading and retry it, unchanged, until a clear answer comes.

    Half the subscribers use the API (with one Idempotency-Key for all tries), half the page.
    """
    via_api = bool(subscriber["api_token"]) and subscriber["meter_id"] % 2 == 0
    account_id, meter_id = subscriber["account_id"], subscriber["meter_id"]
    api_path = f"/api/v1/accounts/{account_id}/meters/{meter_id}/readings/"
    idempotency_key = str(uuid.uuid4())
    for attempt in range(RETRIES):
        try:
            if via_api:
                status, location, body = _post(
                    port,
                    api_path,
                    json.dumps(
                        {
                            "value": str(value),
                            "date": day.isoformat(),
                        }
                    ).encode(),
                    {
                        "Authorization": f"Bearer {subscriber['api_token']}",
                        "Idempotency-Key": idempotency_key,
                        "Content-Type": "application/json",
                    },
                )
                ok = status in (200, 201)
            else:
                status, location, body = _post(
                    port,
                    f"/cabinet/accounts/{subscriber['account_id']}/readings/",
                    urlencode(
                        {
                            "meter": subscriber["meter_serial"],
                            "value": str(value),
                            "date": day.isoformat(),
                            "csrfmiddlewaretoken": subscriber["csrf_token"],
                        }
                    ).encode(),
                    {
                        "Content-Type": "application/x-www-form-urlencoded",
                        "Cookie": f"sessionid={subscriber['session_key']};"
                        f" csrftoken={subscriber['csrf_token']}",
                    },
                )
                # Success is the redirect back to the account page (not to the sign-in page).
                ok = status == 302 and "/login/" not in location
        except (OSError, http.client.HTTPException):
            status, body = 0, b""
            ok = False
        if ok:
            via = "api" if via_api else "page"
            outcome.confirmed.append((subscriber["meter_id"], day, value, via))
            return
        if 400 <= status < 500 and status not in (408, 409, 429):
            outcome.refused.append(
                (subscriber["meter_id"], status, body[:300].decode(errors="replace"))
            )
            return
        outcome.failed_attempts += 1
        time.sleep(min(0.05 * (attempt + 1), 0.5))
    outcome.gave_up.append(subscriber["meter_id"])


def client(port, subscribers, *, today, deadline, enough_faults, outcome) -> None:
    last = subscriber_value()
    done = 0
    for round_ in range(ROUNDS):
        day = today - dt.timedelta(days=ROUNDS - 1 - round_)
        value = Decimal(last + 3 * (round_ + 1))
        for subscriber in subscribers:
            if (done >= PER_CLIENT and enough_faults.is_set()) or time.monotonic() > deadline:
                return
            submit_until_answered(port, subscriber, day=day, value=value, outcome=outcome)
            done += 1


def faults(
    server,
    database_url: str,
    stop: threading.Event,
    enough: threading.Event,
    counts: dict[str, int],
) -> None:
    """Every second or so, cut database connections; every third time SIGKILL a gunicorn
    worker instead (a new worker takes a second or two of CPU to start)."""
    rng = random.Random(7)
    with psycopg.connect(database_url, autocommit=True) as conn:
        while not stop.wait(rng.uniform(0.5, 1.5)):
            if rng.random() < 0.33:
                workers = server.worker_pids()
                if workers:
                    try:
                        os.kill(rng.choice(workers), signal.SIGKILL)
                        counts["workers killed"] += 1
                    except ProcessLookupError:
                        pass
            else:
                row = conn.execute(
                    "SELECT count(pg_terminate_backend(pid)) FROM ("
                    " SELECT pid FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    " ORDER BY random() LIMIT 2) AS victims"
                ).fetchone()
                counts["connections cut"] += row[0] if row else 0
            if min(counts.values()) >= FAULTS_AT_LEAST:
                enough.set()


def stored_readings(database_url: str):
    with psycopg.connect(database_url) as conn:
        readings = conn.execute(
            "SELECT meter_id, reading_date, value,"
            " count(*) OVER (PARTITION BY meter_id, reading_date)"
            " FROM metering_reading WHERE source IN ('portal', 'api')"
        ).fetchall()
        created = conn.execute(
            "SELECT target_id, count(*) FROM audit_auditentry"
            " WHERE action = 'reading.created' GROUP BY target_id"
        ).fetchall()
        replaced = conn.execute(
            "SELECT count(*) FROM audit_auditentry WHERE action = 'reading.replaced'"
        ).fetchone()
    return readings, created, replaced[0] if replaced else 0


@pytest.mark.faults
def test_every_answered_submission_is_stored_once_while_workers_and_connections_die(pg_env):
    today = dt.datetime.now(zoneinfo.ZoneInfo("Europe/Kyiv")).date()
    subscribers = subscribers_make(pg_env, SUBSCRIBERS)
    outcome = Outcome()
    counts = {"workers killed": 0, "connections cut": 0}
    stop = threading.Event()
    enough_faults = threading.Event()
    with serve(env=pg_env, workers=3) as server:
        deadline = time.monotonic() + DEADLINE_SECONDS
        clients = [
            threading.Thread(
                target=client,
                args=(server.port, subscribers[i::CLIENTS]),
                kwargs={
                    "today": today,
                    "deadline": deadline,
                    "enough_faults": enough_faults,
                    "outcome": outcome,
                },
            )
            for i in range(CLIENTS)
        ]
        fault_thread = threading.Thread(
            target=faults, args=(server, pg_env["DATABASE_URL"], stop, enough_faults, counts)
        )
        fault_thread.start()
        for thread in clients:
            thread.start()
        for thread in clients:
            thread.join()
        stop.set()
        fault_thread.join()
        log = server.log_tail(3000)
    readings, created, replaced = stored_readings(pg_env["DATABASE_URL"])

    print(counts, f"{len(outcome.confirmed)} confirmed, {outcome.failed_attempts} retried")
    assert min(counts.values()) >= FAULTS_AT_LEAST, counts
    assert outcome.failed_attempts > 0, "no submission failed: the faults hit nothing"
    assert outcome.refused == [] and outcome.gave_up == [], log
    assert len(outcome.confirmed) >= CLIENTS * PER_CLIENT, "the clients ran out of time"
    assert {via for _, _, _, via in outcome.confirmed} == {"page", "api"}
    assert [row for row in readings if row[3] != 1] == []
    stored = {(meter, day): value for meter, day, value, _ in readings}
    assert {(m, d): stored.get((m, d)) for m, d, _, _ in outcome.confirmed} == {
        (m, d): value for m, d, value, _ in outcome.confirmed
    }
    assert [target for target, n in created if n > 1] == []
    assert replaced == 0
