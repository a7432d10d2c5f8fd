from django.urls import path

from . import views

app_name = "payments"
order = "<str:order_id>"
urlpatterns = [
    path("cabinet/accounts/<int:account_id>/pay/", views.pay_view, name="pay"),
    path(f"cabinet/payments/{order}/", views.result_view, name="result"),
    path(f"cabinet/payments/{order}/receipt/", views.receipt_view, name="receipt"),
    path(f"cabinet/payments/{order}/receipt.pdf", views.receipt_pdf_view, name="receipt_pdf"),
    path("cabinet/paperless/", views.paperless_view, name="paperless"),
    path("payments/liqpay/callback/", views.liqpay_callback_view, name="liqpay_callback"),
    path("sandbox/liqpay/checkout/", views.sandbox_checkout_view, name="sandbox_checkout"),
    path("sandbox/liqpay/api/request/", views.sandbox_api_view, name="sandbox_api"),
]
