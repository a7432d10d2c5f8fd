"""Account pages benchmark: the cabinet, an account with ten years of history, its statement.

    .venv/bin/python -m bench.account_page [--requests 200] [--accounts 5] [--years 10]
                                           [--db sqlite|postgres]

Builds a fresh database (SQLite in a temporary folder, or a PostgreSQL database of its own),
with one subscriber holding `--accounts` accounts, each with `--years` of monthly ledger rows
(opening balance, charge, benefit or subsidy now and then, payment) and two meters read every
month. Then it renders each page through Django's test Client `--requests` times, after a
warm-up, and reports the server time (the whole Django stack: middleware, view, queries,
template; no network, no HTTP parsing) at p50 and p95 with the page's query count.

Floor: `/bench/ok/` (a bare view behind the same middleware), measured the same way in the
same run. Goal (issue 5): p95 under 50 ms for the account page and the cabinet.
Figures go to bench/results/ (see bench/__init__.py).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from bench import Figure, quick, record
from bench.load_support import django_in_process, scratch_database

BENCHMARK = "account_page"
GOAL_MS = 50.0


def build(*, accounts: int, years: int):
    """Create the subscriber, the accounts and their history; return (user, account ids)."""
    from django.utils import timezone

    from kabinet.addresses.models import Street
    from kabinet.addresses.normalize import fold_apartment, fold_house, fold_name
    from kabinet.billing.models import Account, LedgerEntry
    from kabinet.metering.models import Meter, Reading
    from kabinet.periods import add_months
    from kabinet.providers.models import Provider
    from kabinet.subscribers.models import AccountLink, User

    provider = Provider.objects.create(
        code="vodokanal", name="КП «Водоканал»", service="cold_water", read_from=1, read_to=25
    )
    street = Street.objects.create(
        provider=provider, street_id="0001", type="просп.", name="Богдана Хмельницького"
    )
    user = User.objects.create_user(username="bench", email="bench@example.com", password="x")  # noqa: S106
    today = timezone.localdate()
    last = add_months(today.replace(day=1), -1)
    ids = []
    for index in range(accounts):
        account = Account.objects.create(
            provider=provider,
            number=f"00{index:05d}",
            street=street,
            house="12",
            house_key=fold_house("12"),
            korpus="3",
            korpus_key="3",
            apartment=str(index + 1),
            apartment_key=fold_apartment(str(index + 1)),
            surname="Коваленко",
            surname_key=fold_name("Коваленко"),
            name="Олена",
        )
        AccountLink.objects.create(user=user, account=account, linked_at=timezone.now())
        ids.append(account.pk)
        cold = Meter.objects.create(account=account, serial=f"В-{index}", service="cold_water")
        hot = Meter.objects.create(account=account, serial=f"Г-{index}", service="hot_water")
        rows, readings = [], []
        opening = Decimal("215.40")
        value_cold, value_hot = Decimal("100.000"), Decimal("50.000")
        for back in range(years * 12 - 1, -1, -1):
            period = add_months(last, -back)
            volume = Decimal(8 + back % 5)
            charge = (volume * Decimal("40.72")).quantize(Decimal("0.01"))
            hot_charge = (volume / 2 * Decimal("98.50")).quantize(Decimal("0.01"))
            rows += [
                LedgerEntry(account=account, period=period, kind="balance", amount=opening),
                LedgerEntry(
                    account=account,
                    period=period,
                    kind="charge",
                    service="cold_water",
                    amount=charge,
                    volume=volume,
                    tariff=Decimal("40.72"),
                    position=1,
                ),
                LedgerEntry(
                    account=account,
                    period=period,
                    kind="charge",
                    service="hot_water",
                    amount=hot_charge,
                    volume=volume / 2,
                    tariff=Decimal("98.50"),
                    position=2,
                ),
                LedgerEntry(
                    account=account,
                    period=period,
                    kind="benefit",
                    service="cold_water",
                    amount=Decimal("25.00"),
                    note="Пільга ветерана праці 25%",
                    position=3,
                ),
                LedgerEntry(
                    account=account,
                    period=period,
                    kind="payment",
                    amount=Decimal("600.00"),
                    payment_date=period.replace(day=14),
                    note="Приватбанк",
                    position=4,
                ),
            ]
            opening = opening + charge + hot_charge - Decimal("625.00")
            value_cold += volume
            value_hot += volume / 2
            day = period.replace(day=20)
            readings += [
                Reading(meter=cold, reading_date=day, value=value_cold, source="controller"),
                Reading(meter=hot, reading_date=day, value=value_hot, source="controller"),
            ]
        LedgerEntry.objects.bulk_create(rows, batch_size=2000)
        Reading.objects.bulk_create(readings, batch_size=2000)
    return user, ids, last


def measure(client, url: str, *, requests: int, warmup: int) -> dict:
    """Wall and CPU milliseconds of each request, the page's query count and size in bytes."""
    from django.db import connection

    for _ in range(warmup):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get(url)
    size = len(response.content)
    wall, cpu = [], []
    for _ in range(requests):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        cpu.append((time.process_time() - started_cpu) * 1000)
        wall.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return {"wall": wall, "cpu": cpu, "queries": len(queries), "bytes": size}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.account_page")
    parser.add_argument("--requests", type=int, default=30 if quick() else 200)
    parser.add_argument("--accounts", type=int, default=5)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        # `python -m bench` runs this module with its own `--child account_page` still in argv.
        argv = argv[2:]
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="kabinet-bench-account-") as tmp:
        folder = Path(tmp)
        with scratch_database(args.db, folder, "kabinet_bench_account_page") as url:
            django_in_process(url, folder)
            from django.test import Client
            from django.utils import translation

            from kabinet.periods import format_period

            started = time.perf_counter()
            user, ids, last = build(accounts=args.accounts, years=args.years)
            print(
                f"built {args.accounts} accounts x {args.years} years in "
                f"{time.perf_counter() - started:.1f} s ({args.db})",
                flush=True,
            )
            client = Client(HTTP_ACCEPT_LANGUAGE="uk")
            client.force_login(user)
            pages = {
                "floor /bench/ok/": "/bench/ok/",
                f"cabinet, {args.accounts} accounts": "/cabinet/",
                f"account page, {args.years} years": f"/cabinet/accounts/{ids[0]}/",
                "statement page": f"/cabinet/accounts/{ids[0]}/statement/{format_period(last)}/",
                "statement PDF": f"/cabinet/accounts/{ids[0]}/statement/{format_period(last)}.pdf",
            }
            results = {}
            for name, page_url in pages.items():
                requests = args.requests if "PDF" not in name else max(10, args.requests // 5)
                results[name] = measure(
                    client, page_url, requests=requests, warmup=min(10, requests)
                )
            translation.deactivate()

        floor = results.pop("floor /bench/ok/")
        figures = []
        for name, result in results.items():
            judged = "statement" not in name
            extra = {
                "queries": result["queries"],
                "bytes": result["bytes"],
                "requests": len(result["wall"]),
                "mean_ms": round(statistics.fmean(result["wall"]), 2),
                "cpu_p50_ms": round(percentile(result["cpu"], 0.5), 2),
                "cpu_p95_ms": round(percentile(result["cpu"], 0.95), 2),
                "db": args.db,
                "accounts": args.accounts,
                "years": args.years,
                "load_average": [round(x, 2) for x in os.getloadavg()],
            }
            for share, label in ((0.5, "p50"), (0.95, "p95")):
                value = percentile(result["wall"], share)
                note = f"{result['queries']} queries"
                if label == "p95":
                    cpu = extra["cpu_p95_ms"]
                    note += f"; cpu {cpu:.1f} ms"
                    if judged:
                        verdict = "meets" if value < GOAL_MS else "MISSES"
                        note += f"; goal < {GOAL_MS:.0f} ms: {verdict}"
                figures.append(
                    Figure(
                        benchmark=BENCHMARK,
                        name=f"{name} {label}",
                        value=round(value, 2),
                        unit="ms",
                        floor=round(percentile(floor["wall"], share), 3),
                        floor_name="/bench/ok/",
                        higher_is_better=False,
                        note=note,
                        extra=extra,
                    )
                )
        record(*figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
