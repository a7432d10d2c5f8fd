"""Forms of the back office: plain forms at the edge, the rules live in services."""

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from kabinet.periods import InvalidPeriod, parse_period, period_end
from kabinet.providers.models import Provider


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """One or more uploaded files, as a list."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".csv,.dbf,.txt"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class ProviderChoiceMixin:
    """A `provider` choice limited to the operator's providers."""

    def set_providers(self, providers) -> None:
        field = self.fields["provider"]  # type: ignore[attr-defined]
        field.queryset = providers.order_by("code")
        if providers.count() == 1:
            field.initial = providers.first()


class ImportForm(ProviderChoiceMixin, forms.Form):
    provider = forms.ModelChoiceField(
        label=_("Provider"), queryset=Provider.objects.none(), empty_label=None
    )
    # The field is called `files`, like the API's; Django keeps uploads in self.files all the same.
    files = MultipleFileField(  # type: ignore[assignment]
        label=_("Billing files (CSV or DBF)"),
        help_text=_("Streets, accounts, meters, readings or ledger; several at once."),
    )
    encoding = forms.ChoiceField(
        label=_("Encoding"),
        required=False,
        choices=[
            ("", _("Detect")),
            ("utf-8", "UTF-8"),
            ("cp1251", "Windows-1251"),
            ("cp866", "CP866 (DOS)"),
        ],
    )

    def __init__(self, *args, providers, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_providers(providers)


class ExportForm(ProviderChoiceMixin, forms.Form):
    provider = forms.ModelChoiceField(
        label=_("Provider"), queryset=Provider.objects.none(), empty_label=None
    )
    period = forms.CharField(
        label=_("Period (YYYY-MM)"), required=False, max_length=7, help_text=_("or a date range")
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput)
    file_format = forms.ChoiceField(
        label=_("Format"), choices=[("csv", "CSV"), ("dbf", "DBF")], initial="csv"
    )

    def __init__(self, *args, providers, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_providers(providers)

    def clean(self):
        super().clean()
        data = self.cleaned_data
        period = (data.get("period") or "").strip()
        date_from, date_to = data.get("date_from"), data.get("date_to")
        if period:
            try:
                start = parse_period(period)
            except InvalidPeriod:
                raise forms.ValidationError(
                    _("Give the period as year and month, e.g. 2026-03.")
                ) from None
            data["date_from"], data["date_to"] = start, period_end(start)
        elif date_from and date_to:
            if date_from > date_to:
                raise forms.ValidationError(_("The range ends before it starts."))
        else:
            raise forms.ValidationError(_("Give a period, or both dates of a range."))
        return data


class FormerNameForm(forms.Form):
    name = forms.CharField(label=_("Former name"), max_length=200)


class CorrectReadingForm(forms.Form):
    # Typed as text, as a subscriber types it: the metering domain parses it and holds it to
    # the meter's digits and decimals, with the subscriber's messages.
    value = forms.CharField(label=_("Correct value"), max_length=40)
    reason = forms.CharField(label=_("Reason"), max_length=300)


class UnlinkForm(forms.Form):
    reason = forms.CharField(label=_("Reason for unlinking"), max_length=300)


class AuditFilterForm(forms.Form):
    action = forms.CharField(label=_("Action"), required=False, max_length=60)
    actor = forms.CharField(label=_("Who (login)"), required=False, max_length=150)
    target = forms.CharField(label=_("Object id"), required=False, max_length=60)
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput)


def month_range(today: dt.date) -> tuple[dt.date, dt.date]:
    """Return the first and last day of `today`'s month (the export form's default)."""
    start = today.replace(day=1)
    return start, period_end(start)
