"""The provider settings form of the back office."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _


class ProviderSettingsForm(forms.Form):
    """Reading window, cut-off day, registration rule and plausibility limits."""

    read_from = forms.IntegerField(
        label=_("First day readings are accepted"), min_value=1, max_value=31
    )
    read_to = forms.IntegerField(
        label=_("Last day readings are accepted"),
        min_value=1,
        max_value=31,
        help_text=_("A last day before the first day makes a window across the month's end."),
    )
    cutoff = forms.IntegerField(
        label=_("Cut-off day"),
        min_value=1,
        max_value=31,
        required=False,
        help_text=_("A reading after this day counts for the next billing month. Empty: none."),
    )
    meter_required = forms.BooleanField(
        label=_("Registration asks for a meter's serial number"), required=False
    )
    daily_max = forms.DecimalField(
        label=_("Largest plausible consumption a day"),
        max_digits=12,
        decimal_places=3,
        min_value=Decimal("0.001"),
        required=False,
        help_text=_("Empty: the default for the meter's service."),
    )
    usual_factor = forms.DecimalField(
        label=_("Implausible when this many times the usual"),
        max_digits=6,
        decimal_places=2,
        min_value=Decimal("1"),
        help_text=_("A reading this many times the meter's usual daily use is checked."),
    )
