"""The payments' forms: what the subscriber and the operator type, checked at the edge."""

import datetime as dt
from decimal import Decimal

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from kabinet.periods import InvalidPeriod, parse_period

from .checkout import PaymentRefused, amount_parse
from .models import Payment


class PayForm(forms.Form):
    amount = forms.CharField(
        label=_("Amount, ₴"),
        max_length=20,
        error_messages={"required": _("Enter the amount to pay.")},
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )

    def clean_amount(self) -> Decimal:
        try:
            return amount_parse(self.cleaned_data["amount"])
        except PaymentRefused as refusal:
            raise forms.ValidationError(refusal.message, code=refusal.code) from None


class PaperlessForm(forms.Form):
    enabled = forms.BooleanField(
        label=_("Send me each month's statement by e-mail"), required=False
    )
    language = forms.ChoiceField(label=_("Language of the mail"), choices=settings.LANGUAGES)


class MerchantForm(forms.Form):
    legal_name = forms.CharField(label=_("Legal name"), max_length=140, required=False)
    edrpou = forms.CharField(
        label=_("EDRPOU code"), max_length=10, required=False, help_text=_("8 to 10 digits.")
    )
    iban = forms.CharField(
        label=_("IBAN"), max_length=40, required=False, help_text=_("UA and 27 digits.")
    )
    liqpay_public_key = forms.CharField(
        label=_("LiqPay public key"), max_length=100, required=False
    )
    # Write-only: never rendered with its value.
    liqpay_private_key = forms.CharField(
        label=_("LiqPay private key"),
        max_length=200,
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Leave empty to keep the key stored. It is never shown again."),
    )


MATCHED_CHOICES = [("", _("All")), ("yes", _("In the ledger")), ("no", _("Not in the ledger"))]


class PaymentFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All")), *Payment.Status.choices], required=False
    )
    period = forms.CharField(label=_("Month (YYYY-MM)"), max_length=7, required=False)
    matched = forms.ChoiceField(label=_("Ledger"), choices=MATCHED_CHOICES, required=False)
    q = forms.CharField(label=_("Order or account"), max_length=64, required=False)

    def clean_period(self) -> dt.date | None:
        text = self.cleaned_data["period"].strip()
        if not text:
            return None
        try:
            return parse_period(text)
        except InvalidPeriod:
            raise forms.ValidationError(_("Write the month as YYYY-MM.")) from None

    def clean_matched(self) -> bool | None:
        return {"yes": True, "no": False}.get(self.cleaned_data["matched"])


class PaymentExportForm(forms.Form):
    provider: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Provider"),
        queryset=None,  # type: ignore[arg-type]
        empty_label=None,
    )
    period = forms.CharField(label=_("Month (YYYY-MM)"), max_length=7)
    format = forms.ChoiceField(label=_("Format"), choices=[("csv", "CSV"), ("dbf", "DBF")])

    def __init__(self, *args, providers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers  # type: ignore[attr-defined]

    def clean_period(self) -> dt.date:
        try:
            return parse_period(self.cleaned_data["period"].strip())
        except InvalidPeriod:
            raise forms.ValidationError(_("Write the month as YYYY-MM.")) from None
