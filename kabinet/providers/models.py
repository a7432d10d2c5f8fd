from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kabinet.providers.service_kinds import Service

DAY_VALIDATORS = [MinValueValidator(1), MaxValueValidator(31)]


class Provider(models.Model):
    """A utility (постачальник): vodokanal, gas, electricity, heat; its rules for subscribers."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    service = models.CharField(_("service"), max_length=20, choices=Service.choices)
    read_from = models.PositiveSmallIntegerField(
        _("first day readings are accepted"), default=1, validators=DAY_VALIDATORS
    )
    read_to = models.PositiveSmallIntegerField(
        _("last day readings are accepted"), default=31, validators=DAY_VALIDATORS
    )
    cutoff = models.PositiveSmallIntegerField(
        _("cut-off day"),
        null=True,
        blank=True,
        validators=DAY_VALIDATORS,
        help_text=_("A reading after this day counts for the next billing month."),
    )
    meter_required = models.BooleanField(
        _("registration asks for a meter's serial number"), default=False
    )
    daily_max = models.DecimalField(
        _("largest plausible consumption a day"),
        max_digits=12,
        decimal_places=3,
        null=True,
        blank=True,
        help_text=_("Empty: the default for the meter's service."),
    )
    usual_factor = models.DecimalField(
        _("implausible when this many times the usual"),
        max_digits=6,
        decimal_places=2,
        # db_default too, so that the importer's raw INSERTs of new providers inherit it.
        default=Decimal(5),
        db_default=Decimal(5),
    )
    operators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="operated_providers",
        verbose_name=_("operators"),
    )

    class Meta:
        verbose_name = _("provider")
        verbose_name_plural = _("providers")
        constraints = [
            models.CheckConstraint(
                condition=Q(read_from__gte=1, read_from__lte=31, read_to__gte=1, read_to__lte=31),
                name="provider_window_days_in_month",
            ),
            models.CheckConstraint(
                condition=Q(cutoff__isnull=True) | Q(cutoff__gte=1, cutoff__lte=31),
                name="provider_cutoff_day_in_month",
            ),
        ]

    def __str__(self) -> str:
        return self.name
