"""What the load benchmarks and the fault tests share: a PostgreSQL database of their own,
`kabinet serve` on a free port, and wrk with a Lua script that reports JSON.

Not a benchmark itself (the runner skips it).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KABINET = str(Path(sys.executable).with_name("kabinet"))
PG_ADMIN_URL = os.environ.get("KABINET_BENCH_PG", "postgres://postgres@127.0.0.1:5432/postgres")
BENCH_SETTINGS = "kabinet.config.settings.bench"


def env_int(name: str, default: int, *, quick: int | None = None) -> int:
    """An integer from the environment; `quick` is the default of a --quick run."""
    from bench import quick as is_quick

    if os.environ.get(name):
        return int(os.environ[name])
    return quick if quick is not None and is_quick() else default


def free_port() -> int:
    """A free loopback port: from KABINET_BENCH_PORTS ("8120-8129") when the machine's ports
    are shared out among several people, else any the kernel gives."""
    wanted = os.environ.get("KABINET_BENCH_PORTS", "")
    if wanted:
        low, _, high = wanted.partition("-")
        for port in range(int(low), int(high or low) + 1):
            with socket.socket() as sock:
                try:
                    sock.bind(("127.0.0.1", port))
                except OSError:
                    continue
                return port
        raise RuntimeError(f"no free port in KABINET_BENCH_PORTS={wanted}")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def db_name(suffix: str) -> str:
    """A benchmark database's name: KABINET_BENCH_DB_PREFIX (kabinet_bench) + suffix, so that
    several people's runs on one PostgreSQL server keep to their own names."""
    return f"{os.environ.get('KABINET_BENCH_DB_PREFIX', 'kabinet_bench')}_{suffix}"


def pg_url(database: str) -> str:
    base, _, _ = PG_ADMIN_URL.rpartition("/")
    return f"{base}/{database}"


def _admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


@contextlib.contextmanager
def pg_database(name: str, *, keep: bool = False) -> Iterator[str]:
    """Create an empty PostgreSQL database, yield its URL, drop it afterwards."""
    drop = f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
    _admin(drop)
    _admin(f'CREATE DATABASE "{name}"')
    try:
        yield pg_url(name)
    finally:
        if not keep:
            _admin(drop)


def kabinet_env(database_url: str, *, var_dir: str, **extra: str) -> dict[str, str]:
    """The environment of every `kabinet` process of one benchmark: one database, one var/."""
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE=BENCH_SETTINGS,
        KABINET_VAR_DIR=var_dir,
        # A key of the benchmark's own: its sessions are made and checked with it.
        KABINET_SECRET_KEY="bench-secret-key-not-for-production-0123456789abcdef",  # noqa: S106
        KABINET_DEBUG="0",
        KABINET_LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
        # The API's rate limits still run on every request but are set high, or 64 clients
        # from one address would measure the 429 page. Per second, not per minute: DRF keeps
        # the timestamps of the window, and one address's minute of benchmark traffic would be
        # a list of thousands rewritten on every request, where production's 300/min keeps 300.
        KABINET_API_TOKEN_RATE="100000/s",  # noqa: S106 (a rate, not a secret)
        KABINET_API_CLIENT_RATE="100000/s",
    )
    env.pop(OUT_ENV_NAME, None)
    env.update(extra)
    return env


OUT_ENV_NAME = "KABINET_BENCH_OUT"


def kabinet(*args: str, env: dict[str, str], timeout: float = 900) -> str:
    """Run a `kabinet` command; raise with its output when it fails."""
    completed = subprocess.run(
        [KABINET, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )
    if completed.returncode != 0:
        raise RuntimeError(
            f"kabinet {' '.join(args)} exited {completed.returncode}:\n"
            f"{completed.stdout[-3000:]}\n{completed.stderr[-3000:]}"
        )
    return completed.stdout


def migrate(env: dict[str, str]) -> None:
    """`kabinet migrate`, then the database cache's table.

    `createcachetable` is run explicitly because the post_migrate hook meant to make it
    (kabinet/web/apps.py) is never called for an app without models.
    """
    kabinet("migrate", "--noinput", env=env)
    kabinet("createcachetable", env=env)


@dataclass
class Server:
    """A running `kabinet serve` (the gunicorn master's pid and its address)."""

    process: subprocess.Popen
    port: int
    log_path: Path

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def worker_pids(self) -> list[int]:
        """The gunicorn workers: the master's children."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        if not children.exists():
            return []
        return [int(pid) for pid in children.read_text().split()]

    def log_tail(self, chars: int = 4000) -> str:
        return self.log_path.read_text(errors="replace")[-chars:] if self.log_path.exists() else ""


def wait_until_up(url: str, *, timeout: float = 60, process: subprocess.Popen | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


@contextlib.contextmanager
def serve(
    *, env: dict[str, str], workers: int, port: int | None = None, log_dir: str | None = None
) -> Iterator[Server]:
    """Start `kabinet serve` on a free loopback port, wait for /health/, stop it afterwards."""
    port = port or free_port()
    log_path = Path(log_dir or tempfile.gettempdir()) / f"kabinet-serve-{port}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                KABINET,
                "serve",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--no-collectstatic",
            ],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Server(process=process, port=port, log_path=log_path)
    try:
        try:
            wait_until_up(f"{server.base_url}/health/", process=process)
        except RuntimeError as error:
            raise RuntimeError(f"{error}\n{server.log_tail()}") from error
        yield server
    finally:
        stop(process)


def stop(process: subprocess.Popen, *, grace: float = 15) -> None:
    """Stop a process we started (and its own process group: gunicorn's workers)."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


# --- a Redis of the benchmark's own ---------------------------------------------------------


class PrivateRedis:
    """A `redis-server` started by the benchmark on a port of its own, without persistence
    (`--save ''`), as the production configuration's cache, sessions and rate limits; it can
    be stopped and started again on the same port (the restart test) and its CPU is counted
    with the server's. KABINET_BENCH_REDIS_PORT picks the port (else one from
    KABINET_BENCH_PORTS, else any free one)."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or int(os.environ.get("KABINET_BENCH_REDIS_PORT") or 0) or free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process and self.process.poll() is None else None

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is needed: apt-get install -y redis-server")
        self.process = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
                "--loglevel",
                "warning",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self.process = None

    def __enter__(self) -> PrivateRedis:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


# --- wrk ---------------------------------------------------------------------------------

WRK_REPORT_LUA = r"""
-- Appended to every script: count answers by status, print one JSON line at the end.
local threads = {}
function setup(thread)
  thread:set("thread_id", #threads)
  table.insert(threads, thread)
end
statuses = {}
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end
function done(summary, latency, requests)
  local merged = {}
  for _, thread in ipairs(threads) do
    local counts = thread:get("statuses")
    for status, n in pairs(counts) do
      merged[tostring(status)] = (merged[tostring(status)] or 0) + n
    end
  end
  local parts = {}
  for status, n in pairs(merged) do
    table.insert(parts, string.format('"%s": %d', status, n))
  end
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "bytes": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"latency_us": {"p50": %d, "p90": %d, "p95": %d, "p99": %d, "max": %d, "mean": %.1f}, ' ..
    '"statuses": {%s}}\n',
    summary.requests, summary.duration, summary.bytes,
    summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.status, summary.errors.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(95),
    latency:percentile(99), latency.max, latency.mean,
    table.concat(parts, ", ")))
end
"""


def ensure_wrk() -> str:
    """The wrk binary; installed from Debian's packages when missing (CI runs as root)."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], env=env, check=False, capture_output=True)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "wrk"], env=env, check=False, capture_output=True
        )
        found = shutil.which("wrk")
        if found:
            return found
    raise RuntimeError("wrk is needed for the load benchmarks: apt-get install -y wrk")


@dataclass
class WrkResult:
    requests: int
    seconds: float
    errors: dict
    latency_ms: dict
    statuses: dict
    # Filled in when the caller measured the server (wrk_measured).
    server_cpu_seconds: float = 0.0
    postgres_cpu_seconds: float = 0.0  # the part of it spent by PostgreSQL
    served: int = 0

    @property
    def postgres_share(self) -> float:
        return self.postgres_cpu_seconds / self.server_cpu_seconds if self.server_cpu_seconds else 0

    @property
    def cpu_ms_per_request(self) -> float:
        # gunicorn writes no access log since the ops app's request logs (issue 16): then
        # the requests wrk saw answered (those still in flight when it stopped, at most one a
        # connection, are left out: a bias under 1% at 10 s).
        served = self.served or self.requests
        return 1000 * self.server_cpu_seconds / served if served else 0.0

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def ok_share(self, *ok_statuses: int) -> float:
        ok = sum(self.statuses.get(str(status), 0) for status in ok_statuses)
        return ok / self.requests if self.requests else 0.0


def wrk(
    url: str,
    *,
    connections: int,
    duration: float,
    threads: int = 2,
    script: str = "",
    timeout: float = 10,
) -> WrkResult:
    """Run wrk against `url`; `script` is Lua defining `init`/`request` (or nothing: GET)."""
    binary = ensure_wrk()
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script + "\n" + WRK_REPORT_LUA)
        script_path = handle.name
    try:
        completed = subprocess.run(
            [
                binary,
                f"--threads={threads}",
                f"--connections={connections}",
                f"--duration={max(1, round(duration))}s",
                f"--timeout={round(timeout)}s",
                f"--script={script_path}",
                url,
            ],
            capture_output=True,
            text=True,
            timeout=duration + 120,
            check=False,
        )
    finally:
        os.unlink(script_path)
    line = next(
        (x for x in completed.stdout.splitlines() if x.startswith("WRK_JSON ")),
        None,
    )
    if line is None:
        raise RuntimeError(f"wrk printed no report:\n{completed.stdout}\n{completed.stderr}")
    data = json.loads(line.removeprefix("WRK_JSON "))
    return WrkResult(
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        errors=data["errors"],
        latency_ms={key: value / 1000 for key, value in data["latency_us"].items()},
        statuses=data["statuses"],
    )


def lua_string(text: str) -> str:
    """A Lua string literal."""
    return json.dumps(text, ensure_ascii=False)  # JSON escapes for quotes and \n are Lua's too


# --- a population of signed-in subscribers -----------------------------------------------


@contextlib.contextmanager
def scratch_database(kind: str, folder: Path, name: str) -> Iterator[str]:
    """The URL of an empty database for an in-process benchmark: a PostgreSQL database `name`
    (dropped afterwards) or an SQLite file in `folder`."""
    if kind == "postgres":
        with pg_database(name) as url:
            yield url
    else:
        yield f"sqlite:///{folder / f'{name}.sqlite3'}"


def django_in_process(database_url: str, folder: Path) -> None:
    """Set Django up in this process with the `bench` settings on `database_url`, migrated."""
    os.environ.update(
        DJANGO_SETTINGS_MODULE=BENCH_SETTINGS,
        DATABASE_URL=database_url,
        KABINET_VAR_DIR=str(folder),
        KABINET_SECRET_KEY="bench-secret-key-not-for-production-0123456789abcdef",  # noqa: S106
        KABINET_ALLOWED_HOSTS="testserver,localhost",
        KABINET_LOG_LEVEL="WARNING",
        KABINET_DEBUG="0",
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def subscriber_value(*, months: int = 12) -> int:
    """The last reading `subscribers_create` stored: a reading today is this plus ~90."""
    return 1000 + 90 * (months - 1)


def django_setup(env: dict[str, str]) -> None:
    """Set Django up in this process with the benchmark's environment."""
    import django

    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kabinet.config.settings.local")
    django.setup()


@dataclass
class Subscriber:
    user_id: int
    account_id: int
    meter_id: int
    meter_serial: str
    session_key: str
    csrf_token: str
    api_token: str = ""


def subscribers_create(
    *, count: int, today: dt.date, history_months: int = 12, provider_code: str = "gas"
) -> list[Subscriber]:
    """Make `count` subscribers, each signed in (a session row) with one account and one gas
    meter read monthly for `history_months` (about 3 m³ a day), in bulk.

    Returns what a client needs to act as each of them. A plausible reading for `today` is
    `subscriber_value(months=history_months)` or more.
    """
    import secrets
    from decimal import Decimal
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.db import transaction
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    from kabinet.addresses.models import Street, StreetName
    from kabinet.addresses.normalize import fold_house, fold_name, fold_street
    from kabinet.billing.models import Account
    from kabinet.metering.models import Meter, Reading
    from kabinet.providers.models import Provider
    from kabinet.subscribers.models import AccountLink, User

    now = timezone.now()
    with transaction.atomic():
        provider, _ = Provider.objects.get_or_create(
            code=provider_code,
            defaults={"name": "Газмережі", "service": "gas", "read_from": 1, "read_to": 31},
        )
        street = Street.objects.create(
            provider=provider, street_id=f"bench-{secrets.token_hex(4)}", type="вул.", name="Лісова"
        )
        StreetName.objects.create(
            street=street, name="Лісова", name_key=fold_street("Лісова"), is_current=True
        )
        prefix = secrets.token_hex(3)
        accounts = Account.objects.bulk_create(
            Account(
                provider=provider,
                number=f"{prefix}{i:07d}",
                street=street,
                house=str(1 + i // 100),
                house_key=fold_house(str(1 + i // 100)),
                apartment=str(1 + i % 100),
                apartment_key=str(1 + i % 100),
                surname="Коваленко",
                surname_key=fold_name("Коваленко"),
                opened_date=dt.date(2015, 1, 1),
            )
            for i in range(count)
        )
        meters = Meter.objects.bulk_create(
            Meter(
                account=account,
                serial=f"G{prefix}{i:07d}",
                service="gas",
                digits=6,
                decimals=3,
                initial=Decimal(0),
            )
            for i, account in enumerate(accounts)
        )
        Reading.objects.bulk_create(
            (
                Reading(
                    meter=meter,
                    reading_date=today - dt.timedelta(days=30 * k),
                    value=Decimal(1000 + 90 * (history_months - k)),
                    source="controller",
                )
                for meter in meters
                for k in range(1, history_months + 1)
            ),
            batch_size=5000,
        )
        users = User.objects.bulk_create(
            User(
                username=f"bench{prefix}{i}",
                login_skeleton=f"bench{prefix}{i}",
                email=f"bench{prefix}{i}@example.org",
                password="!bench-user-signs-in-by-session",  # noqa: S106
                is_active=True,
            )
            for i in range(count)
        )
        AccountLink.objects.bulk_create(
            AccountLink(user=user, account=account, linked_at=now)
            for user, account in zip(users, accounts, strict=True)
        )
        engine = import_module(settings.SESSION_ENGINE)
        in_database = settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
        sessions = []
        result = []
        for user, account, meter in zip(users, accounts, meters, strict=True):
            data = {
                SESSION_KEY: str(user.pk),
                BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
                HASH_SESSION_KEY: user.get_session_auth_hash(),
            }
            if in_database:
                key = get_random_string(32, "abcdefghijklmnopqrstuvwxyz0123456789")
                sessions.append(
                    Session(
                        session_key=key,
                        session_data=SessionStore().encode(data),
                        expire_date=now + dt.timedelta(days=14),
                    )
                )
            else:
                # Sessions kept in the cache (KABINET_SESSIONS=cache): made one by one.
                store = engine.SessionStore()
                store.update(data)
                store.create()
                key = store.session_key
            result.append(
                Subscriber(
                    user_id=user.pk,
                    account_id=account.pk,
                    meter_id=meter.pk,
                    meter_serial=meter.serial,
                    session_key=key,
                    csrf_token=get_random_string(32),
                )
            )
        Session.objects.bulk_create(sessions, batch_size=5000)
    return result


def rows_lua(rows: list[tuple[str, str, str]], *, content_type: str) -> str:
    """A wrk script that POSTs `rows` of (path, body, cookie header) in turn, each thread
    starting at its own place so that no two connections send the same row at once."""
    table = ",\n".join(
        f"{{{lua_string(path)}, {lua_string(body)}, {lua_string(cookie)}}}"
        for path, body, cookie in rows
    )
    return f"""
rows = {{
{table}
}}
function init(args)
  step = 0
end
function request()
  local row = rows[(step * 2 + thread_id) % #rows + 1]
  step = step + 1
  return wrk.format("POST", row[1], {{
    ["Content-Type"] = {lua_string(content_type)},
    ["Cookie"] = row[3],
    ["Host"] = "127.0.0.1",
  }}, row[2])
end
"""


def api_tokens_create(subscribers: list[Subscriber]) -> None:
    """Give each subscriber a personal API token (in bulk), when the API's tokens exist."""
    import secrets

    from django.utils import timezone

    try:
        from kabinet.api.models import ApiToken
        from kabinet.api.tokens import TOKEN_PREFIX, token_hash
    except ImportError:
        return
    now = timezone.now()
    tokens = []
    for subscriber in subscribers:
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        subscriber.api_token = secret
        tokens.append(
            ApiToken(
                user_id=subscriber.user_id,
                kind="subscriber",
                name="bench",
                prefix=secret[:12],
                key_hash=token_hash(secret),
                created_at=now,
            )
        )
    ApiToken.objects.bulk_create(tokens, batch_size=5000)


def _main(argv: list[str]) -> int:
    """`python -m bench.load_support subscribers COUNT`: make signed-in subscribers in the
    database of DATABASE_URL and print them as JSON (for the fault tests and CI checks)."""
    import argparse
    from dataclasses import asdict

    parser = argparse.ArgumentParser(prog="python -m bench.load_support")
    parser.add_argument("what", choices=["subscribers"])
    parser.add_argument("count", type=int)
    args = parser.parse_args(argv)
    django_setup(dict(os.environ))
    from django.utils import timezone

    subscribers = subscribers_create(count=args.count, today=timezone.localdate())
    api_tokens_create(subscribers)
    print(json.dumps([asdict(s) for s in subscribers]))
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))


# --- CPU spent by the server side --------------------------------------------------------


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return 0.0
    # utime and stime: the 14th and 15th fields of the line, 12th and 13th after the name.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def postgres_backends(database: str) -> list[int]:
    """The PostgreSQL server processes serving `database` (their title names it)."""
    if not database:  # SQLite: the workers do the database's work themselves
        return []
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            title = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if title.startswith("postgres: ") and f" {database} " in title:
            pids.append(int(entry.name))
    return pids


def wrk_measured(url: str, *, cpu: ServerCpu, **options) -> WrkResult:
    """wrk, with the server's CPU seconds a request recorded in the result.

    The requests still in flight when wrk stops are served after it, so the CPU is read once
    the server is idle again and divided by the requests the server logged (gunicorn's access
    log), not by those wrk counted."""
    cpu.start()
    result = wrk(url, **options)
    seconds, served = cpu.stop()
    result.server_cpu_seconds = seconds
    result.postgres_cpu_seconds = cpu.postgres_seconds
    result.served = served
    return result


class ServerCpu:
    """CPU seconds used by the gunicorn workers and the database's PostgreSQL backends between
    `start()` and `stop()`: what a request costs the server, whatever else the machine runs."""

    def __init__(self, server: Server, database: str) -> None:
        self.server = server
        self.database = database
        self.before: dict[int, float] = {}
        self.log_offset = 0
        self.postgres_seconds = 0.0
        self.extra_pids: list[int] = []  # e.g. the benchmark's own redis-server

    def _pids(self) -> list[int]:
        return self.server.worker_pids() + postgres_backends(self.database) + self.extra_pids

    def _used(self) -> float:
        return sum(_cpu_seconds(pid) - self.before.get(pid, 0.0) for pid in self._pids())

    def start(self) -> None:
        self.before = {pid: _cpu_seconds(pid) for pid in self._pids()}
        self.log_offset = self.server.log_path.stat().st_size

    def stop(self, *, timeout: float = 60) -> tuple[float, int]:
        """Wait until the server is idle; return its CPU seconds and the requests it logged."""
        deadline = time.monotonic() + timeout
        used = self._used()
        while time.monotonic() < deadline:
            time.sleep(0.5)
            now = self._used()
            if now - used < 0.02:
                break
            used = now
        self.postgres_seconds = sum(
            _cpu_seconds(pid) - self.before.get(pid, 0.0)
            for pid in postgres_backends(self.database)
        )
        with self.server.log_path.open("rb") as log:
            log.seek(self.log_offset)
            served = sum(1 for line in log if line.startswith(b"127.0.0.1 - "))
        return used, served
