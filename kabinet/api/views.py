"""API v1 endpoints: each parses input, makes one call into the domain, and shapes the answer.

Subscribers reach accounts only through `kabinet.subscribers.access`; operator tokens reach
providers only through `token_providers` (the providers chosen for the token that its user
still operates).
"""

import datetime as dt
import io
from collections.abc import Callable
from typing import cast

from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from kabinet.billing.models import Account, LedgerEntry
from kabinet.exchange import runs as import_runs
from kabinet.exchange.exporter import readings_export
from kabinet.exchange.models import ImportRun
from kabinet.metering.messages import reading_submitted_message
from kabinet.metering.models import Meter, Reading
from kabinet.metering.services import ReadingNeedsConfirmation, ReadingRejected, reading_submit
from kabinet.periods import InvalidPeriod, format_period, parse_period
from kabinet.providers.models import Provider
from kabinet.subscribers.access import (
    AccountNotAccessible,
    MeterNotAccessible,
    access_account,
    access_meter,
    accessible_accounts,
)

from . import serializers as s
from .errors import ApiError
from .idempotency import idempotent
from .models import ApiToken
from .permissions import OperatorToken, SubscriberToken
from .selectors import account_rows
from .throttles import ClientRateThrottle
from .tokens import token_providers

ERRORS = {
    400: OpenApiResponse(s.ErrorSerializer, description="Invalid request"),
    401: OpenApiResponse(s.ErrorSerializer, description="No token, or not a valid one"),
    403: OpenApiResponse(s.ErrorSerializer, description="The wrong kind of token"),
    404: OpenApiResponse(s.ErrorSerializer, description="Not found, or not yours"),
    429: OpenApiResponse(s.ErrorSerializer, description="Too many requests"),
}


def errors(*codes: int) -> dict:
    return {code: ERRORS[code] for code in codes}


class ClientThrottledMixin:
    """Count the client's request before authentication, so token guessing is throttled too."""

    def initial(self, request, *args, **kwargs):
        throttle = ClientRateThrottle()
        if not throttle.allow_request(request, self):
            self.throttled(request, throttle.wait())  # type: ignore[attr-defined]
        super().initial(request, *args, **kwargs)  # type: ignore[misc]


class SubscriberView(ClientThrottledMixin, generics.GenericAPIView):
    permission_classes = [IsAuthenticated, SubscriberToken]

    def account(self) -> Account:
        try:
            return access_account(user=self.request.user, account_id=self.kwargs["account_id"])
        except AccountNotAccessible:
            raise ApiError(
                status_code=404, code="not_found", message=_("No such account among yours.")
            ) from None

    def meter(self, account: Account) -> Meter:
        try:
            return access_meter(
                user=self.request.user, account_id=account.pk, meter_id=self.kwargs["meter_id"]
            )
        except MeterNotAccessible:
            raise ApiError(
                status_code=404, code="not_found", message=_("This account has no such meter.")
            ) from None


class OperatorView(ClientThrottledMixin, generics.GenericAPIView):
    permission_classes = [IsAuthenticated, OperatorToken]

    def providers(self):
        return token_providers(token=cast(ApiToken, self.request.auth))

    def provider(self, code: str) -> Provider:
        provider = self.providers().filter(code=code).first()
        if provider is None:
            raise ApiError(
                status_code=404,
                code="not_found",
                message=_("This token reaches no provider with the code %(code)s.")
                % {"code": code},
            )
        return provider


# --- subscribers ----------------------------------------------------------------------------------


class AccountListView(SubscriberView, generics.ListAPIView):
    serializer_class = s.AccountSerializer

    def get_queryset(self):
        return (
            accessible_accounts(user=self.request.user)
            .select_related("provider", "street")
            .order_by("provider__code", "number")
        )

    @extend_schema(
        summary="Your accounts with their balance",
        responses={200: s.AccountSerializer(many=True), **errors(401, 403, 429)},
    )
    def get(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset()) or []
        return self.get_paginated_response(
            s.AccountSerializer(account_rows(accounts=page), many=True).data
        )


class AccountDetailView(SubscriberView):
    serializer_class = s.AccountSerializer

    @extend_schema(
        summary="One of your accounts with its balance",
        responses={200: s.AccountSerializer, **errors(401, 403, 404, 429)},
    )
    def get(self, request, account_id: int):
        (row,) = account_rows(accounts=[self.account()])
        return Response(s.AccountSerializer(row).data)


class LedgerView(SubscriberView, generics.ListAPIView):
    serializer_class = s.LedgerEntrySerializer

    @extend_schema(
        summary="An account's ledger for a period",
        parameters=[
            OpenApiParameter(
                "period", OpenApiTypes.STR, description="YYYY-MM (default: the latest period)"
            )
        ],
        responses={200: s.LedgerEntrySerializer(many=True), **errors(400, 401, 403, 404, 429)},
    )
    def get(self, request, account_id: int):
        account = self.account()
        text = request.query_params.get("period", "")
        period: dt.date | None
        entries = LedgerEntry.objects.filter(account=account)
        if text:
            try:
                period = parse_period(text)
            except InvalidPeriod:
                raise ApiError(
                    status_code=400,
                    code="invalid",
                    message=_("Give the period as year and month, e.g. 2026-03."),
                    details={"fields": {"period": [text]}},
                ) from None
        else:
            period = entries.order_by("-period").values_list("period", flat=True).first()
        rows = (
            entries.filter(period=period).order_by("position", "pk")
            if period is not None
            else entries.none()
        )
        page = self.paginate_queryset(rows) or []
        data = [
            {
                "period": format_period(entry.period),
                "kind": entry.kind,
                "service": entry.service,
                "amount": entry.amount,
                "volume": entry.volume,
                "tariff": entry.tariff,
                "zone": entry.zone,
                "payment_date": entry.payment_date,
                "note": entry.note,
            }
            for entry in page
        ]
        return self.get_paginated_response(s.LedgerEntrySerializer(data, many=True).data)


class MeterListView(SubscriberView, generics.ListAPIView):
    serializer_class = s.MeterSerializer

    @extend_schema(
        summary="An account's meters",
        responses={200: s.MeterSerializer(many=True), **errors(401, 403, 404, 429)},
    )
    def get(self, request, account_id: int):
        account = self.account()
        page = (
            self.paginate_queryset(Meter.objects.filter(account=account).order_by("serial", "pk"))
            or []
        )
        return self.get_paginated_response(s.MeterSerializer(page, many=True).data)


class ReadingListView(SubscriberView, generics.ListAPIView):
    serializer_class = s.ReadingSerializer

    @extend_schema(
        summary="A meter's readings, newest first",
        responses={200: s.ReadingSerializer(many=True), **errors(401, 403, 404, 429)},
    )
    def get(self, request, account_id: int, meter_id: int):
        meter = self.meter(self.account())
        readings = (
            Reading.objects.filter(meter=meter)
            .select_related("meter")
            .order_by("-reading_date", "zone")
        )
        page = self.paginate_queryset(readings) or []
        return self.get_paginated_response(s.ReadingSerializer(page, many=True).data)

    @extend_schema(
        summary="Submit a reading",
        description=(
            "The same rules and messages as the account page. Send `Idempotency-Key` to retry "
            "safely: a retry with the same key gets the first answer and stores nothing new. "
            "A `409` with code `wrap` or `implausible` asks for confirmation: send the request "
            "again with `confirm_wrap` or `confirm_implausible` set (and a new key)."
        ),
        request=s.ReadingSubmitSerializer,
        parameters=[
            OpenApiParameter(
                "Idempotency-Key", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False
            )
        ],
        responses={
            201: s.ReadingSubmittedSerializer,
            200: OpenApiResponse(s.ReadingSubmittedSerializer, description="Already received"),
            409: OpenApiResponse(s.ErrorSerializer, description="Needs confirmation"),
            422: OpenApiResponse(s.ErrorSerializer, description="Refused by a rule"),
            **errors(400, 401, 403, 404, 429),
        },
    )
    def post(self, request, account_id: int, meter_id: int):
        try:
            meter = access_meter(user=request.user, account_id=account_id, meter_id=meter_id)
        except MeterNotAccessible:
            # One at a time, to tell a missing account from a missing meter.
            meter = self.meter(self.account())
        form = s.ReadingSubmitSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        if ("value" in data) == ("zones" in data):
            raise ApiError(
                status_code=400,
                code="invalid",
                message=_("Send either `value` (one zone) or `zones` (a multi-zone meter)."),
            )
        return idempotent(request, lambda: self._submit(meter, data))

    def _submit(self, meter: Meter, data: dict) -> Response:
        now = timezone.now()
        try:
            result = reading_submit(
                meter=meter,
                value=data.get("value"),
                values=data.get("zones"),
                reading_date=data.get("date") or timezone.localdate(now),
                source=Reading.Source.API,
                submitted_by=self.request.user,
                now=now,
                confirm_wrap=data["confirm_wrap"],
                confirm_implausible=data["confirm_implausible"],
            )
        except ReadingNeedsConfirmation as question:
            confirm = "confirm_wrap" if question.code == "wrap" else "confirm_implausible"
            return Response(
                {
                    "code": question.code,
                    "message": question.message,
                    "details": {"confirm_with": confirm, **_zone_detail(question)},
                },
                status=status.HTTP_409_CONFLICT,
            )
        except ReadingRejected as refusal:
            return Response(
                {
                    "code": refusal.code,
                    "message": refusal.message,
                    "details": _zone_detail(refusal),
                },
                status=status.HTTP_422_UNPROCESSABLE_ENTITY,
            )
        reading = result.reading
        body = {
            "reading": s.ReadingSerializer(reading).data,
            "period": format_period(result.period),
            "consumption": (
                s.format_reading(result.consumption, meter.decimals)
                if result.consumption is not None
                else None
            ),
            "zones": [
                {
                    "zone": item.reading.zone,
                    "reading": s.ReadingSerializer(item.reading).data,
                    "consumption": (
                        s.format_reading(item.consumption, meter.decimals)
                        if item.consumption is not None
                        else None
                    ),
                    "replaced": item.replaced,
                    "unchanged": item.unchanged,
                }
                for item in result.zones
            ],
            "replaced": result.replaced,
            "unchanged": result.unchanged,
            "warnings": [str(w) for w in result.warnings],
            "message": str(reading_submitted_message(result)),
        }
        return Response(
            body, status=status.HTTP_200_OK if result.unchanged else status.HTTP_201_CREATED
        )


def _zone_detail(refusal: ReadingRejected) -> dict[str, str]:
    """`{"zone": ...}` when one zone of a multi-zone reading was refused."""
    return {"zone": refusal.zone} if refusal.zone else {}


# --- integrators (operator tokens) ----------------------------------------------------------------


class ProviderListView(OperatorView, generics.ListAPIView):
    serializer_class = s.ProviderSerializer

    @extend_schema(
        summary="The providers this token reaches",
        responses={200: s.ProviderSerializer(many=True), **errors(401, 403, 429)},
    )
    def get(self, request):
        page = self.paginate_queryset(self.providers().order_by("code")) or []
        return self.get_paginated_response(s.ProviderSerializer(page, many=True).data)


class ImportListView(OperatorView, generics.ListAPIView):
    serializer_class = s.ImportRunSerializer
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        summary="Imports of this token's providers, newest first",
        responses={200: s.ImportRunSerializer(many=True), **errors(401, 403, 429)},
    )
    def get(self, request):
        runs = (
            ImportRun.objects.filter(provider__in=self.providers())
            .select_related("provider")
            .order_by("-created_at", "-pk")
        )
        page = self.paginate_queryset(runs) or []
        return self.get_paginated_response(s.ImportRunSerializer(page, many=True).data)

    @extend_schema(
        summary="Upload billing files",
        description=(
            "The same importer as `kabinet import_billing`. Small uploads are imported at once "
            "(`201`); large ones go to the task worker (`202`): poll the run's URL until its "
            "status is `done`, `rejected` or `failed`."
        ),
        request={"multipart/form-data": s.ImportRequestSerializer},
        responses={
            201: s.ImportRunSerializer,
            202: OpenApiResponse(s.ImportRunSerializer, description="Queued"),
            **errors(400, 401, 403, 404, 429),
        },
    )
    def post(self, request):
        form = s.ImportRequestSerializer(
            data={**request.data.dict(), "files": request.FILES.getlist("files")}
            if hasattr(request.data, "dict")
            else request.data
        )
        form.is_valid(raise_exception=True)
        data = form.validated_data
        provider = self.provider(data["provider"])
        run = import_runs.import_run_create(
            actor=request.user,
            provider=provider,
            files=data["files"],
            dry_run=data["dry_run"],
            via="api",
            encoding=data.get("encoding", ""),
            now=timezone.now(),
        )
        run = import_runs.import_run_start(run=run)
        return Response(
            s.ImportRunSerializer(run).data,
            status=status.HTTP_201_CREATED if run.is_finished else status.HTTP_202_ACCEPTED,
            headers={"Location": f"/api/v1/imports/{run.pk}/"},
        )


class ImportDetailView(OperatorView):
    serializer_class = s.ImportRunSerializer

    @extend_schema(
        summary="One import: its status, counts and errors",
        responses={200: s.ImportRunSerializer, **errors(401, 403, 404, 429)},
    )
    def get(self, request, run_id: int):
        run = (
            ImportRun.objects.filter(pk=run_id, provider__in=self.providers())
            .select_related("provider")
            .first()
        )
        if run is None:
            raise ApiError(status_code=404, code="not_found", message=_("No such import."))
        return Response(s.ImportRunSerializer(run).data)


class ExportView(OperatorView):
    """An export file for the billing system; a subclass names it (`name`) and its writer
    (`export`, called as `kabinet export_<name>` calls it)."""

    serializer_class = s.ExportQuerySerializer
    name: str
    export: Callable[..., int]

    def get(self, request):
        query = s.ExportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        provider = self.provider(data["provider"])
        out = io.BytesIO()
        type(self).export(
            provider_code=provider.code,
            date_from=data["date_from"],
            date_to=data["date_to"],
            file_format=data["format"],
            out=out,
        )
        out.seek(0)
        name = f"{self.name}-{provider.code}-{data['date_from']:%Y%m%d}-{data['date_to']:%Y%m%d}"
        return FileResponse(
            out,
            as_attachment=True,
            filename=f"{name}.{data['format']}",
            content_type="text/csv" if data["format"] == "csv" else "application/x-dbf",
        )


EXPORT_RESPONSES = {
    (200, "text/csv"): OpenApiTypes.BINARY,
    (200, "application/x-dbf"): OpenApiTypes.BINARY,
    **errors(400, 401, 403, 404, 429),
}


class ReadingsExportView(ExportView):
    name = "readings"
    export = staticmethod(readings_export)

    @extend_schema(
        summary="Download the readings export",
        parameters=[s.ExportQuerySerializer],
        responses=EXPORT_RESPONSES,
    )
    def get(self, request):
        return super().get(request)
