"""The audit trail: every change to readings, links, provider settings and imports."""

import datetime as dt
from typing import Any

from django.db import models

from .models import AuditEntry


def audit_record(
    *,
    at: dt.datetime,
    actor: Any | None,
    action: str,
    target: models.Model,
    provider: Any | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
) -> AuditEntry:
    """Write one audit entry. `action` is a dotted name such as `reading.replaced`.

    Values in `before` and `after` must be JSON-serialisable (Decimals and dates as strings).
    """
    return AuditEntry.objects.create(
        at=at,
        actor=actor if actor is not None and getattr(actor, "is_authenticated", False) else None,
        provider=provider,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        before=before,
        after=after,
        reason=reason,
    )
