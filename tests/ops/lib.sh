# Shared by .ci/checks/ops_*.sh (sourced): a scratch folder, servers on free ports, cleanup.
# OPS_DB_PREFIX (default kabinet_) and OPS_PORT_BASE keep a developer inside their own names
# and ports.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

ops_work="$(mktemp -d)"
ops_pids=()
ops_dbs=()
ops_cleanup() {
  local pid
  for pid in "${ops_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${ops_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  for db in "${ops_dbs[@]}"; do
    psql -q -h 127.0.0.1 -U postgres -d postgres -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" \
      >/dev/null 2>&1 || true
  done
  rm -rf "$ops_work"
}
trap ops_cleanup EXIT

export KABINET_SECRET_KEY="ops-check-key-not-for-production-0123456789abcdef"
export KABINET_VAR_DIR="$ops_work/var"
export KABINET_MAIL_DIR="$ops_work/mail"
export KABINET_LOG_LEVEL=INFO
export PYTHONPATH="$PWD"
unset KABINET_DEBUG KABINET_REDIS_URL KABINET_SESSIONS PROMETHEUS_MULTIPROC_DIR KABINET_LOG_FORMAT

ops_postgres() {
  # A fresh PostgreSQL database named "$1" (with OPS_DB_PREFIX), dropped on exit; its URL in
  # DATABASE_URL. Not in a $(...) subshell: the name must reach ops_cleanup.
  if ! pg_isready -q -h 127.0.0.1 -p 5432; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start >&2
  fi
  local db="${OPS_DB_PREFIX:-kabinet_}$1_$$"
  ops_dbs+=("$db")
  psql -q -h 127.0.0.1 -U postgres -d postgres -c "CREATE DATABASE \"$db\"" >&2
  export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$db"
}

ops_free_port() {
  # A free port; with OPS_PORT_BASE set (a developer's own range), that plus "$1".
  if [ -n "${OPS_PORT_BASE:-}" ]; then
    echo $((OPS_PORT_BASE + ${1:-0}))
    return
  fi
  .venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

ops_status() {
  # The HTTP status of GET "$1" (000 when nothing answers).
  curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$@" || true
}

ops_serve() {
  # `kabinet serve` on port "$1" with "$2" workers, its output in "$ops_work/serve-$1.log".
  .venv/bin/kabinet serve --bind "127.0.0.1:$1" --workers "$2" --no-collectstatic \
    >"$ops_work/serve-$1.log" 2>&1 &
  ops_pids+=($!)
  local _
  for _ in $(seq 1 150); do
    [ "$(ops_status "http://127.0.0.1:$1/healthz")" = 200 ] && return 0
    sleep 0.2
  done
  echo "the server on port $1 did not come up:"
  tail -n 40 "$ops_work/serve-$1.log"
  return 1
}

ops_worker() {
  .venv/bin/kabinet db_worker --no-startup-delay --interval 0.5 >"$ops_work/worker.log" 2>&1 &
  ops_pids+=($!)
  ops_worker_pid=$!
}

ops_wait_status() {
  # Wait up to "$1" seconds for GET "$3" to answer "$2".
  local deadline=$((SECONDS + $1)) got
  while :; do
    got="$(ops_status "$3")"
    [ "$got" = "$2" ] && return 0
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "FAIL $3 answers $got, not $2"
      curl -s --max-time 10 "$3" || true
      return 1
    fi
    sleep 0.5
  done
}

ok() { echo "ok   $*"; }
fail() {
  echo "FAIL $*"
  exit 1
}
