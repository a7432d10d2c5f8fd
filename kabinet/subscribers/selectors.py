"""Reads for the registration pages: providers to choose from, streets as one types."""

from dataclasses import dataclass

from kabinet.addresses.models import StreetName
from kabinet.addresses.normalize import fold_street
from kabinet.providers.models import Provider
from kabinet.providers.selectors import providers_by_name

SUGGESTION_MIN_LENGTH = 2
SUGGESTION_LIMIT = 10


@dataclass(frozen=True)
class StreetSuggestion:
    """A name that matches what was typed; for a former name, the street's current one too."""

    name: str
    current: str
    is_former: bool


def providers_for_registration() -> list[Provider]:
    """Return every provider a subscriber can register an account with, by name (kept in the
    process for a few seconds: kabinet.providers.selectors)."""
    return providers_by_name()


def street_suggestions(
    *, text: str, provider: Provider | None = None, limit: int = SUGGESTION_LIMIT
) -> list[StreetSuggestion]:
    """Return streets whose current or former name contains what was typed (folded).

    Names that begin with the text come first. Empty for fewer than two letters.
    """
    key = fold_street(text)
    if len(key) < SUGGESTION_MIN_LENGTH:
        return []
    names = StreetName.objects.filter(name_key__contains=key).select_related("street")
    if provider is not None:
        names = names.filter(street__provider=provider)
    # A few more rows than shown, so that prefix matches can be put first.
    rows = list(names.order_by("name_key", "pk")[: limit * 5])
    rows.sort(key=lambda row: (not row.name_key.startswith(key), row.name_key))
    suggestions: list[StreetSuggestion] = []
    seen: set[tuple[str, str]] = set()
    for row in rows:
        current = str(row.street)
        shown = f"{row.street.type} {row.name}".strip() if row.is_current else row.name
        if (shown, current) in seen:
            continue
        seen.add((shown, current))
        suggestions.append(
            StreetSuggestion(name=shown, current=current, is_former=not row.is_current)
        )
    return suggestions[:limit]
