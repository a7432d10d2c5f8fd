"""API v1 for outages: public and read-only, no token; throttled per client address."""

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from kabinet.api.throttles import ClientRateThrottle
from kabinet.api.views import errors
from kabinet.outages import selectors
from kabinet.outages.views import outage_json


class OutageStreetOut(serializers.Serializer):
    street = serializers.CharField()
    house_from = serializers.IntegerField(allow_null=True)
    house_to = serializers.IntegerField(allow_null=True)
    side = serializers.ChoiceField(choices=["both", "odd", "even"])


class OutageUpdateOut(serializers.Serializer):
    at = serializers.DateTimeField()
    text = serializers.CharField()


class OutageOut(serializers.Serializer):
    id = serializers.IntegerField()
    provider = serializers.CharField()
    provider_name = serializers.CharField()
    service = serializers.CharField()
    kind = serializers.ChoiceField(choices=["planned", "emergency"])
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField(allow_null=True)
    reason = serializers.CharField()
    streets = OutageStreetOut(many=True)
    updates = OutageUpdateOut(many=True)


class OutageListView(generics.GenericAPIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [ClientRateThrottle]
    serializer_class = OutageOut
    pagination_class = None

    @extend_schema(
        summary="Current and planned outages (public, no token)",
        parameters=[
            OpenApiParameter(
                "street", OpenApiTypes.STR, description="A street's current or former name"
            )
        ],
        responses={200: OutageOut(many=True), **errors(429)},
        auth=[],
    )
    def get(self, request):
        # A NUL cannot be searched for (PostgreSQL refuses it in a string): it matches nothing.
        street = request.query_params.get("street", "")[:100].replace("\x00", "").strip()
        found = selectors.public_outages(now=timezone.now(), street=street)
        return Response([outage_json(outage) for outage in found.outages])
