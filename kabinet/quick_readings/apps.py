from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuickReadingsConfig(AppConfig):
    name = "kabinet.quick_readings"
    verbose_name = _("Readings without a cabinet")
