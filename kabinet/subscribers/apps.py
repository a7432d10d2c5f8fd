from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubscribersConfig(AppConfig):
    name = "kabinet.subscribers"
    verbose_name = _("Subscribers")

    def ready(self) -> None:
        # A signed-in user's cached copy goes whenever the user changes (issue 12).
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_delete, post_save

        from .session_user import forget_on_change

        user_model = get_user_model()
        post_save.connect(forget_on_change, sender=user_model, dispatch_uid="session-user-save")
        post_delete.connect(forget_on_change, sender=user_model, dispatch_uid="session-user-del")
