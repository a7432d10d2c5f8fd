"""One shape for every API error: {"code": "...", "message": "...", "details": {...}}."""

import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

logger = logging.getLogger(__name__)


def error_body(code: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"code": code, "message": str(message), "details": details or {}}


class ApiError(exceptions.APIException):
    """An error with our own code and message (and optional details) and an HTTP status."""

    def __init__(
        self, *, status_code: int, code: str, message: str, details: dict | None = None
    ) -> None:
        super().__init__(detail=message, code=code)
        self.status_code = status_code
        self.error_code = code
        self.details = details or {}


def _first_message(detail: Any) -> str:
    if isinstance(detail, dict):
        for value in detail.values():
            return _first_message(value)
    if isinstance(detail, list) and detail:
        return _first_message(detail[0])
    return str(detail)


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Turn any exception raised in an API view into the one error shape."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        logger.exception("API error", exc_info=exc)
        return Response(
            error_body("server_error", _("Something went wrong on our side; try again later.")),
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    if isinstance(exc, ApiError):
        body = error_body(exc.error_code, str(exc.detail), exc.details)
    elif isinstance(exc, exceptions.ValidationError):
        details = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        message = _("The request is not valid: %(problem)s") % {
            "problem": _first_message(exc.detail)
        }
        body = error_body("invalid", message, {"fields": details})
    elif isinstance(exc, exceptions.Throttled):
        wait = getattr(exc, "wait", None)
        body = error_body(
            "throttled",
            _("Too many requests; try again in %(seconds)s seconds.") % {"seconds": int(wait or 1)},
            {"retry_after": int(wait or 1)},
        )
    elif isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else "error"
        body = error_body(code, str(exc.detail))
    else:
        body = error_body("error", str(exc))
    response.data = body
    return response


def not_found_view(request: HttpRequest, *args, **kwargs) -> JsonResponse:
    """Any address under /api/v1/ that names no endpoint answers in the error shape."""
    return JsonResponse(
        error_body("not_found", _("There is no such address in the API.")), status=404
    )
