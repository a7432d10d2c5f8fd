"""`kabinet reminders [--date YYYY-MM-DD] [--enqueue]`: the daily run of reading reminders."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from kabinet.notifications import services, tasks


class Command(BaseCommand):
    help = "Mail today's reminders to read the meters (at most one per account and period)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="the day to run for, YYYY-MM-DD (default: today)")
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="queue the run for `kabinet db_worker` instead of running it here",
        )

    def handle(self, *args, **options):
        try:
            today = (
                dt.date.fromisoformat(options["date"]) if options["date"] else timezone.localdate()
            )
        except ValueError:
            raise CommandError(f"--date: not a date: {options['date']!r} (YYYY-MM-DD)") from None
        if options["enqueue"]:
            result = tasks.reminders_send.enqueue(today.isoformat())
            self.stdout.write(f"queued reminders for {today.isoformat()}: task {result.id}")
            return
        sent = services.reminders_send(today=today, now=timezone.now())
        self.stdout.write(f"reminders for {today.isoformat()}: {sent} mail(s) sent")
