"""Forms of outages: the operator's outage and its streets, updates, the subscriber's opt-in."""

from typing import cast

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from kabinet.providers.service_kinds import Service

from .models import Outage, OutageStreet

DateTimeInput = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
STREET_ROWS = 4


class OutageForm(forms.Form):
    provider = forms.TypedChoiceField(label=_("Provider"), coerce=int)
    service = forms.ChoiceField(label=_("Service"), choices=Service.choices)
    kind = forms.ChoiceField(label=_("Kind"), choices=Outage.Kind.choices)
    starts_at = forms.DateTimeField(label=_("From"), widget=DateTimeInput)
    ends_at = forms.DateTimeField(
        label=_("Until"),
        widget=DateTimeInput,
        required=False,
        help_text=_("Leave empty if the end is not known yet."),
    )
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )

    def __init__(self, *args, providers, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["provider"]).choices = [
            (p.pk, p.name) for p in providers
        ]
        for row in range(1, STREET_ROWS + 1):
            self.fields[f"street_{row}"] = forms.CharField(
                label=_("Street %(row)s") % {"row": row},
                required=row == 1,
                max_length=200,
                help_text=_("Current or former name.") if row == 1 else "",
            )
            self.fields[f"houses_{row}"] = forms.CharField(
                label=_("Houses"),
                required=False,
                max_length=20,
                help_text=_("Empty: the whole street; or a range such as 1–25."),
            )
            self.fields[f"side_{row}"] = forms.ChoiceField(
                label=_("Side"), choices=OutageStreet.Side.choices, required=False
            )

    def street_rows(self):
        """The bound fields of each street row, for the template."""
        return [
            (self[f"street_{row}"], self[f"houses_{row}"], self[f"side_{row}"])
            for row in range(1, STREET_ROWS + 1)
        ]


class OutageUpdateForm(forms.Form):
    text = forms.CharField(
        label=_("Update"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("For example: extended to 18:00; restored."),
    )
    ends_at = forms.DateTimeField(label=_("New end"), widget=DateTimeInput, required=False)
    restored = forms.BooleanField(label=_("The service is restored"), required=False)


class OutageMailForm(forms.Form):
    enabled = forms.BooleanField(label=_("Mail me about outages at my addresses"), required=False)
    language = forms.ChoiceField(label=_("Language of the mail"), choices=settings.LANGUAGES)


class OutageSearchForm(forms.Form):
    street = forms.CharField(label=_("Street"), required=False, max_length=100)
