"""An id in an address that no database integer can hold names nothing: 404, never a 500."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter

pytestmark = pytest.mark.django_db

BEYOND_BIGINT = 2**63


def routes_with_ids(patterns=None, prefix=""):
    """Every route whose address holds an `<int:…>` part, as a path with each one too large."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from routes_with_ids(entry.url_patterns, route)
        elif isinstance(entry, URLPattern) and any(
            isinstance(c, IntConverter) for c in entry.pattern.converters.values()
        ):
            yield route


def fill(route: str) -> str:
    for name, converter in {
        "<int:": str(BEYOND_BIGINT),
        "<billing_period:": "2026-01",
    }.items():
        while name in route:
            start = route.index(name)
            route = route[:start] + converter + route[route.index(">", start) + 1 :]
    return "/" + route.lstrip("^").rstrip("$")


def test_the_sweep_finds_the_addresses_with_ids():
    routes = list(routes_with_ids())

    assert any("cabinet/accounts/" in r for r in routes)
    assert any("backoffice/" in r for r in routes)
    assert any("api/v1/" in r for r in routes)


@pytest.mark.parametrize("route", sorted(set(routes_with_ids())))
def test_an_id_too_large_for_the_database_is_not_found(client, django_user_model, route):
    # A superuser passes every page's staff check, so the id reaches the database.
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.com", "x"))
    url = fill(route)

    answers = [client.get(url).status_code, client.post(url, {"value": "1"}).status_code]

    assert 500 not in answers, url
    assert set(answers) <= {401, 403, 404, 405}, (url, answers)
