from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person with a login: a subscriber (абонент), or an operator of a provider."""

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")


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
