"""What the operations middleware adds to every request: request id, metrics, JSON log line.

    .venv/bin/python -m bench.ops_middleware [--requests 20000]

Method: Django set up with the local settings; a GET built by RequestFactory goes through
`kabinet.ops.middleware.RequestMiddleware` around a view-less inner handler that returns a
ready response, `--requests` times after 1,000 warm-up calls, less the same handler called
alone. Measured twice, each in its own process: prometheus-client in the process (tests,
runserver) and in multiprocess mode (`kabinet serve`: the counters are memory-mapped files).
The log line is formatted and written to /dev/null. Mean microseconds a request.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

from bench import Figure, quick, record

BENCHMARK = "ops_middleware"


def measure(requests: int) -> dict[str, float]:
    import logging

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kabinet.config.settings.local")
    django.setup()
    from django.http import HttpResponse
    from django.test import RequestFactory

    from kabinet.ops.middleware import RequestMiddleware

    sink = open(os.devnull, "w")  # noqa: SIM115 (kept open for the whole run)
    for handler in logging.getLogger().handlers:
        if isinstance(handler, logging.StreamHandler):
            handler.setStream(sink)
    ready = HttpResponse(b"ok")

    def inner(request):
        return ready

    middleware = RequestMiddleware(inner)
    request = RequestFactory().get("/cabinet/", REMOTE_ADDR="192.0.2.10")

    def timed(call, n: int) -> float:
        for _ in range(1000):
            call(request)
        started = time.perf_counter()
        for _ in range(n):
            call(request)
        return (time.perf_counter() - started) / n * 1e6

    return {"floor": timed(inner, requests), "middleware": timed(middleware, requests)}


def run_mode(mode: str, requests: int) -> dict[str, float]:
    env = dict(os.environ)
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    with tempfile.TemporaryDirectory() as folder:
        env["KABINET_VAR_DIR"] = folder
        if mode == "multiprocess":
            env["PROMETHEUS_MULTIPROC_DIR"] = folder
        done = subprocess.run(
            [sys.executable, "-m", "bench.ops_middleware", "--child", "--requests", str(requests)],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000 if quick() else 20000)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.requests)))
        return
    figures = []
    for mode in ("in-process", "multiprocess"):
        found = run_mode(mode, args.requests)
        figures.append(
            Figure(
                BENCHMARK,
                f"{mode} metrics: added to a request",
                found["middleware"] - found["floor"],
                "µs",
                higher_is_better=False,
                note=f"{args.requests} requests",
            )
        )
    record(*figures)


if __name__ == "__main__":
    main()
