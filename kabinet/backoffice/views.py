"""The operator's pages. Each view checks the operator, makes one call into the domain, and
renders its result; objects are reached only through `access` and the selectors' provider scope.
"""

import io
from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kabinet.exchange import runs
from kabinet.exchange.models import ImportRun
from kabinet.metering.services import ReadingRejected, reading_review_accept, reading_review_correct
from kabinet.periods import format_period
from kabinet.providers.forms import ProviderSettingsForm
from kabinet.providers.services import provider_settings_snapshot, provider_settings_update
from kabinet.subscribers.services import LinkNotEnded, account_link_end

from . import selectors, services
from .access import (
    OperatorNotAllowed,
    access_operator_account,
    access_operator_link,
    access_operator_provider,
    access_operator_reading,
    access_operator_street,
    is_operator,
    operator_providers,
)
from .chart import daily_chart
from .forms import (
    AuditFilterForm,
    CorrectReadingForm,
    ExportForm,
    FormerNameForm,
    ImportForm,
    UnlinkForm,
    month_range,
)

PAGE_SIZE = 50
DASHBOARD_ROWS = 10


def operator_view(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Let staff in, send the signed-out to the login page, and hide others' objects as 404."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_operator(request.user):
            raise PermissionDenied
        try:
            return view(request, *args, **kwargs)
        except OperatorNotAllowed as hidden:
            raise Http404 from hidden

    return wrapper


def _page(request: HttpRequest, items) -> Page:
    return Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))


def _render(request: HttpRequest, template: str, section: str, **context) -> HttpResponse:
    return render(request, f"backoffice/{template}", {"section": section, **context})


# --- dashboard and review -------------------------------------------------------------------------


@operator_view
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    providers = operator_providers(request.user)
    today = timezone.localdate()
    figures = selectors.dashboard_figures(providers=providers, today=today)
    return _render(
        request,
        "dashboard.html",
        "dashboard",
        figures=figures,
        chart=daily_chart(figures.readings_per_day),
        period=format_period(today),
        review=list(selectors.review_queue(providers=providers)[:DASHBOARD_ROWS]),
        overdue=list(selectors.overdue_meters(providers=providers, today=today)[:DASHBOARD_ROWS]),
        correct_form=CorrectReadingForm(),
    )


@operator_view
@require_GET
def review_list(request: HttpRequest) -> HttpResponse:
    page = _page(request, selectors.review_queue(providers=operator_providers(request.user)))
    return _render(request, "review.html", "review", page=page, correct_form=CorrectReadingForm())


def _back(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next", "")
    return target if target.startswith("/backoffice/") else default


@operator_view
@require_POST
def review_accept(request: HttpRequest, reading_id: int) -> HttpResponse:
    reading = access_operator_reading(user=request.user, reading_id=reading_id)
    try:
        reading_review_accept(reading=reading, actor=request.user, now=timezone.now())
    except ReadingRejected as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(
            request, _("Reading of meter %(serial)s accepted.") % {"serial": reading.meter.serial}
        )
    return redirect(_back(request, "/backoffice/review/"))


@operator_view
@require_POST
def review_correct(request: HttpRequest, reading_id: int) -> HttpResponse:
    reading = access_operator_reading(user=request.user, reading_id=reading_id)
    form = CorrectReadingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the correct value and the reason."))
        return redirect(_back(request, "/backoffice/review/"))
    try:
        reading_review_correct(
            reading=reading,
            value=form.cleaned_data["value"],
            reason=form.cleaned_data["reason"],
            actor=request.user,
            now=timezone.now(),
        )
    except ReadingRejected as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(
            request,
            _("Reading of meter %(serial)s corrected and accepted.")
            % {"serial": reading.meter.serial},
        )
    return redirect(_back(request, "/backoffice/review/"))


@operator_view
@require_GET
def overdue_list(request: HttpRequest) -> HttpResponse:
    meters = selectors.overdue_meters(
        providers=operator_providers(request.user), today=timezone.localdate()
    )
    return _render(request, "overdue.html", "dashboard", page=_page(request, meters))


# --- imports --------------------------------------------------------------------------------------


@operator_view
def import_list(request: HttpRequest) -> HttpResponse:
    providers = operator_providers(request.user)
    form = ImportForm(request.POST or None, request.FILES or None, providers=providers)
    if request.method == "POST" and form.is_valid():
        provider = access_operator_provider(
            user=request.user, provider_id=form.cleaned_data["provider"].pk
        )
        try:
            run = runs.import_run_create(
                actor=request.user,
                provider=provider,
                files=form.cleaned_data["files"],
                dry_run=True,
                via="web",
                encoding=form.cleaned_data["encoding"],
                now=timezone.now(),
            )
        except runs.ImportRunRefused as refusal:
            form.add_error("files", refusal.message)
        else:
            runs.import_run_start(run=run)
            return redirect("backoffice:import_detail", run_id=run.pk)
    history = _page(request, selectors.import_history(providers=providers))
    return _render(request, "imports.html", "imports", form=form, page=history)


def _run(request: HttpRequest, run_id: int) -> ImportRun:
    run = (
        selectors.import_history(providers=operator_providers(request.user))
        .filter(pk=run_id)
        .first()
    )
    if run is None:
        raise Http404
    return run


@operator_view
@require_GET
def import_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    return _render(request, "import_detail.html", "imports", run=_run(request, run_id))


@operator_view
@require_GET
def import_progress(request: HttpRequest, run_id: int) -> HttpResponse:
    """The run's status block; htmx polls it until the run is finished."""
    return render(request, "backoffice/_import_status.html", {"run": _run(request, run_id)})


@operator_view
@require_POST
def import_apply(request: HttpRequest, run_id: int) -> HttpResponse:
    dry_run = _run(request, run_id)
    try:
        run = runs.import_run_apply(dry_run=dry_run, actor=request.user, now=timezone.now())
    except runs.ImportRunRefused as refusal:
        messages.error(request, refusal.message)
        return redirect("backoffice:import_detail", run_id=dry_run.pk)
    runs.import_run_start(run=run)
    return redirect("backoffice:import_detail", run_id=run.pk)


# --- export ---------------------------------------------------------------------------------------


@operator_view
@require_GET
def export(request: HttpRequest) -> HttpResponseBase:
    providers = operator_providers(request.user)
    if "provider" not in request.GET:
        start, end = month_range(timezone.localdate())
        form = ExportForm(
            providers=providers, initial={"date_from": start, "date_to": end, "file_format": "csv"}
        )
        return _render(request, "export.html", "export", form=form)
    form = ExportForm(request.GET, providers=providers)
    if not form.is_valid():
        return _render(request, "export.html", "export", form=form)
    data = form.cleaned_data
    provider = access_operator_provider(user=request.user, provider_id=data["provider"].pk)
    out = io.BytesIO()
    services.export_write(
        provider=provider,
        date_from=data["date_from"],
        date_to=data["date_to"],
        file_format=data["file_format"],
        out=out,
    )
    out.seek(0)
    name = f"readings-{provider.code}-{data['date_from']:%Y%m%d}-{data['date_to']:%Y%m%d}"
    return FileResponse(
        out,
        as_attachment=True,
        filename=f"{name}.{data['file_format']}",
        content_type="text/csv" if data["file_format"] == "csv" else "application/x-dbf",
    )


# --- streets --------------------------------------------------------------------------------------


@operator_view
@require_GET
def street_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:200]
    streets = selectors.street_list(providers=operator_providers(request.user), query=query)
    return _render(
        request,
        "streets.html",
        "streets",
        page=_page(request, streets),
        query=query,
        query_string=_query_without_page(request),
    )


@operator_view
@require_POST
def street_add_name(request: HttpRequest, street_id: int) -> HttpResponse:
    street = access_operator_street(user=request.user, street_id=street_id)
    form = FormerNameForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Type the former name of the street."))
    else:
        try:
            services.street_former_name_add(
                street=street,
                name=form.cleaned_data["name"],
                actor=request.user,
                now=timezone.now(),
            )
        except services.BackofficeRefused as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(
                request,
                _("Subscribers now find %(street)s also as “%(name)s”.")
                % {"street": street, "name": form.cleaned_data["name"]},
            )
    return redirect(_back(request, "/backoffice/streets/"))


# --- accounts -------------------------------------------------------------------------------------


@operator_view
@require_GET
def account_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[:200]
    accounts = selectors.account_search(providers=operator_providers(request.user), query=query)
    return _render(
        request,
        "accounts.html",
        "accounts",
        page=_page(request, accounts),
        query=query,
        query_string=_query_without_page(request),
    )


@operator_view
@require_GET
def account_detail(request: HttpRequest, account_id: int) -> HttpResponse:
    account = access_operator_account(user=request.user, account_id=account_id)
    return _render(
        request,
        "account_detail.html",
        "accounts",
        account=account,
        links=selectors.account_links(account=account),
        form=UnlinkForm(),
    )


@operator_view
@require_POST
def account_unlink(request: HttpRequest, account_id: int, link_id: int) -> HttpResponse:
    link = access_operator_link(user=request.user, account_id=account_id, link_id=link_id)
    form = UnlinkForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the account is unlinked."))
    else:
        try:
            account_link_end(
                link=link,
                reason=form.cleaned_data["reason"],
                actor=request.user,
                now=timezone.now(),
            )
        except LinkNotEnded as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, _("The account is unlinked; the subscriber was not told."))
    return redirect("backoffice:account_detail", account_id=link.account_id)


# --- provider settings ----------------------------------------------------------------------------


@operator_view
@require_GET
def provider_list(request: HttpRequest) -> HttpResponse:
    providers = operator_providers(request.user).order_by("code")
    return _render(request, "providers.html", "providers", providers=providers)


@operator_view
def provider_settings(request: HttpRequest, provider_id: int) -> HttpResponse:
    provider = access_operator_provider(user=request.user, provider_id=provider_id)
    form = ProviderSettingsForm(request.POST or None, initial=provider_settings_snapshot(provider))
    if request.method == "POST" and form.is_valid():
        try:
            provider_settings_update(
                provider=provider,
                changes=form.cleaned_data,
                actor=request.user,
                now=timezone.now(),
            )
        except ValidationError as invalid:
            for field, errors in invalid.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Settings of %(provider)s saved.") % {"provider": provider})
            return redirect("backoffice:provider_settings", provider_id=provider.pk)
    return _render(request, "provider_settings.html", "providers", provider=provider, form=form)


# --- audit log ------------------------------------------------------------------------------------


@operator_view
@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    entries = selectors.audit_log(providers=operator_providers(request.user), **filters)
    return _render(
        request,
        "audit.html",
        "audit",
        form=form,
        page=_page(request, entries),
        query=_query_without_page(request),
    )


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()
