from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person with a login: a subscriber (абонент), or an operator of a provider."""

    # The login folded by case and Unicode look-alikes (UTS #39 skeleton): "Olena" in Latin and
    # "Оlena" with a Cyrillic О are one login, so nobody can pose as another subscriber.
    # Nullable so that users made before the column (and tools that skip save()) do not collide.
    login_skeleton = models.CharField(
        _("login skeleton"), max_length=150, unique=True, null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def save(self, *args, **kwargs) -> None:
        # A derived key, kept in step with the login on every path that saves a user (sign-up,
        # the admin, createsuperuser, the demo), so the unique constraint always holds.
        from .logins import login_skeleton

        self.login_skeleton = login_skeleton(self.username) if self.username else None
        super().save(*args, **kwargs)


class AccountLink(models.Model):
    """A subscriber's claim on a billing account, proved by the Check step and a confirmed mail.

    An unlinked account keeps its link row (with the date and reason) for the audit trail; at
    most one link per account is active at a time.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account_links"
    )
    account = models.ForeignKey("billing.Account", on_delete=models.CASCADE, related_name="links")
    linked_at = models.DateTimeField(_("linked"))
    unlinked_at = models.DateTimeField(_("unlinked"), null=True, blank=True)
    unlink_reason = models.CharField(_("reason for unlinking"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("account link")
        verbose_name_plural = _("account links")
        constraints = [
            models.UniqueConstraint(
                fields=["account"],
                condition=Q(unlinked_at__isnull=True),
                name="account_link_one_active_per_account",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.account_id}"


class RegistrationClaim(models.Model):
    """An account a new subscriber proved at the Check step, waiting for the mail's confirmation.

    Not a link: nothing is linked until the confirmation link is opened, and the account is
    checked again then (it may have been registered by someone else or closed meanwhile).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="registration_claim"
    )
    account = models.ForeignKey(
        "billing.Account", on_delete=models.CASCADE, related_name="registration_claims"
    )
    claimed_at = models.DateTimeField(_("claimed"))

    class Meta:
        verbose_name = _("registration waiting for confirmation")
        verbose_name_plural = _("registrations waiting for confirmation")

    def __str__(self) -> str:
        return f"{self.user_id} ? {self.account_id}"
