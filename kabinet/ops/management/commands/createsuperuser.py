"""`kabinet createsuperuser`: Django's command, and the new superuser can sign in at once.

Sign-in requires a verified e-mail (ACCOUNT_EMAIL_VERIFICATION = "mandatory"); the person who
runs this command on the server is trusted with the address they type, so it is recorded as
verified instead of waiting for a confirmation mail.
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.management.commands import createsuperuser
from django.db.models.signals import post_save

from kabinet.ops.services import email_verified_mark


class Command(createsuperuser.Command):
    def handle(self, *args: Any, **options: Any) -> None:
        made: list[Any] = []

        def remember(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
            if created:
                made.append(instance)

        User = get_user_model()
        post_save.connect(remember, sender=User, weak=False, dispatch_uid="ops-createsuperuser")
        try:
            super().handle(*args, **options)
        finally:
            post_save.disconnect(sender=User, dispatch_uid="ops-createsuperuser")
        for user in made:
            email_verified_mark(user=user)
