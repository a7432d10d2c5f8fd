from django.contrib import admin

from .models import AnswerTemplate, RequestKind


@admin.register(RequestKind)
class RequestKindAdmin(admin.ModelAdmin):
    """Each provider's kinds of request and their due times (the defaults need no row)."""

    list_display = ("provider", "code", "name", "due_hours", "enabled", "position")
    list_filter = ("provider", "enabled")


@admin.register(AnswerTemplate)
class AnswerTemplateAdmin(admin.ModelAdmin):
    list_display = ("provider", "title")
    list_filter = ("provider",)
