"""Background tasks (django-tasks; `kabinet db_worker` runs them)."""

import datetime as dt

from django.utils import timezone
from django_tasks import task

from . import services


@task()
def reminders_send(today_iso: str) -> int:
    """Mail the reminders due on `today_iso` (YYYY-MM-DD); return how many went out."""
    return services.reminders_send(today=dt.date.fromisoformat(today_iso), now=timezone.now())
