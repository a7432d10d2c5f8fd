#!/usr/bin/env bash
# /healthz and /readyz of a real `kabinet serve` and `kabinet db_worker` on PostgreSQL: ready,
# then 503 naming what failed when a migration is missing, when the database refuses
# connections, and when the task worker stops (heartbeat limit 20 s here). About a minute.
source "$(dirname "$0")/../../tests/ops/lib.sh"

ops_postgres ops_health
db="${DATABASE_URL##*/}"
export KABINET_WORKER_HEARTBEAT_MAX_AGE=20
sql() { psql -q -h 127.0.0.1 -U postgres -d "$1" -Atc "$2"; }

.venv/bin/kabinet migrate --noinput >/dev/null
.venv/bin/kabinet collectstatic --noinput >/dev/null
port="$(ops_free_port)"
base="http://127.0.0.1:$port"
ops_serve "$port" 2

headers="$(curl -s -D - -o /dev/null "$base/healthz")"
grep -q "^HTTP/1.1 200" <<<"$headers" || fail "/healthz answers 200"
grep -qi "^set-cookie" <<<"$headers" && fail "/healthz sets no cookie"
grep -qi "^x-request-id: [0-9a-f]\{32\}" <<<"$headers" || fail "/healthz returns a request id"
ok "/healthz answers 200 with a request id and no cookie"
[ "$(ops_status -H 'Host: 10.9.8.7' "$base/healthz")" = 200 ] || fail "/healthz for any Host"
ok "/healthz answers a probe by address (a Host outside KABINET_ALLOWED_HOSTS)"

ops_wait_status 10 503 "$base/readyz"
curl -s "$base/readyz" | grep -q '"worker": "no heartbeat seen"' || fail "readyz names the worker"
ok "/readyz is 503 without a task worker, naming it"

ops_worker
ops_wait_status 30 200 "$base/readyz"
ok "/readyz is 200 with the worker's heartbeat ($(curl -s "$base/readyz"))"

last="$(sql "$db" "SELECT name FROM django_migrations WHERE app = 'metering' ORDER BY id DESC LIMIT 1")"
sql "$db" "DELETE FROM django_migrations WHERE app = 'metering' AND name = '$last'"
ops_wait_status 10 503 "$base/readyz"
body="$(curl -s "$base/readyz")"
grep -q '"database": "1 migration(s) not applied"' <<<"$body" || fail "readyz names it: $body"
ok "/readyz is 503 with migration metering.$last missing: $body"
sql "$db" "INSERT INTO django_migrations (app, name, applied) VALUES ('metering', '$last', now())"
ops_wait_status 10 200 "$base/readyz"
ok "/readyz is 200 again once it is recorded"

# The shared PostgreSQL server stays up for others: this database alone stops taking
# connections, and every open one is closed.
sql postgres "ALTER DATABASE \"$db\" ALLOW_CONNECTIONS false"
sql postgres "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '$db'" >/dev/null
ops_wait_status 15 503 "$base/readyz"
body="$(curl -s "$base/readyz")"
grep -q '"database": "unreachable' <<<"$body" || fail "readyz names the database: $body"
grep -q "postgres" <<<"$body" && fail "readyz shows no connection details: $body"
ok "/readyz is 503 with the database refusing connections: $body"
[ "$(ops_status "$base/healthz")" = 200 ] || fail "/healthz still answers"
ok "/healthz still answers 200 (it touches no database)"
sql postgres "ALTER DATABASE \"$db\" ALLOW_CONNECTIONS true"
# A worker may exit on a database error (systemd starts it again: kabinet-worker.service).
if ! kill -0 "$ops_worker_pid" 2>/dev/null; then
  ok "the worker exited without its database; started again, as systemd would"
  ops_worker
fi
ops_wait_status 40 200 "$base/readyz"
ok "/readyz is 200 again with the database back"

kill "$ops_worker_pid"
wait "$ops_worker_pid" 2>/dev/null || true
ops_wait_status 45 503 "$base/readyz"
body="$(curl -s "$base/readyz")"
grep -q '"worker": "last heartbeat' <<<"$body" || fail "readyz names the stale heartbeat: $body"
ok "/readyz is 503 once the worker's heartbeat is older than 20 s: $body"
