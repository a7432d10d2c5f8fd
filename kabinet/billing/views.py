"""The subscriber's money pages: the cabinet's home, an account's history, the statement."""

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from kabinet.billing.models import Account
from kabinet.metering.selectors import account_statement, cabinet_cards
from kabinet.payments.qr import account_qr_png
from kabinet.periods import format_period
from kabinet.subscribers.access import AccountNotAccessible, access_account, accessible_accounts

from . import selectors
from .statement_pdf import statement_pdf


def _account(request: HttpRequest, account_id: int) -> Account:
    try:
        return access_account(user=request.user, account_id=account_id)
    except AccountNotAccessible:
        raise Http404("account") from None


@require_safe
@login_required
def cabinet_view(request: HttpRequest) -> HttpResponse:
    cards = cabinet_cards(
        accounts=accessible_accounts(user=request.user), today=timezone.localdate()
    )
    return render(request, "billing/cabinet.html", {"cards": cards})


def _requested_year(text: str | None) -> tuple[int | None, bool]:
    """The `?year=` asked for, and whether it was unreadable."""
    if not text:
        return None, False
    stripped = text.strip()
    if stripped.isascii() and stripped.isdigit() and len(stripped) == 4:
        return int(stripped), False
    return None, True


@require_safe
@login_required
def account_view(request: HttpRequest, account_id: int) -> HttpResponse:
    account = _account(request, account_id)
    year, unreadable = _requested_year(request.GET.get("year"))
    page = selectors.account_page(account=account, year=year)
    notice = ""
    if unreadable:
        notice = _("Choose a year from the list.")
    elif page.requested_year_missing and page.year is not None:
        notice = _("There are no bills for %(asked)s; showing %(shown)s.") % {
            "asked": year,
            "shown": page.year,
        }
    return render(
        request, "billing/account.html", {"account": account, "page": page, "notice": notice}
    )


def _no_statement(request: HttpRequest, account: Account, period: dt.date) -> HttpResponse:
    return render(
        request,
        "billing/no_statement.html",
        {"account": account, "period": period},
        status=404,
    )


@require_safe
@login_required
def statement_view(request: HttpRequest, account_id: int, period: dt.date) -> HttpResponse:
    account = _account(request, account_id)
    try:
        statement = account_statement(account=account, period=period)
    except selectors.StatementNotFound:
        return _no_statement(request, account, period)
    return render(request, "billing/statement.html", {"statement": statement, "account": account})


@require_safe
@login_required
def statement_pdf_view(request: HttpRequest, account_id: int, period: dt.date) -> HttpResponse:
    account = _account(request, account_id)
    try:
        statement = account_statement(account=account, period=period)
    except selectors.StatementNotFound:
        return _no_statement(request, account, period)
    payment_qr = account_qr_png(account=account, amount=statement.month.closing)
    response = HttpResponse(
        statement_pdf(statement=statement, payment_qr=payment_qr), content_type="application/pdf"
    )
    filename = f"statement-{account.number}-{format_period(period)}.pdf"
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    # A bill names the holder and the address: no shared cache keeps it.
    patch_cache_control(response, private=True, no_store=True)
    return response
