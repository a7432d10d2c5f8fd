from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are made by their owners; an administrator may only see and revoke them."""

    list_display = ["name", "user", "kind", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["kind"]
    search_fields = ["user__username", "name", "prefix"]
    fields = ("user", "kind", "name", "prefix", "providers", "created_at", "last_used_at")
    readonly_fields = fields
    actions = ["revoke"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset) -> None:
        queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
