"""`kabinet payments_status [--enqueue]`: ask the gateway about orders pending for more than
15 minutes (for cron; `kabinet scheduler` queues the same every few minutes)."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from kabinet.payments import callbacks, tasks


class Command(BaseCommand):
    help = "Ask LiqPay (or the sandbox) for the status of orders it went quiet on."

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="queue the run for `kabinet db_worker` instead of running it here",
        )

    def handle(self, *args, **options):
        if options["enqueue"]:
            result = tasks.payments_check_pending.enqueue()
            self.stdout.write(f"queued the payments' status check: task {result.id}")
            return
        settled = callbacks.payments_check_pending(now=timezone.now())
        self.stdout.write(f"payments settled by a status query: {settled}")
