from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class ReminderForm(forms.Form):
    enabled = forms.BooleanField(label=_("Send me a reminder every month"), required=False)
    day = forms.IntegerField(
        label=_("Day of the month"),
        min_value=1,
        max_value=31,
        help_text=_("From 1 to 31; in shorter months, the last day."),
        error_messages={
            "required": _("Give a day of the month, from 1 to 31."),
            "invalid": _("Give a day of the month, from 1 to 31."),
            "min_value": _("Give a day of the month, from 1 to 31."),
            "max_value": _("Give a day of the month, from 1 to 31."),
        },
    )
    language = forms.ChoiceField(label=_("Language of the mail"), choices=settings.LANGUAGES)
