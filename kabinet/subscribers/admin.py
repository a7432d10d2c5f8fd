from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import AccountLink, User


class AccountLinkInline(admin.TabularInline):
    model = AccountLink
    extra = 0
    raw_id_fields = ["account"]


@admin.register(User)
class KabinetUserAdmin(UserAdmin):
    inlines = [AccountLinkInline]


@admin.register(AccountLink)
class AccountLinkAdmin(admin.ModelAdmin):
    list_display = ["user", "account", "linked_at", "unlinked_at"]
    raw_id_fields = ["user", "account"]
