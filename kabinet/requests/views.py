"""The subscriber's request pages: the list, a new request, one request's conversation, files."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from kabinet.subscribers.access import AccountNotAccessible, access_account, accessible_accounts

from . import selectors, services
from .forms import ReplyForm, RequestForm, uploads_of
from .models import Attachment


def _accounts(request: HttpRequest) -> list:
    return list(
        accessible_accounts(user=request.user)
        .select_related("provider")
        .order_by("provider__name", "number")
    )


def _kind_choices(accounts: list) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for provider in {a.provider_id: a.provider for a in accounts}.values():
        for kind in selectors.provider_kinds(provider=provider):
            seen.setdefault(kind.code, kind.name)
    return list(seen.items())


@require_safe
@login_required
def request_list(request: HttpRequest) -> HttpResponse:
    rows = list(selectors.subscriber_requests(user=request.user)[:200])
    return render(request, "requests/list.html", {"rows": rows})


@login_required
def request_new(request: HttpRequest) -> HttpResponse:
    accounts = _accounts(request)
    if not accounts:
        messages.info(request, _("Link an account first: requests are filed about an account."))
        return redirect("subscribers:account_add")
    kinds = _kind_choices(accounts)
    status = 200
    if request.method == "POST":
        form = RequestForm(request.POST, request.FILES, accounts=accounts, kinds=kinds)
        if form.is_valid():
            try:
                account = access_account(user=request.user, account_id=form.cleaned_data["account"])
                filed = services.request_create(
                    user=request.user,
                    account=account,
                    kind=form.cleaned_data["kind"],
                    text=form.cleaned_data["text"],
                    uploads=uploads_of(form.cleaned_data["attachment"]),
                    language=translation.get_language() or "uk",
                    now=timezone.now(),
                )
            except AccountNotAccessible:
                raise Http404("account") from None
            except services.RequestRejected as rejected:
                form.add_error(rejected.field or None, rejected.message)
                status = 429 if rejected.throttled else 400
            else:
                messages.success(
                    request,
                    _("Your request is filed under the number %(number)s.")
                    % {"number": filed.number},
                )
                return redirect("requests:detail", request_id=filed.pk)
        else:
            status = 400
    else:
        initial = {}
        wanted = request.GET.get("account", "")
        if wanted.isdigit() and any(a.pk == int(wanted) for a in accounts):
            initial["account"] = int(wanted)
        form = RequestForm(initial=initial, accounts=accounts, kinds=kinds)
    return render(request, "requests/new.html", {"form": form}, status=status)


def _own(request: HttpRequest, request_id: int):
    try:
        return selectors.access_request(user=request.user, request_id=request_id)
    except selectors.RequestNotAccessible:
        raise Http404("request") from None


def _detail(request: HttpRequest, item, form: ReplyForm, status: int = 200) -> HttpResponse:
    conversation = selectors.conversation(request=item, include_internal=False)
    return render(
        request,
        "requests/detail.html",
        {"item": item, "conversation": conversation, "form": form},
        status=status,
    )


@require_safe
@login_required
def request_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    return _detail(request, _own(request, request_id), ReplyForm())


@require_POST
@login_required
def request_reply(request: HttpRequest, request_id: int) -> HttpResponse:
    item = _own(request, request_id)
    form = ReplyForm(request.POST, request.FILES)
    if not form.is_valid():
        return _detail(request, item, form, status=400)
    try:
        services.request_reply(
            user=request.user,
            request=item,
            text=form.cleaned_data["text"],
            uploads=uploads_of(form.cleaned_data["attachment"]),
            now=timezone.now(),
        )
    except services.RequestRejected as rejected:
        form.add_error(rejected.field or None, rejected.message)
        return _detail(request, item, form, status=400)
    messages.success(request, _("Your reply is added."))
    return redirect("requests:detail", request_id=item.pk)


@require_POST
@login_required
def request_close(request: HttpRequest, request_id: int) -> HttpResponse:
    item = _own(request, request_id)
    try:
        services.request_close_by_subscriber(user=request.user, request=item, now=timezone.now())
    except services.RequestRejected as rejected:
        messages.error(request, rejected.message)
    else:
        messages.success(request, _("The request is closed."))
    return redirect("requests:detail", request_id=item.pk)


def attachment_response(attachment: Attachment) -> FileResponse:
    """The file, to download, never cached by a shared cache nor sniffed into another type."""
    response = FileResponse(attachment.file.open("rb"), content_type=attachment.content_type)
    inline = attachment.content_type.startswith("image/")
    response["Content-Disposition"] = (
        content_disposition_header(not inline, attachment.name) or "attachment"
    )
    response["X-Content-Type-Options"] = "nosniff"
    # A PDF opened in the browser must run nothing of ours.
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    patch_cache_control(response, private=True, no_store=True)
    return response


@require_safe
@login_required
def attachment_download(request: HttpRequest, attachment_id: int) -> FileResponse:
    try:
        attachment = selectors.access_subscriber_attachment(
            user=request.user, attachment_id=attachment_id
        )
    except selectors.RequestNotAccessible:
        raise Http404("attachment") from None
    return attachment_response(attachment)
