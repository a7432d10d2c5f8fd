"""Payments through the portal: each provider's merchant settings, the orders and what the
gateway said about them, and the paperless-statement wish."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Merchant(models.Model):
    """A provider as a merchant: its LiqPay keys and the bank details a QR code and a receipt show.

    The private key is write-only: forms never show it back, audit records only say that it
    changed, and `__str__`/`repr` leave it out.
    """

    provider = models.OneToOneField(
        "providers.Provider", on_delete=models.CASCADE, related_name="merchant"
    )
    legal_name = models.CharField(_("legal name"), max_length=140, blank=True)
    edrpou = models.CharField(
        _("EDRPOU code"),
        max_length=10,
        blank=True,
        validators=[RegexValidator(r"^[0-9]{8,10}$", _("8 to 10 digits."))],
    )
    iban = models.CharField(
        _("IBAN"),
        max_length=29,
        blank=True,
        validators=[RegexValidator(r"^UA[0-9]{27}$", _("A Ukrainian IBAN: UA and 27 digits."))],
    )
    liqpay_public_key = models.CharField(_("LiqPay public key"), max_length=100, blank=True)
    liqpay_private_key = models.CharField(_("LiqPay private key"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("changed"), null=True, blank=True)

    class Meta:
        verbose_name = _("merchant settings")
        verbose_name_plural = _("merchant settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(edrpou="") | Q(edrpou__regex=r"^[0-9]{8,10}$"),
                name="merchant_edrpou_digits",
            ),
            models.CheckConstraint(
                condition=Q(iban="") | Q(iban__regex=r"^UA[0-9]{27}$"),
                name="merchant_iban_ukrainian",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider_id}: {self.legal_name}"

    def __repr__(self) -> str:
        return f"<Merchant provider={self.provider_id} public_key={self.liqpay_public_key!r}>"

    @property
    def has_keys(self) -> bool:
        return bool(self.liqpay_public_key and self.liqpay_private_key)

    @property
    def has_bank_details(self) -> bool:
        return bool(self.legal_name and self.edrpou and self.iban)


class Payment(models.Model):
    """One order: an attempt to pay an account through the gateway, by its `order_id`."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting the bank")
        SUCCESS = "success", _("Paid")
        FAILURE = "failure", _("Not paid")
        REVERSED = "reversed", _("Returned")

    class Gateway(models.TextChoices):
        LIQPAY = "liqpay", "LiqPay"
        SANDBOX = "sandbox", _("Sandbox")

    order_id = models.CharField(_("order"), max_length=64, unique=True)
    account = models.ForeignKey(
        "billing.Account", on_delete=models.PROTECT, related_name="payments", db_index=False
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="payments"
    )
    amount = models.DecimalField(_("amount, UAH"), max_digits=9, decimal_places=2)
    currency = models.CharField(max_length=3, default="UAH")
    description = models.CharField(_("description"), max_length=300)
    gateway = models.CharField(_("gateway"), max_length=10, choices=Gateway.choices)
    # The public key the order was signed with: a callback must name the same one.
    public_key = models.CharField(max_length=100)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    gateway_status = models.CharField(_("gateway's status"), max_length=30, blank=True)
    gateway_payment_id = models.CharField(_("gateway's payment id"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created"))
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    reversed_at = models.DateTimeField(_("returned"), null=True, blank=True)
    checked_at = models.DateTimeField(_("status last asked"), null=True, blank=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0) & Q(amount__lte=100000), name="payment_amount_range"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "success", "failure", "reversed"]),
                name="payment_status_known",
            ),
            models.CheckConstraint(
                condition=~Q(status="success") | Q(paid_at__isnull=False),
                name="payment_success_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["account", "status"], name="payment_account_status_idx"),
            models.Index(fields=["status", "created_at"], name="payment_status_created_idx"),
        ]

    def __str__(self) -> str:
        return self.order_id


class PaymentCallback(models.Model):
    """A signed message about an order, from the gateway's callback or from a status query.

    One row per distinct message: the same message again (a replay, or two deliveries at
    once) meets the unique constraint and changes nothing.
    """

    class Source(models.TextChoices):
        CALLBACK = "callback", _("Server callback")
        STATUS = "status", _("Status query")

    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="callbacks")
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    digest = models.CharField(max_length=64)
    gateway_status = models.CharField(_("gateway's status"), max_length=30)
    gateway_payment_id = models.CharField(_("gateway's payment id"), max_length=64, blank=True)
    amount = models.DecimalField(_("amount, UAH"), max_digits=12, decimal_places=2, null=True)
    received_at = models.DateTimeField(_("received"))
    outcome = models.CharField(_("what it changed"), max_length=200, blank=True)
    # The decoded message without anything of the card: what an operator needs to follow it.
    body = models.JSONField(_("message"), default=dict)

    class Meta:
        verbose_name = _("gateway message")
        verbose_name_plural = _("gateway messages")
        constraints = [
            models.UniqueConstraint(fields=["payment", "digest"], name="callback_once"),
        ]

    def __str__(self) -> str:
        return f"{self.payment_id} {self.gateway_status}"


class SandboxTransaction(models.Model):
    """What the sandbox gateway did with an order (demo and tests only): its own ledger,
    which its `action=status` answers from, as LiqPay's does."""

    public_key = models.CharField(max_length=100)
    order_id = models.CharField(max_length=255)
    payment_id = models.CharField(max_length=64, unique=True)
    status = models.CharField(max_length=30)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3)
    description = models.CharField(max_length=300)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["public_key", "order_id"], name="sandbox_order_once"),
        ]

    def __str__(self) -> str:
        return f"{self.order_id} {self.status}"


class PaperlessPreference(models.Model):
    """A subscriber's wish to get each month's statement by e-mail, as a PDF."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="paperless"
    )
    enabled = models.BooleanField(_("send statements by e-mail"), default=False)
    language = models.CharField(
        _("language of the mail"), max_length=8, choices=settings.LANGUAGES, default="uk"
    )
    updated_at = models.DateTimeField(_("changed"))

    class Meta:
        verbose_name = _("paperless statements")
        verbose_name_plural = _("paperless statements")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.enabled}"


class StatementMailed(models.Model):
    """A statement mailed to a subscriber: at most one per account and period."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    account = models.ForeignKey("billing.Account", on_delete=models.CASCADE, related_name="+")
    period = models.DateField(_("period"))
    sent_at = models.DateTimeField(_("sent"))

    class Meta:
        verbose_name = _("statement mailed")
        verbose_name_plural = _("statements mailed")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "account", "period"], name="statement_mailed_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.account_id} {self.period:%Y-%m}"
