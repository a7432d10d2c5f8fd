#!/usr/bin/env bash
# `make demo` end to end, as a newcomer runs it: a fresh SQLite database in a temporary var/, a
# small town (300 accounts), the server and the task worker on a free port. `demo` signs in,
# the cabinet shows its water and gas accounts, the first account's page and the back office
# answer; then the whole `make demo` process group is stopped. About half a minute.
set -euo pipefail
cd "$(dirname "$0")/../.."

work="$(mktemp -d)"
port="$(.venv/bin/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"
export KABINET_VAR_DIR="$work/var" KABINET_MAIL_DIR="$work/mail"
unset DATABASE_URL KABINET_REDIS_URL

# A session of its own, so that make, the worker and gunicorn stop together. `-o` keeps make
# from reinstalling the virtualenv.
setsid make -o .venv/.installed demo DEMO_ACCOUNTS=300 DEMO_BIND="127.0.0.1:$port" \
  >"$work/demo.log" 2>&1 &
demo_pid=$!
cleanup() {
  kill -- "-$demo_pid" 2>/dev/null || true
  wait "$demo_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

fail() {
  echo "demo check: $1" >&2
  tail -40 "$work/demo.log" >&2
  exit 1
}

for _ in $(seq 180); do
  if curl -sf "$base/health/" >/dev/null; then break; fi
  if ! kill -0 "$demo_pid" 2>/dev/null; then fail "make demo stopped"; fi
  sleep 1
done
curl -sf "$base/health/" >/dev/null || fail "the server did not come up in 180 s"
grep -q "demo-Kabinet-2026" "$work/demo.log" || fail "seed_demo did not print the demo login"

jar="$work/cookies"
curl -sf -c "$jar" -b "$jar" "$base/login/" -o /dev/null || fail "GET /login/"
token="$(awk '$6 == "csrftoken" {print $7}' "$jar")"
status="$(curl -s -c "$jar" -b "$jar" -o /dev/null -w '%{http_code}' \
  -H "Referer: $base/login/" --data-urlencode "csrfmiddlewaretoken=$token" \
  --data-urlencode "login=demo" --data-urlencode "password=demo-Kabinet-2026" "$base/login/")"
[ "$status" = 302 ] || fail "signing in as demo answered $status"

cabinet="$(curl -sf -b "$jar" "$base/cabinet/")" || fail "GET /cabinet/"
grep -q "0010001" <<<"$cabinet" || fail "the cabinet lacks the water account 0010001"
grep -q "0400100007" <<<"$cabinet" || fail "the cabinet lacks the gas account 0400100007"
account="$(grep -o 'href="/cabinet/accounts/[0-9]*/"' <<<"$cabinet" | head -1 | cut -d'"' -f2)"
curl -sf -b "$jar" "$base$account" -o /dev/null || fail "GET $account"
echo "demo check: make demo serves the seeded town on $base; demo signs in and sees both accounts"
