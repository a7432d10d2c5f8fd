"""Links to requests and outages from the cabinet and the account page (no queries)."""

from django import template

register = template.Library()


@register.inclusion_tag("requests/_links.html")
def request_links(account=None):
    return {"account": account}


@register.inclusion_tag("requests/_backoffice_links.html")
def backoffice_request_links(section=""):
    return {"section": section}
