#!/usr/bin/env bash
# /metrics and the JSON logs of a real `kabinet serve` with two gunicorn workers, behind one
# trusted proxy (X-Forwarded-For, X-Request-ID): /metrics refuses without the token; a
# subscriber's journey (sign in, balance, reading, API) is counted request by request across
# both workers, and a task run by `kabinet db_worker` too; every request is one JSON line with its request id; neither the password, the
# API token nor the metrics token appears in any log line. About a minute.
source "$(dirname "$0")/../../tests/ops/lib.sh"

ops_postgres ops_metrics
export KABINET_METRICS_TOKEN="metrics-$(openssl rand -hex 16)"
export KABINET_TRUSTED_PROXY_COUNT=1
export KABINET_WORKER_HEARTBEAT_MAX_AGE=0
.venv/bin/kabinet migrate --noinput >/dev/null
.venv/bin/kabinet collectstatic --noinput >/dev/null
facts="$(.venv/bin/python tests/ops/journeys.py subscriber | tail -n 1)"
field() { .venv/bin/python -c 'import json, sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$facts" "$1"; }
password="$(field password)"
api_token="$(field api_token)"

port="$(ops_free_port)"
base="http://127.0.0.1:$port"
ops_serve "$port" 2
log="$ops_work/serve-$port.log"
proxy=(-H "X-Forwarded-For: 127.0.0.1")

[ "$(ops_status "${proxy[@]}" "$base/metrics")" = 401 ] || fail "/metrics without the token"
[ "$(ops_status "${proxy[@]}" -H "Authorization: Bearer wrong" "$base/metrics")" = 401 ] ||
  fail "/metrics with another token"
ok "/metrics refuses without the token and with another one (401)"

.venv/bin/python tests/ops/journeys.py journey "$base" "$facts"
# Requests at once, so that both workers answer some (a few rounds, should one take them all).
wait_jobs() { local job; for job in $(jobs -p); do [[ " ${ops_pids[*]} " == *" $job "* ]] || wait "$job"; done; }
workers_seen() { grep -o '"pid": [0-9]*' "$log" | sort -u | wc -l; }
for _ in 1 2 3 4 5; do
  for _ in $(seq 1 24); do curl -s -o /dev/null "${proxy[@]}" "$base/" & done
  wait_jobs
  [ "$(workers_seen)" -ge 2 ] && break
done
id="0123456789abcdef0123456789abcdef"
returned="$(curl -s -D - -o /dev/null -H "X-Request-ID: $id" "${proxy[@]}" "$base/" | tr -d '\r' |
  sed -n 's/^[Xx]-[Rr]equest-[Ii][Dd]: //p')"
[ "$returned" = "$id" ] || fail "the proxy's X-Request-ID is returned ($returned)"
ok "the trusted proxy's X-Request-ID is returned"

# A task run by the task worker, counted in the worker's own files and added up by the server.
ops_worker
.venv/bin/kabinet reminders --enqueue >/dev/null
for _ in $(seq 1 60); do
  grep -q '"logger": "kabinet.task"' "$ops_work/worker.log" && break
  sleep 0.5
done
grep '"logger": "kabinet.task"' "$ops_work/worker.log" | grep -q '"status": "successful"' ||
  { cat "$ops_work/worker.log"; fail "the worker logs its task as one JSON line"; }
ok "the task worker ran the reminders and logged it as one JSON line"

curl -s -H "Authorization: Bearer $KABINET_METRICS_TOKEN" "${proxy[@]}" "$base/metrics" \
  >"$ops_work/metrics.txt"
.venv/bin/python - "$ops_work/metrics.txt" "$log" "$id" "$ops_work/var/metrics" <<'PY'
import json
import re
import sys
from pathlib import Path

metrics, log, proxy_id, folder = sys.argv[1:5]
text = Path(metrics).read_text()
samples = {}
for line in text.splitlines():
    if line and not line.startswith("#"):
        name, value = line.rsplit(" ", 1)
        samples[name] = float(value)


def total(prefix):
    return sum(v for k, v in samples.items() if k.startswith(prefix))


def check(condition, step):
    print(("ok   " if condition else "FAIL ") + step)
    if not condition:
        sys.exit(1)


requests = []
for line in Path(log).read_text().splitlines():
    if line.startswith("{"):
        entry = json.loads(line)  # every JSON-looking line parses
        if entry["logger"] == "kabinet.request":
            requests.append(entry)
# The scrape counted every request before it and logged itself after: one line more.
counted = total("kabinet_http_requests_total{")
check(counted == len(requests) - 1 and counted >= 30,
      f"/metrics counts {counted:g} requests, one per JSON request line before the scrape")
pids = {entry["pid"] for entry in requests}
check(len(pids) == 2, f"both gunicorn workers answered and were counted (pids {sorted(pids)})")
files = list(Path(folder).glob("serve-*/counter_*.db"))
check(len({f.name for f in files}) == 2, f"each worker keeps its own counter file: {files}")
check(all(e.get("request_id") and e.get("route") and "status" in e and "duration_ms" in e
          and e.get("client") == "127.0.0.1" for e in requests),
      "every request line has a request id, route, status, duration and the client's address")
check(any(e["request_id"] == proxy_id for e in requests), "the proxy's request id is logged")
check(len({e["request_id"] for e in requests}) == len(requests), "each request has its own id")
check(any(e.get("user_id") for e in requests if e["route"] == "billing:cabinet"),
      "the cabinet's line has the user id")
for name, labels in [
    ("kabinet_readings_stored_total", 'provider="gas",source="portal"'),
    ("kabinet_sign_ins_total", 'outcome="success"'),
    ("kabinet_http_requests_total", 'method="POST",route="account_login",status="302"'),
]:
    found = [k for k in samples if k.startswith(name + "{") and labels in k and samples[k] >= 1]
    check(bool(found), f"{name}{{{labels}}} is counted")
check("kabinet_http_request_duration_seconds_bucket" in text, "latency histograms are there")
check("kabinet_task_queue_depth" in text, "the task queue's depth is there")
found = [k for k in samples if k.startswith("kabinet_tasks_total{") and "reminders_send" in k
         and 'status="successful"' in k and samples[k] >= 1]
check(bool(found), "the task worker's count reaches the server's /metrics")
PY

for secret in "$password" "$api_token" "$KABINET_METRICS_TOKEN"; do
  if grep -rqF -- "$secret" "$ops_work"/*.log; then fail "a secret appears in the logs"; fi
done
ok "neither the password, the API token nor the metrics token is in any log line"
