"""The operators' payment pages, inside the back office: the list with filters, one payment
with the gateway's messages, the unmatched list, totals per day, the export, merchant keys.

Providers are reached only through `kabinet.backoffice.access`."""

import datetime as dt
import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from kabinet.backoffice.access import access_operator_provider, operator_providers
from kabinet.backoffice.views import operator_view
from kabinet.payments import merchants, selectors
from kabinet.payments.export import payments_export
from kabinet.payments.forms import MerchantForm, PaymentExportForm, PaymentFilterForm
from kabinet.periods import period_end, period_start

PAGE_SIZE = 50


def _render(request: HttpRequest, template: str, **context) -> HttpResponse:
    return render(request, f"payments/backoffice/{template}", {"section": "payments", **context})


@operator_view
@require_GET
def payment_list(request: HttpRequest) -> HttpResponse:
    form = PaymentFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    payments = selectors.operator_payments(
        providers=operator_providers(request.user),
        status=filters.get("status", ""),
        period=filters.get("period"),
        matched=filters.get("matched"),
        query=filters.get("q", "").strip(),
    )
    page = Paginator(payments, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return _render(request, "list.html", form=form, page=page, query=query.urlencode())


@operator_view
@require_GET
def payment_detail(request: HttpRequest, payment_id: int) -> HttpResponse:
    payment = selectors.operator_payment(
        providers=operator_providers(request.user), payment_id=payment_id
    )
    if payment is None:
        raise Http404("payment")
    callbacks = payment.callbacks.order_by("received_at", "pk")
    return _render(request, "detail.html", payment=payment, callbacks=callbacks)


@operator_view
@require_GET
def unmatched_list(request: HttpRequest) -> HttpResponse:
    payments = selectors.unmatched_payments(
        providers=operator_providers(request.user), now=timezone.now()
    )
    page = Paginator(payments, PAGE_SIZE).get_page(request.GET.get("page"))
    return _render(request, "unmatched.html", page=page)


@operator_view
@require_GET
def daily_totals(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    date_from = today - dt.timedelta(days=30)
    days = selectors.daily_totals(
        providers=operator_providers(request.user), date_from=date_from, date_to=today
    )
    return _render(request, "daily.html", days=days, date_from=date_from, date_to=today)


@operator_view
def export(request: HttpRequest) -> HttpResponseBase:
    providers = operator_providers(request.user).order_by("code")
    initial = {"period": f"{period_start(timezone.localdate()):%Y-%m}", "format": "csv"}
    form = PaymentExportForm(request.GET or None, providers=providers, initial=initial)
    if not request.GET or not form.is_valid():
        return _render(request, "export.html", form=form)
    provider = form.cleaned_data["provider"]
    period = form.cleaned_data["period"]
    file_format = form.cleaned_data["format"]
    out = io.BytesIO()
    payments_export(
        provider_code=provider.code,
        date_from=period,
        date_to=period_end(period),
        file_format=file_format,
        out=out,
    )
    out.seek(0)
    return FileResponse(
        out,
        as_attachment=True,
        filename=f"payments-{provider.code}-{period:%Y-%m}.{file_format}",
        content_type="text/csv" if file_format == "csv" else "application/x-dbf",
    )


@operator_view
def merchant_settings(request: HttpRequest, provider_id: int) -> HttpResponse:
    provider = access_operator_provider(user=request.user, provider_id=provider_id)
    merchant = selectors.merchant_of(provider)
    initial = {}
    if merchant is not None:
        initial = {
            "legal_name": merchant.legal_name,
            "edrpou": merchant.edrpou,
            "iban": merchant.iban,
            "liqpay_public_key": merchant.liqpay_public_key,
        }
    form = MerchantForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if request.POST.get("remove_keys"):
                merchants.merchant_keys_clear(
                    provider=provider, actor=request.user, now=timezone.now()
                )
            else:
                merchants.merchant_update(
                    provider=provider,
                    changes=form.cleaned_data,
                    actor=request.user,
                    now=timezone.now(),
                )
        except ValidationError as invalid:
            for field, errors in invalid.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(
                request, _("Payment settings of %(provider)s saved.") % {"provider": provider}
            )
            return redirect("payments_backoffice:merchant", provider_id=provider.pk)
    return _render(
        request,
        "merchant.html",
        provider=provider,
        form=form,
        key_set=bool(merchant and merchant.liqpay_private_key),
    )
