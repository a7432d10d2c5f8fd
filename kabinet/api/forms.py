from django import forms
from django.utils.translation import gettext_lazy as _

from kabinet.providers.models import Provider


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What will use it, e.g. “home automation”."),
    )


class OperatorTokenForm(TokenForm):
    providers = forms.ModelMultipleChoiceField(
        label=_("Providers it reaches"),
        queryset=Provider.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, providers, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["providers"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = providers.order_by("code")
