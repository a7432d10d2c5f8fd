"""Pages that take readings without a signed-in session: `/readings/` and the reminder links.

Both submit through reading_submit with their own source (`quick`, `link`) and show only the
meter forms: no balance, address, name or (on `/readings/`) earlier readings.
"""

import datetime as dt
from typing import Any

from allauth.account.adapter import get_adapter
from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from kabinet.metering import selectors
from kabinet.metering.forms import ReadingForm, zone_values
from kabinet.metering.messages import reading_submitted_message
from kabinet.metering.models import Meter, Reading
from kabinet.metering.services import (
    ReadingNeedsConfirmation,
    ReadingRejected,
    ReadingSubmitted,
    reading_submit,
)
from kabinet.metering.submission import zone_label
from kabinet.metering.templatetags.metering import other_errors, zone_inputs
from kabinet.metering.views import zone_fields
from kabinet.metering.zones import meter_zones
from kabinet.periods import month_name
from kabinet.providers.models import Provider
from kabinet.subscribers.access import AccountNotAccessible, access_account
from kabinet.subscribers.check import CheckFailed, CheckThrottled

from . import links, quick

# The account proved on /readings/, for half an hour in this browser: a signed, dated cookie
# (as the Check step's proof), so a successful check writes nothing to the database.
QUICK_COOKIE = "kabinet_quick_readings"
QUICK_SALT = "kabinet.quick_readings.views.quick-readings"
QUICK_MAX_AGE = dt.timedelta(minutes=30)

# Refusals whose wording tells something of the earlier readings (their value, day or
# source): said in general words to whoever is not the account's holder.
REVEALING_CODES = {"date_before_last", "day_taken"}


class QuickCheckForm(forms.Form):
    """`/readings/`: the provider (left out when there is one), the account, the surname."""

    provider = forms.TypedChoiceField(coerce=int, label=gettext_lazy("Provider"))
    account = forms.CharField(max_length=40, label=gettext_lazy("Account number"))
    surname = forms.CharField(
        max_length=100,
        label=gettext_lazy("First three letters of the account holder's surname (or more)"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.providers = list(Provider.objects.order_by("name", "pk"))
        if len(self.providers) == 1:
            del self.fields["provider"]
        else:
            self.fields["provider"].choices = [  # type: ignore[attr-defined]
                ("", _("Choose the provider")),
                *[(provider.pk, provider.name) for provider in self.providers],
            ]

    def clean_surname(self) -> str:
        surname = self.cleaned_data["surname"]
        if quick.surname_letters(surname) < quick.SURNAME_MIN_LETTERS:
            raise forms.ValidationError(
                _("Type at least the first three letters of the account holder's surname.")
            )
        return surname

    def chosen_provider(self) -> Provider | None:
        if len(self.providers) == 1:
            return self.providers[0]
        chosen = self.cleaned_data.get("provider")
        return next((provider for provider in self.providers if provider.pk == chosen), None)


def _client_ip(request: HttpRequest) -> str:
    return get_adapter(request).get_client_ip(request)


def _proof(request: HttpRequest) -> tuple[int, bool] | None:
    """The account proved in this browser and whether its holder is signed in, or None."""
    value = request.get_signed_cookie(
        QUICK_COOKIE,
        default=None,
        salt=QUICK_SALT,
        max_age=int(QUICK_MAX_AGE.total_seconds()),
    )
    if not value:
        return None
    account_id, _sep, holder = value.partition(":")
    if not account_id.isdigit():
        return None
    if holder == "holder":
        # The holder's own account: still theirs only while signed in and linked.
        try:
            access_account(user=request.user, account_id=int(account_id))
        except AccountNotAccessible:
            return None
        return int(account_id), True
    return int(account_id), False


def _set_proof(response: HttpResponse, account_id: int, *, holder: bool) -> None:
    response.set_signed_cookie(
        QUICK_COOKIE,
        f"{account_id}:{'holder' if holder else 'quick'}",
        salt=QUICK_SALT,
        max_age=int(QUICK_MAX_AGE.total_seconds()),
        path=reverse("quick_readings:quick"),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def _failed_message() -> str:
    return _(
        "Nothing matches what you typed. Check the provider, the account number with all its "
        "digits and the first letters of the account holder's surname, as on the bill."
    )


def _throttled_message(until: dt.datetime) -> str:
    return _("Too many unsuccessful attempts. For your safety, try again after %(time)s.") % {
        "time": formats.time_format(timezone.localtime(until), "H:i")
    }


def _meter_forms(
    account_id: int, *, failed: Meter | None = None, form=None, zone_errors=None
) -> list[dict[str, Any]]:
    items = []
    for item in quick.quick_meters(account_id=account_id):
        mine = failed is not None and item.meter.pk == failed.pk
        zones = [(zone, None, None) for zone in item.zones]
        errors = (zone_errors or {}) if mine else {}
        items.append(
            {
                "meter": item.meter,
                "serial_end": item.serial_end,
                "form": form if mine else None,
                "zone_inputs": zone_inputs(
                    zones=zones, form=form if mine else None, zone_errors=errors
                ),
                "other_errors": other_errors(zones=zones, zone_errors=errors),
            }
        )
    return items


def _meters_page(request: HttpRequest, account_id: int, holder: bool, **extra) -> HttpResponse:
    context = {
        "meters": _meter_forms(account_id, **extra),
        "holder": holder,
        "today": timezone.localdate(),
    }
    return render(request, "quick_readings/quick.html", context)


@require_http_methods(["GET", "POST"])
def quick_readings_view(request: HttpRequest) -> HttpResponse:
    """`/readings/`: the account check, then a form per meter of the proved account."""
    if request.method == "GET" and "account" in request.GET and request.user.is_authenticated:
        # The account page's one click: the holder proves nothing more.
        account_id = str(request.GET["account"])
        # Longer than any id: refused before it reaches (and overflows) the database driver.
        if not (account_id.isascii() and account_id.isdigit() and len(account_id) <= 18):
            return redirect("quick_readings:quick")
        try:
            account = access_account(user=request.user, account_id=int(account_id))
        except AccountNotAccessible:
            return redirect("quick_readings:quick")
        response = redirect("quick_readings:quick")
        _set_proof(response, account.pk, holder=True)
        return response
    if request.method == "POST" and "finish" in request.POST:
        response = redirect("quick_readings:quick")
        response.delete_cookie(QUICK_COOKIE, path=reverse("quick_readings:quick"))
        return response
    proof = _proof(request)
    if request.method == "GET" and proof is not None:
        return _meters_page(request, proof[0], proof[1])
    form = QuickCheckForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        provider = form.chosen_provider()
        if provider is None:
            form.add_error("provider", _("Choose the provider."))
        else:
            try:
                account = quick.quick_account_check_throttled(
                    client_ip=_client_ip(request),
                    now=timezone.now(),
                    provider=provider,
                    account_number=form.cleaned_data["account"],
                    surname=form.cleaned_data["surname"],
                )
            except CheckThrottled as throttled:
                form.add_error(None, _throttled_message(throttled.until))
            except CheckFailed:
                form.add_error(None, _failed_message())
            else:
                response = redirect("quick_readings:quick")
                _set_proof(response, account.pk, holder=False)
                return response
    return render(request, "quick_readings/quick.html", {"form": form})


def _accepted_message(result: ReadingSubmitted) -> str:
    """What the quick page says of a stored reading: accepted, and the month it counts for."""
    if result.unchanged:
        return _("This reading was already received.")
    text = _("Reading accepted. It counts for %(period)s.") % {
        "period": month_name(result.period, in_text=True)
    }
    if result.reading.status == Reading.Status.REVIEW or any(
        item.reading.status == Reading.Status.REVIEW for item in result.zones
    ):
        text += " " + _("An operator will check it.")
    return text


def _general_refusal(refusal: ReadingRejected) -> str:
    if isinstance(refusal, ReadingNeedsConfirmation):
        if refusal.code == "wrap":
            return _(
                "This value is lower than the meter's last reading. Please check the number. "
                "If it is right, the counter went past its last digit and started again from "
                "zero: confirm that."
            )
        return _(
            "This value would mean much more use than is usual for this meter. Did you type "
            "an extra digit? Check the number; if it is right, confirm it and an operator "
            "will review it."
        )
    if refusal.code in REVEALING_CODES:
        return _(
            "A reading of a later day, or the provider's own for this day, is already "
            "recorded. Give today's date, or contact the provider."
        )
    return refusal.message


def _submit(
    request: HttpRequest,
    *,
    meter: Meter,
    source: str,
    submitted_by,
    full_messages: bool,
) -> tuple[ReadingSubmitted | None, dict[str, Any]]:
    """Run reading_submit for one meter's form; return the result, or what the page shows."""
    form = ReadingForm(request.POST)
    if not form.is_valid():
        return None, {"form": form}
    data = form.cleaned_data
    values = zone_values(zones=meter_zones(meter.zones), data=request.POST)
    reading_date = data["date"] or timezone.localdate()
    try:
        result = reading_submit(
            meter=meter,
            value=None if values is not None else data["value"],
            values=values,
            reading_date=reading_date,
            source=source,
            submitted_by=submitted_by,
            now=timezone.now(),
            confirm_wrap=data["confirm_wrap"],
            confirm_implausible=data["confirm_implausible"],
        )
    except ReadingNeedsConfirmation as question:
        return None, {
            "confirm": True,
            "form": form,
            "question": question,
            "question_message": question.message if full_messages else _general_refusal(question),
            "question_zone": zone_label(question.zone),
            "reading_date": reading_date,
            "zone_fields": zone_fields(meter, values) if values is not None else [],
        }
    except ReadingRejected as refusal:
        message = refusal.message if full_messages else _general_refusal(refusal)
        if values is None:
            form.add_error("value", message)
            return None, {"form": form}
        return None, {"form": form, "zone_errors": {refusal.zone: message}}
    return result, {}


def _quick_label(meter: Meter) -> str:
    return f"{meter.get_service_display()} …{meter.serial[-quick.SERIAL_SHOWN :]}"


@require_POST
def quick_submit_view(request: HttpRequest) -> HttpResponse:
    """A reading of one meter of the account proved on `/readings/` (source `quick`)."""
    proof = _proof(request)
    if proof is None:
        messages.warning(request, _("Please type the account's details again."))
        return redirect("quick_readings:quick")
    account_id, holder = proof
    meter = quick.quick_meter(account_id=account_id, meter_id=request.POST.get("meter", ""))
    if meter is None:
        return _meters_page(request, account_id, holder)
    result, outcome = _submit(
        request,
        meter=meter,
        source=Reading.Source.QUICK,
        submitted_by=request.user if holder else None,
        full_messages=holder,
    )
    if result is not None:
        messages.success(
            request, reading_submitted_message(result) if holder else _accepted_message(result)
        )
        return redirect("quick_readings:quick")
    if outcome.get("confirm"):
        return render(
            request,
            "metering/confirm.html",
            {
                **outcome,
                "meter": meter,
                "action_url": reverse("quick_readings:quick_submit"),
                "meter_label": _quick_label(meter),
            },
        )
    return _meters_page(
        request,
        account_id,
        holder,
        failed=meter,
        form=outcome["form"],
        zone_errors=outcome.get("zone_errors"),
    )


@require_http_methods(["GET", "POST"])
def reading_link_view(request: HttpRequest, token: str) -> HttpResponse:
    """A reminder's link: that meter's form and its last reading, nothing else (source `link`)."""
    today = timezone.localdate()
    try:
        opened = links.reading_link_open(token=token, today=today)
    except links.ReadingLinkInvalid:
        return render(request, "quick_readings/link_invalid.html", status=404)
    meter = opened.meter
    action_url = reverse("quick_readings:link", kwargs={"token": token})
    context: dict[str, Any] = {}
    if request.method == "POST":
        result, context = _submit(
            request,
            meter=meter,
            source=Reading.Source.LINK,
            submitted_by=opened.link.user,
            full_messages=True,
        )
        if result is not None:
            messages.success(request, reading_submitted_message(result))
            return redirect(action_url)
        if context.get("confirm"):
            return render(
                request,
                "metering/confirm.html",
                {**context, "meter": meter, "action_url": action_url},
            )
    panel = selectors.meter_panel(meter=meter, today=today)
    form = context.get("form")
    zone_errors = context.get("zone_errors") or {}
    return render(
        request,
        "quick_readings/link.html",
        {
            "meter": meter,
            "panel": panel,
            "form": form,
            "zone_inputs": zone_inputs(zones=panel.zones, form=form, zone_errors=zone_errors),
            "other_errors": other_errors(zones=panel.zones, zone_errors=zone_errors),
            "action_url": action_url,
            "last_day": opened.last_day,
            "today": today,
        },
    )
