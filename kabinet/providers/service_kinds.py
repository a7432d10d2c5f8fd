"""The services each meter can measure, shared by providers, meters and the ledger."""

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class Service(models.TextChoices):
    COLD_WATER = "cold_water", _("Cold water")
    HOT_WATER = "hot_water", _("Hot water")
    GAS = "gas", _("Gas")
    ELECTRICITY = "electricity", _("Electricity")
    HEAT = "heat", _("Heat")


def service_unit(service: str) -> str:
    """Return the unit a meter of `service` counts in, in the current language."""
    if service == Service.ELECTRICITY:
        return gettext("kWh")
    if service == Service.HEAT:
        return gettext("Gcal")
    return gettext("m³")
