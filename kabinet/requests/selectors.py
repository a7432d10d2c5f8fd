"""Reads of requests: the kinds a provider offers, a subscriber's list, the operators' queue."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from kabinet.providers.models import Provider

from .kinds import DEFAULT_KINDS, Kind
from .models import AnswerTemplate, Attachment, Message, Request, RequestKind


class RequestNotAccessible(Exception):
    """No such request, or not the user's (the two look the same)."""


def provider_kinds(*, provider: Provider, enabled_only: bool = True) -> list[Kind]:
    """Return the kinds of request the provider offers: its own settings over the defaults."""
    rows = {row.code: row for row in RequestKind.objects.filter(provider=provider)}
    kinds: list[tuple[int, Kind]] = []
    for position, default in enumerate(DEFAULT_KINDS):
        row = rows.pop(default.code, None)
        if row is None:
            kinds.append((position, Kind(default.code, str(default.name), default.due_hours)))
        elif row.enabled or not enabled_only:
            kinds.append(
                (
                    row.position,
                    Kind(row.code, row.name or str(default.name), row.due_hours, bool(row.name)),
                )
            )
    for row in rows.values():
        if row.enabled or not enabled_only:
            kinds.append((row.position, Kind(row.code, row.name or row.code, row.due_hours, True)))
    return [kind for _position, kind in sorted(kinds, key=lambda item: item[0])]


def kind_label(*, provider: Provider, code: str) -> str:
    for kind in provider_kinds(provider=provider, enabled_only=False):
        if kind.code == code:
            return kind.name
    return code


def subscriber_requests(*, user) -> QuerySet[Request]:
    """Return the user's requests, newest first."""
    return (
        Request.objects.filter(user=user)
        .select_related("account", "provider")
        .order_by("-created_at", "-pk")
    )


def access_request(*, user, request_id: int) -> Request:
    """Return the user's request with `request_id`; raises RequestNotAccessible otherwise.

    A request stays the subscriber's while the account is linked to them; after unlinking it
    is no longer reachable, like the account itself.
    """
    if not user.is_authenticated:
        raise RequestNotAccessible(request_id)
    request = (
        Request.objects.filter(
            pk=request_id,
            user=user,
            account__links__user=user,
            account__links__unlinked_at__isnull=True,
        )
        .select_related("account", "account__street", "provider")
        .first()
    )
    if request is None:
        raise RequestNotAccessible(request_id)
    return request


def conversation(*, request: Request, include_internal: bool) -> list[Message]:
    """Return the request's messages in order, with their attachments; notes only for staff."""
    messages = request.messages.select_related("author").prefetch_related(
        Prefetch("attachments", queryset=Attachment.objects.order_by("pk"))
    )
    if not include_internal:
        messages = messages.filter(internal=False)
    return list(messages.order_by("created_at", "pk"))


def access_subscriber_attachment(*, user, attachment_id: int) -> Attachment:
    """Return an attachment of the user's request that the user may see; or raise."""
    if not user.is_authenticated:
        raise RequestNotAccessible(attachment_id)
    attachment = (
        Attachment.objects.filter(
            pk=attachment_id,
            message__internal=False,
            message__request__user=user,
            message__request__account__links__user=user,
            message__request__account__links__unlinked_at__isnull=True,
        )
        .select_related("message")
        .first()
    )
    if attachment is None:
        raise RequestNotAccessible(attachment_id)
    return attachment


# --- operators ------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueFilter:
    kind: str = ""
    status: str = ""
    overdue: bool = False
    mine: bool = False


def overdue_condition(*, now: dt.datetime) -> Q:
    """Requests still waiting for the utility past their due time."""
    return Q(status__in=[Request.Status.NEW, Request.Status.IN_PROGRESS], due_at__lt=now)


def operator_queue(
    *, providers: QuerySet[Provider], operator, filters: QueueFilter, now: dt.datetime
) -> QuerySet[Request]:
    """Return the requests of `providers` matching `filters`, the most urgent first."""
    requests = Request.objects.filter(provider__in=providers).select_related(
        "provider", "account", "assigned_to"
    )
    if filters.kind:
        requests = requests.filter(kind=filters.kind)
    if filters.status:
        requests = requests.filter(status=filters.status)
    else:
        requests = requests.exclude(status=Request.Status.CLOSED)
    if filters.overdue:
        requests = requests.filter(overdue_condition(now=now))
    if filters.mine:
        requests = requests.filter(assigned_to=operator)
    return requests.order_by("due_at", "pk")


def access_operator_request(*, providers: QuerySet[Provider], request_id: int) -> Request:
    """Return the request if one of `providers` received it; raises RequestNotAccessible."""
    request = (
        Request.objects.filter(pk=request_id, provider__in=providers)
        .select_related("provider", "account", "account__street", "user", "assigned_to")
        .first()
    )
    if request is None:
        raise RequestNotAccessible(request_id)
    return request


def access_operator_attachment(*, providers: QuerySet[Provider], attachment_id: int) -> Attachment:
    attachment = Attachment.objects.filter(
        pk=attachment_id, message__request__provider__in=providers
    ).first()
    if attachment is None:
        raise RequestNotAccessible(attachment_id)
    return attachment


def answer_templates(*, provider: Provider) -> list[AnswerTemplate]:
    return list(AnswerTemplate.objects.filter(provider=provider).order_by("title", "pk"))


def request_audit(*, request: Request) -> list:
    """Return the audit trail of the request, oldest first."""
    from kabinet.audit.models import AuditEntry

    return list(
        AuditEntry.objects.filter(target_type=Request._meta.label_lower, target_id=str(request.pk))
        .select_related("actor")
        .order_by("at", "pk")
    )
