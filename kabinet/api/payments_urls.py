from django.urls import path

from . import payments as api

app_name = "payments_api"
urlpatterns = [
    path("accounts/<int:account_id>/payments/", api.AccountPaymentsView.as_view(), name="payments"),
    path("exports/payments/", api.PaymentsExportView.as_view(), name="export"),
]
