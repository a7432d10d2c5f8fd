"""A provider's merchant settings: its LiqPay keys and bank details, changed by operators (and
the demo), audited with the private key never shown."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kabinet.audit.services import audit_record
from kabinet.providers.models import Provider

from . import selectors
from .models import Merchant

MERCHANT_FIELDS = ("legal_name", "edrpou", "iban", "liqpay_public_key", "liqpay_private_key")
SECRET = "liqpay_private_key"  # noqa: S105 - the field's name, not a password


def _merchant_snapshot(merchant: Merchant) -> dict[str, str]:
    snapshot = {name: getattr(merchant, name) for name in MERCHANT_FIELDS if name != SECRET}
    # Never the key itself: only whether one is set, and a change shows as a change.
    snapshot[SECRET] = "set" if merchant.liqpay_private_key else ""
    return snapshot


def merchant_update(
    *, provider: Provider, changes: dict[str, str], actor, now: dt.datetime
) -> Merchant:
    """Change a provider's merchant settings; audited with the values before and after, the
    private key only as "set"/"changed". An empty private key keeps the one stored.

    Raises ValidationError (EDRPOU of 8 to 10 digits, a Ukrainian IBAN, both keys or none).
    """
    unknown = set(changes) - set(MERCHANT_FIELDS)
    if unknown:
        raise ValueError(f"not a merchant setting: {sorted(unknown)}")
    with transaction.atomic():
        merchant, _created = Merchant.objects.select_for_update().get_or_create(provider=provider)
        before = _merchant_snapshot(merchant)
        key_changed = False
        for name, value in changes.items():
            value = (value or "").strip()
            if name == "iban":
                value = value.replace(" ", "").upper()
            if name == SECRET:
                if not value or value == merchant.liqpay_private_key:
                    continue
                key_changed = True
            setattr(merchant, name, value)
        if bool(merchant.liqpay_public_key) != bool(merchant.liqpay_private_key):
            raise ValidationError({"liqpay_private_key": _("Give both LiqPay keys, or neither.")})
        merchant.full_clean()
        after = _merchant_snapshot(merchant)
        if key_changed and before[SECRET]:
            after[SECRET] = "changed"
        if after == before:
            return merchant
        merchant.updated_at = now
        merchant.save()
        audit_record(
            at=now,
            actor=actor,
            action="merchant.settings_changed",
            target=merchant,
            provider=provider,
            before={k: v for k, v in before.items() if after[k] != v},
            after={k: v for k, v in after.items() if before[k] != v},
        )
    return merchant


def merchant_bank_details_ensure(
    *, details: dict[str, tuple[str, str, str]], now: dt.datetime
) -> int:
    """Give providers (by code) a legal name, EDRPOU code and IBAN where they have none yet
    (the demo's town); audited like an operator's change. Returns how many were set."""
    changed = 0
    for provider in Provider.objects.filter(code__in=details).order_by("code"):
        merchant = selectors.merchant_of(provider)
        if merchant is not None and merchant.has_bank_details:
            continue
        legal_name, edrpou, iban = details[provider.code]
        merchant_update(
            provider=provider,
            changes={"legal_name": legal_name, "edrpou": edrpou, "iban": iban},
            actor=None,
            now=now,
        )
        changed += 1
    return changed


def merchant_keys_clear(*, provider: Provider, actor, now: dt.datetime) -> None:
    """Remove the provider's LiqPay keys (it stops taking payments, or uses the sandbox)."""
    with transaction.atomic():
        merchant = Merchant.objects.select_for_update().filter(provider=provider).first()
        if merchant is None or not merchant.has_keys:
            return
        merchant.liqpay_public_key = ""
        merchant.liqpay_private_key = ""
        merchant.updated_at = now
        merchant.save()
        audit_record(
            at=now,
            actor=actor,
            action="merchant.keys_removed",
            target=merchant,
            provider=provider,
            before={"liqpay_public_key": "set", SECRET: "set"},
            after={"liqpay_public_key": "", SECRET: ""},
        )
