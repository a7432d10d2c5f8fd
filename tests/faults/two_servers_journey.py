"""A subscriber's journey across two `kabinet serve` instances that share one database and one
Redis: signed in on one, the cabinet and a reading submitted on the other; failed Check
attempts on both count against one limit. Run by .ci/checks/multiprocess.sh:

    python tests/faults/two_servers_journey.py http://127.0.0.1:PORT_A http://127.0.0.1:PORT_B

with the servers' environment (DATABASE_URL, KABINET_REDIS_URL, KABINET_SECRET_KEY, ...).
Exits non-zero on the first step that does not hold.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import sys
import urllib.error
import urllib.parse
import urllib.request
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.load_support import django_setup, subscriber_value, subscribers_create

PASSWORD = "Journey-across-two-servers-7"
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


class Browser:
    """Cookies shared between both servers, as a browser shares them for one host."""

    def __init__(self) -> None:
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )

    def request(self, url: str, data: dict | None = None) -> tuple[int, str, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        # Only the two servers' http:// addresses given on the command line are opened.
        request = urllib.request.Request(  # noqa: S310
            url, data=body, headers={"Accept-Language": "en"}
        )
        try:
            with self.opener.open(request, timeout=30) as response:
                location = response.headers.get("Location", "")
                return response.status, location, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Location", ""), error.read().decode()

    def csrf(self, url: str) -> str:
        status, _, page = self.request(url)
        found = CSRF_FIELD.search(page)
        check(status == 200 and found is not None, f"GET {url} gives a form ({status})")
        assert found is not None
        return found.group(1)


def check(condition: bool, step: str) -> None:
    print(("ok   " if condition else "FAIL ") + step, flush=True)
    if not condition:
        sys.exit(1)


def main(server_a: str, server_b: str) -> None:
    django_setup(dict(os.environ))
    from allauth.account.models import EmailAddress
    from django.conf import settings
    from django.core.cache import cache
    from django.utils import timezone

    from kabinet.metering.models import Reading
    from kabinet.subscribers.check import THROTTLE_BY_ADDRESS, _throttle_key
    from kabinet.subscribers.models import User

    print(f"sessions: {settings.SESSION_ENGINE}; cache: {settings.CACHES['default']['BACKEND']}")
    today = timezone.localdate()
    subscriber = subscribers_create(count=1, today=today)[0]
    user = User.objects.get(pk=subscriber.user_id)
    user.set_password(PASSWORD)
    user.save()
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)

    browser = Browser()
    token = browser.csrf(f"{server_a}/login/")
    status, location, _ = browser.request(
        f"{server_a}/login/",
        {"login": user.username, "password": PASSWORD, "csrfmiddlewaretoken": token},
    )
    check(status == 302 and "/login/" not in location, f"signed in on A ({status} -> {location})")

    status, _, _ = browser.request(f"{server_b}/cabinet/")
    check(status == 200, f"the cabinet opens on B, signed in ({status})")

    account_page = f"{server_b}/cabinet/accounts/{subscriber.account_id}/"
    token = browser.csrf(account_page)
    value = Decimal(subscriber_value() + 90)
    status, location, _ = browser.request(
        f"{server_b}/cabinet/accounts/{subscriber.account_id}/readings/",
        {
            "meter": subscriber.meter_serial,
            "value": str(value),
            "date": today.isoformat(),
            "csrfmiddlewaretoken": token,
        },
    )
    check(status == 302 and "/login/" not in location, f"a reading submitted on B ({status})")
    stored = Reading.objects.filter(meter_id=subscriber.meter_id, reading_date=today).first()
    check(
        stored is not None and stored.value == value and stored.submitted_by_id == user.pk,
        "the reading is stored, by the subscriber signed in on A",
    )

    # Failed Check attempts from one address, alternately on A and B, each with another
    # number (so that only the per-address limit counts): the counter is one, in Redis.
    stranger = Browser()
    limit = THROTTLE_BY_ADDRESS.limit
    for attempt in range(limit):
        server = server_a if attempt % 2 == 0 else server_b
        token = stranger.csrf(f"{server}/register/")
        status, _, page = stranger.request(
            f"{server}/register/",
            {
                "account": f"99{attempt:08d}",
                "street": "Нема такої",
                "house": "1",
                "surname": "Ніхто",
                "csrfmiddlewaretoken": token,
                "provider": str(user.account_links.get().account.provider_id),
            },
        )
        check(status == 200 and "No account matches" in page, f"Check attempt {attempt + 1} fails")
    key, _ = _throttle_key(THROTTLE_BY_ADDRESS, "127.0.0.1", timezone.now())
    check(cache.get(key) == limit, f"{limit} failures counted in one shared counter")
    token = stranger.csrf(f"{server_b}/register/")
    status, _, page = stranger.request(
        f"{server_b}/register/",
        {"account": "1", "street": "x", "house": "1", "surname": "x", "csrfmiddlewaretoken": token},
    )
    check("Too many unsuccessful attempts" in page, "the next attempt is refused on either one")


if __name__ == "__main__":
    main(*sys.argv[1:3])
