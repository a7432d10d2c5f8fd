import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .kinds import default_label


class PrivateStorage(FileSystemStorage):
    """Files no URL serves: attachments are read only through access-checked views.

    The folder is `PRIVATE_MEDIA_ROOT`, read on each use so that tests can point it elsewhere.
    """

    @property
    def base_location(self):  # type: ignore[override]
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)  # type: ignore[attr-defined]

    @property
    def location(self):  # type: ignore[override]
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("private files have no URL")


private_storage = PrivateStorage()


class RequestKind(models.Model):
    """A provider's setting of one kind of request: its name, whether offered, its due time.

    A provider without a row for a default kind (`kinds.DEFAULT_KINDS`) offers it with the
    default due time; a row with a code of its own adds a kind the defaults lack.
    """

    provider = models.ForeignKey(
        "providers.Provider", on_delete=models.CASCADE, related_name="request_kinds"
    )
    code = models.SlugField(_("code"), max_length=30)
    name = models.CharField(
        _("name"), max_length=100, blank=True, help_text=_("Empty: the default kind's name.")
    )
    due_hours = models.PositiveIntegerField(_("answer due within, hours"))
    enabled = models.BooleanField(_("offered to subscribers"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=100)

    class Meta:
        verbose_name = _("kind of request")
        verbose_name_plural = _("kinds of request")
        constraints = [
            models.UniqueConstraint(fields=["provider", "code"], name="request_kind_unique_code"),
            models.CheckConstraint(condition=Q(due_hours__gte=1), name="request_kind_due_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.provider_id}: {self.code}"


class Request(models.Model):
    """A subscriber's question or complaint to the utility (звернення), with a number."""

    class Status(models.TextChoices):
        NEW = "new", _("New")
        IN_PROGRESS = "in_progress", _("In progress")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", _("Closed")

    class ClosedBy(models.TextChoices):
        NOBODY = "", _("not closed")
        SUBSCRIBER = "subscriber", _("the subscriber")
        OPERATOR = "operator", _("an operator")

    number = models.CharField(_("number"), max_length=20, unique=True, null=True, blank=True)
    provider = models.ForeignKey(
        "providers.Provider", on_delete=models.PROTECT, related_name="requests"
    )
    account = models.ForeignKey(
        "billing.Account", on_delete=models.PROTECT, related_name="requests"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="requests"
    )
    kind = models.SlugField(_("kind"), max_length=30)
    # Only a provider's own name of the kind; a default kind is named in the reader's language.
    kind_name = models.CharField(_("kind"), max_length=100, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.NEW
    )
    # The subscriber's language when filing: the utility's answers are mailed in it.
    language = models.CharField(_("language"), max_length=8, default="uk")
    created_at = models.DateTimeField(_("filed"))
    due_at = models.DateTimeField(_("answer due"))
    updated_at = models.DateTimeField(_("last activity"))
    answered_at = models.DateTimeField(_("first answered"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.CharField(
        max_length=12, choices=ClosedBy.choices, blank=True, default="", db_default=""
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_requests",
        verbose_name=_("assigned to"),
    )

    class Meta:
        verbose_name = _("request")
        verbose_name_plural = _("requests")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="new")
                | Q(status="in_progress")
                | Q(status="answered")
                | Q(status="closed"),
                name="request_status_known",
            ),
            # The utility closes a request only once it has answered it.
            models.CheckConstraint(
                condition=~Q(closed_by="operator") | Q(answered_at__isnull=False),
                name="request_operator_closes_answered",
            ),
            models.CheckConstraint(
                condition=Q(status="closed", closed_at__isnull=False)
                | (~Q(status="closed") & Q(closed_at__isnull=True)),
                name="request_closed_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["provider", "status", "due_at"], name="request_queue_idx"),
            models.Index(fields=["user", "created_at"], name="request_user_idx"),
        ]

    def __str__(self) -> str:
        return self.number or f"#{self.pk}"

    @property
    def kind_label(self) -> str:
        return self.kind_name or default_label(self.kind)

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.CLOSED


class Message(models.Model):
    """One entry of a request's conversation: the subscriber's, an operator's, or automatic."""

    class Author(models.TextChoices):
        SUBSCRIBER = "subscriber", _("Subscriber")
        OPERATOR = "operator", _("Operator")
        AUTOMATIC = "automatic", _("Automatic answer")

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="messages")
    author_kind = models.CharField(max_length=12, choices=Author.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    text = models.TextField(_("text"), max_length=5000)
    # An operators' note: the subscriber never sees it.
    internal = models.BooleanField(_("internal note"), default=False)
    created_at = models.DateTimeField(_("written"))

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        constraints = [
            models.CheckConstraint(
                condition=Q(internal=False) | Q(author_kind="operator"),
                name="request_message_internal_by_operator",
            ),
        ]
        indexes = [models.Index(fields=["request", "created_at"], name="request_message_idx")]

    def __str__(self) -> str:
        return f"{self.request_id}: {self.author_kind}"


class Attachment(models.Model):
    """A file attached to a message, checked and re-encoded, kept where no URL reaches it."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(storage=private_storage, upload_to="requests/%Y/%m/")
    content_type = models.CharField(max_length=40)
    name = models.CharField(_("file name"), max_length=120)
    size = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name


class AnswerTemplate(models.Model):
    """A ready answer an operator starts from (for a provider)."""

    provider = models.ForeignKey(
        "providers.Provider", on_delete=models.CASCADE, related_name="answer_templates"
    )
    title = models.CharField(_("title"), max_length=100)
    text = models.TextField(_("text"), max_length=5000)

    class Meta:
        verbose_name = _("answer template")
        verbose_name_plural = _("answer templates")

    def __str__(self) -> str:
        return self.title
