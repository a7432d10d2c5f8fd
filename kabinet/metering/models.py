from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kabinet.providers.service_kinds import Service

from .keys import meter_serial_key
from .zones import Zone

# Readings are stored with six decimals; a meter shows `decimals` of them (3 by default).
READING_MAX_DIGITS = 18
READING_DECIMAL_PLACES = 6


class Meter(models.Model):
    """A meter (лічильник) on an account, by its serial (passport) number."""

    account = models.ForeignKey("billing.Account", on_delete=models.CASCADE, related_name="meters")
    serial = models.CharField(_("serial number"), max_length=40)
    # What the Check step matches a typed serial against (see keys.meter_serial_key): stored,
    # so that no query folds serials. The importer fills it in its own SQL.
    serial_key = models.CharField(max_length=80, blank=True, default="", db_default="")
    service = models.CharField(_("service"), max_length=20, choices=Service.choices)
    digits = models.PositiveSmallIntegerField(_("integer digits"), default=5)
    decimals = models.PositiveSmallIntegerField(_("decimal digits"), default=3)
    installed_date = models.DateField(_("installed"), null=True, blank=True)
    verify_by_date = models.DateField(_("verification due"), null=True, blank=True)
    initial = models.DecimalField(
        _("reading at installation"),
        max_digits=READING_MAX_DIGITS,
        decimal_places=READING_DECIMAL_PLACES,
        default=Decimal(0),
    )
    removed_date = models.DateField(_("removed"), null=True, blank=True)
    # db_default too, so that the importer's raw INSERTs inherit it.
    zones = models.PositiveSmallIntegerField(
        _("zones"), default=1, db_default=1, help_text=_("Registers on the counter: 1, 2 or 3.")
    )

    class Meta:
        verbose_name = _("meter")
        verbose_name_plural = _("meters")
        constraints = [
            models.UniqueConstraint(fields=["account", "serial"], name="meter_unique_serial"),
            models.CheckConstraint(
                condition=Q(digits__gte=1, digits__lte=12), name="meter_digits_range"
            ),
            models.CheckConstraint(
                condition=Q(decimals__gte=0, decimals__lte=6), name="meter_decimals_range"
            ),
            models.CheckConstraint(
                condition=Q(zones__gte=1, zones__lte=3), name="meter_zones_range"
            ),
        ]

    def __str__(self) -> str:
        return self.serial

    def save(self, *args: object, **kwargs: object) -> None:
        self.serial_key = meter_serial_key(self.serial)
        if kwargs.get("update_fields") is not None and "serial" in kwargs["update_fields"]:  # type: ignore[operator]
            kwargs["update_fields"] = {*kwargs["update_fields"], "serial_key"}  # type: ignore[misc]
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def in_service(self) -> bool:
        return self.removed_date is None


class Reading(models.Model):
    """A meter's value on a day (показання). One per meter, day and zone."""

    class Source(models.TextChoices):
        CONTROLLER = "controller", _("Controller")
        SUBSCRIBER = "subscriber", _("Subscriber (billing)")
        PHONE = "phone", _("Phone")
        ESTIMATE = "estimate", _("Billing estimate")
        PORTAL = "portal", _("Portal")
        API = "api", _("API")
        OPERATOR = "operator", _("Operator")
        QUICK = "quick", _("Without signing in")
        LINK = "link", _("Reminder's link")

    class Status(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        REVIEW = "review", _("Waiting for review")

    # Sources that record what a subscriber or operator did in the portal: an import never
    # overwrites these.
    PORTAL_SOURCES = (Source.PORTAL, Source.API, Source.OPERATOR, Source.QUICK, Source.LINK)

    meter = models.ForeignKey(Meter, on_delete=models.CASCADE, related_name="readings")
    reading_date = models.DateField(_("date"))
    zone = models.CharField(
        _("zone"), max_length=10, choices=Zone.choices, blank=True, default="", db_default=""
    )
    value = models.DecimalField(
        _("value"), max_digits=READING_MAX_DIGITS, decimal_places=READING_DECIMAL_PLACES
    )
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACCEPTED
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("reading")
        verbose_name_plural = _("readings")
        constraints = [
            models.UniqueConstraint(
                fields=["meter", "reading_date", "zone"], name="reading_one_per_day_and_zone"
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="reading_value_not_negative"),
        ]
        indexes = [
            models.Index(fields=["submitted_at"], name="reading_submitted_idx"),
            # The back office's review queue, oldest first: a few rows among millions.
            models.Index(
                fields=["submitted_at"],
                condition=Q(status="review"),
                name="reading_review_queue_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meter_id} {self.reading_date} {self.value}"
