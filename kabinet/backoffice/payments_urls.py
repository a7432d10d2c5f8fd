from django.urls import path

from . import payments as views

app_name = "payments_backoffice"
urlpatterns = [
    path("", views.payment_list, name="list"),
    path("<int:payment_id>/", views.payment_detail, name="detail"),
    path("unmatched/", views.unmatched_list, name="unmatched"),
    path("daily/", views.daily_totals, name="daily"),
    path("export/", views.export, name="export"),
    path("merchants/<int:provider_id>/", views.merchant_settings, name="merchant"),
]
