from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from kabinet.providers.service_kinds import Service


class Outage(models.Model):
    """A planned or emergency stop of a service on some streets (відключення)."""

    class Kind(models.TextChoices):
        PLANNED = "planned", _("Planned")
        EMERGENCY = "emergency", _("Emergency")

    provider = models.ForeignKey(
        "providers.Provider", on_delete=models.CASCADE, related_name="outages"
    )
    service = models.CharField(_("service"), max_length=20, choices=Service.choices)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    starts_at = models.DateTimeField(_("from"))
    # Unknown until the crew knows: an accident's end is often a guess made later.
    ends_at = models.DateTimeField(_("until"), null=True, blank=True)
    reason = models.TextField(_("reason"), max_length=2000)
    restored_at = models.DateTimeField(_("restored"), null=True, blank=True)
    created_at = models.DateTimeField(_("published"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Bumped by every update, so that a mail goes out once per outage and per update.
    revision = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("outage")
        verbose_name_plural = _("outages")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=F("starts_at")),
                name="outage_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(kind="planned") | Q(kind="emergency"), name="outage_kind_known"
            ),
        ]
        indexes = [models.Index(fields=["provider", "starts_at"], name="outage_provider_start")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.get_service_display()} {self.starts_at:%Y-%m-%d}"


class OutageStreet(models.Model):
    """A street an outage affects: all of it, or a range of houses, on one side or both."""

    class Side(models.TextChoices):
        BOTH = "both", _("both sides")
        ODD = "odd", _("odd numbers")
        EVEN = "even", _("even numbers")

    outage = models.ForeignKey(Outage, on_delete=models.CASCADE, related_name="streets")
    street = models.ForeignKey(
        "addresses.Street", on_delete=models.CASCADE, related_name="outage_streets"
    )
    house_from = models.PositiveIntegerField(_("from house"), null=True, blank=True)
    house_to = models.PositiveIntegerField(_("to house"), null=True, blank=True)
    side = models.CharField(_("side"), max_length=4, choices=Side.choices, default=Side.BOTH)

    class Meta:
        verbose_name = _("street affected")
        verbose_name_plural = _("streets affected")
        constraints = [
            models.CheckConstraint(
                condition=Q(house_from__isnull=True, house_to__isnull=True)
                | Q(
                    house_from__isnull=False, house_to__isnull=False, house_to__gte=F("house_from")
                ),
                name="outage_street_range_ordered",
            ),
            models.CheckConstraint(
                condition=Q(side="both") | Q(side="odd") | Q(side="even"),
                name="outage_street_side_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.outage_id}: {self.street_id}"


class OutageUpdate(models.Model):
    """A note on a published outage: "extended to 18:00", "restored"."""

    outage = models.ForeignKey(Outage, on_delete=models.CASCADE, related_name="updates")
    text = models.TextField(_("update"), max_length=2000)
    created_at = models.DateTimeField(_("published"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revision = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("outage update")
        verbose_name_plural = _("outage updates")
        constraints = [
            models.UniqueConstraint(fields=["outage", "revision"], name="outage_update_revision"),
        ]

    def __str__(self) -> str:
        return f"{self.outage_id} #{self.revision}"


class OutageSubscription(models.Model):
    """A subscriber's wish to be mailed about outages at the addresses of their accounts."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="outage_subscription"
    )
    enabled = models.BooleanField(_("mail me about outages at my addresses"), default=True)
    language = models.CharField(
        _("language of the mail"), max_length=8, choices=settings.LANGUAGES, default="uk"
    )
    updated_at = models.DateTimeField(_("changed"))

    class Meta:
        verbose_name = _("outage mail subscription")
        verbose_name_plural = _("outage mail subscriptions")

    def __str__(self) -> str:
        return str(self.user_id)


class OutageMailSent(models.Model):
    """A mail about one revision of an outage to one subscriber: never twice."""

    subscription = models.ForeignKey(
        OutageSubscription, on_delete=models.CASCADE, related_name="sent"
    )
    outage = models.ForeignKey(Outage, on_delete=models.CASCADE, related_name="+")
    revision = models.PositiveIntegerField()
    sent_at = models.DateTimeField(_("sent"))

    class Meta:
        verbose_name = _("outage mail sent")
        verbose_name_plural = _("outage mails sent")
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "outage", "revision"], name="outage_mail_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subscription_id} {self.outage_id} #{self.revision}"
