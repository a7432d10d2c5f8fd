from django.contrib import admin

from .models import Street, StreetName


class StreetNameInline(admin.TabularInline):
    model = StreetName
    extra = 0
    fields = ["name", "is_current", "position"]
    readonly_fields = ["name", "is_current", "position"]


@admin.register(Street)
class StreetAdmin(admin.ModelAdmin):
    list_display = ["street_id", "type", "name", "provider"]
    list_filter = ["provider"]
    search_fields = ["street_id", "name", "names__name"]
    inlines = [StreetNameInline]
