"""Background tasks of outages (django-tasks; `kabinet db_worker` runs them)."""

import datetime as dt

from django_tasks import task

from . import services


@task()
def outage_mail_send(now_iso: str) -> int:
    """Mail subscribers about outages as of `now_iso`; return how many mails went out."""
    return services.outage_mail_send(now=dt.datetime.fromisoformat(now_iso))
