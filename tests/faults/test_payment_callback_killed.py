"""A process killed with SIGKILL while it applies LiqPay's callback loses nothing: the order
stays pending with no half-written message, and the callback delivered again (LiqPay retries;
the status task asks) records the payment once."""

import subprocess
import sys
import textwrap

import pytest

from bench.load_support import ROOT

SETUP = """
import datetime as dt
from decimal import Decimal
from django.utils import timezone
from kabinet.addresses.models import Street
from kabinet.billing.models import Account
from kabinet.payments.models import Merchant, Payment
from kabinet.providers.models import Provider

provider = Provider.objects.create(code="vodokanal", name="Vodokanal", service="cold_water")
street = Street.objects.create(provider=provider, street_id="1", type="вул.", name="Шевченка")
account = Account.objects.create(
    provider=provider, number="0012345", street=street, house="1", house_key="1",
    surname="Коваленко", surname_key="коваленко",
)
Merchant.objects.create(provider=provider, liqpay_public_key="i01", liqpay_private_key="sk")
Payment.objects.create(
    order_id="kb-killed", account=account, amount=Decimal("297.78"), description="test",
    gateway="liqpay", public_key="i01", created_at=timezone.now(),
)
"""

CALLBACK = """
import os, signal
from django.utils import timezone
from kabinet.payments import callbacks, liqpay

data = liqpay.encode_data({
    "action": "pay", "status": "success", "version": 3, "payment_id": 1, "order_id": "kb-killed",
    "public_key": "i01", "amount": 297.78, "currency": "UAH",
})
if os.environ.get("KILL_INSIDE") == "1":
    # Dies after the message and the new status are written, before the commit.
    callbacks.audit_record = lambda **kwargs: os.kill(os.getpid(), signal.SIGKILL)
applied = callbacks.callback_receive(
    data=data, signature=liqpay.sign(private_key="sk", data=data), now=timezone.now()
)
print(applied.payment.status)
"""

STATE = """
from kabinet.payments.models import Payment, PaymentCallback
payment = Payment.objects.get(order_id="kb-killed")
print(payment.status, PaymentCallback.objects.filter(payment=payment).count())
"""


def django_run(code: str, env: dict[str, str], **extra: str) -> subprocess.CompletedProcess:
    script = "import django\ndjango.setup()\n" + textwrap.dedent(code)
    return subprocess.run(
        [sys.executable, "-c", script],
        env={**env, **extra},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.faults
def test_a_process_killed_while_applying_the_callback_loses_nothing(migrated_env):
    from .test_import_killed import wait_for_other_sessions_to_end

    assert django_run(SETUP, migrated_env).returncode == 0

    killed = django_run(CALLBACK, migrated_env, KILL_INSIDE="1")
    wait_for_other_sessions_to_end(migrated_env)
    after_kill = django_run(STATE, migrated_env).stdout.split()
    retried = django_run(CALLBACK, migrated_env)
    again = django_run(CALLBACK, migrated_env)
    final = django_run(STATE, migrated_env).stdout.split()

    assert killed.returncode == -9, killed.stderr
    assert after_kill == ["pending", "0"]
    assert retried.stdout.strip() == "success", retried.stderr
    assert again.returncode == 0, again.stderr
    assert final == ["success", "1"]
