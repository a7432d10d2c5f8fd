"""API v1 for subscribers' requests: list, file (with attachments), read, reply."""

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from kabinet.api.errors import ApiError
from kabinet.api.views import SubscriberView, errors
from kabinet.requests import selectors, services
from kabinet.requests.attachments import MAX_BYTES
from kabinet.requests.models import Request
from kabinet.subscribers.access import AccountNotAccessible, access_account


class AttachmentOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()


class MessageOut(serializers.Serializer):
    author = serializers.CharField(source="author_kind")
    text = serializers.CharField()
    created_at = serializers.DateTimeField()
    attachments = AttachmentOut(many=True, source="attachments.all")


class RequestOut(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    account = serializers.CharField(source="account.number")
    provider = serializers.CharField(source="provider.code")
    kind = serializers.CharField()
    kind_name = serializers.CharField(source="kind_label")
    # A plain string in the schema: an enum named "status" would collide with the imports' one.
    status = serializers.CharField(help_text="new, in_progress, answered or closed")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class RequestDetailOut(RequestOut):
    messages = serializers.SerializerMethodField()

    @extend_schema_field(MessageOut(many=True))
    def get_messages(self, obj) -> list[dict]:
        return MessageOut(  # type: ignore[return-value]
            selectors.conversation(request=obj, include_internal=False), many=True
        ).data


class RequestIn(serializers.Serializer):
    account = serializers.IntegerField(help_text="The account's id, from /api/v1/accounts/.")
    kind = serializers.CharField(max_length=30, help_text="no_water, leak, meter, dispute, ...")
    text = serializers.CharField(max_length=5000)
    attachment = serializers.ListField(
        child=serializers.FileField(), required=False, max_length=3, help_text="Up to 3 files."
    )


class ReplyIn(serializers.Serializer):
    text = serializers.CharField(max_length=5000)
    attachment = serializers.ListField(child=serializers.FileField(), required=False, max_length=3)


def _uploads(files) -> list[services.Upload]:
    return [services.Upload(name=f.name or "", data=f.read(MAX_BYTES + 1)) for f in files or []]


def _rejected(rejected: services.RequestRejected) -> ApiError:
    if rejected.throttled:
        return ApiError(status_code=429, code="throttled", message=rejected.message)
    return ApiError(
        status_code=400,
        code="invalid",
        message=rejected.message,
        details={"fields": {rejected.field: [rejected.message]}} if rejected.field else {},
    )


def _files(request) -> list:
    return request.FILES.getlist("attachment") if hasattr(request, "FILES") else []


class RequestListView(SubscriberView, generics.ListAPIView):
    serializer_class = RequestOut
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        summary="Your requests, newest first",
        responses={200: RequestOut(many=True), **errors(401, 403, 429)},
    )
    def get(self, request, *args, **kwargs):
        page = self.paginate_queryset(selectors.subscriber_requests(user=request.user)) or []
        return self.get_paginated_response(RequestOut(page, many=True).data)

    @extend_schema(
        summary="File a request about one of your accounts (multipart for attachments)",
        request={"multipart/form-data": RequestIn, "application/json": RequestIn},
        responses={201: RequestDetailOut, **errors(400, 401, 403, 404, 429)},
    )
    def post(self, request, *args, **kwargs):
        data = RequestIn(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            account = access_account(user=request.user, account_id=data.validated_data["account"])
        except AccountNotAccessible:
            raise ApiError(
                status_code=404, code="not_found", message=_("No such account among yours.")
            ) from None
        try:
            filed = services.request_create(
                user=request.user,
                account=account,
                kind=data.validated_data["kind"],
                text=data.validated_data["text"],
                uploads=_uploads(_files(request)),
                language=translation.get_language() or "uk",
                now=timezone.now(),
            )
        except services.RequestRejected as rejected:
            raise _rejected(rejected) from None
        return Response(RequestDetailOut(filed).data, status=status.HTTP_201_CREATED)


class RequestDetailView(SubscriberView):
    serializer_class = RequestDetailOut

    def item(self) -> Request:
        try:
            return selectors.access_request(
                user=self.request.user, request_id=self.kwargs["request_id"]
            )
        except selectors.RequestNotAccessible:
            raise ApiError(
                status_code=404, code="not_found", message=_("No such request among yours.")
            ) from None

    @extend_schema(
        summary="One of your requests with its conversation",
        responses={200: RequestDetailOut, **errors(401, 403, 404, 429)},
    )
    def get(self, request, request_id: int):
        return Response(RequestDetailOut(self.item()).data)


class ReplyView(RequestDetailView):
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    http_method_names = ["post", "options"]

    @extend_schema(
        summary="Reply to one of your requests, with files if need be",
        request={"multipart/form-data": ReplyIn, "application/json": ReplyIn},
        responses={201: RequestDetailOut, **errors(400, 401, 403, 404, 429)},
    )
    def post(self, request, request_id: int):
        item = self.item()
        data = ReplyIn(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.request_reply(
                user=request.user,
                request=item,
                text=data.validated_data["text"],
                uploads=_uploads(_files(request)),
                now=timezone.now(),
            )
        except services.RequestRejected as rejected:
            raise _rejected(rejected) from None
        item.refresh_from_db()
        return Response(RequestDetailOut(item).data, status=status.HTTP_201_CREATED)
