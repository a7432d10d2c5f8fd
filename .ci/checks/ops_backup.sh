#!/usr/bin/env bash
# `kabinet backup` of a running SQLite portal under writes, restored into a new file as
# docs/operations.md says, and a subscriber's journey (sign in, balance, reading, API) on a
# server running from the restored copy. About a minute.
source "$(dirname "$0")/../../tests/ops/lib.sh"

live="$ops_work/kabinet.sqlite3"
export DATABASE_URL="sqlite:///$live"
export KABINET_WORKER_HEARTBEAT_MAX_AGE=0
.venv/bin/kabinet migrate --noinput >/dev/null
.venv/bin/kabinet collectstatic --noinput >/dev/null
.venv/bin/python -m bench.load_support subscribers 2000 >/dev/null
facts="$(.venv/bin/python tests/ops/journeys.py subscriber | tail -n 1)"
port="$(ops_free_port 0)"
ops_serve "$port" 2
ok "a portal on SQLite with $(sqlite3 "$live" 'SELECT COUNT(*) FROM metering_reading') readings"

.venv/bin/python tests/ops/journeys.py writes 25 >"$ops_work/writes.log" 2>&1 &
writer=$!
ops_pids+=("$writer")
sleep 3
.venv/bin/python tests/ops/journeys.py journey "http://127.0.0.1:$port" "$facts" >/dev/null &
journey=$!
before="$(sqlite3 "$live" 'SELECT COUNT(*) FROM metering_reading')"
started=$SECONDS
.venv/bin/kabinet backup "$ops_work/backup.sqlite3"
took=$((SECONDS - started))
after="$(sqlite3 "$live" 'SELECT COUNT(*) FROM metering_reading')"
wait "$journey" || fail "the journey on the live portal during the backup"
wait "$writer" || fail "the writer"
ok "backed up in ${took} s (the command's start included) while writing: $(cat "$ops_work/writes.log")"

[ "$(sqlite3 "$ops_work/backup.sqlite3" 'PRAGMA integrity_check')" = ok ] || fail "integrity"
copied="$(sqlite3 "$ops_work/backup.sqlite3" 'SELECT COUNT(*) FROM metering_reading')"
[ "$copied" -ge "$before" ] && [ "$copied" -le "$after" ] ||
  fail "the copy's $copied readings lie between $before and $after"
[ "$copied" -lt "$(sqlite3 "$live" 'SELECT COUNT(*) FROM metering_reading')" ] ||
  fail "the writer kept writing after the copy was taken"
ok "the copy passes integrity_check; its $copied readings lie between $before and $after"

rc=0
.venv/bin/kabinet backup "$ops_work/backup.sqlite3" >"$ops_work/out.txt" 2>&1 || rc=$?
[ "$rc" = 1 ] || fail "a second backup onto the same file is refused (exit $rc)"
ok "a backup onto an existing file is refused: $(cat "$ops_work/out.txt")"

# The restore of docs/operations.md: a new file, checked, then a server started on it.
restored="$ops_work/restored/kabinet.sqlite3"
mkdir -p "$(dirname "$restored")"
cp "$ops_work/backup.sqlite3" "$restored"
export DATABASE_URL="sqlite:///$restored"
.venv/bin/kabinet migrate --check >/dev/null || fail "the restored database is fully migrated"
ok "the restored copy is fully migrated (kabinet migrate --check)"
port2="$(ops_free_port 1)"
ops_serve "$port2" 2
.venv/bin/python tests/ops/journeys.py journey "http://127.0.0.1:$port2" "$facts"
ok "the journey passes on the restored copy"
