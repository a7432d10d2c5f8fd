from django import template
from django.utils import timezone

from kabinet.metering import selectors
from kabinet.metering.submission import zone_label
from kabinet.periods import month_name

register = template.Library()


@register.filter
def month_in_text(period):
    """A billing month as words for the middle of a sentence ("листопад 2026")."""
    return month_name(period, in_text=True)


@register.inclusion_tag("metering/_meter_panels.html", takes_context=True)
def meter_panels(context, account):
    """Render, for each meter of `account` in service, its last reading and the reading form."""
    today = timezone.localdate()
    return {
        "account": account,
        "panels": selectors.meter_panels(account=account, today=today),
        "today": today,
        "request": context.get("request"),
    }


def zone_inputs(*, zones, form, zone_errors) -> list[dict]:
    """One field per zone of a multi-zone meter: its name, label, last value, typed value and
    error. `zones` is MeterPanel.zones: (zone, last value, tariff)."""
    data = form.data if form is not None else {}
    return [
        {
            "zone": zone,
            "name": f"value_{zone}",
            "label": zone_label(zone),
            "last": last,
            "tariff": tariff,
            "typed": data.get(f"value_{zone}", ""),
            "error": zone_errors.get(zone, ""),
        }
        for zone, last, tariff in zones
    ]


def other_errors(*, zones, zone_errors) -> list[str]:
    """The refusals that belong to no field of the form (a zone the meter does not have)."""
    known = {zone for zone, _last, _tariff in zones}
    return [message for zone, message in zone_errors.items() if zone not in known]


@register.inclusion_tag("metering/_reading_form.html", takes_context=True)
def reading_form(context, account, panel, form=None):
    """Render one meter's reading form (on the account page and on the form page)."""
    zone_errors = context.get("zone_errors") or {}
    return {
        "account": account,
        "panel": panel,
        "meter": panel.meter,
        "form": form,
        "zone_inputs": zone_inputs(zones=panel.zones, form=form, zone_errors=zone_errors),
        "other_errors": other_errors(zones=panel.zones, zone_errors=zone_errors),
        "today": context.get("today") or timezone.localdate(),
        "request": context.get("request"),
    }


@register.filter
def zone_name(zone):
    """A zone's name in the subscriber's language (`night` -> "Ніч")."""
    return zone_label(str(zone))


@register.filter
def index_of(items, index):
    """The item at `index` of a list (the same month of another zone's figures)."""
    return items[int(index)]
