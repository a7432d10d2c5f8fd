"""The reading form: field names `meter`, `value`, `date` are part of the interface."""

from django import forms
from django.utils.translation import gettext_lazy as _


class ReadingForm(forms.Form):
    # The meter's serial number (its id is accepted too); the value is checked by the service,
    # which words every problem with what to do next.
    meter = forms.CharField(max_length=100)
    value = forms.CharField(label=_("Reading"), required=False, strip=True)
    date = forms.DateField(label=_("Date read"), required=False)
    confirm_wrap = forms.BooleanField(required=False)
    confirm_implausible = forms.BooleanField(required=False)
