"""`kabinet scheduler [--at HH:MM]`: queue the daily background runs, once a day.

A long-running process beside `kabinet db_worker`, for installations without cron. The work
itself is idempotent (one reminder per account and period), so a restart that queues a day's
run again sends nothing twice.
"""

import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from kabinet.notifications import tasks
from kabinet.outages import tasks as outage_tasks
from kabinet.payments import tasks as payment_tasks


def due(*, now: dt.datetime, at: dt.time, last_run: dt.date | None) -> bool:
    """True when the day's run is due: past `at` local time and not yet queued today."""
    local = timezone.localtime(now)
    return local.time() >= at and last_run != local.date()


class Command(BaseCommand):
    help = "Queue the daily reminder run once a day (runs until stopped)."

    def add_arguments(self, parser):
        parser.add_argument("--at", default="08:00", help="local time of the daily run (HH:MM)")
        parser.add_argument("--interval", type=float, default=60, help="seconds between checks")
        parser.add_argument("--once", action="store_true", help="check once and exit")
        parser.add_argument(
            "--payments-every",
            type=float,
            default=300,
            help=(
                "seconds between the frequent runs: payments' status of quiet orders, paperless "
                "mail, outage mail held back overnight"
            ),
        )

    def handle(self, *args, **options):
        try:
            at = dt.time.fromisoformat(options["at"])
        except ValueError:
            raise CommandError(f"--at: not a time: {options['at']!r} (HH:MM)") from None
        last_run: dt.date | None = None
        last_payments: float | None = None
        while True:
            now = timezone.now()
            # payments: LiqPay's callbacks get lost; orders it went quiet on are asked about.
            if (
                last_payments is None
                or time.monotonic() - last_payments >= options["payments_every"]
            ):
                payment_tasks.payments_check_pending.enqueue()
                payment_tasks.statements_send.enqueue()
                # outages: a planned outage published at night is mailed after 08:00.
                outage_tasks.outage_mail_send.enqueue(now.isoformat())
                last_payments = time.monotonic()
            if due(now=now, at=at, last_run=last_run):
                today = timezone.localdate(now)
                tasks.reminders_send.enqueue(today.isoformat())
                last_run = today
                self.stdout.write(f"{now.isoformat()}: queued reminders for {today.isoformat()}")
                self.stdout.flush()
            if options["once"]:
                return
            time.sleep(options["interval"])
