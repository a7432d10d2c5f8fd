from django.contrib import admin

from .models import Account, LedgerEntry


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "provider",
        "street",
        "house",
        "korpus",
        "apartment",
        "surname",
        "closed_date",
    ]
    list_filter = ["provider"]
    search_fields = ["number", "surname"]
    raw_id_fields = ["street"]
    list_select_related = ["provider", "street"]


@admin.register(LedgerEntry)
class LedgerEntryAdmin(admin.ModelAdmin):
    list_display = ["account", "period", "kind", "service", "amount", "volume", "tariff"]
    list_filter = ["kind", "period"]
    search_fields = ["account__number"]
    raw_id_fields = ["account"]
