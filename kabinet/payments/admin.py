from django.contrib import admin

from .models import Merchant, Payment, PaymentCallback


@admin.register(Merchant)
class MerchantAdmin(admin.ModelAdmin):
    # The private key is set in the back office only (write-only, audited); never shown here.
    list_display = ("provider", "legal_name", "edrpou", "iban", "liqpay_public_key")
    exclude = ("liqpay_private_key",)
    readonly_fields = ("updated_at",)


class CallbackInline(admin.TabularInline):
    model = PaymentCallback
    extra = 0
    can_delete = False
    readonly_fields = (
        "source",
        "gateway_status",
        "gateway_payment_id",
        "amount",
        "received_at",
        "outcome",
    )
    exclude = ("digest", "body")


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = ("order_id", "account", "amount", "status", "gateway", "created_at", "paid_at")
    list_filter = ("status", "gateway")
    search_fields = ("order_id", "account__number")
    inlines = [CallbackInline]

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
