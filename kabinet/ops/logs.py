"""JSON log lines, and the request id they carry.

Every line is one JSON object: `time`, `level`, `logger`, `message`, `pid`, the `request_id` of the
request or task it belongs to, and the fields a line adds through `extra={"fields": {...}}`.
What is never written: a password, a token, a cookie, a form value, a mail's body, a URL's
path or query (a confirmation link's key travels in the path): requests are named by route.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
import os
import re
from typing import Any

REQUEST_ID: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "kabinet_request_id", default=None
)
# What a trusted proxy may send as X-Request-ID (nginx's $request_id is 32 hex digits; a UUID
# fits too). Anything else is replaced, so that no header can write into the logs.
REQUEST_ID_FORM = re.compile(r"[A-Za-z0-9._:-]{8,128}")


def request_id_new() -> str:
    """32 random hex digits (as uuid4().hex, without building a UUID: this runs per request)."""
    return os.urandom(16).hex()


def request_id_from_proxy(value: str | None) -> str | None:
    """The proxy's X-Request-ID when it has a safe form, else None."""
    if value and REQUEST_ID_FORM.fullmatch(value):
        return value
    return None


class JsonFormatter(logging.Formatter):
    """Formats a record as one line of JSON."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": self._message(record),
            "pid": record.process,
        }
        request_id = REQUEST_ID.get()
        if request_id:
            line["request_id"] = request_id
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            line.update(fields)
            if line.get("request_id") is None:
                line.pop("request_id", None)
        if record.name.startswith("django.request") or record.name == "django.server":
            status = getattr(record, "status_code", None)
            if status is not None:
                line["status"] = status
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)

    @staticmethod
    def _message(record: logging.LogRecord) -> str:
        # Django's request loggers put the path into the message ("Not Found: /confirm-email/
        # KEY/"): keep the words, drop the path.
        if record.name.startswith("django.request") or record.name == "django.server":
            return str(record.msg).split("%", 1)[0].rstrip(": ")
        return record.getMessage()
