from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Health, metrics, logs and the operations commands (see docs/operations.md)."""

    name = "kabinet.ops"
    verbose_name = _("Operations")

    def ready(self) -> None:
        from . import receivers

        receivers.connect()
