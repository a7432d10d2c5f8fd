"""Throttles per token and per client address, counted in the default cache."""

from rest_framework.throttling import SimpleRateThrottle

from .models import ApiToken


class TokenRateThrottle(SimpleRateThrottle):
    """Requests of one token (rate `token`)."""

    scope = "token"

    def get_cache_key(self, request, view):
        token = request.auth
        if not isinstance(token, ApiToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": token.pk}


class ClientRateThrottle(SimpleRateThrottle):
    """Requests from one client address, with or without a token (rate `client`).

    Counted before authentication too (see `ApiView.initial`), so guessing tokens is throttled.
    """

    scope = "client"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def allow_request(self, request, view) -> bool:
        # The request was already counted when the view started.
        if getattr(request, "_client_throttle_counted", False):
            return True
        request._client_throttle_counted = True
        return super().allow_request(request, view)
