"""The operators' outage pages: the list, publishing an outage, and its updates."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kabinet.backoffice.access import (
    OperatorNotAllowed,
    access_operator_provider,
    operator_providers,
)
from kabinet.backoffice.requests import operator_page
from kabinet.outages import selectors, services
from kabinet.outages.forms import STREET_ROWS, OutageForm, OutageUpdateForm
from kabinet.outages.models import Outage


def _render(request: HttpRequest, template: str, status: int = 200, **context) -> HttpResponse:
    return render(
        request,
        f"outages/{template}",
        {"section": "outages", "now": timezone.now(), **context},
        status=status,
    )


@operator_page
def outage_list(request: HttpRequest) -> HttpResponse:
    providers = operator_providers(request.user)
    status = 200
    if request.method == "POST":
        form = OutageForm(request.POST, providers=providers)
        if form.is_valid():
            try:
                outage = _publish(request, form)
            except services.OutageRejected as rejected:
                form.add_error(None, rejected.message)
                status = 400
            else:
                messages.success(request, _("The outage is published."))
                return redirect("outages_backoffice:detail", outage_id=outage.pk)
        else:
            status = 400
    else:
        form = OutageForm(providers=providers, initial={"starts_at": timezone.localtime()})
    page = Paginator(selectors.outage_list_for_operator(providers=providers), 50).get_page(
        request.GET.get("page")
    )
    return _render(request, "backoffice_list.html", status=status, form=form, page=page)


def _publish(request: HttpRequest, form: OutageForm) -> Outage:
    data = form.cleaned_data
    try:
        provider = access_operator_provider(user=request.user, provider_id=data["provider"])
    except OperatorNotAllowed:
        raise Http404 from None
    streets = []
    for row in range(1, STREET_ROWS + 1):
        name = data.get(f"street_{row}", "").strip()
        if not name:
            continue
        street = services.street_find(provider=provider, name=name)
        house_from, house_to = services.houses_parse(data.get(f"houses_{row}", ""))
        streets.append(
            services.AffectedStreet(
                street=street,
                house_from=house_from,
                house_to=house_to,
                side=data.get(f"side_{row}") or "both",
            )
        )
    return services.outage_publish(
        provider=provider,
        operator=request.user,
        service=data["service"],
        kind=data["kind"],
        starts_at=data["starts_at"],
        ends_at=data["ends_at"],
        reason=data["reason"],
        streets=streets,
        now=timezone.now(),
    )


def _outage(request: HttpRequest, outage_id: int) -> Outage:
    outage = (
        selectors.outage_list_for_operator(providers=operator_providers(request.user))
        .filter(pk=outage_id)
        .first()
    )
    if outage is None:
        raise Http404
    return outage


@operator_page
@require_GET
def outage_detail(request: HttpRequest, outage_id: int) -> HttpResponse:
    outage = _outage(request, outage_id)
    return _render(request, "backoffice_detail.html", outage=outage, form=OutageUpdateForm())


@operator_page
@require_POST
def outage_update(request: HttpRequest, outage_id: int) -> HttpResponse:
    outage = _outage(request, outage_id)
    form = OutageUpdateForm(request.POST)
    if form.is_valid():
        try:
            services.outage_update(
                outage=outage,
                operator=request.user,
                text=form.cleaned_data["text"],
                ends_at=form.cleaned_data["ends_at"],
                restored=form.cleaned_data["restored"],
                now=timezone.now(),
            )
        except services.OutageRejected as rejected:
            form.add_error(None, rejected.message)
        else:
            messages.success(request, _("The update is published."))
            return redirect("outages_backoffice:detail", outage_id=outage.pk)
    return _render(request, "backoffice_detail.html", status=400, outage=outage, form=form)
