"""The subscriber's payment pages, LiqPay's server callback, and the sandbox gateway."""

import logging

from csp.decorators import csp_update
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kabinet.billing.models import Account
from kabinet.billing.selectors import account_balance
from kabinet.subscribers.access import AccountNotAccessible, access_account

from . import callbacks, liqpay, nbu_qr, qr, sandbox, selectors
from .checkout import PaymentRefused, payment_start
from .forms import PaperlessForm, PayForm
from .mail import paperless_set
from .models import Payment
from .receipt_pdf import receipt_facts, receipt_pdf

logger = logging.getLogger("kabinet.payments.callback")


def _account(request: HttpRequest, account_id: int) -> Account:
    try:
        return access_account(user=request.user, account_id=account_id)
    except AccountNotAccessible:
        raise Http404("account") from None


def _pay_page(request: HttpRequest, account: Account, form: PayForm, status: int = 200):
    period = selectors.last_billed_period(account=account)
    balance = account_balance(account=account, period=period) if period else None
    panel = selectors.pending_panel(account=account, balance=balance, now=timezone.now())
    due = panel.balance_after if panel.balance_after and panel.balance_after > 0 else None
    if not form.is_bound and due is not None:
        form = PayForm(initial={"amount": f"{due:.2f}"})
    qr_text = qr.account_qr_payload(account=account, amount=due)
    try:
        selectors.gateway_keys(provider=account.provider)
        unavailable = False
    except selectors.PaymentsUnavailable:
        unavailable = True
    context = {
        "account": account,
        "form": form,
        "panel": panel,
        "period": period,
        "unavailable": unavailable,
        "qr_svg": nbu_qr.svg(qr_text, title=_("QR code to pay by a banking app"))
        if qr_text
        else "",
    }
    return render(request, "payments/pay.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@csp_update({"form-action": ["https://www.liqpay.ua"]})  # type: ignore[arg-type]
def pay_view(request: HttpRequest, account_id: int) -> HttpResponse:
    """The Pay page (`amount`); a valid amount leads to the gateway's checkout form."""
    account = _account(request, account_id)
    if request.method != "POST":
        return _pay_page(request, account, PayForm())
    form = PayForm(request.POST)
    if not form.is_valid():
        return _pay_page(request, account, form, status=400)
    try:
        checkout = payment_start(
            user=request.user,
            account=account,
            amount=form.cleaned_data["amount"],
            language=get_language() or "uk",
            now=timezone.now(),
        )
    except PaymentRefused as refusal:
        form.add_error(None, refusal.message)
        return _pay_page(request, account, form, status=400)
    except selectors.PaymentsUnavailable:
        form.add_error(None, _("This utility does not take payments through the portal yet."))
        return _pay_page(request, account, form, status=400)
    response = render(request, "payments/checkout.html", {"account": account, "checkout": checkout})
    patch_cache_control(response, private=True, no_store=True)
    return response


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def result_view(request: HttpRequest, order_id: str) -> HttpResponse:
    """Where the gateway returns the browser. What it may post is not trusted (the server
    callback and the status query decide): a POST is turned into a GET, which also brings the
    session cookie a cross-site POST does not carry."""
    if request.method == "POST":
        return redirect("payments:result", order_id=order_id, permanent=False)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    payment = selectors.subscriber_payment(user=request.user, order_id=order_id)
    if payment is None:
        raise Http404("payment")
    return render(request, "payments/result.html", {"payment": payment})


def _payment(request: HttpRequest, order_id: str) -> Payment:
    payment = selectors.subscriber_payment(user=request.user, order_id=order_id)
    if payment is None or payment.status not in (Payment.Status.SUCCESS, Payment.Status.REVERSED):
        raise Http404("payment")
    return payment


@require_safe
@login_required
def receipt_view(request: HttpRequest, order_id: str) -> HttpResponse:
    payment = _payment(request, order_id)
    merchant = selectors.merchant_of(payment.account.provider)
    facts = receipt_facts(payment=payment, merchant=merchant)
    return render(request, "payments/receipt.html", {"payment": payment, "facts": facts})


@require_safe
@login_required
def receipt_pdf_view(request: HttpRequest, order_id: str) -> HttpResponse:
    payment = _payment(request, order_id)
    merchant = selectors.merchant_of(payment.account.provider)
    response = HttpResponse(
        receipt_pdf(payment=payment, merchant=merchant), content_type="application/pdf"
    )
    filename = f"receipt-{payment.order_id}.pdf"
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    patch_cache_control(response, private=True, no_store=True)
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def paperless_view(request: HttpRequest) -> HttpResponse:
    """Choose to get each month's statement by e-mail (PDF attached)."""
    user = request.user
    assert user.is_authenticated
    preference = getattr(user, "paperless", None)
    if request.method == "POST":
        form = PaperlessForm(request.POST)
        if form.is_valid():
            saved = paperless_set(
                user=user,
                enabled=form.cleaned_data["enabled"],
                language=form.cleaned_data["language"],
                now=timezone.now(),
            )
            messages.success(
                request,
                _("Each new statement will be mailed to %(email)s.") % {"email": user.email}
                if saved.enabled
                else _("Statements are no longer mailed."),
            )
            return redirect("payments:paperless")
    else:
        initial = {"enabled": False, "language": get_language() or "uk"}
        if preference is not None:
            initial = {"enabled": preference.enabled, "language": preference.language}
        form = PaperlessForm(initial=initial)
    back = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = ""
    return render(request, "payments/paperless.html", {"form": form, "back": back})


# --- the gateway's side -----------------------------------------------------------------------


def _client(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "")


@csrf_exempt
@require_POST
def liqpay_callback_view(request: HttpRequest) -> HttpResponse:
    """LiqPay's server callback (`data`, `signature`). 200 once applied (or already applied);
    400 when refused, logged with the reason and the client's address only: never the posted
    data, which may name the payer."""
    try:
        applied = callbacks.callback_receive(
            data=request.POST.get("data", ""),
            signature=request.POST.get("signature", ""),
            now=timezone.now(),
        )
    except callbacks.CallbackRefused as refusal:
        logger.warning("LiqPay callback refused from %s: %s", _client(request), refusal.reason)
        return HttpResponse(
            f"refused: {refusal.reason}\n", status=400, content_type="text/plain; charset=utf-8"
        )
    state = "replayed" if applied.replayed else applied.payment.status
    return HttpResponse(f"ok: {state}\n", content_type="text/plain; charset=utf-8")


def deliver_callback(url: str, fields: dict[str, str]) -> None:
    """Post the sandbox's server callback to `server_url`, as LiqPay does (over HTTP)."""
    liqpay.http_post(url, fields)


@csrf_exempt
@require_http_methods(["POST"])
def sandbox_checkout_view(request: HttpRequest) -> HttpResponse:
    """The sandbox's checkout: the order's amount and description with Pay and Decline; the
    choice posts the signed server callback and returns the browser to `result_url`."""
    try:
        order = sandbox.sandbox_order(
            data=request.POST.get("data", ""), signature=request.POST.get("signature", "")
        )
        amount = order.amount
    except (sandbox.SandboxRefused, liqpay.InvalidMessage):
        return render(request, "payments/sandbox_refused.html", status=400)
    decision = request.POST.get("decision")
    if decision not in ("pay", "decline"):
        return render(
            request,
            "payments/sandbox_checkout.html",
            {"order": order, "amount": amount, "params": order.params},
        )
    row = sandbox.sandbox_decide(order=order, pay=decision == "pay", now=timezone.now())
    server_url = str(order.params.get("server_url", ""))
    if server_url:
        try:
            deliver_callback(
                server_url, sandbox.sandbox_callback(transaction_row=row, params=order.params)
            )
        except OSError as error:
            # LiqPay's callbacks get lost too: the status query settles the order later.
            logger.warning("sandbox: the callback to %s failed: %s", server_url, error)
    return redirect(str(order.params.get("result_url", "/")))


@csrf_exempt
@require_POST
def sandbox_api_view(request: HttpRequest) -> HttpResponse:
    """The sandbox's /api/request: answers `action=status` from its own table."""
    try:
        order = sandbox.sandbox_order(
            data=request.POST.get("data", ""), signature=request.POST.get("signature", "")
        )
    except sandbox.SandboxRefused as refusal:
        return JsonResponse(
            {"result": "error", "status": "error", "err_code": str(refusal)}, status=400
        )
    return JsonResponse(sandbox.sandbox_status(order=order))
