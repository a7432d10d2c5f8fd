from django.contrib import admin

from .models import Provider


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "service", "read_from", "read_to", "cutoff", "meter_required"]
    filter_horizontal = ["operators"]
