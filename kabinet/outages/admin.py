from django.contrib import admin

from .models import Outage


@admin.register(Outage)
class OutageAdmin(admin.ModelAdmin):
    list_display = ("provider", "kind", "service", "starts_at", "ends_at", "restored_at")
    list_filter = ("provider", "kind", "service")
