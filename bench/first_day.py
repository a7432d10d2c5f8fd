"""The first day of the reading window on one machine, in the production configuration.

`kabinet serve` (gunicorn, 2 x cores + 1 sync workers), PostgreSQL, and a Redis of the
benchmark's own (`redis-server --save ''` on a port of its own) for the cache, the sessions
(`KABINET_SESSIONS=cached_db`) and every rate limit; the client's address from
`X-Forwarded-For` (`KABINET_TRUSTED_PROXY_COUNT=1`, as behind a load balancer), each
subscriber another address.

A visit, as a subscriber makes it on the first day (docs/performance.md, "The first day"):
the sign-in page, the sign-in (an Argon2id check), the cabinet, the account page, a reading
through its form and the account page with the answer; for 40% of visitors a second account
(water) the same way. 85% of visitors sign in; 15% come with a session still open from
earlier in the day. Driven by KABINET_BENCH_MIX_CLIENTS (24) threads in this process, each
visiting as another subscriber until the phase's time is up.

Phases, each KABINET_BENCH_DURATION seconds (20; quick 6), one after another on the same
server:

1. the bare view (wrk, the floor of the run) and the sign-in alone (wrk: POST /login/, every
   request another subscriber from another address);
2. the mix alone;
3. the mix with a flood beside it: wrong passwords for one login and failed Check attempts
   from one address, as fast as two threads can send them;
4. the mix while the Redis is stopped for KABINET_BENCH_REDIS_DOWN seconds (3) and started
   again, empty.

Figures: visits (= subscribers served) an hour, measured and from server CPU (gunicorn
workers + PostgreSQL backends + Redis), against the Naftogaz first-day peak hour at 123 and
at 260 submissions a second; sign-ins a second and the CPU of one; how much the flood slowed
the others; 5xx answers and acknowledged readings lost during the Redis restart; the RSS of
each gunicorn worker after the mix.
"""

from __future__ import annotations

import datetime as dt
import http.client
import itertools
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlencode

from bench import Figure, record
from bench.load_support import (
    PrivateRedis,
    ServerCpu,
    Subscriber,
    db_name,
    django_setup,
    env_int,
    kabinet_env,
    lua_string,
    migrate,
    pg_database,
    serve,
    subscriber_value,
    subscribers_create,
    wrk,
    wrk_measured,
)

NAME = "first-day"
PASSWORD = "зелений чайник співає о сьомій"  # noqa: S105 (the benchmark's subscribers')
CSRF = "benchcsrf0123456789abcdefghijklm"  # 32 characters, as Django makes them
SIGN_IN_SHARE = float(os.environ.get("KABINET_BENCH_MIX_SIGN_IN", "0.85"))
TWO_READINGS_SHARE = float(os.environ.get("KABINET_BENCH_MIX_TWO", "0.4"))
PEAKS = (123.0, 260.0)
WATER_LAST = 1099  # the water meters' last reading, a month ago
# Connections of each flood (wrong passwords, failed Checks), each sending as fast as it is
# answered.
FLOOD_THREADS = int(os.environ.get("KABINET_BENCH_FLOOD_THREADS", "4"))


@dataclass
class Visitor:
    subscriber: Subscriber
    username: str
    address: str
    signed_in: bool  # arrives with a session (no sign-in)
    water: tuple[int, str] | None = None  # (account id, meter serial) of a second account


@dataclass
class MixResult:
    visits: int = 0
    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    errors: int = 0
    unexpected: list[str] = field(default_factory=list)
    acknowledged: list[tuple[str, dt.date, Decimal]] = field(default_factory=list)
    sign_ins: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, status: int, ms: float) -> None:
        with self.lock:
            self.statuses[status] = self.statuses.get(status, 0) + 1
            self.latencies_ms.append(ms)

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500) + self.errors

    def percentile(self, p: float) -> float:
        if not self.latencies_ms:
            return 0.0
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def population(count: int, today: dt.date) -> list[Visitor]:
    """Subscribers as `load_submissions` makes them, with a password (one Argon2id hash for
    all: hashing each would take minutes), a confirmed address, and for some a second account
    at a water utility with its own meter and a year of readings."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from kabinet.addresses.models import Street
    from kabinet.billing.models import Account
    from kabinet.metering.models import Meter, Reading
    from kabinet.providers.models import Provider
    from kabinet.subscribers.models import AccountLink, User

    rng = random.Random(12)
    subscribers = subscribers_create(count=count, today=today)
    encoded = make_password(PASSWORD)
    now = timezone.now()
    with transaction.atomic():
        users = {u.pk: u for u in User.objects.filter(pk__in=[s.user_id for s in subscribers])}
        User.objects.filter(pk__in=list(users)).update(password=encoded)
        EmailAddress.objects.bulk_create(
            EmailAddress(user_id=pk, email=u.email, verified=True, primary=True)
            for pk, u in users.items()
        )
        water, _ = Provider.objects.get_or_create(
            code="vodokanal",
            defaults={
                "name": "Водоканал",
                "service": "cold_water",
                "read_from": 1,
                "read_to": 31,
            },
        )
        street = Street.objects.create(
            provider=water, street_id=f"bench-w-{rng.randrange(10**6)}", type="вул.", name="Лісова"
        )
        chosen = [s for s in subscribers if rng.random() < TWO_READINGS_SHARE]
        accounts = Account.objects.bulk_create(
            Account(
                provider=water,
                number=f"W{s.account_id:08d}",
                street=street,
                house="1",
                house_key="1",
                apartment=str(i),
                apartment_key=str(i),
                surname="Коваленко",
                surname_key="коваленко",
                opened_date=dt.date(2015, 1, 1),
            )
            for i, s in enumerate(chosen)
        )
        meters = Meter.objects.bulk_create(
            Meter(
                account=account,
                serial=f"W{s.meter_id:08d}",
                service="cold_water",
                digits=5,
                decimals=3,
                initial=Decimal(0),
            )
            for s, account in zip(chosen, accounts, strict=True)
        )
        Reading.objects.bulk_create(
            (
                Reading(
                    meter=meter,
                    reading_date=today - dt.timedelta(days=30 * k),
                    # About 9 m³ of cold water a month (a household's), not gas's 90.
                    value=Decimal(WATER_LAST - 9 * (k - 1)),
                    source="controller",
                )
                for meter in meters
                for k in range(1, 13)
            ),
            batch_size=5000,
        )
        AccountLink.objects.bulk_create(
            AccountLink(user_id=s.user_id, account=account, linked_at=now)
            for s, account in zip(chosen, accounts, strict=True)
        )
    # Sessions for those who arrive signed in, made after the password (a session carries a
    # hash of it, and the one subscribers_create made no longer matches).
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    engine = import_module(settings.SESSION_ENGINE)
    arrives_signed_in = {s.user_id for s in subscribers if rng.random() >= SIGN_IN_SHARE}
    for s in subscribers:
        if s.user_id in arrives_signed_in:
            store = engine.SessionStore()
            store.update(
                {
                    SESSION_KEY: str(s.user_id),
                    BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
                    HASH_SESSION_KEY: User(pk=s.user_id, password=encoded).get_session_auth_hash(),
                }
            )
            store.create()
            s.session_key = store.session_key or ""
    second = {
        s.user_id: (account.pk, meter.serial)
        for s, account, meter in zip(chosen, accounts, meters, strict=True)
    }
    return [
        Visitor(
            subscriber=s,
            username=users[s.user_id].username,
            address=f"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}",
            signed_in=s.user_id in arrives_signed_in,
            water=second.get(s.user_id),
        )
        for i, s in enumerate(subscribers, start=1)
    ]


class Browser:
    """One subscriber's connection: cookies, X-Forwarded-For, keep-alive."""

    def __init__(self, port: int, visitor: Visitor, result: MixResult) -> None:
        self.port = port
        self.visitor = visitor
        self.result = result
        self.cookies = {"csrftoken": CSRF}
        if visitor.signed_in:
            self.cookies["sessionid"] = visitor.subscriber.session_key
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.body = b""

    def request(self, method: str, path: str, form: dict | None = None):
        headers = {
            "Host": "127.0.0.1",
            "X-Forwarded-For": self.visitor.address,
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }
        body = None
        if form is not None:
            # The token of the cookie (Django rotates it at sign-in, as the page would show).
            body = urlencode({**form, "csrfmiddlewaretoken": self.cookies["csrftoken"]})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.monotonic()
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            self.body = response.read()
        except (OSError, http.client.HTTPException):
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            with self.result.lock:
                self.result.errors += 1
            return 0, ""
        self.result.count(response.status, 1000 * (time.monotonic() - started))
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, response.getheader("Location") or ""

    def expect(self, what: str, status: int, got: tuple[int, str], where: str = "") -> bool:
        if got[0] == status and where in got[1]:
            return True
        with self.result.lock:
            if len(self.result.unexpected) < 20:
                # The form's first error, when a page came back instead of a redirect.
                text = self.body.decode(errors="replace")
                at = text.find("error")
                snippet = " ".join(text[at : at + 300].split()) if at >= 0 else ""
                self.result.unexpected.append(f"{what}: {got} {snippet}")
        return False

    def submit(self, account_id: int, serial: str, value: Decimal, today: dt.date) -> None:
        page = f"/cabinet/accounts/{account_id}/"
        self.expect("account page", 200, self.request("GET", page))
        answer = self.request(
            "POST",
            f"{page}readings/",
            {"meter": serial, "value": str(value), "date": today.isoformat()},
        )
        if self.expect("reading", 302, answer, page):
            with self.result.lock:
                self.result.acknowledged.append((serial, today, value))
            self.expect("answer", 200, self.request("GET", answer[1]))

    def visit(self, today: dt.date) -> None:
        v = self.visitor
        if not v.signed_in:
            self.expect("sign-in page", 200, self.request("GET", "/login/"))
            answer = self.request("POST", "/login/", {"login": v.username, "password": PASSWORD})
            if not self.expect("sign-in", 302, answer, "/cabinet/"):
                return
            with self.result.lock:
                self.result.sign_ins += 1
        self.expect("cabinet", 200, self.request("GET", "/cabinet/"))
        value = Decimal(subscriber_value() + 90) + Decimal("0.5")
        self.submit(v.subscriber.account_id, v.subscriber.meter_serial, value, today)
        if v.water:
            self.submit(v.water[0], v.water[1], Decimal(WATER_LAST + 9) + Decimal("0.5"), today)
        self.connection.close()
        with self.result.lock:
            self.result.visits += 1


def mix(
    port: int,
    visitors: itertools.count,
    pool: list[Visitor],
    *,
    clients: int,
    seconds: float,
    today: dt.date,
    during=None,
) -> MixResult:
    """`clients` threads visiting, each visit the next unused subscriber, for `seconds`."""
    result = MixResult()
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def run() -> None:
        while time.monotonic() < deadline:
            with lock:
                index = next(visitors)
            if index >= len(pool):
                return
            Browser(port, pool[index], result).visit(today)

    started = time.monotonic()
    threads = [threading.Thread(target=run) for _ in range(clients)]
    for thread in threads:
        thread.start()
    if during is not None:
        during()
    for thread in threads:
        thread.join()
    result.seconds = time.monotonic() - started
    return result


def flood(port: int, stop: threading.Event, counts: dict[str, dict[int, int]], victim: str) -> list:
    """FLOOD_THREADS connections sending wrong passwords for one login from one address, as
    many sending failed Checks from another; each as fast as the server answers it."""

    def send(kind: str, path: str, form: dict, address: str) -> None:
        tally = counts.setdefault(kind, {})
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while not stop.is_set():
            try:
                connection.request(
                    "POST",
                    path,
                    body=urlencode({**form, "csrfmiddlewaretoken": CSRF}),
                    headers={
                        "Host": "127.0.0.1",
                        "X-Forwarded-For": address,
                        "Cookie": f"csrftoken={CSRF}",
                        "Content-Type": "application/x-www-form-urlencoded",
                        "Accept-Language": "en",
                    },
                )
                response = connection.getresponse()
                body = response.read()
                # Refused by a limit (allauth's, the Check step's: "Too many ...") or checked.
                outcome = "refused" if b"Too many" in body else response.status
                tally[outcome] = tally.get(outcome, 0) + 1
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                tally[0] = tally.get(0, 0) + 1

    check = {
        "provider": "1",
        "account": "9999999",
        "street": "Лісова",
        "house": "1",
        "apartment": "1",
        "surname": "Нема",
    }
    wrong_password = {"login": victim, "password": "guess"}
    threads = [
        threading.Thread(
            target=send, args=("wrong password", "/login/", wrong_password, "10.250.0.1")
        )
        for _ in range(FLOOD_THREADS)
    ] + [
        threading.Thread(target=send, args=("failed Check", "/register/", check, "10.250.0.2"))
        for _ in range(FLOOD_THREADS)
    ]
    for thread in threads:
        thread.start()
    return threads


def refused_share(tally: dict, text: str) -> str:
    total = sum(tally.values())
    others = {k: n for k, n in tally.items() if k != "refused"}
    return f"{text}: {total} posts, {tally.get('refused', 0)} refused by a limit, others {others}"


def sign_in_lua(visitors: list[Visitor]) -> str:
    rows = ",\n".join(f"{{{lua_string(v.username)}, {lua_string(v.address)}}}" for v in visitors)
    body = urlencode({"password": PASSWORD, "csrfmiddlewaretoken": CSRF})
    return f"""
users = {{
{rows}
}}
function init(args)
  step = 0
end
function request()
  local u = users[(step * 2 + thread_id) % #users + 1]
  step = step + 1
  return wrk.format("POST", "/login/", {{
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "csrftoken={CSRF}",
    ["X-Forwarded-For"] = u[2],
    ["Host"] = "127.0.0.1",
  }}, "login=" .. u[1] .. "&{body}")
end
"""


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def stored(acknowledged: list[tuple[str, dt.date, Decimal]]) -> tuple[int, int]:
    """Of the acknowledged readings: how many are not stored with their value, and how many
    (meter, day) pairs hold more than one reading."""
    from django.db.models import Count

    from kabinet.metering.models import Reading

    serials = {serial for serial, _, _ in acknowledged}
    rows = Reading.objects.filter(meter__serial__in=serials, source="portal").values_list(
        "meter__serial", "reading_date", "value"
    )
    have = {(serial, day): value for serial, day, value in rows}
    lost = sum(1 for serial, day, value in acknowledged if have.get((serial, day)) != value)
    twice = (
        Reading.objects.filter(meter__serial__in=serials, source="portal")
        .values("meter_id", "reading_date", "zone")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    return lost, twice


def main() -> int:
    duration = env_int("KABINET_BENCH_DURATION", 20, quick=6)
    workers = env_int("KABINET_BENCH_WORKERS", 2 * (os.cpu_count() or 1) + 1)
    clients = env_int("KABINET_BENCH_MIX_CLIENTS", 24)
    count = env_int("KABINET_BENCH_MIX_SUBSCRIBERS", 12000, quick=3000)
    down = float(os.environ.get("KABINET_BENCH_REDIS_DOWN", "3"))
    cores = os.cpu_count() or 1
    database = db_name(f"first_day_{os.getpid()}")
    with (
        tempfile.TemporaryDirectory(prefix="kabinet-bench-") as var_dir,
        pg_database(database) as url,
        PrivateRedis() as redis_server,
    ):
        env = kabinet_env(
            url,
            var_dir=var_dir,
            KABINET_REDIS_URL=redis_server.url,
            KABINET_SESSIONS="cached_db",
            KABINET_TRUSTED_PROXY_COUNT="1",
        )
        migrate(env)
        django_setup(env)
        from django.contrib.auth.hashers import check_password, make_password
        from django.db import connections as db_connections
        from django.utils import timezone

        today = timezone.localdate()
        pool = population(count, today)
        encoded = make_password(PASSWORD)
        cpu_times = []
        for _ in range(7):
            started = time.process_time()
            check_password(PASSWORD, encoded)
            cpu_times.append(time.process_time() - started)
        password_ms = 1000 * statistics.median(cpu_times)
        signing_in = [v for v in pool if not v.signed_in]
        db_connections.close_all()
        figures: list[Figure] = []
        with serve(env=env, workers=workers, log_dir=var_dir) as server:
            cpu = ServerCpu(server, database)
            cpu.extra_pids = [redis_server.pid] if redis_server.pid else []
            wrk(f"{server.base_url}/bench/ok/", connections=64, duration=2)
            floor = wrk_measured(
                f"{server.base_url}/bench/ok/", cpu=cpu, connections=64, duration=duration
            )
            print(
                f"floor: {floor.throughput:.0f} req/s, {floor.cpu_ms_per_request:.2f} ms",
                flush=True,
            )
            # Sign-ins alone: the last third of the visitors who sign in (the mix takes the
            # others from the front; a subscriber signed in twice is still one sign-in).
            sign_in_rows = signing_in[-max(1, len(signing_in) // 3) :]
            sign_ins = wrk_measured(
                server.base_url + "/",
                cpu=cpu,
                connections=16,
                duration=duration,
                script=sign_in_lua(sign_in_rows),
                timeout=30,
            )
            print(
                f"sign-in: {sign_ins.throughput:.1f}/s, {sign_ins.cpu_ms_per_request:.1f} ms,"
                f" statuses {sign_ins.statuses}",
                flush=True,
            )
            visitors = itertools.count()
            taken = {id(v) for v in sign_in_rows}
            mix_pool = [v for v in pool if id(v) not in taken]
            # The flood's wrong passwords are for a subscriber of the mix's last ones.
            victim = mix_pool.pop().username

            def phase(label: str, during=None) -> tuple[MixResult, float]:
                cpu.extra_pids = [redis_server.pid] if redis_server.pid else []
                cpu.start()
                result = mix(
                    server.port,
                    visitors,
                    mix_pool,
                    clients=clients,
                    seconds=duration,
                    today=today,
                    during=during,
                )
                cpu.extra_pids = [redis_server.pid] if redis_server.pid else []
                seconds, _served = cpu.stop()
                per_visit = 1000 * seconds / result.visits if result.visits else 0.0
                print(
                    f"{label}: {result.visits} visits in {result.seconds:.1f} s"
                    f" ({result.visits / result.seconds:.1f}/s), {per_visit:.1f} ms server CPU"
                    f" a visit, request p50 {result.percentile(50):.0f} ms p95"
                    f" {result.percentile(95):.0f} ms, statuses {result.statuses},"
                    f" errors {result.errors}, unexpected {result.unexpected[:3]}",
                    flush=True,
                )
                return result, per_visit

            calm, calm_cpu = phase("mix")
            stop = threading.Event()
            flood_counts: dict[str, dict] = {}

            def flooding() -> None:
                threads = flood(server.port, stop, flood_counts, victim)
                time.sleep(duration)
                stop.set()
                for thread in threads:
                    thread.join()

            flooded, flooded_cpu = phase("mix + flood", during=flooding)
            print(flood_counts, flush=True)
            redis_pids: list[int] = []

            def restart_redis() -> None:
                time.sleep(duration / 3)
                redis_pids.append(redis_server.pid or 0)
                redis_server.stop()
                time.sleep(down)
                redis_server.start()

            restarted, _ = phase("mix + Redis restart", during=restart_redis)
            worker_rss = [rss_mb(pid) for pid in server.worker_pids()]
            log = server.log_tail(2000)
        lost, twice = stored(calm.acknowledged + flooded.acknowledged + restarted.acknowledged)
        if restarted.server_errors:
            print(log)

        visits_per_s = calm.visits / calm.seconds if calm.seconds else 0.0
        from_cpu = cores * 1000 / calm_cpu if calm_cpu else 0.0
        readings_per_visit = len(calm.acknowledged) / calm.visits if calm.visits else 0.0
        note = (
            f"{SIGN_IN_SHARE:.0%} sign in, {TWO_READINGS_SHARE:.0%} submit two readings;"
            f" {calm.visits} visits, {len(calm.acknowledged)} readings"
            f" ({readings_per_visit:.2f} a visit), {clients} clients"
        )
        figures.append(
            Figure(
                NAME,
                "floor: bare view, throughput",
                round(floor.throughput, 1),
                "req/s",
                note=f"server CPU {floor.cpu_ms_per_request:.3f} ms a request",
            )
        )
        figures.append(
            Figure(
                NAME,
                "mix: server CPU a visit",
                round(calm_cpu, 2),
                "ms",
                floor=round(floor.cpu_ms_per_request, 3),
                floor_name="bare view",
                higher_is_better=False,
                note=note + "; gunicorn + PostgreSQL + Redis",
            )
        )
        for basis, per_s in (("measured", visits_per_s), ("from server CPU", from_cpu)):
            figures.append(
                Figure(
                    NAME,
                    f"mix: subscribers served an hour ({basis})",
                    round(per_s * 3600),
                    "/h",
                    note=note,
                )
            )
            for peak in PEAKS:
                figures.append(
                    Figure(
                        NAME,
                        f"mix: Naftogaz day-1 peak hours at {peak:.0f}/s ({basis})",
                        round(per_s / peak, 2),
                        "x",
                        floor=1.0,
                        floor_name="one peak hour",
                        goal=2.0,
                        note=f"{per_s:.1f} subscribers/s against a peak of {peak:.0f}"
                        " gas submitters/s (one visit each)",
                    )
                )
        figures.append(
            Figure(
                NAME,
                "sign-in: throughput (wrk, 16 connections)",
                round(sign_ins.throughput * sign_ins.ok_share(302), 1),
                "/s",
                floor=40.0,
                floor_name="goal 40/s",
                goal=1.0,
                note=f"statuses {sign_ins.statuses}",
            )
        )
        per_sign_in = sign_ins.cpu_ms_per_request
        figures.append(
            Figure(
                NAME,
                "sign-in: server CPU a sign-in",
                round(per_sign_in, 1),
                "ms",
                floor=round(floor.cpu_ms_per_request, 3),
                floor_name="bare view",
                higher_is_better=False,
                note="the whole POST /login/: form, Argon2id, session, last_login, redirect",
            )
        )
        figures.append(
            Figure(
                NAME,
                "sign-in: sign-ins a second (from server CPU)",
                round(cores * 1000 / per_sign_in, 1) if per_sign_in else 0.0,
                "/s",
                floor=40.0,
                floor_name="goal 40/s",
                goal=1.0,
                note=f"{cores} cores / the server CPU of one sign-in",
            )
        )
        figures.append(
            Figure(
                NAME,
                "sign-in: Argon2id password check (CPU)",
                round(password_ms, 1),
                "ms",
                floor=40.0,
                floor_name="limit 40 ms",
                goal=1.0,
                higher_is_better=False,
                note="m=19 MiB, t=2, p=1",
            )
        )
        calm_mean = statistics.mean(calm.latencies_ms) if calm.latencies_ms else 0.0
        flood_mean = statistics.mean(flooded.latencies_ms) if flooded.latencies_ms else 0.0
        figures.append(
            Figure(
                NAME,
                "flood: the others' mean request time",
                round(flood_mean, 1),
                "ms",
                floor=round(calm_mean, 1),
                floor_name="same mix without the flood",
                goal=1 / 1.2,
                higher_is_better=False,
                note="; ".join(refused_share(t, k) for k, t in flood_counts.items())
                + f"; p50 {flooded.percentile(50):.0f} vs {calm.percentile(50):.0f} ms;"
                f" server CPU a visit {flooded_cpu:.1f} vs {calm_cpu:.1f} ms",
                extra={
                    "flood": {k: {str(s): n for s, n in t.items()} for k, t in flood_counts.items()}
                },
            )
        )
        figures.append(
            Figure(
                NAME,
                "Redis restart: 5xx answers and failed connections",
                restarted.server_errors,
                "",
                note=f"Redis down {down:.0f} s during {restarted.visits} visits;"
                f" statuses {restarted.statuses}; unexpected {restarted.unexpected[:3]}",
            )
        )
        figures.append(
            Figure(
                NAME,
                "acknowledged readings lost / stored twice (all mix phases)",
                lost + twice,
                "",
                note=f"{lost} lost, {twice} twice, of"
                f" {len(calm.acknowledged) + len(flooded.acknowledged)}"
                f" + {len(restarted.acknowledged)} (during the restart) acknowledged",
            )
        )
        figures.append(
            Figure(
                NAME,
                "RSS of the largest gunicorn worker after the mix",
                round(max(worker_rss), 1) if worker_rss else 0.0,
                "MB",
                floor=150.0,
                floor_name="limit 150 MB",
                goal=1.0,
                higher_is_better=False,
                note="workers: " + ", ".join(f"{x:.0f}" for x in sorted(worker_rss)),
            )
        )
        record(*figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
