"""The forms of registration, sign-in and account links; every field with a filled-in sample."""

from typing import Any

from allauth.account import forms as allauth_forms
from allauth.account.adapter import get_adapter
from django import forms
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from kabinet.billing.models import Account
from kabinet.providers.models import Provider

from .selectors import providers_for_registration


class HelpedBoundField(forms.BoundField):
    """Ties the input to its sample (the "?" text) and its errors by aria-describedby."""

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        described_by = []
        if getattr(self.field, "help_sample", ""):
            described_by.append(f"{self.auto_id}-help")
        if self.errors:
            described_by.append(f"{self.auto_id}-error")
        if described_by:
            attrs["aria-describedby"] = " ".join(described_by)
        return attrs


_Texts = tuple[dict[str, str], dict[str, str]]
_translated_texts: dict[tuple[type, str | None], _Texts] = {}


def _translated(form: "HelpSamples", language: str | None) -> _Texts:
    """A form class's labels and samples in one language, translated once per process.

    Lazy strings would be translated again at each use: the field template tests and prints
    each sample and label several times, some eighty look-ups a page otherwise.
    """
    key = (type(form), language)
    if key not in _translated_texts:
        with translation.override(language):
            _translated_texts[key] = (
                {name: str(text) for name, text in form.labels.items()},
                {name: str(text) for name, text in form.help_samples.items()},
            )
    return _translated_texts[key]


class HelpSamples:
    """Gives each field its sample (`help_samples`), shown by the "?" next to the label."""

    help_samples: dict[str, Any] = {}
    labels: dict[str, Any] = {}
    bound_field_class: type[forms.BoundField] | None = HelpedBoundField
    fields: dict[str, forms.Field]

    def attach_help(self) -> None:
        labels, samples = _translated(self, translation.get_language())
        for name, field in self.fields.items():
            if name in labels:
                field.label = labels[name]
            field.help_sample = samples.get(name, "")  # type: ignore[attr-defined]
            field.help_text = ""
            # The label says it; a placeholder would only be read out twice.
            field.widget.attrs.pop("placeholder", None)


class PlainTextInput(forms.TextInput):
    """A text input written out in Python: the HTML of Django's own widget template.

    The template (input.html with its attrs.html loop) costs about 0.1 ms an input, most of the
    Check page's rendering; this gives the same bytes (a test compares them). It ignores
    FORM_RENDERER, which the portal does not set.
    """

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        html = format_html('<input type="{}" name="{}"', widget["type"], widget["name"])
        if widget["value"] is not None:
            html += format_html(' value="{}"', str(widget["value"]))
        for key, item in widget["attrs"].items():
            if item is True:
                html += format_html(" {}", key)
            elif item is not False:
                html += format_html(' {}="{}"', key, str(item))
        return mark_safe(html + ">")  # noqa: S308 (every part went through format_html)


def _text(max_length: int, *, required: bool = True, **attrs: str) -> forms.CharField:
    return forms.CharField(
        max_length=max_length,
        required=required,
        strip=True,
        widget=PlainTextInput(attrs=attrs),
    )


class CheckForm(HelpSamples, forms.Form):
    """The Check step: the account as printed on the bill. Field names are an interface."""

    # Choices from the providers read once in __init__ (a ModelChoiceField would query again).
    provider = forms.TypedChoiceField(coerce=int, label=_("Provider"))
    account = _text(40, autocomplete="off", inputmode="text", spellcheck="false")
    street = _text(200, autocomplete="off")
    house = _text(20, autocomplete="off")
    korpus = _text(20, required=False, autocomplete="off")
    apartment = _text(20, required=False, autocomplete="off")
    surname = _text(100, autocomplete="family-name")
    meter = _text(40, required=False, autocomplete="off", spellcheck="false")

    labels = {
        "account": _("Account number"),
        "street": _("Street"),
        "house": _("House"),
        "korpus": _("Korpus"),
        "apartment": _("Apartment"),
        "surname": _("Surname of the account holder"),
        "meter": _("Meter serial number"),
    }
    help_samples = {
        "provider": _(
            "Provider: КП «Водоканал» — the utility whose bill you hold, named at the top of it."
        ),
        "account": _(
            "Account number: 0012345, printed top right of your bill. Type every digit, "
            "leading zeros too; spaces and dashes do not matter."
        ),
        "street": _(
            "Street: Шевченка or вул. Шевченка. A former name is understood too; "
            "the type word (вул., просп.) may be left out."
        ),
        "house": _("House: 12, 40А or 12/3 (house 12, korpus 3), as on the bill."),
        "korpus": _("Korpus: 3 — leave empty if the address has none or you typed 12/3 above."),
        "apartment": _("Apartment: 45 or 5а — leave empty for a private house."),
        "surname": _("Surname: Коваленко — of the person the account is in, as on the bill."),
        "meter": _(
            "Meter serial number: В-1402377, on the meter's plate and in its passport. "
            "Asked by providers that require it."
        ),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        providers = list(providers_for_registration())
        self.providers = providers
        self.single_provider: Provider | None = providers[0] if len(providers) == 1 else None
        if len(providers) == 1:
            del self.fields["provider"]
        else:
            self.fields["provider"].choices = [  # type: ignore[attr-defined]
                ("", _("— choose —")),
                *[(provider.pk, provider.name) for provider in providers],
            ]
        # Suggestions as one types (htmx); the provider chosen above narrows them.
        self.fields["street"].widget.attrs.update(
            {
                "hx-get": reverse("subscribers:street_search"),
                "hx-trigger": "input changed delay:300ms, search",
                "hx-target": "#street-suggestions",
                "hx-include": "[name=provider]",
                "hx-sync": "this:replace",
            }
        )
        self.meter_providers = [provider for provider in providers if provider.meter_required]
        if not self.meter_providers:
            del self.fields["meter"]
        elif len(self.meter_providers) == len(providers):
            self.fields["meter"].required = True
        self.attach_help()

    def clean_provider(self) -> Provider:
        chosen = self.cleaned_data["provider"]
        return next(provider for provider in self.providers if provider.pk == chosen)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        provider = cleaned.get("provider") or self.single_provider
        if provider is not None and provider.meter_required and not cleaned.get("meter"):
            self.add_error(
                "meter",
                _("%(provider)s also asks for the serial number of one of your meters.")
                % {"provider": provider.name},
            )
        return cleaned

    def check_fields(self) -> dict[str, Any]:
        """The cleaned fields under the names account_check takes."""
        data = self.cleaned_data
        return {
            "provider": data.get("provider") or self.single_provider,
            "account_number": data["account"],
            "street": data["street"],
            "house": data["house"],
            "korpus": data.get("korpus", ""),
            "apartment": data.get("apartment", ""),
            "surname": data["surname"],
            "meter_serial": data.get("meter") or None,
        }


PASSWORD_SAMPLE = _(
    "Password: for example «зелений чайник співає вранці» — a phrase of a few ordinary words "
    "is easy to remember and hard to guess. At least 8 characters, any characters; not only "
    "digits, not a common password, not close to your login or to the name on your bill."
)


PASSWORD_AGAIN_SAMPLE = _(
    "Password again: «зелений чайник співає вранці» once more, the same as above, so that a "
    "typo shows."
)


class CredentialsForm(HelpSamples, allauth_forms.SignupForm):
    """The second step of registration: login, e-mail and password (allauth's sign-up)."""

    labels = {
        "username": _("Login"),
        "email": _("E-mail"),
        "password1": _("Password"),
        "password2": _("Password again"),
    }
    help_samples = {
        "username": _(
            "Login: olena.koval or олена_2 — letters of one alphabet (Latin or Cyrillic), "
            "digits and . _ -. You sign in with it or with your e-mail."
        ),
        "email": _("E-mail: olena@example.com — the confirmation link is sent there."),
        "password1": PASSWORD_SAMPLE,
        "password2": PASSWORD_AGAIN_SAMPLE,
    }

    def __init__(self, *args: Any, account: Account | None = None, **kwargs: Any) -> None:
        self.account = account
        super().__init__(*args, **kwargs)
        self.attach_help()

    def clean(self) -> dict[str, Any]:
        # allauth's own clean validates the password against a bare user; this one also knows
        # the holder's name from the proved account (HolderNameSimilarityValidator).
        allauth_forms.BaseSignupForm.clean(self)
        dummy_user = get_user_model()(
            username=self.cleaned_data.get("username") or "",
            email=self.cleaned_data.get("email") or "",
        )
        if self.account is not None:
            dummy_user.holder_names = [  # type: ignore[attr-defined]
                self.account.surname,
                self.account.name,
                self.account.patronymic,
            ]
        password = self.cleaned_data.get("password1")
        if password:
            try:
                get_adapter().clean_password(password, user=dummy_user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        password2 = self.cleaned_data.get("password2")
        if password and password2 and password != password2:
            self.add_error("password2", _("The two passwords differ."))
        return self.cleaned_data


class LoginForm(HelpSamples, allauth_forms.LoginForm):
    labels = {
        "login": _("Login or e-mail"),
        "password": _("Password"),
        "remember": _("Keep me signed in on this device"),
    }
    help_samples = {
        "login": _("Login or e-mail: olena.koval or olena@example.com, as you registered."),
        "password": _("Password: the one you chose at registration. Forgot it? Reset it below."),
        "remember": _(
            "Keep me signed in: tick it on your own phone; leave it empty on a shared computer."
        ),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["login"].widget.attrs["autocomplete"] = "username"
        self.fields["password"].help_text = ""
        self.attach_help()


class ResetPasswordForm(HelpSamples, allauth_forms.ResetPasswordForm):
    labels = {"email": _("E-mail")}
    help_samples = {
        "email": _("E-mail: olena@example.com — the address you registered with."),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.attach_help()


class ResetPasswordKeyForm(HelpSamples, allauth_forms.ResetPasswordKeyForm):
    labels = {"password1": _("New password"), "password2": _("New password again")}
    help_samples = {
        "password1": PASSWORD_SAMPLE,
        "password2": PASSWORD_AGAIN_SAMPLE,
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.attach_help()


class ChangePasswordForm(HelpSamples, allauth_forms.ChangePasswordForm):
    labels = {
        "oldpassword": _("Current password"),
        "password1": _("New password"),
        "password2": _("New password again"),
    }
    help_samples = {
        "oldpassword": _("Current password: the one you signed in with."),
        "password1": PASSWORD_SAMPLE,
        "password2": PASSWORD_AGAIN_SAMPLE,
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.attach_help()


class ChangeEmailForm(HelpSamples, allauth_forms.AddEmailForm):
    labels = {"email": _("New e-mail")}
    help_samples = {
        "email": _(
            "New e-mail: olena.new@example.com — a confirmation link is sent there; the old "
            "address stays in use until you open it."
        ),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.attach_help()


class UnlinkForm(HelpSamples, forms.Form):
    reason = forms.CharField(max_length=300, required=False, widget=forms.TextInput())
    labels = {"reason": _("Reason")}
    help_samples = {"reason": _("Reason: moved to another flat — helps the provider, if given.")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.attach_help()
