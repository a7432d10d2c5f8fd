"""The pages where people make and revoke their API tokens: the cabinet's and the back office's."""

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from kabinet.backoffice.access import operator_providers
from kabinet.backoffice.views import operator_view

from .forms import OperatorTokenForm, TokenForm
from .models import ApiToken
from .tokens import TokenRefused, api_token_create, api_token_revoke


def _tokens(user, kind: str):
    return (
        ApiToken.objects.filter(user=user, kind=kind)
        .prefetch_related("providers")
        .order_by("revoked_at", "-created_at")
    )


def _token_page(request: HttpRequest, *, kind: str, form, base: str, section: str):
    secret = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, secret = api_token_create(
                user=request.user,
                name=form.cleaned_data["name"],
                kind=kind,
                providers=form.cleaned_data.get("providers"),
                now=timezone.now(),
            )
        except TokenRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            form = form.__class__(
                **({"providers": operator_providers(request.user)} if kind == "operator" else {})
            )
    return render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "secret": secret,
            "tokens": _tokens(request.user, kind),
            "kind": kind,
            "base": base,
            "section": section,
        },
    )


@never_cache
@login_required
def subscriber_tokens(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    return _token_page(
        request, kind=ApiToken.Kind.SUBSCRIBER, form=form, base="base.html", section=""
    )


@never_cache
@operator_view
def operator_tokens(request: HttpRequest) -> HttpResponse:
    form = OperatorTokenForm(request.POST or None, providers=operator_providers(request.user))
    return _token_page(
        request,
        kind=ApiToken.Kind.OPERATOR,
        form=form,
        base="backoffice/base_backoffice.html",
        section="tokens",
    )


def _revoke(request: HttpRequest, token_id: int, kind: str) -> None:
    token = ApiToken.objects.filter(
        pk=token_id, user_id=cast(int, request.user.pk), kind=kind
    ).first()
    if token is None:
        raise Http404
    api_token_revoke(token=token, now=timezone.now())
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})


@login_required
@require_POST
def subscriber_token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    _revoke(request, token_id, ApiToken.Kind.SUBSCRIBER)
    return redirect("api_tokens:tokens")


@operator_view
@require_POST
def operator_token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    _revoke(request, token_id, ApiToken.Kind.OPERATOR)
    return redirect("backoffice:tokens")
