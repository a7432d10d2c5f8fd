"""The periodic runs: `kabinet scheduler` queues the payments' status check and the paperless
mail; `kabinet payments_status` runs the check by hand; the demo's bank details."""

import datetime as dt
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from kabinet.payments.mail import paperless_set
from kabinet.payments.merchants import merchant_bank_details_ensure
from kabinet.payments.models import Merchant, Payment


def test_the_scheduler_queues_the_payments_runs(owing, subscriber, mailoutbox, sandbox_on):
    paperless_set(user=subscriber, enabled=True, language="en", now=timezone.now())

    call_command("scheduler", "--once", "--at", "23:59", stdout=StringIO())

    # The test settings run queued tasks at once: the paperless run mailed the statement.
    assert [m.subject for m in mailoutbox] == ["Your statement for 2026-11, account 0012345"]


def test_payments_status_settles_quiet_orders(owing, make_payment, sandbox_on):
    from kabinet.payments import sandbox

    # Nothing listens there (a port of this worktree's range): the gateway is unreachable.
    sandbox_on.SITE_URL = "http://127.0.0.1:8139"

    quiet = make_payment(
        owing,
        gateway=Payment.Gateway.SANDBOX,
        public_key=sandbox.sandbox_public_key("vodokanal"),
        created_at=timezone.now() - dt.timedelta(minutes=20),
    )
    out = StringIO()

    call_command("payments_status", stdout=out)

    quiet.refresh_from_db()
    assert quiet.checked_at is not None
    assert quiet.status == Payment.Status.PENDING
    assert "settled by a status query: 0" in out.getvalue()


def test_bank_details_are_given_only_where_missing(vodokanal, gas):
    Merchant.objects.create(
        provider=gas, legal_name="Own", edrpou="12345678", iban="UA093052990000026001000000202"
    )

    changed = merchant_bank_details_ensure(
        details={
            "vodokanal": ("КП", "03327664", "UA203052990000026001000000101"),
            "gas": ("Other", "87654321", "UA953052990000026001000000303"),
        },
        now=timezone.now(),
    )

    assert changed == 1
    assert Merchant.objects.get(provider=vodokanal).iban == "UA203052990000026001000000101"
    assert Merchant.objects.get(provider=gas).legal_name == "Own"
