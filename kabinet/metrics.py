"""The portal's Prometheus metrics, and the one function per event that other apps call.

A module at the bottom of the layers (beside audit and periods): any app may count an event;
kabinet/ops/metrics.py exposes the figures at /metrics.

Under `kabinet serve` every gunicorn worker writes its counters to files in
PROMETHEUS_MULTIPROC_DIR (prometheus-client's multiprocess mode), set up by the serve command;
`kabinet db_worker` writes to a `worker` folder beside it. `/metrics` adds them up, so whichever
worker answers the scrape reports the whole server and the task workers. Without the variable
(tests, `runserver`) the counters live in the process.

Apps record events through the functions below, never through the metric objects, so that
the names and labels stay in one place. Payments (kabinet.payments) call `payment_recorded`.
"""

from __future__ import annotations

from typing import Any

from prometheus_client import (
    Counter,
    Histogram,
)

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
WORKER_FOLDER = "worker"
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

# Latency buckets from a cached page (a few ms) to the gunicorn timeout (30 s).
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
IMPORT_BUCKETS = (1, 5, 15, 60, 300, 900, 1800, 3600)

HTTP_REQUESTS = Counter(
    "kabinet_http_requests",
    "HTTP requests answered, by route name, method and status.",
    ["route", "method", "status"],
)
HTTP_LATENCY = Histogram(
    "kabinet_http_request_duration_seconds",
    "Time to answer an HTTP request, by route name and method.",
    ["route", "method"],
    buckets=LATENCY_BUCKETS,
)
READINGS_STORED = Counter(
    "kabinet_readings_stored",
    "Meter readings stored (new or replaced) by a submission, by provider and source.",
    ["provider", "source"],
)
CHECK_OUTCOMES = Counter(
    "kabinet_check_outcomes",
    "Check-step attempts (registration, adding an account), by outcome.",
    ["outcome"],
)
SIGN_INS = Counter("kabinet_sign_ins", "Sign-in attempts, by outcome.", ["outcome"])
MAILS = Counter("kabinet_mails", "Mails handed to the mail backend, by outcome.", ["outcome"])
TASKS = Counter(
    "kabinet_tasks", "Background tasks finished, by task and status.", ["task", "status"]
)
IMPORT_RUNS = Counter(
    "kabinet_import_runs", "Import runs finished, by status and channel.", ["status", "via"]
)
IMPORT_DURATION = Histogram(
    "kabinet_import_run_duration_seconds",
    "Time from an import run's start to its end, by status.",
    ["status"],
    buckets=IMPORT_BUCKETS,
)
IMPORT_ROWS = Counter(
    "kabinet_import_rows",
    "Rows of finished import runs, by file kind and what happened to them.",
    ["kind", "outcome"],
)
PAYMENTS = Counter("kabinet_payments", "Payments reaching a status, by status.", ["status"])

CHECK_OUTCOME_VALUES = frozenset({"matched", "not_matched", "throttled"})


# The children of the request metrics per label values: labels() checks and sorts its
# arguments on every call, and this runs on every request. Routes are the URL names, so the
# dictionaries stay as small as the URL table.
_request_counters: dict[tuple[str, str, int], Any] = {}
_request_latencies: dict[tuple[str, str], Any] = {}


def request_observed(*, route: str, method: str, status: int, seconds: float) -> None:
    """Count one answered request and its latency."""
    method = method if method in KNOWN_METHODS else "other"
    counter = _request_counters.get((route, method, status))
    if counter is None:
        counter = HTTP_REQUESTS.labels(route=route, method=method, status=str(status))
        _request_counters[(route, method, status)] = counter
    latency = _request_latencies.get((route, method))
    if latency is None:
        latency = HTTP_LATENCY.labels(route=route, method=method)
        _request_latencies[(route, method)] = latency
    counter.inc()
    latency.observe(seconds)


def reading_stored(*, provider: str, source: str) -> None:
    """Count one reading stored by a submission (metering.services)."""
    READINGS_STORED.labels(provider=provider, source=source).inc()


def check_outcome(outcome: str) -> None:
    """Count one Check-step attempt: `matched`, `not_matched` or `throttled`."""
    if outcome not in CHECK_OUTCOME_VALUES:
        raise ValueError(f"unknown Check outcome {outcome!r}")
    CHECK_OUTCOMES.labels(outcome=outcome).inc()


def sign_in(*, succeeded: bool) -> None:
    SIGN_INS.labels(outcome="success" if succeeded else "failure").inc()


def mails(*, sent: int, failed: int) -> None:
    if sent:
        MAILS.labels(outcome="sent").inc(sent)
    if failed:
        MAILS.labels(outcome="failed").inc(failed)


def task_finished(*, task: str, status: str) -> None:
    TASKS.labels(task=task, status=status).inc()


def import_run_finished(
    *, status: str, via: str, seconds: float | None, counts: dict[str, dict[str, int]]
) -> None:
    """Count a finished import run, its duration and its rows per kind and outcome."""
    IMPORT_RUNS.labels(status=status, via=via).inc()
    if seconds is not None:
        IMPORT_DURATION.labels(status=status).observe(max(seconds, 0.0))
    for kind, by_outcome in counts.items():
        for outcome, rows in by_outcome.items():
            if isinstance(rows, int) and rows > 0:
                IMPORT_ROWS.labels(kind=kind, outcome=outcome).inc(rows)


def payment_recorded(*, status: str) -> None:
    """Count a payment reaching `status` (for kabinet.payments: call once per transition)."""
    PAYMENTS.labels(status=status).inc()
