"""Back-office pages and the API's account list on a demo town.

    .venv/bin/python -m bench.backoffice_pages [--accounts 3000] [--requests 50]

Builds a fresh SQLite database with `kabinet seed_demo --accounts N` (three providers, a year of
readings and ledger), makes an operator of every provider, puts 60 readings under review and
writes 300 audit entries and 100 import runs. Then renders each back-office page through
Django's test Client `--requests` times after a warm-up and reports the server time (the whole
Django stack, no network) at p50 and p95 with the page's query count, and the same for
`GET /api/v1/accounts/` with a subscriber's token.

Floor: `/bench/ok-signed-in/` (a bare view behind the same middleware, with the session and
user loaded), measured the same way in the same run. Goal: p95 under 200 ms for every page.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from bench import Figure, quick, record
from bench.account_page import configure, measure, percentile

BENCHMARK = "backoffice"
GOAL_MS = 200.0


def build(*, accounts: int):
    """Seed the town and the operator's history; return (operator, subscriber, token)."""
    from django.core.management import call_command
    from django.utils import timezone

    from kabinet.api.tokens import api_token_create
    from kabinet.audit.services import audit_record
    from kabinet.backoffice.models import ImportRun
    from kabinet.metering.models import Reading
    from kabinet.providers.models import Provider
    from kabinet.subscribers.models import AccountLink, User

    call_command("createcachetable", verbosity=0)
    call_command("seed_demo", accounts=accounts, verbosity=0)
    operator = User.objects.create_user(username="bench-operator", password="x", is_staff=True)  # noqa: S106
    providers = list(Provider.objects.all())
    for provider in providers:
        provider.operators.add(operator)
    ids = list(Reading.objects.order_by("-reading_date").values_list("pk", flat=True)[:60])
    Reading.objects.filter(pk__in=ids).update(status="review")
    now = timezone.now()
    for index in range(300):
        audit_record(
            at=now,
            actor=operator,
            action="provider.settings_changed",
            target=providers[index % len(providers)],
            provider=providers[index % len(providers)],
            before={"read_to": 25},
            after={"read_to": 26},
        )
    ImportRun.objects.bulk_create(
        ImportRun(
            created_at=now,
            actor=operator,
            provider=providers[index % len(providers)],
            file_names=["accounts.csv", "ledger.csv"],
            status="done",
            counts={"ledger": {"inserted": index, "updated": 0, "unchanged": 0}},
        )
        for index in range(100)
    )
    subscriber = User.objects.get(pk=AccountLink.objects.values("user_id").first()["user_id"])
    _token, secret = api_token_create(user=subscriber, name="bench", kind="subscriber", now=now)
    return operator, secret


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.backoffice_pages")
    parser.add_argument("--accounts", type=int, default=300 if quick() else 3000)
    parser.add_argument("--requests", type=int, default=10 if quick() else 50)
    args = parser.parse_args(argv)
    os.environ.setdefault("KABINET_API_TOKEN_RATE", "1000000/min")
    os.environ.setdefault("KABINET_API_CLIENT_RATE", "1000000/min")

    with tempfile.TemporaryDirectory(prefix="kabinet-bench-backoffice-") as tmp:
        folder = Path(tmp)
        configure(f"sqlite:///{folder / 'bench.sqlite3'}", folder)
        from django.test import Client

        started = time.perf_counter()
        operator, secret = build(accounts=args.accounts)
        print(
            f"built a town of {args.accounts} accounts in {time.perf_counter() - started:.1f} s",
            flush=True,
        )
        client = Client(HTTP_ACCEPT_LANGUAGE="uk")
        client.force_login(operator)
        api = Client(HTTP_ACCEPT_LANGUAGE="uk", HTTP_AUTHORIZATION=f"Bearer {secret}")
        pages = {
            "dashboard": "/backoffice/",
            "review queue": "/backoffice/review/",
            "import history": "/backoffice/imports/",
            "account search (surname)": "/backoffice/accounts/?q=Коваленко",
            "streets": "/backoffice/streets/",
            "audit log": "/backoffice/audit/",
        }
        floor = measure(client, "/bench/ok-signed-in/", requests=args.requests, warmup=5)
        results = {
            name: measure(client, url, requests=args.requests, warmup=3)
            for name, url in pages.items()
        }
        results["API accounts list"] = measure(
            api, "/api/v1/accounts/", requests=args.requests, warmup=3
        )

    floor_p95 = percentile(floor["wall"], 0.95)
    figures = []
    for name, result in results.items():
        p95 = percentile(result["wall"], 0.95)
        figures.append(
            Figure(
                benchmark=BENCHMARK,
                name=f"{name} p95",
                value=round(p95, 2),
                unit="ms",
                floor=round(floor_p95, 2),
                floor_name="/bench/ok-signed-in/ p95",
                goal=round(floor_p95 / GOAL_MS, 4),
                higher_is_better=False,
                note=f"{result['queries']} queries, p50 {percentile(result['wall'], 0.5):.1f} ms",
                extra={
                    "accounts": args.accounts,
                    "queries": result["queries"],
                    "bytes": result["bytes"],
                    "mean_ms": round(statistics.fmean(result["wall"]), 2),
                    "load_average": [round(x, 2) for x in os.getloadavg()],
                },
            )
        )
    record(*figures)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
