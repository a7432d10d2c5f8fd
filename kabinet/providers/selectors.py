"""Reads of the providers that most requests need: kept in each process for a few seconds.

A town has a handful of providers and they change a few times a year, but the Check step's
form lists them on every request (a query, a round trip: about a sixth of a Check's CPU in
the issue 3 profile). Each server process keeps the list for `PROVIDER_CACHE_SECONDS`
(30 by default; 0 in the test settings, whose tests make providers one by one and roll them
back); a save or delete of a provider in this process drops it at once, and imports (which
write providers with SQL, not `save()`) are seen by every process within that time. Only
what a subscriber chooses from is read this way: the rules that decide (the reading window,
a submission's provider) read the provider's row with the rest of their query.
"""

import time

from django.conf import settings

from .models import Provider

_by_name: tuple[float, list[Provider]] | None = None


def providers_by_name() -> list[Provider]:
    """Every provider, by name then id: from this process's copy while it is fresh."""
    global _by_name
    seconds = settings.PROVIDER_CACHE_SECONDS
    clock = time.monotonic()
    if seconds and _by_name is not None and clock < _by_name[0]:
        return list(_by_name[1])
    providers = list(Provider.objects.order_by("name", "pk"))
    if seconds:
        _by_name = (clock + seconds, providers)
    return list(providers)


def providers_forget(*args, **kwargs) -> None:
    """Drop this process's copy (post_save / post_delete of a provider, ProvidersConfig)."""
    global _by_name
    _by_name = None
