"""Journeys against a running `kabinet serve`, for the operations checks in .ci/checks/ops_*.sh.

    python tests/ops/journeys.py subscriber              make a subscriber, print it as JSON
    python tests/ops/journeys.py journey URL JSON        sign in, balance, reading, API
    python tests/ops/journeys.py opens URL LOGIN PATH    sign in (OPS_PASSWORD), open PATH
    python tests/ops/journeys.py writes SECONDS          keep writing to the database
    python tests/ops/journeys.py get URL [TOKEN]         print a page's status and body

with the server's environment (DATABASE_URL, KABINET_SECRET_KEY, ...); passwords come from
the environment (OPS_PASSWORD), never from the command line. Exits non-zero on the first step
that does not hold.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import sys
import time
import urllib.error
import urllib.request
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.load_support import django_setup, subscriber_value, subscribers_create
from tests.faults.two_servers_journey import Browser, check


def subscriber() -> None:
    """A subscriber who signs in with a password, with a debt on their account and a token."""
    django_setup(dict(os.environ))
    from allauth.account.models import EmailAddress
    from django.utils import timezone

    from kabinet.api.tokens import api_token_create
    from kabinet.billing.models import LedgerEntry
    from kabinet.subscribers.models import User

    today = timezone.localdate()
    made = subscribers_create(count=1, today=today)[0]
    user = User.objects.get(pk=made.user_id)
    password = "Ops-journey-" + secrets.token_hex(6)
    user.set_password(password)
    user.save()
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    LedgerEntry.objects.create(
        account_id=made.account_id,
        period=today.replace(day=1) - dt.timedelta(days=1),
        kind="charge",
        amount=Decimal("123.45"),
    )
    _, token = api_token_create(user=user, name="ops check", kind="subscriber", now=timezone.now())
    print(
        json.dumps(
            {
                "username": user.username,
                "password": password,
                "account_id": made.account_id,
                "meter_serial": made.meter_serial,
                "value": subscriber_value() + 90,
                "api_token": token,
            }
        )
    )


def sign_in(browser: Browser, base: str, login: str, password: str) -> None:
    token = browser.csrf(f"{base}/login/")
    status, location, _ = browser.request(
        f"{base}/login/", {"login": login, "password": password, "csrfmiddlewaretoken": token}
    )
    check(
        status == 302 and "/login/" not in location and "confirm" not in location,
        f"{login} signs in ({status} -> {location})",
    )


def journey(base: str, facts_json: str) -> None:
    facts = json.loads(facts_json)
    browser = Browser()
    sign_in(browser, base, facts["username"], facts["password"])
    status, _, page = browser.request(f"{base}/cabinet/")
    check(
        status == 200 and "Debt" in page and "123" in page, f"the cabinet shows the debt ({status})"
    )
    account_page = f"{base}/cabinet/accounts/{facts['account_id']}/"
    token = browser.csrf(account_page)
    value = facts["value"] + int(time.time()) % 50
    status, location, _ = browser.request(
        f"{base}/cabinet/accounts/{facts['account_id']}/readings/",
        {
            "meter": facts["meter_serial"],
            "value": str(value),
            "date": dt.date.today().isoformat(),
            "csrfmiddlewaretoken": token,
        },
    )
    check(
        status == 302 and "/login/" not in location, f"a reading of {value} is submitted ({status})"
    )
    status, _, page = browser.request(account_page)
    check(
        status == 200 and str(value) in page.replace("\u00a0", "").replace(" ", ""),
        "the account page shows the reading",
    )
    request = urllib.request.Request(  # noqa: S310 (the check's own server)
        f"{base}/api/v1/accounts/", headers={"Authorization": f"Bearer {facts['api_token']}"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        accounts = json.load(response)
    check(response.status == 200 and accounts["count"] == 1, "the API answers with the token")


def opens(base: str, login: str, path: str) -> None:
    browser = Browser()
    sign_in(browser, base, login, os.environ["OPS_PASSWORD"])
    status, _, _ = browser.request(f"{base}{path}")
    check(status == 200, f"{login} opens {path} ({status})")


def writes(seconds: float) -> None:
    """Readings and audit entries written in a loop, as a busy portal writes them."""
    django_setup(dict(os.environ))
    from django.utils import timezone

    from kabinet.metering.models import Meter, Reading

    meters = list(Meter.objects.order_by("pk")[:50])
    deadline = time.monotonic() + seconds
    day = dt.date(2000, 1, 1)
    written = 0
    while time.monotonic() < deadline:
        Reading.objects.bulk_create(
            Reading(
                meter=m,
                reading_date=day,
                value=Decimal(written % 999),
                source="portal",
                submitted_at=timezone.now(),
            )
            for m in meters
        )
        written += len(meters)
        day += dt.timedelta(days=1)
    print(f"{written} readings written in {seconds:g} s", flush=True)


def get(url: str, token: str = "") -> None:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    request = urllib.request.Request(url, headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            status, body = response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read().decode()
    print(status)
    print(body)


if __name__ == "__main__":
    command, *arguments = sys.argv[1:]
    {
        "subscriber": subscriber,
        "journey": journey,
        "opens": opens,
        "writes": lambda seconds: writes(float(seconds)),
        "get": get,
    }[command](*arguments)
