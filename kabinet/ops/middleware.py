"""The request id, one JSON log line and the request metrics for every request.

First in MIDDLEWARE, so that it times and logs whatever the others do (redirects, refusals),
and so that `/healthz`, `/readyz` and `/metrics` are answered before any other middleware:
no session, no cookie, no host or HTTPS redirect, no rate limit. It queries nothing and does
not touch the session: the user id is logged only when the view already looked the user up.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.functional import empty

from kabinet import metrics

from . import views
from .logs import REQUEST_ID, request_id_from_proxy, request_id_new

logger = logging.getLogger("kabinet.request")

MACHINE_ROUTES: dict[str, tuple[str, Callable[[HttpRequest], HttpResponse]]] = {
    "/healthz": ("ops:healthz", views.healthz),
    "/readyz": ("ops:readyz", views.readyz),
    "/metrics": ("ops:metrics", views.metrics),
}


def client_address(request: HttpRequest) -> str:
    """The client's address as KABINET_TRUSTED_PROXY_COUNT sees it (as allauth counts it)."""
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if count > 0 and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",")]
        if len(hops) >= count:
            return hops[-count]
    return request.META.get("REMOTE_ADDR", "")


def _route(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        # WhiteNoise answers static files before any URL is resolved.
        if settings.STATIC_URL and request.path_info.startswith(settings.STATIC_URL):
            return "static"
        return "unmatched"
    return match.view_name or "unnamed"


def _user_id(request: HttpRequest) -> int | None:
    # AuthenticationMiddleware puts a lazy object on the request; looking into it would load
    # the session. Only a user the view already resolved is logged.
    user = request.__dict__.get("user")
    if user is None:
        return None
    wrapped = getattr(user, "_wrapped", user)
    if wrapped is empty or not getattr(wrapped, "is_authenticated", False):
        return None
    return wrapped.pk


class RequestMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        proxied = request_id_from_proxy(request.META.get("HTTP_X_REQUEST_ID"))
        request_id = proxied if proxied and settings.TRUSTED_PROXY_COUNT else request_id_new()
        token = REQUEST_ID.set(request_id)
        try:
            machine = MACHINE_ROUTES.get(request.path_info.rstrip("/") or "/")
            if machine is not None:
                route, answer = machine
                response = answer(request)
            else:
                response = self.get_response(request)
                route = _route(request)
            response["X-Request-ID"] = request_id
            seconds = time.perf_counter() - started
            metrics.request_observed(
                route=route,
                method=request.method or "",
                status=response.status_code,
                seconds=seconds,
            )
            logger.info(
                "request",
                extra={
                    "fields": {
                        "request_id": request_id,
                        "route": route,
                        "method": request.method,
                        "status": response.status_code,
                        "duration_ms": round(seconds * 1000, 1),
                        "user_id": _user_id(request),
                        "client": client_address(request),
                    }
                },
            )
            return response
        finally:
            REQUEST_ID.reset(token)
