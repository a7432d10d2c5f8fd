from django.db import models
from django.utils.translation import gettext_lazy as _


class Street(models.Model):
    """A street as the provider's billing system knows it, by its code."""

    provider = models.ForeignKey(
        "providers.Provider", on_delete=models.CASCADE, related_name="streets"
    )
    street_id = models.CharField(_("billing street code"), max_length=40)
    type = models.CharField(_("type"), max_length=20, blank=True)
    name = models.CharField(_("current name"), max_length=200)

    class Meta:
        verbose_name = _("street")
        verbose_name_plural = _("streets")
        constraints = [
            models.UniqueConstraint(fields=["provider", "street_id"], name="street_unique_code"),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.name}".strip()


class StreetName(models.Model):
    """A name a street is found by: its current one and each former one (колишня назва)."""

    street = models.ForeignKey(Street, on_delete=models.CASCADE, related_name="names")
    name = models.CharField(_("name"), max_length=200)
    name_key = models.CharField(_("folded name"), max_length=200, db_index=True)
    is_current = models.BooleanField(_("current name"), default=False)
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("0 is the current name; former names, newest first")
    )

    class Meta:
        verbose_name = _("street name")
        verbose_name_plural = _("street names")
        constraints = [
            models.UniqueConstraint(fields=["street", "name_key"], name="street_name_unique_key"),
        ]

    def __str__(self) -> str:
        return self.name
