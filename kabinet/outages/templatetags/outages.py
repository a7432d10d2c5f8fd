"""The outage banner of the cabinet and the account page: one query, only where it is shown."""

from django import template
from django.utils import timezone

from kabinet.outages.selectors import subscriber_outages

register = template.Library()


@register.inclusion_tag("outages/_banner.html", takes_context=True)
def outage_banner(context, account=None):
    """Outages at the addresses of the signed-in subscriber's accounts (or of `account`)."""
    request = context["request"]
    now = timezone.now()
    found = subscriber_outages(
        user=request.user, now=now, account_id=account.pk if account is not None else None
    )
    return {"outages": found, "now": now, "single": account is not None}
