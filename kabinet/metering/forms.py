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


# A multi-zone meter's form has one field per zone instead of `value`: `value_day`,
# `value_night`; `value_peak`, `value_half_peak`, `value_night`.
ZONE_FIELD_PREFIX = "value_"
# Longer than any zone's name: a field this long is nobody's zone and is shown cut short.
ZONE_NAME_MAX = 20


def zone_values(*, zones: tuple[str, ...], data) -> dict[str, str] | None:
    """Return the typed value of each zone (missing ones empty), or None for a single value.

    Fields `value_<name>` for a name that is not one of `zones` are kept, so that the rules
    refuse them in words instead of ignoring what was typed.
    """
    typed = {
        key[len(ZONE_FIELD_PREFIX) :][:ZONE_NAME_MAX]: str(data.get(key, "")).strip()
        for key in data
        if key.startswith(ZONE_FIELD_PREFIX)
    }
    extra = {zone: value for zone, value in typed.items() if zone not in zones and value}
    if zones == ("",):
        return {"": str(data.get("value", "")).strip(), **extra} if extra else None
    return {**{zone: typed.get(zone, "") for zone in zones}, **extra}
