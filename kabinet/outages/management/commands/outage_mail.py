"""`kabinet outage_mail`: mail subscribers about outages at their addresses (run it from cron).

Publishing or updating an outage queues this run at once; a planned outage published at night
waits for the first run after 08:00, so cron runs it every quarter of an hour.
"""

from django.core.management.base import BaseCommand
from django.utils import timezone

from kabinet.outages.services import outage_mail_send


class Command(BaseCommand):
    help = "Mail subscribers who asked about outages at their addresses (once per update)."

    def handle(self, *args, **options):
        sent = outage_mail_send(now=timezone.now())
        self.stdout.write(f"{sent} mail(s) sent")
