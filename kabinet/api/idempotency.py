"""`Idempotency-Key`: a retried request gets the first answer, and nothing is stored twice."""

import hashlib
import json
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.response import Response

from .errors import ApiError
from .models import IdempotentResponse

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 200


def _fingerprint(request) -> str:
    payload = json.dumps(
        {key: request.data.get(key) for key in sorted(request.data.keys())},
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(f"{request.method} {request.path}\n{payload}".encode()).hexdigest()


def _replay(record: IdempotentResponse, fingerprint: str) -> Response:
    if record.fingerprint != fingerprint:
        raise ApiError(
            status_code=422,
            code="idempotency_key_reused",
            message=_("This Idempotency-Key was used for a different request; use a new key."),
        )
    return Response(record.body, status=record.status_code, headers={"Idempotent-Replayed": "true"})


def idempotent(request, handle: Callable[[], Response]) -> Response:
    """Answer with `handle()`, or, for a key seen before, with the answer stored for it.

    The answer is stored in the same transaction as what `handle` writes, and the unique key
    decides: a retry (racing the first request or long after it) runs `handle` too, loses on
    the key, rolls back everything it wrote and gets the stored answer. Not looking the key up
    first saves every first request a query; retries are rare and their work is undone.
    """
    key = request.headers.get(HEADER, "").strip()
    if not key:
        return handle()
    if len(key) > MAX_KEY_LENGTH:
        raise ApiError(
            status_code=400,
            code="invalid",
            message=_("An Idempotency-Key is at most %(n)s characters.") % {"n": MAX_KEY_LENGTH},
        )
    fingerprint = _fingerprint(request)
    try:
        with transaction.atomic():
            response = handle()
            IdempotentResponse.objects.create(
                user=request.user,
                key=key,
                fingerprint=fingerprint,
                status_code=response.status_code,
                body=json.loads(json.dumps(response.data, default=str)),
                created_at=timezone.now(),
            )
    except IntegrityError:
        record = IdempotentResponse.objects.filter(user=request.user, key=key).first()
        if record is None:
            raise
        return _replay(record, fingerprint)
    return response
