"""The subscriber's reading pages: submit, preview and confirm, history, CSV."""

import csv
import datetime as dt
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kabinet.billing.models import Account
from kabinet.providers.service_kinds import service_unit
from kabinet.subscribers.access import (
    AccountNotAccessible,
    MeterNotAccessible,
    access_account,
    access_meter,
)

from . import selectors, zoned
from .chart import monthly_chart
from .forms import ReadingForm, zone_values
from .messages import reading_submitted_message
from .models import Meter
from .services import (
    ReadingNeedsConfirmation,
    ReadingRejected,
    reading_submit,
)
from .submission import zone_label
from .zones import meter_zones

# A cell a spreadsheet would run as a formula starts with one of these.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _account(request: HttpRequest, account_id: int) -> Account:
    try:
        return access_account(user=request.user, account_id=account_id)
    except AccountNotAccessible:
        raise Http404("account") from None


def account_page_url(account_id: int) -> str:
    """Return the account page (billing's), where the meter panels are shown."""
    try:
        return reverse("billing:account", kwargs={"account_id": account_id})
    except NoReverseMatch:
        return f"/cabinet/accounts/{account_id}/"


def _form_context(request, account, form, meter, **extra):
    today = timezone.localdate()
    panels = {
        panel.meter.pk: panel for panel in selectors.meter_panels(account=account, today=today)
    }
    return {
        "account": account,
        "form": form,
        "meter": meter,
        "panel": panels.get(meter.pk) if meter else None,
        "account_url": account_page_url(account.pk),
        "today": today,
        **extra,
    }


@login_required
@require_POST
def reading_submit_view(request: HttpRequest, account_id: int) -> HttpResponse:
    """Store a reading (or show the preview / confirmation page) and return to the account."""
    try:
        meter: Meter | None = access_meter(
            user=request.user, account_id=account_id, meter_ref=request.POST.get("meter", "")
        )
    except MeterNotAccessible:
        meter = None
    # Not found: whether the account is not theirs (404) or the meter not the account's.
    account = meter.account if meter is not None else _account(request, account_id)
    form = ReadingForm(request.POST)
    if meter is None or not form.is_valid():
        if meter is None:
            form.add_error("meter", _("Choose one of this account's meters."))
        return render(
            request, "metering/reading_form.html", _form_context(request, account, form, meter)
        )
    data = form.cleaned_data
    today = timezone.localdate()
    reading_date: dt.date = data["date"] or today
    values = zone_values(zones=meter_zones(meter.zones), data=request.POST)
    if values is not None:
        return _zones_submit(request, account, form, meter, values, reading_date)
    if "preview" in request.POST:
        preview = selectors.reading_preview(
            meter=meter,
            value=data["value"],
            reading_date=reading_date,
            source="portal",
            today=today,
            tariff=selectors.current_tariffs(account=account).get(meter.service),
            confirm_wrap=data["confirm_wrap"],
            confirm_implausible=data["confirm_implausible"],
        )
        return render(
            request,
            "metering/reading_form.html",
            _form_context(
                request, account, form, meter, preview=preview, reading_date=reading_date
            ),
        )
    try:
        result = reading_submit(
            meter=meter,
            value=data["value"],
            reading_date=reading_date,
            source="portal",
            submitted_by=request.user,
            now=timezone.now(),
            confirm_wrap=data["confirm_wrap"],
            confirm_implausible=data["confirm_implausible"],
        )
    except ReadingNeedsConfirmation as question:
        return render(
            request,
            "metering/confirm.html",
            _form_context(
                request, account, form, meter, question=question, reading_date=reading_date
            ),
        )
    except ReadingRejected as refusal:
        form.add_error("value", refusal.message)
        return render(
            request, "metering/reading_form.html", _form_context(request, account, form, meter)
        )
    messages.success(request, reading_submitted_message(result))
    for warning in result.warnings:
        messages.warning(request, warning)
    return redirect(account_page_url(account.pk))


def zone_fields(meter: Meter, values: dict[str, str]) -> list[dict[str, str]]:
    """The typed value of each zone, for hidden fields of the confirmation page."""
    return [
        {"name": f"value_{zone}", "value": value}
        for zone, value in values.items()
        if zone in meter_zones(meter.zones)
    ]


def _zones_submit(request, account, form, meter, values, reading_date) -> HttpResponse:
    """The multi-zone half of reading_submit_view: one event, one value per zone."""
    data = form.cleaned_data
    today = timezone.localdate()
    if "preview" in request.POST:
        preview = zoned.zones_preview(
            meter=meter,
            values=values,
            reading_date=reading_date,
            source="portal",
            today=today,
            tariffs=selectors.current_tariffs(account=account),
            confirm_wrap=data["confirm_wrap"],
            confirm_implausible=data["confirm_implausible"],
        )
        return render(
            request,
            "metering/reading_form.html",
            _form_context(
                request, account, form, meter, zones_preview=preview, reading_date=reading_date
            ),
        )
    try:
        result = reading_submit(
            meter=meter,
            values=values,
            reading_date=reading_date,
            source="portal",
            submitted_by=request.user,
            now=timezone.now(),
            confirm_wrap=data["confirm_wrap"],
            confirm_implausible=data["confirm_implausible"],
        )
    except ReadingNeedsConfirmation as question:
        return render(
            request,
            "metering/confirm.html",
            _form_context(
                request,
                account,
                form,
                meter,
                question=question,
                question_zone=zone_label(question.zone),
                reading_date=reading_date,
                zone_fields=zone_fields(meter, values),
            ),
        )
    except ReadingRejected as refusal:
        return render(
            request,
            "metering/reading_form.html",
            _form_context(
                request, account, form, meter, zone_errors={refusal.zone: refusal.message}
            ),
        )
    messages.success(request, reading_submitted_message(result))
    for warning in result.warnings:
        messages.warning(request, warning)
    return redirect(account_page_url(account.pk))


@login_required
@require_GET
def reading_preview_view(request: HttpRequest, account_id: int) -> HttpResponse:
    """What the typed value would mean: a fragment for htmx, a page without JavaScript."""
    account = _account(request, account_id)
    form = ReadingForm(request.GET)
    meter = selectors.account_meter(account=account, meter_ref=request.GET.get("meter", ""))
    if meter is None:
        raise Http404("meter")
    today = timezone.localdate()
    valid = form.is_valid()
    data = form.cleaned_data if valid else {}
    reading_date = data.get("date") or today
    preview = None
    values = zone_values(zones=meter_zones(meter.zones), data=request.GET)
    if valid and values is not None and any(values.values()):
        context = {
            "zones_preview": zoned.zones_preview(
                meter=meter,
                values=values,
                reading_date=reading_date,
                source="portal",
                today=today,
                tariffs=selectors.current_tariffs(account=account),
            ),
            "meter": meter,
            "reading_date": reading_date,
        }
        if getattr(request, "htmx", False):
            return render(request, "metering/_preview_zones.html", context)
        return render(
            request,
            "metering/reading_form.html",
            _form_context(request, account, form, meter, **context),
        )
    if valid and data["value"]:
        preview = selectors.reading_preview(
            meter=meter,
            value=data["value"],
            reading_date=reading_date,
            source="portal",
            today=today,
            tariff=selectors.current_tariffs(account=account).get(meter.service),
        )
    context = {
        "preview": preview,
        "meter": meter,
        "reading_date": reading_date,
        "errors": [error for errors in form.errors.values() for error in errors],
    }
    if getattr(request, "htmx", False):
        return render(request, "metering/_preview.html", context)
    return render(
        request,
        "metering/reading_form.html",
        _form_context(
            request,
            account,
            form,
            meter,
            preview=preview,
            reading_date=reading_date,
            errors=context["errors"],
        ),
    )


def _meter(request: HttpRequest, account_id: int, meter_id: int) -> Meter:
    try:
        return access_meter(user=request.user, account_id=account_id, meter_id=meter_id)
    except MeterNotAccessible:
        raise Http404("meter") from None


@login_required
@require_GET
def meter_history_view(request: HttpRequest, account_id: int, meter_id: int) -> HttpResponse:
    """A meter's readings with their sources, consumption per reading and per month."""
    meter = _meter(request, account_id, meter_id)
    account = meter.account
    today = timezone.localdate()
    if meter.zones > 1:
        history = zoned.zoned_history(meter=meter, today=today)
        return render(
            request,
            "metering/history_zones.html",
            {
                "account": account,
                "meter": meter,
                "history": history,
                "charts": [(_("All zones"), monthly_chart(history.months))]
                + [(zone.label, monthly_chart(zone.months)) for zone in history.zones],
                "unit": service_unit(meter.service),
                "account_url": account_page_url(account.pk),
            },
        )
    rows = selectors.meter_history(meter=meter)
    months = selectors.meter_monthly(meter=meter, rows=rows, today=today)
    return render(
        request,
        "metering/history.html",
        {
            "account": account,
            "meter": meter,
            "rows": rows,
            "months": months,
            "chart": monthly_chart(months),
            "unit": service_unit(meter.service),
            "account_url": account_page_url(account.pk),
        },
    )


def csv_cell(value: object) -> str:
    """Return `value` as a CSV cell that no spreadsheet runs as a formula."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


@login_required
@require_GET
def meter_history_csv_view(request: HttpRequest, account_id: int, meter_id: int) -> HttpResponse:
    """The meter's readings as CSV (UTF-8 with a BOM, so spreadsheets read Cyrillic)."""
    meter = _meter(request, account_id, meter_id)
    account = meter.account
    rows = [
        row
        for zone in meter_zones(meter.zones)
        for row in selectors.meter_history(meter=meter, zone=zone)
    ]
    rows.sort(key=lambda row: (row.reading.reading_date, row.reading.zone), reverse=True)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        content_disposition_header(
            as_attachment=True, filename=f"readings-{account.number}-{meter.serial}.csv"
        )
        or "attachment"
    )
    response.write("\ufeff")
    writer = csv.writer(response)
    # A single-zone meter's file keeps its columns; a multi-zone one's names each row's zone.
    zoned_file = meter.zones > 1
    zone_column = ["zone"] if zoned_file else []
    writer.writerow(
        ["account", "meter", "date", *zone_column, "value", "consumption", "source", "status"]
    )
    for row in reversed(rows):
        reading = row.reading
        writer.writerow(
            [
                csv_cell(account.number),
                csv_cell(meter.serial),
                reading.reading_date.isoformat(),
                *([reading.zone] if zoned_file else []),
                format(reading.value.quantize(_places(meter.decimals)), "f"),
                ""
                if row.consumption is None
                else format(row.consumption.quantize(_places(meter.decimals)), "f"),
                csv_cell(reading.source),
                csv_cell(reading.status),
            ]
        )
    return response


def _places(decimals: int) -> Decimal:
    return Decimal(1).scaleb(-decimals)
