#!/usr/bin/env bash
# deploy/ as far as this machine allows: `nginx -t` on the site (nginx installed with apt-get
# when missing; a self-signed certificate stands in for the real one), `systemd-analyze
# verify` on the units (pointed at this checkout's `kabinet`), and the example environment
# file loaded by the production settings with `kabinet check --deploy`. A few seconds.
set -euo pipefail
cd "$(dirname "$0")/../.."
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light \
    >/dev/null) || echo "could not install nginx"
fi
nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"
if [ -x "$nginx_bin" ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=kabinet.example.org" \
    -keyout "$work/privkey.pem" -out "$work/fullchain.pem" 2>/dev/null
  sed -e "s|/etc/letsencrypt/live/kabinet.example.org|$work|" \
    -e "s|/var/log/nginx|$work|" deploy/nginx/kabinet.conf >"$work/kabinet.conf"
  mime=/etc/nginx/mime.types
  [ -f "$mime" ] || mime="$work/mime.types"
  [ -f "$mime" ] || echo 'types { text/html html; }' >"$mime"
  cat >"$work/nginx.conf" <<CONF
pid $work/nginx.pid;
error_log $work/error.log;
events {}
http {
    include $mime;
    include $work/kabinet.conf;
}
CONF
  "$nginx_bin" -t -q -p "$work" -c "$work/nginx.conf"
  echo "ok   nginx -t accepts deploy/nginx/kabinet.conf ($("$nginx_bin" -v 2>&1))"
else
  echo "SKIP nginx -t: nginx is not installed and could not be"
fi

if command -v systemd-analyze >/dev/null; then
  mkdir "$work/units"
  for unit in deploy/systemd/*; do
    sed -e "s|/opt/kabinet/venv/bin/kabinet|$PWD/.venv/bin/kabinet|g" "$unit" \
      >"$work/units/$(basename "$unit")"
  done
  # verify exits 0 on a misspelt key or value (it ignores the line): its words are read.
  verify() { systemd-analyze verify --man=no "$@" 2>&1 || true; }
  problems='Failed to|Unknown key|Unknown section|Invalid|not executable|is not absolute|bad'
  output="$(verify "$work"/units/*.service "$work"/units/*.timer)"
  if grep -qE "$problems" <<<"$output"; then
    echo "$output"
    echo "FAIL systemd-analyze verify deploy/systemd/*"
    exit 1
  fi
  sed -i 's/^Type=exec/Type=exce/' "$work/units/kabinet.service"
  grep -qE "$problems" <<<"$(verify "$work/units/kabinet.service")" ||
    { echo "FAIL systemd-analyze verify does not notice a misspelt value"; exit 1; }
  echo "ok   systemd-analyze verify finds nothing wrong in deploy/systemd/* (and does notice a misspelling)"
else
  echo "SKIP systemd-analyze: not installed"
fi

# Read as systemd's EnvironmentFile= reads it (KEY=VALUE lines, # comments), not as a shell.
.venv/bin/python - deploy/kabinet.env.example "$work" <<'PY'
import os
import secrets
import subprocess
import sys

env = dict(os.environ)
for line in open(sys.argv[1], encoding="utf-8"):
    line = line.strip()
    if line and not line.startswith("#"):
        key, _, value = line.partition("=")
        env[key] = value
env["KABINET_VAR_DIR"] = sys.argv[2] + "/var"
env["KABINET_SECRET_KEY"] = secrets.token_urlsafe(50)
done = subprocess.run(
    [".venv/bin/kabinet", "check", "--deploy", "--fail-level", "WARNING"],
    env=env, capture_output=True, text=True, check=False,
)
if done.returncode:
    print(done.stdout, done.stderr)
    print("FAIL kabinet check --deploy with deploy/kabinet.env.example")
    sys.exit(1)
PY
echo "ok   the production settings load deploy/kabinet.env.example; kabinet check --deploy passes"
