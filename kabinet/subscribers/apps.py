from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubscribersConfig(AppConfig):
    name = "kabinet.subscribers"
    verbose_name = _("Subscribers")
