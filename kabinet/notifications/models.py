from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ReminderPreference(models.Model):
    """A subscriber's wish to be reminded by mail, on a day of each month, to read the meters.

    One per user: it covers every account the user has linked. A day past the month's length
    means the month's last day.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_preference"
    )
    enabled = models.BooleanField(_("send reminders"), default=True)
    day = models.PositiveSmallIntegerField(
        _("day of the month"),
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(31)],
    )
    language = models.CharField(
        _("language of the mail"), max_length=8, choices=settings.LANGUAGES, default="uk"
    )
    updated_at = models.DateTimeField(_("changed"))

    class Meta:
        verbose_name = _("reminder preference")
        verbose_name_plural = _("reminder preferences")
        constraints = [
            models.CheckConstraint(
                condition=Q(day__gte=1, day__lte=31), name="reminder_day_in_month"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.day}"


class ReminderSent(models.Model):
    """A reminder mailed for an account and a period: at most one per period."""

    preference = models.ForeignKey(
        ReminderPreference, on_delete=models.CASCADE, related_name="sent"
    )
    account = models.ForeignKey("billing.Account", on_delete=models.CASCADE, related_name="+")
    period = models.DateField(_("period"))
    sent_at = models.DateTimeField(_("sent"))

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [
            models.UniqueConstraint(
                fields=["preference", "account", "period"], name="reminder_once_per_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.preference_id} {self.account_id} {self.period:%Y-%m}"
