"""Outage pages: the public list with its search, the Atom feed and the JSON list, the opt-in."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from . import selectors, services
from .forms import OutageMailForm, OutageSearchForm
from .models import Outage, OutageSubscription


def _search(request: HttpRequest) -> selectors.PublicOutages:
    form = OutageSearchForm(request.GET)
    street = form.cleaned_data["street"].strip() if form.is_valid() else ""
    return selectors.public_outages(now=timezone.now(), street=street)


@require_safe
def outage_list(request: HttpRequest) -> HttpResponse:
    found = _search(request)
    return render(
        request,
        "outages/list.html",
        {"found": found, "form": OutageSearchForm(request.GET or None), "now": timezone.now()},
    )


def outage_json(outage: Outage) -> dict:
    """One outage as the JSON list and the API give it."""
    return {
        "id": outage.pk,
        "provider": outage.provider.code,
        "provider_name": outage.provider.name,
        "service": outage.service,
        "kind": outage.kind,
        "starts_at": outage.starts_at.isoformat(),
        "ends_at": outage.ends_at.isoformat() if outage.ends_at else None,
        "reason": outage.reason,
        "streets": [
            {
                "street": str(row.street),
                "house_from": row.house_from,
                "house_to": row.house_to,
                "side": row.side,
            }
            for row in outage.streets.all()
        ],
        "updates": [
            {"at": update.created_at.isoformat(), "text": update.text}
            for update in sorted(outage.updates.all(), key=lambda u: u.revision)
        ],
    }


@require_safe
def outage_list_json(request: HttpRequest) -> JsonResponse:
    found = _search(request)
    response = JsonResponse({"outages": [outage_json(o) for o in found.outages]})
    # Other sites of the city read this list from their pages.
    response["Access-Control-Allow-Origin"] = "*"
    return response


class OutageFeed(Feed):
    """Current and planned outages as an Atom feed, newest published first."""

    feed_type = Atom1Feed
    title = gettext_lazy("Outages: current and planned")
    subtitle = gettext_lazy("Planned and emergency outages of water, gas, heat and electricity.")

    def link(self):
        return f"{settings.SITE_URL}/outages/"

    def items(self):
        outages = selectors.public_outages(now=timezone.now()).outages
        return sorted(outages, key=lambda o: (o.created_at, o.pk), reverse=True)

    def item_title(self, item: Outage) -> str:
        streets = ", ".join(str(row.street) for row in item.streets.all())
        return f"{item.get_kind_display()}: {item.get_service_display()}, {streets}"

    def item_description(self, item: Outage) -> str:
        until = (
            timezone.localtime(item.ends_at).strftime("%Y-%m-%d %H:%M")
            if item.ends_at
            else _("not known yet")
        )
        text = _("From %(start)s until %(until)s. %(reason)s") % {
            "start": timezone.localtime(item.starts_at).strftime("%Y-%m-%d %H:%M"),
            "until": until,
            "reason": item.reason,
        }
        updates = [u.text for u in sorted(item.updates.all(), key=lambda u: u.revision)]
        return " ".join([text, *updates])

    def item_link(self, item: Outage) -> str:
        return f"{settings.SITE_URL}/outages/#outage-{item.pk}"

    def item_pubdate(self, item: Outage):
        return item.created_at

    def item_updateddate(self, item: Outage):
        updates = list(item.updates.all())
        return max((u.created_at for u in updates), default=item.created_at)


@login_required
def outage_mail_settings(request: HttpRequest) -> HttpResponse:
    """Opt in to (or out of) mail about outages at the addresses of one's accounts."""
    user = request.user
    assert user.is_authenticated
    current = OutageSubscription.objects.filter(user=user).first()
    if request.method == "POST":
        form = OutageMailForm(request.POST)
        if form.is_valid():
            saved = services.outage_subscription_save(
                user=user,
                enabled=form.cleaned_data["enabled"],
                language=form.cleaned_data["language"],
                now=timezone.now(),
            )
            messages.success(
                request,
                _("You will be mailed about outages at your addresses.")
                if saved.enabled
                else _("Mail about outages is turned off."),
            )
            return redirect("outages:mail")
    else:
        form = OutageMailForm(
            initial={
                "enabled": current.enabled if current else True,
                "language": current.language if current else (get_language() or "uk"),
            }
        )
    return render(request, "outages/mail_settings.html", {"form": form, "current": current})
