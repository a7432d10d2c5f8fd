"""Where the Check step's server CPU goes, in one process (a profiling aid, not a benchmark).

    .venv/bin/python -m bench.profile_check_step [--accounts 2000] [--requests 300]
                                                 [--db sqlite|postgres] [--top 30] [--sql]

Writes a synthetic town (`kabinet.demo.town.town_write`), imports its providers, streets,
accounts and meters with `kabinet import_billing` into a fresh database (SQLite in a
temporary folder, or a PostgreSQL database of its own), then posts the Check form
(`/register/`) through Django's test Client, as a browser without a session would:

- right: every field as printed on the bill (302 to the second step);
- wrong surname: an existing number with another surname (200, the refusal);
- unknown number: a number no account has (200, the same refusal).

Each post comes from an address of its own and names an account only once, so the throttle
counts but never locks. Printed for each kind, for the empty form (GET /register/) and for the
bare view `/bench/ok/` measured the same way: median process CPU a request (and, on
PostgreSQL, its backend's CPU a request over a batch), its queries, and the first rows of a
cProfile of part of the `--requests` posts. CPU (time.process_time) is the figure to trust on
a shared machine.

Not a benchmark: bench/__main__.py lists it in NOT_BENCHMARKS, so `python -m bench` skips it.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import datetime as dt
import io
import os
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

from bench.load_support import django_in_process, scratch_database

KINDS_NEEDED = ("providers", "streets", "accounts", "meters")


def build_town(accounts: int, folder: Path) -> None:
    from django.core.management import call_command

    from kabinet.demo.town import town_write

    files = town_write(directory=folder / "town", accounts=accounts, today=dt.date(2026, 11, 1))
    paths = [str(path) for kind in KINDS_NEEDED for path in files[kind]]
    with contextlib.redirect_stdout(io.StringIO()):
        call_command("import_billing", *paths)


def posts(count: int) -> dict[str, list[dict[str, str]]]:
    """The forms of each kind, one account each, typed as printed on the bill."""
    from kabinet.addresses.models import StreetName
    from kabinet.billing.models import Account
    from kabinet.metering.models import Meter

    accounts = list(
        Account.objects.filter(closed_date__isnull=True)
        .select_related("provider")
        .order_by("?")[: count * 3]
    )
    names = dict(
        StreetName.objects.filter(
            is_current=True, street_id__in={a.street_id for a in accounts}
        ).values_list("street_id", "name")
    )
    serials: dict[int, str] = {}
    for account_id, serial in Meter.objects.filter(
        account_id__in=[a.pk for a in accounts], removed_date__isnull=True
    ).values_list("account_id", "serial"):
        serials.setdefault(account_id, serial)
    forms = []
    for account in accounts:
        if account.provider.meter_required and account.pk not in serials:
            continue
        forms.append(
            {
                "provider": str(account.provider_id),
                "account": account.number,
                "street": names[account.street_id],
                "house": account.house,
                "korpus": account.korpus,
                "apartment": account.apartment,
                "surname": account.surname,
                "meter": serials.get(account.pk, ""),
            }
        )
    if len(forms) < count * 3:
        raise SystemExit(f"the town has {len(forms)} open accounts; ask for fewer --requests")
    right, wrong, unknown = forms[:count], forms[count : 2 * count], forms[2 * count : 3 * count]
    return {
        "right": right,
        "wrong surname": [form | {"surname": "Неіснуюча"} for form in wrong],
        "unknown number": [form | {"account": f"99{n:08d}"} for n, form in enumerate(unknown)],
    }


def one_post(client, form: dict[str, str], n: int, expected: int):
    # A browser on its first visit: no session yet, an address of its own (no lock).
    client.cookies.clear()
    response = client.post(
        "/register/",
        urlencode(form),
        content_type="application/x-www-form-urlencoded",
        REMOTE_ADDR=f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}",
    )
    assert response.status_code == expected, (response.status_code, form)
    return response


def backend_cpu_ms() -> float | None:
    """CPU spent so far by this connection's PostgreSQL backend (same machine), or None."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return None
    # utime and stime, the 14th and 15th fields of stat (counted from 1), in clock ticks.
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def measure(client, forms: list[dict[str, str]], *, expected: int, offset: int) -> list[float]:
    cpu = []
    for n, form in enumerate(forms):
        started = time.process_time()
        one_post(client, form, offset + n, expected)
        cpu.append((time.process_time() - started) * 1000)
    return cpu


def backend_share(client, forms, *, expected: int, offset: int) -> float | None:
    """The PostgreSQL backend's CPU a request over `forms` (clock ticks are coarse: a batch)."""
    before = backend_cpu_ms()
    if before is None:
        return None
    measure(client, forms, expected=expected, offset=offset)
    after = backend_cpu_ms()
    return None if after is None else (after - before) / len(forms)


def queries_of(call) -> list[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        call()
    return [query["sql"] for query in captured.captured_queries]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile_check_step")
    parser.add_argument("--accounts", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=300, help="posts of each kind")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--top", type=int, default=30, help="cProfile rows shown")
    parser.add_argument("--sql", action="store_true", help="print each kind's queries")
    parser.add_argument("--sort", default="tottime", help="cProfile order (tottime, cumulative)")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)

    with tempfile.TemporaryDirectory(prefix="kabinet-profile-check-") as tmp:
        folder = Path(tmp)
        with scratch_database(args.db, folder, f"kabinet_profile_check_{os.getpid()}") as url:
            django_in_process(url, folder)
            started = time.perf_counter()
            build_town(args.accounts, folder)
            took = time.perf_counter() - started
            print(f"town of {args.accounts} accounts imported in {took:.1f} s")
            from django.test import Client

            client = Client(HTTP_ACCEPT_LANGUAGE="uk")
            expected = {"right": 302, "wrong surname": 200, "unknown number": 200}
            # Warm-up (imports, template loading, translations): a set of posts of its own.
            warm = posts(10)
            for n, (kind, forms) in enumerate(warm.items()):
                measure(client, forms, expected=expected[kind], offset=60000 + 100 * n)
            for _ in range(20):
                client.get("/bench/ok/")

            batches = posts(args.requests)
            floor, page = [], []
            for _ in range(args.requests):
                started = time.process_time()
                client.get("/bench/ok/")
                floor.append((time.process_time() - started) * 1000)
            for _ in range(args.requests):
                client.cookies.clear()
                started = time.process_time()
                client.get("/register/")
                page.append((time.process_time() - started) * 1000)
            floor_queries = queries_of(lambda: client.get("/bench/ok/"))
            page_queries = queries_of(lambda: client.get("/register/"))
            print(
                f"\nfloor /bench/ok/: {statistics.median(floor):.2f} ms CPU a request,"
                f" {len(floor_queries)} queries"
            )
            print(
                f"the empty form (GET /register/): {statistics.median(page):.2f} ms CPU a"
                f" request, {len(page_queries)} queries"
            )
            results = {}
            for index, (kind, forms) in enumerate(batches.items()):
                offset = 1000 * (index + 1)
                head, rest = forms[0], forms[1:]
                sql = queries_of(lambda: one_post(client, head, offset, expected[kind]))  # noqa: B023
                half = len(rest) // 2
                cpu = measure(client, rest[:half], expected=expected[kind], offset=offset + 1)
                third = half // 3
                backend = backend_share(
                    client, rest[half : half + third], expected=expected[kind], offset=offset + 500
                )
                profiler = cProfile.Profile()
                profiler.enable()
                measure(
                    client, rest[half + third :], expected=expected[kind], offset=offset + 1 + half
                )
                profiler.disable()
                results[kind] = (statistics.median(cpu), len(sql), backend)
                also = "" if backend is None else f", PostgreSQL backend {backend:.2f} ms"
                print(
                    f"\n=== {kind} ({expected[kind]}): {statistics.median(cpu):.2f} ms CPU a"
                    f" request (p90 {statistics.quantiles(cpu, n=10)[-1]:.2f}){also},"
                    f" {len(sql)} queries"
                )
                if args.sql:
                    for query in sql:
                        print(f"  {query[:160]}")
                out = io.StringIO()
                stats = pstats.Stats(profiler, stream=out)
                stats.sort_stats(args.sort).print_stats(args.top)
                print(out.getvalue().split("\n", 6)[-1].rstrip())
            print("\nsummary (median CPU a request; queries):")
            print(f"  floor /bench/ok/: {statistics.median(floor):.2f} ms; {len(floor_queries)}")
            print(f"  GET /register/: {statistics.median(page):.2f} ms; {len(page_queries)}")
            for kind, (cpu_ms, count, backend) in results.items():
                also = "" if backend is None else f" + PostgreSQL backend {backend:.2f} ms"
                print(f"  {kind}: {cpu_ms:.2f} ms{also}; {count}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
