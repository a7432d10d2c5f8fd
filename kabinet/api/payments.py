"""API v1 for payments: an account's payments (paginated), starting a checkout with
`Idempotency-Key`, and the payments export for integrators."""

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from kabinet.api import serializers as s
from kabinet.api.errors import ApiError
from kabinet.api.idempotency import idempotent
from kabinet.api.views import EXPORT_RESPONSES, ExportView, SubscriberView, errors
from kabinet.billing.models import Account
from kabinet.payments import selectors
from kabinet.payments.checkout import PaymentRefused, amount_parse, payment_start
from kabinet.payments.export import payments_export


class PaymentSerializer(serializers.Serializer):
    order_id = serializers.CharField()
    amount = serializers.DecimalField(max_digits=9, decimal_places=2)
    currency = serializers.CharField()
    status = serializers.CharField(help_text="pending, success, failure or reversed")
    gateway = serializers.CharField(help_text="liqpay, or sandbox in a demo")
    gateway_payment_id = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()
    paid_at = serializers.DateTimeField(allow_null=True)
    matched = serializers.BooleanField(
        help_text="The billing system's ledger carries it (its `reference` is the order)."
    )


class CheckoutRequestSerializer(serializers.Serializer):
    amount = serializers.CharField(max_length=20, help_text="Hryvnias, e.g. 297.78")


class CheckoutSerializer(serializers.Serializer):
    order_id = serializers.CharField()
    amount = serializers.DecimalField(max_digits=9, decimal_places=2)
    data = serializers.CharField(  # type: ignore[assignment]
        help_text="LiqPay's `data`: post it with `signature`."
    )
    signature = serializers.CharField()
    checkout_url = serializers.CharField(help_text="Where to post `data` and `signature`.")


class AccountPaymentsView(SubscriberView):
    serializer_class = PaymentSerializer

    @extend_schema(
        summary="An account's payments through the portal, newest first",
        responses={200: PaymentSerializer(many=True), **errors(401, 403, 404, 429)},
    )
    def get(self, request, account_id: int):
        account = self.account()
        payments = selectors.subscriber_payments(user=request.user, account=account)
        page = self.paginate_queryset(payments) or []
        return self.get_paginated_response(PaymentSerializer(page, many=True).data)

    @extend_schema(
        summary="Start paying the account: a LiqPay checkout",
        description=(
            "Answers LiqPay's `data` and `signature` and the address to post them to (LiqPay's "
            "checkout, or the sandbox's in a demo). Send `Idempotency-Key` to retry safely: a "
            "retry with the same key gets the first answer and makes no second order."
        ),
        request=CheckoutRequestSerializer,
        parameters=[
            OpenApiParameter(
                "Idempotency-Key", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False
            )
        ],
        responses={
            201: CheckoutSerializer,
            422: OpenApiResponse(s.ErrorSerializer, description="Refused by a rule"),
            **errors(400, 401, 403, 404, 429),
        },
    )
    def post(self, request, account_id: int):
        account = self.account()
        form = CheckoutRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            amount = amount_parse(form.validated_data["amount"])
        except PaymentRefused as refusal:
            raise ApiError(status_code=400, code=refusal.code, message=refusal.message) from None
        return idempotent(request, lambda: self._start(account, amount))

    def _start(self, account: Account, amount) -> Response:
        try:
            checkout = payment_start(
                user=self.request.user,
                account=account,
                amount=amount,
                language=get_language() or "uk",
                now=timezone.now(),
            )
        except PaymentRefused as refusal:
            return Response(
                {"code": refusal.code, "message": refusal.message, "details": {}},
                status=status.HTTP_422_UNPROCESSABLE_ENTITY,
            )
        except selectors.PaymentsUnavailable:
            return Response(
                {
                    "code": "payments_unavailable",
                    "message": _("This utility does not take payments through the portal yet."),
                    "details": {},
                },
                status=status.HTTP_422_UNPROCESSABLE_ENTITY,
            )
        checkout_url = checkout.checkout_url
        if checkout_url.startswith("/"):
            checkout_url = self.request.build_absolute_uri(checkout_url)
        body = {
            "order_id": checkout.payment.order_id,
            "amount": checkout.payment.amount,
            "data": checkout.data,
            "signature": checkout.signature,
            "checkout_url": checkout_url,
        }
        return Response(CheckoutSerializer(body).data, status=status.HTTP_201_CREATED)


class PaymentsExportView(ExportView):
    name = "payments"
    export = staticmethod(payments_export)

    @extend_schema(
        summary="Download the payments export",
        parameters=[s.ExportQuerySerializer],
        responses=EXPORT_RESPONSES,
    )
    def get(self, request):
        return super().get(request)
