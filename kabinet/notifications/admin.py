from django.contrib import admin

from .models import ReminderPreference, ReminderSent


@admin.register(ReminderPreference)
class ReminderPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "enabled", "day", "language", "updated_at"]
    list_filter = ["enabled", "day"]
    raw_id_fields = ["user"]


@admin.register(ReminderSent)
class ReminderSentAdmin(admin.ModelAdmin):
    list_display = ["preference", "account", "period", "sent_at"]
    raw_id_fields = ["preference", "account"]
