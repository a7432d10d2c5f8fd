"""Which kind of token an endpoint takes: a subscriber's or an operator's (integration)."""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from .models import ApiToken


class SubscriberToken(BasePermission):
    message = _("This endpoint takes a subscriber's token, made at /cabinet/tokens/.")
    code = "wrong_token_kind"

    def has_permission(self, request, view) -> bool:
        return isinstance(request.auth, ApiToken) and request.auth.kind == ApiToken.Kind.SUBSCRIBER


class OperatorToken(BasePermission):
    message = _("This endpoint takes an operator's token, made at /backoffice/tokens/.")
    code = "wrong_token_kind"

    def has_permission(self, request, view) -> bool:
        return isinstance(request.auth, ApiToken) and request.auth.kind == ApiToken.Kind.OPERATOR
