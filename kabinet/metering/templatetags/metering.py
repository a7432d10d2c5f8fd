from django import template
from django.utils import timezone

from kabinet.metering import selectors
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


@register.inclusion_tag("metering/_reading_form.html", takes_context=True)
def reading_form(context, account, panel, form=None):
    """Render one meter's reading form (on the account page and on the form page)."""
    return {
        "account": account,
        "panel": panel,
        "meter": panel.meter,
        "form": form,
        "today": context.get("today") or timezone.localdate(),
        "request": context.get("request"),
    }
