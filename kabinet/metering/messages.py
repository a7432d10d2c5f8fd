"""What the portal and the API tell a subscriber about a reading they submitted."""

from django.utils.translation import gettext as _

from kabinet.periods import month_name
from kabinet.providers.service_kinds import service_unit

from .services import ReadingSubmitted
from .submission import format_date, format_value, zone_label


def reading_submitted_message(result: ReadingSubmitted) -> str:
    """Tell the subscriber what their stored reading means, in the words every channel uses."""
    if result.zones:
        return _zones_message(result)
    reading = result.reading
    meter = reading.meter
    unit = service_unit(meter.service)
    if result.unchanged:
        return _("This reading was already received: %(value)s %(unit)s on %(date)s.") % {
            "value": format_value(reading.value, meter.decimals),
            "unit": unit,
            "date": format_date(reading.reading_date),
        }
    text = _(
        "Reading %(value)s %(unit)s of %(date)s for meter %(serial)s accepted. "
        "It counts for %(period)s."
    ) % {
        "value": format_value(reading.value, meter.decimals),
        "unit": unit,
        "date": format_date(reading.reading_date),
        "serial": meter.serial,
        "period": month_name(result.period, in_text=True),
    }
    if result.consumption is not None:
        text += " " + _("Used since the last reading: %(used)s %(unit)s.") % {
            "used": format_value(result.consumption, meter.decimals),
            "unit": unit,
        }
    if result.replaced:
        text += " " + _("It replaced the value given earlier for that day.")
    if reading.status == reading.Status.REVIEW:
        text += " " + _("An operator will check it.")
    return text


def _zones_text(result: ReadingSubmitted, *, with_consumption: bool) -> str:
    """Each zone's value (and what it used): "Day 1 234,000 (120,000 used), Night ..."."""
    meter = result.reading.meter
    parts = []
    for item in result.zones:
        text = f"{zone_label(item.reading.zone)} {format_value(item.reading.value, meter.decimals)}"
        if with_consumption and item.consumption is not None:
            text += " " + _("(%(used)s used)") % {
                "used": format_value(item.consumption, meter.decimals)
            }
        parts.append(text)
    return "; ".join(parts)


def _zones_message(result: ReadingSubmitted) -> str:
    reading = result.reading
    meter = reading.meter
    unit = service_unit(meter.service)
    if result.unchanged:
        return _("This reading was already received: %(values)s %(unit)s on %(date)s.") % {
            "values": _zones_text(result, with_consumption=False),
            "unit": unit,
            "date": format_date(reading.reading_date),
        }
    text = _(
        "Reading of %(date)s for meter %(serial)s accepted: %(values)s %(unit)s. "
        "It counts for %(period)s."
    ) % {
        "values": _zones_text(result, with_consumption=True),
        "unit": unit,
        "date": format_date(reading.reading_date),
        "serial": meter.serial,
        "period": month_name(result.period, in_text=True),
    }
    if result.consumption is not None:
        text += " " + _("Used since the last reading in all zones: %(used)s %(unit)s.") % {
            "used": format_value(result.consumption, meter.decimals),
            "unit": unit,
        }
    if result.replaced:
        text += " " + _("It replaced the values given earlier for that day.")
    if any(item.reading.status == item.reading.Status.REVIEW for item in result.zones):
        text += " " + _("An operator will check it.")
    return text
