"""Registration (Check step, credentials, confirmation), account links and account settings."""

import datetime as dt
from typing import Any

from allauth.account import views as allauth_views
from allauth.account.adapter import get_adapter
from allauth.account.internal import flows
from allauth.account.internal.stagekit import clear_login
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from kabinet.billing.models import Account

from .access import AccountNotAccessible, access_link, accessible_accounts
from .check import (
    AccountAlreadyRegistered,
    AccountClosed,
    CheckFailed,
    CheckThrottled,
    account_check_throttled,
)
from .forms import CheckForm, CredentialsForm, UnlinkForm
from .models import User
from .selectors import providers_for_registration, street_suggestions
from .services import (
    NoRegistrationPending,
    account_add,
    account_link_end,
    registration_claim_create,
    registration_complete,
)

CABINET_URL = "/cabinet/"
# The account proved at the Check step, until the credentials are given. A signed cookie
# (HMAC with the secret key, dated) rather than the session: a successful Check then writes
# nothing to the database, and the proof still lasts an hour and only in this browser.
PROOF_COOKIE = "kabinet_registration"
PROOF_SALT = "kabinet.subscribers.views.registration-proof"
PROOF_MAX_AGE = dt.timedelta(hours=1)


def _client_ip(request: HttpRequest) -> str:
    return get_adapter(request).get_client_ip(request)


def _subscriber(request: HttpRequest) -> User:
    """The signed-in subscriber of a view behind login_required."""
    assert isinstance(request.user, User)
    return request.user


def _check_failed_message() -> str:
    return _(
        "No account matches what you typed. Check every field against your bill: the "
        "account number with all its digits, the street, house, apartment and the "
        "account holder's surname."
    )


def _throttled_message(until: dt.datetime) -> str:
    local = timezone.localtime(until)
    return _("Too many unsuccessful attempts. For your safety, try again after %(time)s.") % {
        "time": formats.time_format(local, "H:i")
    }


def _check_error(form: CheckForm, error: Exception, *, signed_in: bool) -> dict[str, Any]:
    """Put the Check step's refusal on the form; return what the page needs to say more."""
    context: dict[str, Any] = {}
    if isinstance(error, CheckThrottled):
        form.add_error(None, _throttled_message(error.until))
    elif isinstance(error, CheckFailed):
        form.add_error(None, _check_failed_message())
    elif isinstance(error, AccountClosed):
        form.add_error(
            None,
            _(
                "This account is closed, so it cannot be registered. If you think this is a "
                "mistake, call your provider."
            ),
        )
    elif isinstance(error, AccountAlreadyRegistered):
        if signed_in:
            form.add_error(None, _("This account is already in a cabinet (yours or another)."))
        else:
            form.add_error(
                None,
                _(
                    "This account already has a cabinet. If it is yours, sign in; if you "
                    "forgot the password, reset it by e-mail."
                ),
            )
            context["already_registered"] = True
    return context


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    """The Check step: the account as printed on the bill."""
    if request.user.is_authenticated:
        return redirect("subscribers:account_add")
    form = CheckForm(request.POST or None, initial={"street": request.GET.get("street", "")[:200]})
    context: dict[str, Any] = {}
    if request.method == "POST" and form.is_valid():
        now = timezone.now()
        try:
            account = account_check_throttled(
                client_ip=_client_ip(request), now=now, **form.check_fields()
            )
        except (CheckThrottled, CheckFailed, AccountClosed, AccountAlreadyRegistered) as error:
            context = _check_error(form, error, signed_in=False)
        else:
            response = redirect("subscribers:register_credentials")
            response.set_signed_cookie(
                PROOF_COOKIE,
                str(account.pk),
                salt=PROOF_SALT,
                max_age=int(PROOF_MAX_AGE.total_seconds()),
                path=reverse("subscribers:register"),
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
            return response
    context["form"] = form
    return render(request, "subscribers/register.html", context)


class CredentialsView(allauth_views.SignupView):
    """The second step: login, e-mail and password, through allauth's sign-up."""

    template_name = "subscribers/credentials.html"
    form_class = CredentialsForm

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        # A missing, altered or expired cookie reads as no proof at all.
        proved = (
            request.get_signed_cookie(
                PROOF_COOKIE, default="", salt=PROOF_SALT, max_age=PROOF_MAX_AGE
            )
            or ""
        )
        account = None
        if proved.isascii() and proved.isdigit():
            account = Account.objects.filter(pk=int(proved)).first()
        if account is None and not request.user.is_authenticated:
            messages.info(request, _("First find your account with the details on your bill."))
            return redirect("subscribers:register")
        self.account = account
        return super().dispatch(request, *args, **kwargs)

    def get_form_class(self):
        return CredentialsForm

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["account"] = self.account
        return kwargs

    def form_valid(self, form) -> HttpResponse:
        if self.account is None:
            return redirect("subscribers:register")
        self.user, response = form.try_save(self.request)
        if response:
            return response
        registration_claim_create(user=self.user, account=self.account, now=timezone.now())
        response = flows.signup.complete_signup(
            self.request, user=self.user, redirect_url=self.get_success_url()
        )
        # The proof is spent: another sign-up from this browser needs another Check.
        response.delete_cookie(PROOF_COOKIE, path=reverse("subscribers:register"), samesite="Lax")
        return response

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["account"] = self.account
        return context


class ConfirmEmailView(allauth_views.ConfirmEmailView):
    """Opening the mailed link and pressing Confirm finishes a registration and signs in.

    For a changed e-mail address it only confirms the address, as allauth does.
    """

    def post(self, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            self.object = verification = self.get_object()
        except Http404:
            self.object = None
            return self.render_to_response(self.get_context_data())
        email_address, response = flows.email_verification.verify_email_and_resume(
            self.request, verification
        )
        if not email_address:
            return self.respond(False)
        self.logout_other_user(verification)
        user = email_address.user
        try:
            registration_complete(user=user, now=timezone.now())
        except NoRegistrationPending:
            return response or self.respond(True)
        except AccountClosed:
            messages.error(
                self.request,
                _("Your registration is complete, but the account was closed meanwhile."),
            )
        except AccountAlreadyRegistered:
            messages.error(
                self.request,
                _(
                    "Your registration is complete, but the account was registered by "
                    "someone else meanwhile. Add another account, or call your provider."
                ),
            )
        else:
            messages.success(self.request, _("Registration complete: your account is linked."))
        if not self.request.user.is_authenticated:
            # The link is single use and the session is new, so signing in here cannot be
            # replayed (allauth itself would only sign in the browser that signed up).
            clear_login(self.request)
            get_adapter(self.request).login(self.request, user)
        return redirect(CABINET_URL)


@require_GET
def street_search(request: HttpRequest) -> HttpResponse:
    """Streets whose current or former name contains what was typed.

    For htmx a bare list under the street field; without JavaScript a page of its own, whose
    results lead back to the Check step with the street filled in.
    """
    providers = list(providers_for_registration())
    provider = providers[0] if len(providers) == 1 else None
    provider_id = request.GET.get("provider", "")
    if provider_id.isascii() and provider_id.isdigit():
        provider = next((p for p in providers if p.pk == int(provider_id)), provider)
    text = request.GET.get("street", "")[:200]
    context = {
        "suggestions": street_suggestions(text=text, provider=provider),
        "text": text,
        "provider": provider,
        "providers": providers,
    }
    if getattr(request, "htmx", False):
        return render(request, "subscribers/_street_suggestions.html", context)
    return render(request, "subscribers/street_search.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def account_add_view(request: HttpRequest) -> HttpResponse:
    """A signed-in subscriber links one more account with the same Check fields."""
    form = CheckForm(request.POST or None)
    context: dict[str, Any] = {}
    if request.method == "POST" and form.is_valid():
        try:
            link = account_add(
                user=_subscriber(request),
                client_ip=_client_ip(request),
                now=timezone.now(),
                **form.check_fields(),
            )
        except (CheckThrottled, CheckFailed, AccountClosed, AccountAlreadyRegistered) as error:
            context = _check_error(form, error, signed_in=True)
        else:
            messages.success(
                request,
                _("Account %(number)s is now in your cabinet.") % {"number": link.account.number},
            )
            return redirect(CABINET_URL)
    context["form"] = form
    return render(request, "subscribers/account_add.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def account_unlink(request: HttpRequest, account_id: int) -> HttpResponse:
    """Ask, then remove an account from the subscriber's cabinet (404 for anyone else's)."""
    try:
        link = access_link(user=request.user, account_id=account_id)
    except AccountNotAccessible:
        raise Http404 from None
    account = link.account
    form = UnlinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        account_link_end(
            link=link,
            actor=_subscriber(request),
            now=timezone.now(),
            reason=form.cleaned_data["reason"],
        )
        messages.success(
            request,
            _("Account %(number)s is no longer in your cabinet.") % {"number": account.number},
        )
        return redirect(CABINET_URL)
    return render(request, "subscribers/account_unlink.html", {"form": form, "account": account})


@login_required
@require_GET
def account_settings(request: HttpRequest) -> HttpResponse:
    """The subscriber's login, e-mail, password and linked accounts."""
    accounts = (
        accessible_accounts(user=request.user)
        .select_related("provider", "street")
        .order_by("provider__name", "number")
    )
    return render(
        request,
        "subscribers/settings.html",
        {
            "accounts": accounts,
            "email_url": reverse("account_email"),
            "password_url": reverse("account_change_password"),
        },
    )
