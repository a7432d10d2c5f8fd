"""Zones (зони) of a multi-zone electricity meter: one register per zone, read and billed apart.

A single-zone meter's readings carry the empty zone, so that (meter, date, zone) is the key of
every reading and version 1 exchange files need no zone at all.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Zone(models.TextChoices):
    SINGLE = "", _("Single zone")
    DAY = "day", _("Day")
    NIGHT = "night", _("Night")
    PEAK = "peak", _("Peak")
    HALF_PEAK = "half_peak", _("Half-peak")


# The registers of a meter by its number of zones, in the order bills and forms show them.
ZONES_BY_COUNT: dict[int, tuple[Zone, ...]] = {
    1: (Zone.SINGLE,),
    2: (Zone.DAY, Zone.NIGHT),
    3: (Zone.PEAK, Zone.HALF_PEAK, Zone.NIGHT),
}


def meter_zones(zone_count: int) -> tuple[Zone, ...]:
    """The zones of a meter with `zone_count` registers. Raises KeyError for another count."""
    return ZONES_BY_COUNT[zone_count]
