"""Reads of meters and readings."""

import datetime as dt

from kabinet.periods import period_start

from .models import Reading


def accounts_with_period_reading(*, account_ids: list[int], today: dt.date) -> set[int]:
    """Return the ids of those accounts that have a reading in the current period (one query)."""
    if not account_ids:
        return set()
    return set(
        Reading.objects.filter(
            meter__account_id__in=account_ids,
            reading_date__gte=period_start(today),
            reading_date__lte=today,
        )
        .values_list("meter__account_id", flat=True)
        .distinct()
    )
