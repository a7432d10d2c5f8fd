from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kabinet.providers.service_kinds import Service


class Account(models.Model):
    """A billing account (особовий рахунок): a number the provider prints on the bill."""

    # No index of its own: the unique (provider, number) key starts with it.
    provider = models.ForeignKey(
        "providers.Provider", on_delete=models.PROTECT, related_name="accounts", db_index=False
    )
    number = models.CharField(_("account number"), max_length=40)
    street = models.ForeignKey(
        "addresses.Street", on_delete=models.PROTECT, related_name="accounts"
    )
    house = models.CharField(_("house"), max_length=20)
    house_key = models.CharField(max_length=20)
    korpus = models.CharField(_("korpus"), max_length=20, blank=True)
    korpus_key = models.CharField(max_length=20, blank=True)
    apartment = models.CharField(_("apartment"), max_length=20, blank=True)
    apartment_key = models.CharField(max_length=20, blank=True)
    surname = models.CharField(_("surname"), max_length=100)
    surname_key = models.CharField(max_length=100)
    name = models.CharField(_("given name"), max_length=100, blank=True)
    patronymic = models.CharField(_("patronymic"), max_length=100, blank=True)
    persons = models.PositiveSmallIntegerField(_("registered residents"), null=True, blank=True)
    opened_date = models.DateField(_("opened"), null=True, blank=True)
    closed_date = models.DateField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        constraints = [
            models.UniqueConstraint(fields=["provider", "number"], name="account_unique_number"),
        ]
        indexes = [models.Index(fields=["number"], name="account_number_idx")]

    def __str__(self) -> str:
        return self.number

    @property
    def is_closed(self) -> bool:
        return self.closed_date is not None


def _any_kind(*kinds: str) -> Q:
    condition = Q()
    for kind in kinds:
        condition |= Q(kind=kind)
    return condition


class LedgerEntry(models.Model):
    """One movement of money on an account in a period, as the billing system sent it."""

    class Kind(models.TextChoices):
        BALANCE = "balance", _("Opening balance")
        CHARGE = "charge", _("Charge")
        PAYMENT = "payment", _("Payment")
        BENEFIT = "benefit", _("Benefit")
        SUBSIDY = "subsidy", _("Subsidy")
        CORRECTION = "correction", _("Correction")

    # No index of its own: ledger_account_period_idx starts with it, and every index is one
    # more write per imported row.
    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="ledger", db_index=False
    )
    period = models.DateField(_("period"), help_text=_("The first day of the billing month."))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    service = models.CharField(_("service"), max_length=20, choices=Service.choices, blank=True)
    amount = models.DecimalField(_("amount, UAH"), max_digits=14, decimal_places=2)
    volume = models.DecimalField(
        _("volume"), max_digits=16, decimal_places=3, null=True, blank=True
    )
    tariff = models.DecimalField(
        _("tariff"), max_digits=12, decimal_places=4, null=True, blank=True
    )
    payment_date = models.DateField(_("date"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    # A charge of one zone of a multi-zone meter (`electricity:night` in the ledger file).
    zone = models.CharField(_("zone"), max_length=10, blank=True, default="", db_default="")
    # For a payment made through the portal: its order_id, echoed back by the billing system.
    reference = models.CharField(
        _("reference"), max_length=64, blank=True, default="", db_default=""
    )
    position = models.PositiveIntegerField(
        _("line"), default=0, help_text=_("Order of the row in the billing file.")
    )

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        # The kinds are spelt as `kind = ... OR kind = ...` rather than `kind IN (...)`:
        # SQLite builds a lookup table for an IN list once per INSERT statement, which
        # costs more than the comparisons when rows are inserted one a statement.
        constraints = [
            models.CheckConstraint(
                condition=_any_kind("balance", "correction") | Q(amount__gte=0),
                name="ledger_amount_not_negative",
            ),
            models.CheckConstraint(
                condition=_any_kind(
                    "balance", "charge", "payment", "benefit", "subsidy", "correction"
                ),
                name="ledger_kind_known",
            ),
        ]
        indexes = [models.Index(fields=["account", "period"], name="ledger_account_period_idx")]

    def __str__(self) -> str:
        return f"{self.account_id} {self.period:%Y-%m} {self.kind} {self.amount}"
