#!/usr/bin/env bash
# Fault tests (tests/faults/, issue 7): an import SIGKILLed part-way on SQLite and PostgreSQL,
# readings submitted while gunicorn workers are SIGKILLed and PostgreSQL connections cut, and
# the fuzzers of the importer and the normalisers with more examples than `make test` gives
# them. About three minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/../.."

if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
fi
KABINET_VAR_DIR="$(mktemp -d)"
export KABINET_VAR_DIR
trap 'rm -rf "$KABINET_VAR_DIR"' EXIT

timeout 600 .venv/bin/pytest -m faults tests/faults -p no:cacheprovider -q
KABINET_FUZZ_EXAMPLES=500 timeout 600 .venv/bin/pytest tests/faults/test_fuzz_import.py \
  tests/faults/test_fuzz_normalize.py -p no:cacheprovider -q
