"""The operators' request pages: the queue with its filters, and one request's handling."""

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kabinet.backoffice.access import OperatorNotAllowed, operator_providers
from kabinet.backoffice.views import operator_view
from kabinet.requests import selectors, services
from kabinet.requests.forms import AnswerForm, AssignForm, NoteForm, QueueFilterForm, uploads_of
from kabinet.requests.views import attachment_response

PAGE_SIZE = 50


def operator_page(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """An operator's page (`operator_view`) whose requests of other providers answer 404."""

    @operator_view
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
        try:
            return view(request, *args, **kwargs)
        except selectors.RequestNotAccessible as hidden:
            raise OperatorNotAllowed from hidden

    return wrapper


def _kinds(providers) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for provider in providers:
        for kind in selectors.provider_kinds(provider=provider, enabled_only=False):
            seen.setdefault(kind.code, kind.name)
    return list(seen.items())


@operator_page
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    providers = operator_providers(request.user)
    form = QueueFilterForm(request.GET or None, kinds=_kinds(providers))
    filters = selectors.QueueFilter()
    if form.is_bound and form.is_valid():
        filters = selectors.QueueFilter(**form.cleaned_data)
    now = timezone.now()
    page = Paginator(
        selectors.operator_queue(
            providers=providers, operator=request.user, filters=filters, now=now
        ),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "requests/backoffice_queue.html",
        {"section": "requests", "form": form, "page": page, "now": now},
    )


def _operators_of(item) -> list[tuple[int, str]]:
    users = (
        get_user_model()
        .objects.filter(Q(operated_providers=item.provider) | Q(is_superuser=True), is_active=True)
        .filter(is_staff=True)
        .distinct()
        .order_by("username")
    )
    return [(user.pk, user.get_username()) for user in users]


def _detail(
    request: HttpRequest,
    item,
    *,
    answer: AnswerForm | None = None,
    note: NoteForm | None = None,
    status: int = 200,
) -> HttpResponse:
    templates = selectors.answer_templates(provider=item.provider)
    initial = {}
    chosen = request.GET.get("template", "")
    for template in templates:
        if str(template.pk) == chosen:
            initial["text"] = template.text
    return render(
        request,
        "requests/backoffice_detail.html",
        {
            "section": "requests",
            "item": item,
            "conversation": selectors.conversation(request=item, include_internal=True),
            "answer_form": answer or AnswerForm(initial=initial),
            "note_form": note or NoteForm(),
            "assign_form": AssignForm(
                initial={"assignee": item.assigned_to_id}, operators=_operators_of(item)
            ),
            "templates": templates,
            "staff_view": True,
            "audit": selectors.request_audit(request=item),
            "now": timezone.now(),
        },
        status=status,
    )


def _item(request: HttpRequest, request_id: int):
    return selectors.access_operator_request(
        providers=operator_providers(request.user), request_id=request_id
    )


@operator_page
@require_GET
def detail(request: HttpRequest, request_id: int) -> HttpResponse:
    return _detail(request, _item(request, request_id))


@operator_page
@require_POST
def answer(request: HttpRequest, request_id: int) -> HttpResponse:
    item = _item(request, request_id)
    form = AnswerForm(request.POST, request.FILES)
    if not form.is_valid():
        return _detail(request, item, answer=form, status=400)
    try:
        services.request_answer(
            operator=request.user,
            request=item,
            text=form.cleaned_data["text"],
            uploads=uploads_of(form.cleaned_data["attachment"]),
            now=timezone.now(),
        )
    except services.RequestRejected as rejected:
        form.add_error(rejected.field or None, rejected.message)
        return _detail(request, item, answer=form, status=400)
    messages.success(request, _("The answer is sent; the subscriber gets it by mail too."))
    return redirect("requests_backoffice:detail", request_id=item.pk)


@operator_page
@require_POST
def note(request: HttpRequest, request_id: int) -> HttpResponse:
    item = _item(request, request_id)
    form = NoteForm(request.POST)
    if not form.is_valid():
        return _detail(request, item, note=form, status=400)
    try:
        services.request_note(
            operator=request.user, request=item, text=form.cleaned_data["text"], now=timezone.now()
        )
    except services.RequestRejected as rejected:
        form.add_error("text", rejected.message)
        return _detail(request, item, note=form, status=400)
    messages.success(request, _("The note is added."))
    return redirect("requests_backoffice:detail", request_id=item.pk)


@operator_page
@require_POST
def assign(request: HttpRequest, request_id: int) -> HttpResponse:
    item = _item(request, request_id)
    operators = _operators_of(item)
    form = AssignForm(request.POST, operators=operators)
    if not form.is_valid():
        messages.error(request, _("Choose an operator from the list."))
        return redirect("requests_backoffice:detail", request_id=item.pk)
    chosen = form.cleaned_data["assignee"]
    assignee = get_user_model().objects.filter(pk=chosen).first() if chosen else None
    try:
        services.request_assign(
            operator=request.user, request=item, assignee=assignee, now=timezone.now()
        )
    except services.RequestRejected as rejected:
        messages.error(request, rejected.message)
    else:
        messages.success(request, _("The assignment is saved."))
    return redirect("requests_backoffice:detail", request_id=item.pk)


@operator_page
@require_POST
def close(request: HttpRequest, request_id: int) -> HttpResponse:
    item = _item(request, request_id)
    try:
        services.request_close_by_operator(operator=request.user, request=item, now=timezone.now())
    except services.RequestRejected as rejected:
        messages.error(request, rejected.message)
        return _detail(request, item, status=400)
    messages.success(request, _("The request is closed."))
    return redirect("requests_backoffice:queue")


@operator_page
@require_GET
def attachment(request: HttpRequest, attachment_id: int):
    found = selectors.access_operator_attachment(
        providers=operator_providers(request.user), attachment_id=attachment_id
    )
    return attachment_response(found)
