from django import template

register = template.Library()


@register.inclusion_tag("metering/_meter_panels.html", takes_context=True)
def meter_panels(context, account):
    """Render, for each meter of `account` in service, its last reading and the reading form."""
    meters = [meter for meter in account.meters.all() if meter.removed_date is None]
    return {"account": account, "meters": meters, "request": context.get("request")}
