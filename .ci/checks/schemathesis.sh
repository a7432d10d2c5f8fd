#!/usr/bin/env bash
# The REST API against its own OpenAPI schema: start `kabinet serve` on a fresh SQLite database
# with a little data and two tokens, run a bounded schemathesis run (no server errors, answers
# that match the schema, endpoints that refuse requests without a token), stop the server.
set -euo pipefail
cd "$(dirname "$0")/../.."

if ! .venv/bin/python -c "import schemathesis" 2>/dev/null; then
  .venv/bin/pip install --quiet -c constraints.txt "schemathesis==4.32.5" \
    || .venv/bin/pip install --quiet "schemathesis==4.32.5"
fi

work=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

export KABINET_VAR_DIR="$work/var"
export DATABASE_URL="sqlite:///$work/var/kabinet.sqlite3"
export DJANGO_SETTINGS_MODULE=kabinet.config.settings.local
export KABINET_SECRET_KEY="schemathesis-only-$$"
export KABINET_MAIL_DIR="$work/mail"
# The run sends hundreds of requests a minute; throttling has its own tests.
export KABINET_API_TOKEN_RATE=100000/min KABINET_API_CLIENT_RATE=100000/min
mkdir -p "$KABINET_VAR_DIR"

.venv/bin/kabinet migrate --noinput -v 0
.venv/bin/kabinet createcachetable
.venv/bin/kabinet shell -c "
import datetime as dt
from decimal import Decimal
from django.utils import timezone
from kabinet.addresses.models import Street, StreetName
from kabinet.addresses.normalize import fold_street, fold_house, fold_name, fold_apartment
from kabinet.api.tokens import api_token_create
from kabinet.billing.models import Account, LedgerEntry
from kabinet.metering.models import Meter
from kabinet.providers.models import Provider
from kabinet.subscribers.models import AccountLink, User

now = timezone.now()
provider = Provider.objects.create(code='vodokanal', name='Vodokanal', service='cold_water')
street = Street.objects.create(provider=provider, street_id='0001', type='вул.', name='Шевченка')
StreetName.objects.create(street=street, name='Шевченка', name_key=fold_street('Шевченка'), is_current=True)
subscriber = User.objects.create_user(username='olena', email='olena@example.com', password='x')
operator = User.objects.create_user(username='billing', password='x', is_staff=True)
provider.operators.add(operator)
for n in range(3):
    account = Account.objects.create(
        provider=provider, number=f'001234{n}', street=street, house='12', house_key=fold_house('12'),
        apartment=str(n + 1), apartment_key=fold_apartment(str(n + 1)),
        surname='Коваленко', surname_key=fold_name('Коваленко'))
    AccountLink.objects.create(user=subscriber, account=account, linked_at=now)
    Meter.objects.create(account=account, serial=f'M-{n}', service='cold_water')
    LedgerEntry.objects.create(account=account, period=dt.date(2026, 10, 1), kind='balance', amount=Decimal('10.00'))
_, secret = api_token_create(user=subscriber, name='schemathesis', kind='subscriber', now=now)
open('$work/subscriber.token', 'w').write(secret)
_, secret = api_token_create(user=operator, name='schemathesis', kind='operator', providers=[provider], now=now)
open('$work/operator.token', 'w').write(secret)
"

port=$(.venv/bin/python -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
.venv/bin/kabinet serve --bind "127.0.0.1:$port" --workers 2 >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 60); do
  curl -fsS "http://127.0.0.1:$port/health/" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -fsS "http://127.0.0.1:$port/health/" >/dev/null || { cat "$work/server.log"; exit 1; }

schema="http://127.0.0.1:$port/api/v1/schema/?format=json"
checks=not_a_server_error,response_schema_conformance,ignored_auth
status=0
# Subscriber endpoints with a subscriber's token, integration endpoints with an operator's;
# each run is bounded in examples and in time (about 3 minutes in all).
timeout 120 .venv/bin/schemathesis run "$schema" \
  --header "Authorization: Bearer $(cat "$work/subscriber.token")" \
  --include-path-regex '^/api/v1/accounts/' \
  --checks "$checks" --max-examples 20 --max-time 80 --workers 2 --seed 1 \
  --request-timeout 20 || status=1
timeout 100 .venv/bin/schemathesis run "$schema" \
  --header "Authorization: Bearer $(cat "$work/operator.token")" \
  --exclude-path-regex '^/api/v1/accounts/' \
  --checks "$checks" --max-examples 20 --max-time 60 --workers 2 --seed 1 \
  --request-timeout 20 || status=1

if [ "$status" -ne 0 ]; then
  echo "--- server log (last 80 lines)"
  tail -80 "$work/server.log"
fi
exit "$status"
