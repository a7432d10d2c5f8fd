"""Forms of requests: field names `account`, `kind`, `text`, `attachment` are the interface."""

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from .attachments import MAX_BYTES
from .models import Request
from .services import Upload

ACCEPT = "image/jpeg,image/png,image/heic,application/pdf,.jpg,.jpeg,.png,.heic,.pdf"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Up to three files under one name (Django's documented pattern for `multiple`)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


def uploads_of(files) -> list[Upload]:
    """Read the uploaded files, each only a byte past the limit (the service refuses more)."""
    return [Upload(name=f.name or "", data=f.read(MAX_BYTES + 1)) for f in files or []]


class RequestForm(forms.Form):
    # An integer shown as a list: an account not among one's own is a 404 from `access_account`,
    # not a form error that would tell an existing account from a missing one.
    account = forms.IntegerField(label=_("Account"), widget=forms.Select, min_value=1)
    kind = forms.ChoiceField(label=_("What is it about"))
    text = forms.CharField(
        label=_("Your request"),
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": 5000}),
        max_length=5000,
        strip=True,
        error_messages={"required": _("Write what happened or what you ask.")},
    )
    attachment = MultipleFileField(
        label=_("Photos or documents"),
        required=False,
        help_text=_("Up to 3 files: JPEG or PNG photos, or PDF; at most 5 MB each."),
    )

    def __init__(self, *args, accounts, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].widget.choices = [
            (a.pk, f"{a.provider.name}: {a.number}") for a in accounts
        ]
        cast(forms.ChoiceField, self.fields["kind"]).choices = kinds


class ReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Your reply"),
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": 5000}),
        max_length=5000,
        error_messages={"required": _("Write what you want to add.")},
    )
    attachment = MultipleFileField(
        label=_("Photos or documents"),
        required=False,
        help_text=_("Up to 3 files: JPEG or PNG photos, or PDF; at most 5 MB each."),
    )


class QueueFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Open (not closed)")), *Request.Status.choices],
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    mine = forms.BooleanField(label=_("Assigned to me"), required=False)

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["kind"]).choices = [("", _("All kinds")), *kinds]


class AnswerForm(forms.Form):
    text = forms.CharField(
        label=_("Answer to the subscriber"),
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": 5000}),
        max_length=5000,
    )
    attachment = MultipleFileField(label=_("Files"), required=False)


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Internal note (the subscriber does not see it)"),
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 5000}),
        max_length=5000,
    )


class AssignForm(forms.Form):
    assignee = forms.TypedChoiceField(label=_("Assign to"), coerce=int, required=False)

    def __init__(self, *args, operators, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["assignee"]).choices = [("", _("Nobody")), *operators]
