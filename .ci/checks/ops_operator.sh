#!/usr/bin/env bash
# Operators and superusers from the command line, on a real server (SQLite): create_operator
# refuses bad input with exit codes 2 (usage) and 1 (invalid, nothing changed); an operator it
# makes signs in at once and opens /backoffice/; a superuser made by `createsuperuser
# --noinput` signs in at once too. About 30 s.
source "$(dirname "$0")/../../tests/ops/lib.sh"

export DATABASE_URL="sqlite:///$ops_work/kabinet.sqlite3"
export KABINET_WORKER_HEARTBEAT_MAX_AGE=0
.venv/bin/kabinet migrate --noinput >/dev/null
.venv/bin/kabinet collectstatic --noinput >/dev/null
printf 'provider,name,service\nvodokanal,Vodokanal,cold_water\ngas,Gas,gas\n' >"$ops_work/providers.csv"
.venv/bin/kabinet import_billing "$ops_work/providers.csv" >/dev/null

expect_exit() {
  local want="$1" rc=0
  shift
  "$@" >"$ops_work/out.txt" 2>&1 || rc=$?
  [ "$rc" = "$want" ] || { cat "$ops_work/out.txt"; fail "exit $rc, not $want: ${*:2}"; }
}
export KABINET_OPERATOR_PASSWORD="Operator-$(openssl rand -hex 6)"
expect_exit 2 .venv/bin/kabinet create_operator iryna --provider vodokanal
ok "create_operator without --email: exit 2 ($(tail -n 1 "$ops_work/out.txt"))"
expect_exit 1 .venv/bin/kabinet create_operator iryna --email iryna@example.com --provider nosuch
grep -q "Немає такого постачальника: nosuch" "$ops_work/out.txt" || fail "the unknown provider is named"
ok "create_operator with an unknown provider: exit 1, named"
KABINET_OPERATOR_PASSWORD=12345 expect_exit 1 \
  .venv/bin/kabinet create_operator iryna --email iryna@example.com --provider vodokanal
grep -q "^Пароль:" "$ops_work/out.txt" || fail "the weak password is refused"
ok "create_operator with a weak password: exit 1 ($(grep -m1 "^Пароль:" "$ops_work/out.txt"))"
(unset KABINET_OPERATOR_PASSWORD; expect_exit 2 .venv/bin/kabinet create_operator iryna \
  --email iryna@example.com --provider vodokanal </dev/null)
ok "create_operator without a password and without a terminal: exit 2"

.venv/bin/kabinet create_operator iryna --email iryna@example.com --provider vodokanal \
  --provider gas
ok "create_operator made iryna"
admin_password="Admin-$(openssl rand -hex 6)"
DJANGO_SUPERUSER_PASSWORD="$admin_password" .venv/bin/kabinet createsuperuser \
  --noinput --username chief --email chief@example.com >/dev/null
ok "createsuperuser made chief"

port="$(ops_free_port 0)"
base="http://127.0.0.1:$port"
ops_serve "$port" 1
OPS_PASSWORD="$KABINET_OPERATOR_PASSWORD" .venv/bin/python tests/ops/journeys.py opens "$base" iryna /backoffice/
OPS_PASSWORD="$admin_password" .venv/bin/python tests/ops/journeys.py opens "$base" chief /admin/
