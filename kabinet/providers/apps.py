from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProvidersConfig(AppConfig):
    name = "kabinet.providers"
    verbose_name = _("Providers")

    def ready(self) -> None:
        # The per-process copy of the providers goes when one changes here (issue 12).
        from django.db.models.signals import post_delete, post_save

        from .models import Provider
        from .selectors import providers_forget

        post_save.connect(providers_forget, sender=Provider, dispatch_uid="providers-save")
        post_delete.connect(providers_forget, sender=Provider, dispatch_uid="providers-del")
