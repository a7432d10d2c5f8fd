from django.urls import path, register_converter

from kabinet.periods import format_period, parse_period

from . import views


class PeriodConverter:
    """`YYYY-MM` in an address; a month that does not exist (`2026-13`) does not match (404)."""

    regex = r"[0-9]{4}-[0-9]{2}"

    def to_python(self, value: str):
        return parse_period(value)  # InvalidPeriod is a ValueError: no match

    def to_url(self, value) -> str:
        return value if isinstance(value, str) else format_period(value)


register_converter(PeriodConverter, "billing_period")

app_name = "billing"
urlpatterns = [
    path("cabinet/", views.cabinet_view, name="cabinet"),
    path("cabinet/accounts/<int:account_id>/", views.account_view, name="account"),
    path(
        "cabinet/accounts/<int:account_id>/statement/<billing_period:period>/",
        views.statement_view,
        name="statement",
    ),
    path(
        "cabinet/accounts/<int:account_id>/statement/<billing_period:period>.pdf",
        views.statement_pdf_view,
        name="statement_pdf",
    ),
]
