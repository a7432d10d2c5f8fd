"""How allauth fits Kabinet: login rules, and links in mail built from KABINET_SITE_URL."""

from urllib.parse import quote

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.urls import reverse

from .logins import login_skeleton, login_validate
from .models import User


def site_url(path: str) -> str:
    """An absolute address on the public site, never taken from the request's Host header."""
    return f"{settings.SITE_URL}{path}"


class AccountAdapter(DefaultAccountAdapter):
    def clean_username(self, username: str, shallow: bool = False) -> str:
        """Apply the login rules, and refuse a login that only looks different from a taken one."""
        login_validate(username)
        username = super().clean_username(username, shallow=shallow)
        if not shallow and User.objects.filter(login_skeleton=login_skeleton(username)).exists():
            raise self.validation_error("username_taken")
        return username

    def get_email_confirmation_url(self, request, emailconfirmation) -> str:
        return site_url(reverse("account_confirm_email", args=[emailconfirmation.key]))

    def get_reset_password_from_key_url(self, key: str) -> str:
        # As allauth builds it, but on the public address: the key is "<uidb36>-<token>".
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
        return site_url(path.replace("UID-KEY", quote(key)))

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        super().send_mail(template_prefix, email, {"site_url": settings.SITE_URL, **context})

    def send_account_already_exists_mail(self, email: str) -> None:
        context = {
            "signup_url": site_url(reverse("subscribers:register")),
            "password_reset_url": site_url(reverse("account_reset_password")),
        }
        self.send_mail("account/email/account_already_exists", email, context)
