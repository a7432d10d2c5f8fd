"""Writes of requests: filing, the conversation, the operators' work, and the mail of answers."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from kabinet.audit.services import audit_record
from kabinet.billing.models import Account
from kabinet.outages.selectors import outages_in_effect_at

from . import selectors
from .attachments import MAX_FILES, AttachmentRejected, CleanFile, attachment_clean
from .kinds import NO_WATER
from .models import Attachment, Message, Request

MAX_TEXT = 5000
# New requests one subscriber may file in an hour: enough for a bad day, not for a script.
HOURLY_LIMIT = 5


class RequestRejected(Exception):
    """The request or the reply cannot be taken; the message says why, in the user's words."""

    def __init__(self, message: str, *, field: str = "", throttled: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.throttled = throttled


@dataclass(frozen=True)
class Upload:
    """A file as it arrived: its name and its bytes (at most a little over the limit)."""

    name: str
    data: bytes


def _clean_text(text: str) -> str:
    cleaned = text.replace("\x00", "").strip()
    if not cleaned:
        raise RequestRejected(_("Write what happened or what you ask."), field="text")
    if len(cleaned) > MAX_TEXT:
        raise RequestRejected(
            _("Keep the text within %(count)s characters.") % {"count": MAX_TEXT}, field="text"
        )
    return cleaned


def _clean_files(uploads: list[Upload]) -> list[CleanFile]:
    if len(uploads) > MAX_FILES:
        raise RequestRejected(
            _("Attach at most %(count)s files.") % {"count": MAX_FILES}, field="attachment"
        )
    try:
        return [attachment_clean(name=upload.name, data=upload.data) for upload in uploads]
    except AttachmentRejected as rejected:
        raise RequestRejected(rejected.message, field="attachment") from None


def _add_message(
    *,
    request: Request,
    author_kind: str,
    author,
    text: str,
    files: list[CleanFile],
    now: dt.datetime,
    internal: bool = False,
) -> Message:
    message = Message.objects.create(
        request=request,
        author_kind=author_kind,
        author=author,
        text=text,
        internal=internal,
        created_at=now,
    )
    for clean in files:
        attachment = Attachment(
            message=message,
            content_type=clean.content_type,
            name=clean.name,
            size=len(clean.content),
        )
        attachment.file.save(clean.name, ContentFile(clean.content), save=False)
        attachment.save()
    return message


def _automatic_outage_answer(*, request: Request, account: Account, now: dt.datetime) -> None:
    outages = outages_in_effect_at(account=account, now=now)
    if not outages:
        return
    lines = []
    with translation.override(request.language):
        for outage in outages:
            until = (
                formats.date_format(timezone.localtime(outage.ends_at), "DATETIME_FORMAT")
                if outage.ends_at
                else _("not known yet")
            )
            lines.append(
                _(
                    "At your address there is an outage (%(kind)s, %(service)s) since "
                    "%(start)s: %(reason)s. Expected end: %(until)s."
                )
                % {
                    "kind": outage.get_kind_display().lower(),
                    "service": outage.get_service_display().lower(),
                    "start": formats.date_format(
                        timezone.localtime(outage.starts_at), "DATETIME_FORMAT"
                    ),
                    "reason": outage.reason,
                    "until": until,
                }
            )
        lines.append(
            _("This is an automatic answer; your request stays open and an operator will see it.")
        )
    Message.objects.create(
        request=request,
        author_kind=Message.Author.AUTOMATIC,
        text="\n".join(lines),
        created_at=now,
    )


@transaction.atomic
def request_create(
    *,
    user,
    account: Account,
    kind: str,
    text: str,
    uploads: list[Upload],
    language: str,
    now: dt.datetime,
) -> Request:
    """File a request about an account the user reached through `access_account`.

    Raises RequestRejected (empty or long text, unknown kind, a bad file, too many requests).
    """
    kinds = {k.code: k for k in selectors.provider_kinds(provider=account.provider)}
    chosen = kinds.get(kind)
    if chosen is None:
        raise RequestRejected(_("Choose what the request is about."), field="kind")
    cleaned = _clean_text(text)
    files = _clean_files(uploads)
    # The subscriber's row, locked: two requests sent at once are counted one after the other.
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    recent = Request.objects.filter(
        user=user, created_at__gt=now - dt.timedelta(hours=1), created_at__lte=now
    ).count()
    if recent >= HOURLY_LIMIT:
        raise RequestRejected(
            _(
                "You have filed %(count)s requests within the last hour. Please wait a while, "
                "or add to one of them instead."
            )
            % {"count": recent},
            throttled=True,
        )
    request = Request(
        provider=account.provider,
        account=account,
        user=user,
        kind=chosen.code,
        kind_name=chosen.name[:100] if chosen.own_name else "",
        language=language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE,
        created_at=now,
        updated_at=now,
        due_at=now + dt.timedelta(hours=chosen.due_hours),
    )
    request.full_clean(exclude=["number"])
    request.save()
    request.number = f"{timezone.localtime(now):%y}-{request.pk:06d}"
    request.save(update_fields=["number"])
    _add_message(
        request=request,
        author_kind=Message.Author.SUBSCRIBER,
        author=user,
        text=cleaned,
        files=files,
        now=now,
    )
    if chosen.code == NO_WATER:
        _automatic_outage_answer(request=request, account=account, now=now)
    audit_record(
        at=now,
        actor=user,
        action="request.filed",
        target=request,
        provider=account.provider,
        after={"number": request.number, "kind": chosen.code, "account": account.number},
    )
    return request


def _locked(request: Request) -> Request:
    return Request.objects.select_for_update().select_related("provider").get(pk=request.pk)


def _post_to_open(
    *,
    request: Request,
    closed: str,
    author_kind: str,
    author,
    text: str,
    uploads: list[Upload],
    now: dt.datetime,
) -> tuple[Request, Message]:
    """Lock `request` and add a message with files to it; RequestRejected(`closed`) if it is
    closed, or whatever the text and the files are refused for."""
    request = _locked(request)
    if not request.is_open:
        raise RequestRejected(closed)
    message = _add_message(
        request=request,
        author_kind=author_kind,
        author=author,
        text=_clean_text(text),
        files=_clean_files(uploads),
        now=now,
    )
    return request, message


@transaction.atomic
def request_reply(
    *, user, request: Request, text: str, uploads: list[Upload], now: dt.datetime
) -> Message:
    """Add the subscriber's reply (and files) to their request. Raises RequestRejected."""
    request, message = _post_to_open(
        request=request,
        closed=_("This request is closed; file a new one if you need to."),
        author_kind=Message.Author.SUBSCRIBER,
        author=user,
        text=text,
        uploads=uploads,
        now=now,
    )
    if request.status == Request.Status.ANSWERED:
        request.status = Request.Status.IN_PROGRESS
    request.updated_at = now
    request.save(update_fields=["status", "updated_at"])
    return message


@transaction.atomic
def request_close_by_subscriber(*, user, request: Request, now: dt.datetime) -> Request:
    """Close the subscriber's own request (they need nothing more). Raises RequestRejected."""
    request = _locked(request)
    if not request.is_open:
        raise RequestRejected(_("This request is already closed."))
    request.status = Request.Status.CLOSED
    request.closed_at = now
    request.closed_by = Request.ClosedBy.SUBSCRIBER
    request.updated_at = now
    request.save()
    audit_record(
        at=now, actor=user, action="request.closed", target=request, provider=request.provider
    )
    return request


# --- operators ------------------------------------------------------------------------------


@transaction.atomic
def request_assign(*, operator, request: Request, assignee, now: dt.datetime) -> Request:
    """Assign the request to an operator of its provider (or to nobody). Raises RequestRejected."""
    request = _locked(request)
    if assignee is not None and not (
        assignee.is_superuser or request.provider.operators.filter(pk=assignee.pk).exists()
    ):
        raise RequestRejected(_("Assign it to an operator of this provider."), field="assignee")
    before = {"assigned_to": request.assigned_to_id}
    request.assigned_to = assignee
    if request.status == Request.Status.NEW and assignee is not None:
        request.status = Request.Status.IN_PROGRESS
    request.updated_at = now
    request.save()
    audit_record(
        at=now,
        actor=operator,
        action="request.assigned",
        target=request,
        provider=request.provider,
        before=before,
        after={"assigned_to": assignee.pk if assignee else None},
    )
    return request


@transaction.atomic
def request_answer(
    *, operator, request: Request, text: str, uploads: list[Upload], now: dt.datetime
) -> Message:
    """Answer the subscriber; the answer is mailed in their language. Raises RequestRejected."""
    request, message = _post_to_open(
        request=request,
        closed=_("This request is closed."),
        author_kind=Message.Author.OPERATOR,
        author=operator,
        text=text,
        uploads=uploads,
        now=now,
    )
    request.status = Request.Status.ANSWERED
    request.answered_at = request.answered_at or now
    request.updated_at = now
    request.save()
    audit_record(
        at=now,
        actor=operator,
        action="request.answered",
        target=request,
        provider=request.provider,
        after={"message": message.pk},
    )
    from .tasks import request_answer_mail

    transaction.on_commit(lambda: request_answer_mail.enqueue(message.pk))
    return message


@transaction.atomic
def request_note(*, operator, request: Request, text: str, now: dt.datetime) -> Message:
    """Add an internal note the subscriber never sees. Raises RequestRejected."""
    request = _locked(request)
    cleaned = _clean_text(text)
    message = _add_message(
        request=request,
        author_kind=Message.Author.OPERATOR,
        author=operator,
        text=cleaned,
        files=[],
        now=now,
        internal=True,
    )
    audit_record(
        at=now,
        actor=operator,
        action="request.noted",
        target=request,
        provider=request.provider,
        after={"message": message.pk},
    )
    return message


@transaction.atomic
def request_close_by_operator(*, operator, request: Request, now: dt.datetime) -> Request:
    """Close an answered request. Raises RequestRejected if it has no answer yet."""
    request = _locked(request)
    if not request.is_open:
        raise RequestRejected(_("This request is already closed."))
    if request.answered_at is None:
        raise RequestRejected(_("Answer the subscriber before closing the request."))
    request.status = Request.Status.CLOSED
    request.closed_at = now
    request.closed_by = Request.ClosedBy.OPERATOR
    request.updated_at = now
    request.save()
    audit_record(
        at=now, actor=operator, action="request.closed", target=request, provider=request.provider
    )
    return request


def request_answer_mail_send(*, message_id: int) -> int:
    """Mail the subscriber an operator's answer, in the language of the request; return 0 or 1."""
    from django.core.mail import EmailMessage
    from django.template.loader import render_to_string

    message = (
        Message.objects.filter(pk=message_id, author_kind=Message.Author.OPERATOR, internal=False)
        .select_related("request", "request__user", "request__provider")
        .first()
    )
    if message is None or not message.request.user.email:
        return 0
    request = message.request
    with translation.override(request.language):
        context = {
            "request": request,
            "message": message,
            "url": f"{settings.SITE_URL}/cabinet/requests/{request.pk}/",
        }
        subject = render_to_string("requests/answer_subject.txt", context).strip()
        body = render_to_string("requests/answer_body.txt", context)
    return EmailMessage(subject, body, to=[request.user.email]).send()
