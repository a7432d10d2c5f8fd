#!/usr/bin/env bash
# Two `kabinet serve` instances on two ports, one PostgreSQL database and one Redis (DB 5):
# a subscriber signs in on one and submits a reading on the other, and failed Check attempts
# on both count against one limit (tests/faults/two_servers_journey.py). About a minute.
set -euo pipefail
cd "$(dirname "$0")/../.."

if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
fi
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  redis-server --daemonize yes --save '' --appendonly no --bind 127.0.0.1 --port 6379
  sleep 1
fi

db="kabinet_multiprocess_$$"
work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  psql -q -h 127.0.0.1 -U postgres -d postgres -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" || true
  redis-cli -h 127.0.0.1 -p 6379 -n 5 flushdb >/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

psql -q -h 127.0.0.1 -U postgres -d postgres -c "CREATE DATABASE \"$db\""
redis-cli -h 127.0.0.1 -p 6379 -n 5 flushdb >/dev/null

export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$db"
export KABINET_REDIS_URL="redis://127.0.0.1:6379/5"
export KABINET_SESSIONS="cache"
export KABINET_SECRET_KEY="multiprocess-check-key-not-for-production-0123456789"
export KABINET_VAR_DIR="$work"
export KABINET_MAIL_DIR="$work/mail"
export PYTHONPATH="$PWD"
unset KABINET_DEBUG

.venv/bin/kabinet migrate --noinput >/dev/null
.venv/bin/kabinet createcachetable
.venv/bin/kabinet collectstatic --noinput >/dev/null

free_port() { .venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port_a=$(free_port)
port_b=$(free_port)
for port in "$port_a" "$port_b"; do
  .venv/bin/kabinet serve --bind "127.0.0.1:$port" --workers 2 --no-collectstatic \
    >"$work/serve-$port.log" 2>&1 &
  pids+=($!)
done
up() { .venv/bin/python -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' "http://127.0.0.1:$1/health/" 2>/dev/null; }
for port in "$port_a" "$port_b"; do
  for _ in $(seq 1 150); do
    up "$port" && break
    sleep 0.2
  done
  up "$port" || { cat "$work/serve-$port.log"; exit 1; }
done
echo "two servers up: $port_a and $port_b (one database, Redis DB 5, sessions in Redis)"

if ! .venv/bin/python tests/faults/two_servers_journey.py \
  "http://127.0.0.1:$port_a" "http://127.0.0.1:$port_b"; then
  tail -n 40 "$work"/serve-*.log
  exit 1
fi
