"""The mail backend that counts: hands mail to KABINET's real backend and counts the outcome.

Settings name the real backend in OPS_MAIL_BACKEND and this one in EMAIL_BACKEND.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend

from kabinet import metrics


class CountingBackend(BaseEmailBackend):
    def __init__(self, *args: Any, fail_silently: bool = False, **kwargs: Any) -> None:
        super().__init__(fail_silently=fail_silently)
        self.inner = get_connection(
            settings.OPS_MAIL_BACKEND, fail_silently=fail_silently, **kwargs
        )

    def open(self) -> Any:
        return self.inner.open()

    def close(self) -> None:
        self.inner.close()

    def send_messages(self, email_messages: Any) -> int:
        messages = list(email_messages)
        try:
            sent = self.inner.send_messages(messages) or 0
        except Exception:
            metrics.mails(sent=0, failed=len(messages))
            raise
        metrics.mails(sent=sent, failed=len(messages) - sent)
        return sent
