"""Writes of a provider's settings: the reading window, cut-off, registration and plausibility."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction

from kabinet.audit.services import audit_record

from .models import Provider

# The settings an operator changes in the back office; everything else comes from billing.
SETTINGS_FIELDS = ("read_from", "read_to", "cutoff", "meter_required", "daily_max", "usual_factor")


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return value


def provider_settings_snapshot(provider: Provider) -> dict[str, Any]:
    """Return the provider's settings as JSON-serialisable values (for the audit trail)."""
    return {name: _json_value(getattr(provider, name)) for name in SETTINGS_FIELDS}


def provider_settings_update(
    *, provider: Provider, changes: dict[str, Any], actor, now: dt.datetime
) -> Provider:
    """Change the settings named in `changes`; audited with before and after.

    Raises ValidationError (from full_clean) when a value is out of range.
    """
    unknown = set(changes) - set(SETTINGS_FIELDS)
    if unknown:
        raise ValueError(f"not a provider setting: {sorted(unknown)}")
    with transaction.atomic():
        provider = Provider.objects.select_for_update().get(pk=provider.pk)
        before = provider_settings_snapshot(provider)
        for name, value in changes.items():
            setattr(provider, name, value)
        provider.full_clean()
        after = provider_settings_snapshot(provider)
        if after == before:
            return provider
        provider.save(update_fields=list(SETTINGS_FIELDS))
        audit_record(
            at=now,
            actor=actor,
            action="provider.settings_changed",
            target=provider,
            provider=provider,
            before={k: v for k, v in before.items() if after[k] != v},
            after={k: v for k, v in after.items() if before[k] != v},
        )
    return provider
