from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RequestsConfig(AppConfig):
    name = "kabinet.requests"
    # Not "requests": the label names the tables and must not read like the HTTP library.
    label = "subscriber_requests"
    verbose_name = _("Requests")
