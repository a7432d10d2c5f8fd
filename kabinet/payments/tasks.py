"""Background tasks (django-tasks; `kabinet db_worker` runs them, `kabinet scheduler` queues
the periodic ones)."""

from django.utils import timezone
from django_tasks import task

from . import callbacks, mail


@task()
def receipt_send(payment_id: int) -> bool:
    """Mail the receipt of payment `payment_id` (queued when it succeeds)."""
    return mail.receipt_send(payment_id=payment_id)


@task()
def payments_check_pending() -> int:
    """Ask the gateway about orders it went quiet on; return how many were settled."""
    return callbacks.payments_check_pending(now=timezone.now())


@task()
def statements_send() -> int:
    """Mail the new statements of subscribers who chose paperless; return how many."""
    return mail.statements_send(now=timezone.now())
