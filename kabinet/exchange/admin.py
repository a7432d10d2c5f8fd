from django.contrib import admin

from .models import ImportRun


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    """Read-only: imports are started and applied in the back office (/backoffice/imports/)
    or through the API."""

    list_display = ["pk", "created_at", "actor", "provider", "dry_run", "status", "error_total"]
    list_filter = ["status", "dry_run", "provider"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
