"""`/healthz`, `/readyz` and `/metrics`, answered by RequestMiddleware (see its docstring)."""

from __future__ import annotations

import hmac
import ipaddress

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone

from . import metrics as metrics_module
from . import selectors


def healthz(request: HttpRequest) -> HttpResponse:
    """200 while the process can answer; touches nothing else."""
    return HttpResponse(b"ok\n", content_type="text/plain")


def readyz(request: HttpRequest) -> HttpResponse:
    """200 when the database, its migrations, the cache and the task worker are ready."""
    found = selectors.readiness(now=timezone.now())
    body = {
        "status": "ready" if found.ready else "not ready",
        "failed": found.failed,
        "worker_heartbeat_age": (
            None if found.worker_heartbeat_age is None else round(found.worker_heartbeat_age, 1)
        ),
        "worker_heartbeat_max_age": settings.WORKER_HEARTBEAT_MAX_AGE,
    }
    response = JsonResponse(body, status=200 if found.ready else 503)
    response["Cache-Control"] = "no-store"
    return response


def _bearer_matches(request: HttpRequest) -> bool:
    expected = settings.METRICS_TOKEN
    if not expected:
        return False
    scheme, _, given = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(
        given.strip().encode(), expected.encode()
    )


def _address_allowed(request: HttpRequest) -> bool:
    from .middleware import client_address

    if not settings.METRICS_ALLOWED:
        return False
    try:
        address = ipaddress.ip_address(client_address(request))
    except ValueError:
        return False
    return any(address in network for network in settings.METRICS_ALLOWED)


def metrics(request: HttpRequest) -> HttpResponse:
    """The metrics in Prometheus' format, with the token or from an allowed address."""
    if not (_bearer_matches(request) or _address_allowed(request)):
        response = HttpResponse(b"forbidden\n", status=403, content_type="text/plain")
        if settings.METRICS_TOKEN:
            response.status_code = 401
            response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    body, content_type = metrics_module.exposition(now=timezone.now())
    response = HttpResponse(body, content_type=content_type)
    response["Cache-Control"] = "no-store"
    return response
