from django.contrib import admin

from .models import Meter, Reading


@admin.register(Meter)
class MeterAdmin(admin.ModelAdmin):
    list_display = [
        "serial",
        "account",
        "service",
        "digits",
        "decimals",
        "zones",
        "verify_by_date",
        "removed_date",
    ]
    search_fields = ["serial", "account__number"]
    raw_id_fields = ["account"]


@admin.register(Reading)
class ReadingAdmin(admin.ModelAdmin):
    list_display = ["meter", "reading_date", "zone", "value", "source", "status", "submitted_at"]
    list_filter = ["source", "status", "zone"]
    search_fields = ["meter__serial", "meter__account__number"]
    raw_id_fields = ["meter", "submitted_by"]
