"""Background tasks of requests (django-tasks; `kabinet db_worker` runs them)."""

from django_tasks import task

from . import services


@task()
def request_answer_mail(message_id: int) -> int:
    """Mail the subscriber the operator's answer `message_id`; return how many mails went out."""
    return services.request_answer_mail_send(message_id=message_id)
