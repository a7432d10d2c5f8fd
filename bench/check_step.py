"""The Check step (`/register/`) on towns of 100,000 and 1,000,000 accounts.

For each size: a synthetic town (`kabinet.demo.town.town_write`) is imported with
`kabinet import_billing` into a PostgreSQL database of its own (providers, streets, accounts
and meters: the Check step reads nothing else), `kabinet serve` starts, and wrk's 64 clients
post the Check form with the details of accounts drawn at random, every one of them right
(the path that ends in a redirect to the second step and sets the signed proof cookie). The
floor is the bare view `/bench/ok/` on the same server, measured just before.

Goals: throughput >= 0.5 x the floor, and the Check step's p50 at the largest town within
20% of that at the smallest.

Environment: KABINET_BENCH_CHECK_SIZES (100000,1000000; quick 2000,20000),
KABINET_BENCH_DURATION (20; quick 4), KABINET_BENCH_CONNECTIONS (64),
KABINET_BENCH_WORKERS (2 x cores + 1), KABINET_BENCH_CHECK_SAMPLE (accounts posted, 5000).
Generated towns are kept in bench/data/ (gitignored) and reused.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

from bench import Figure, quick, record
from bench.load_support import (
    ROOT,
    PrivateRedis,
    ServerCpu,
    WrkResult,
    db_name,
    django_setup,
    env_int,
    kabinet,
    kabinet_env,
    migrate,
    pg_database,
    rows_lua,
    serve,
    wrk,
    wrk_measured,
)

NAME = "check_step"
DATA_DIR = ROOT / "bench" / "data"
KINDS_NEEDED = ("providers", "streets", "accounts", "meters")
CSRF = "benchcsrftokenbenchcsrftoken0123"  # 32 characters: Django takes it unmasked


def town_files(accounts: int) -> list[Path]:
    """The files of a town of `accounts`, generated once and kept under bench/data/."""
    from kabinet.demo.town import town_write

    directory = DATA_DIR / f"town-{accounts}"
    done = directory / "done"
    if not done.exists():
        shutil.rmtree(directory, ignore_errors=True)
        started = time.monotonic()
        files = town_write(directory=directory, accounts=accounts, today=dt.date(2026, 11, 1))
        for kind, paths in files.items():
            if kind not in KINDS_NEEDED:
                for path in paths:
                    path.unlink()
        order = [path.name for kind in KINDS_NEEDED for path in files[kind]]
        done.write_text("\n".join(order))
        print(f"town of {accounts} written in {time.monotonic() - started:.0f} s", flush=True)
    return [directory / name for name in done.read_text().split()]


def check_rows(sample: int) -> list[tuple[str, str, str]]:
    """Form posts of the Check step for `sample` accounts drawn at random, typed as printed."""
    from kabinet.addresses.models import StreetName
    from kabinet.billing.models import Account
    from kabinet.metering.models import Meter

    accounts = list(
        Account.objects.filter(closed_date__isnull=True)
        .select_related("provider")
        .order_by("?")[:sample]
    )
    street_names = dict(
        StreetName.objects.filter(
            is_current=True, street_id__in={a.street_id for a in accounts}
        ).values_list("street_id", "name")
    )
    serials: dict[int, str] = {}
    for account_id, serial in Meter.objects.filter(
        account_id__in=[a.pk for a in accounts if a.provider.meter_required],
        removed_date__isnull=True,
    ).values_list("account_id", "serial"):
        serials.setdefault(account_id, serial)
    cookie = f"csrftoken={CSRF}"
    rows = []
    for account in accounts:
        if account.provider.meter_required and account.pk not in serials:
            continue
        fields = {
            "provider": account.provider_id,
            "account": account.number,
            "street": street_names[account.street_id],
            "house": account.house,
            "korpus": account.korpus,
            "apartment": account.apartment,
            "surname": account.surname,
            "meter": serials.get(account.pk, ""),
            "csrfmiddlewaretoken": CSRF,
        }
        rows.append(("/register/", urlencode(fields), cookie))
    return rows


def measure(size: int, *, duration: int, connections: int, workers: int, sample: int):
    files = town_files(size)
    database = db_name(f"check_{size}_{os.getpid()}")
    # The production configuration (issue 12): a Redis of the benchmark's own for the cache
    # (the Check step's throttle) and the sessions; KABINET_BENCH_CHECK_CONFIG=database runs
    # the database cache and sessions instead.
    production = os.environ.get("KABINET_BENCH_CHECK_CONFIG", "production") == "production"
    with contextlib.ExitStack() as stack:
        var_dir = stack.enter_context(tempfile.TemporaryDirectory(prefix="kabinet-bench-"))
        url = stack.enter_context(pg_database(database))
        extra = {}
        redis_server = None
        if production:
            redis_server = stack.enter_context(PrivateRedis())
            extra = {"KABINET_REDIS_URL": redis_server.url, "KABINET_SESSIONS": "cached_db"}
        env = kabinet_env(url, var_dir=var_dir, **extra)
        migrate(env)
        started = time.monotonic()
        kabinet("import_billing", *map(str, files), env=env, timeout=4 * 3600)
        imported = time.monotonic() - started
        print(f"town of {size} imported in {imported:.0f} s", flush=True)
        # The sample is drawn in a process of its own, set up for this town's database.
        rows = [
            tuple(row)
            for row in json.loads(
                subprocess.run(
                    [sys.executable, "-m", "bench.check_step", "--rows", str(sample)],
                    env=env,
                    cwd=ROOT,
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout
            )
        ]
        with serve(env=env, workers=workers, log_dir=var_dir) as server:
            wrk(f"{server.base_url}/bench/ok/", connections=connections, duration=2)
            cpu = ServerCpu(server, database)
            if redis_server is not None and redis_server.pid:
                cpu.extra_pids = [redis_server.pid]
            floor = wrk_measured(
                f"{server.base_url}/bench/ok/",
                cpu=cpu,
                connections=connections,
                duration=duration,
            )
            check = wrk_measured(
                f"{server.base_url}/register/",
                cpu=cpu,
                connections=connections,
                duration=duration,
                script=rows_lua(rows, content_type="application/x-www-form-urlencoded"),
            )
        for label, result in (("floor", floor), ("check", check)):
            print(
                f"{size} accounts, {label}: {result.throughput:.0f} req/s,"
                f" p50 {result.latency_ms['p50']:.1f} ms, p99 {result.latency_ms['p99']:.1f} ms,"
                f" server CPU {result.cpu_ms_per_request:.2f} ms/request,"
                f" statuses {result.statuses}",
                flush=True,
            )
    return floor, check, imported


def figures_for(size: int, floor: WrkResult, check: WrkResult, imported: float) -> list[Figure]:
    label = f"Check step, {size:,} accounts".replace(",", " ")
    matched = check.ok_share(302)
    return [
        Figure(
            benchmark=NAME,
            name=f"{label}, server CPU a request",
            value=round(check.cpu_ms_per_request, 3),
            unit="ms",
            floor=round(floor.cpu_ms_per_request, 3),
            floor_name="bare view",
            goal=0.4,
            higher_is_better=False,
            note="gunicorn workers + PostgreSQL; ratio = capacity on an otherwise idle machine",
        ),
        Figure(
            benchmark=NAME,
            name=f"{label}, throughput",
            value=round(check.throughput, 1),
            unit="req/s",
            floor=round(floor.throughput, 1),
            floor_name="bare view",
            goal=0.4,
            note=f"{matched:.0%} matched (302); import {imported:.0f} s",
            extra={"statuses": check.statuses, "errors": check.errors},
        ),
        Figure(
            benchmark=NAME,
            name=f"{label}, p50",
            value=round(check.latency_ms["p50"], 2),
            unit="ms",
            floor=round(floor.latency_ms["p50"], 2),
            floor_name="bare view p50",
            higher_is_better=False,
        ),
        Figure(
            benchmark=NAME,
            name=f"{label}, p99",
            value=round(check.latency_ms["p99"], 2),
            unit="ms",
            floor=round(floor.latency_ms["p99"], 2),
            floor_name="bare view p99",
            higher_is_better=False,
        ),
    ]


def rows_main(sample: int) -> int:
    """Print the sample of Check posts of the town in DATABASE_URL as JSON."""
    django_setup(dict(os.environ))
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(json.dumps(check_rows(sample)))
    return 0


def main() -> int:
    if sys.argv[1:2] == ["--rows"]:
        return rows_main(int(sys.argv[2]))
    default_sizes = "2000,20000" if quick() else "100000,1000000"
    sizes = [int(s) for s in os.environ.get("KABINET_BENCH_CHECK_SIZES", default_sizes).split(",")]
    duration = env_int("KABINET_BENCH_DURATION", 20, quick=4)
    connections = env_int("KABINET_BENCH_CONNECTIONS", 64)
    workers = env_int("KABINET_BENCH_WORKERS", 2 * (os.cpu_count() or 1) + 1)
    sample = env_int("KABINET_BENCH_CHECK_SAMPLE", 5000, quick=1000)
    results = {}
    for size in sizes:
        floor, check, imported = measure(
            size, duration=duration, connections=connections, workers=workers, sample=sample
        )
        results[size] = check
        record(*figures_for(size, floor, check, imported))
    if len(sizes) >= 2:
        small, large = min(sizes), max(sizes)
        record(
            Figure(
                benchmark=NAME,
                name=f"Check step p50, {large:,} vs {small:,} accounts".replace(",", " "),
                value=round(results[large].latency_ms["p50"], 2),
                unit="ms",
                floor=round(results[small].latency_ms["p50"], 2),
                floor_name=f"p50 at {small:,}".replace(",", " "),
                # Within 20%: the larger town's p50 at most 1.2 x the smaller's.
                goal=round(1 / 1.2, 3),
                higher_is_better=False,
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
