from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "kabinet.api"
    verbose_name = _("Api")

    def ready(self) -> None:
        # A token's cached copy goes whenever the token changes (issue 12).
        from django.db.models.signals import post_delete, post_save

        from .models import ApiToken
        from .tokens import api_token_forget

        post_save.connect(api_token_forget, sender=ApiToken, dispatch_uid="api-token-save")
        post_delete.connect(api_token_forget, sender=ApiToken, dispatch_uid="api-token-del")
