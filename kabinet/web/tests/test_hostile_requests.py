"""Whatever a request carries, every address answers with a page or a refusal, never a 500.

Two sweeps over every route: ids too large for any database integer, and query and form values
that people do not type (a NUL, which PostgreSQL refuses in a parameter; 5,000 characters; 40
digits; digits of another script; a month that does not exist). CI runs these on SQLite and on
PostgreSQL.
"""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter
from django.utils import timezone

pytestmark = pytest.mark.django_db

BEYOND_BIGINT = 2**63
HOSTILE_VALUES = ["\x00", "x" * 5000, "9" * 40, "١٢٣", "2026-13"]
# The names the portal's views and forms read, and a few they do not.
PARAMETERS = [
    "q", "street", "provider", "year", "page", "period", "from", "to", "format", "meter",
    "value", "date", "next", "kind", "actor", "account", "service", "status", "confirm_wrap",
    "confirm_implausible", "reason", "name", "read_from", "read_to", "cutoff",
]  # fmt: skip


def all_routes(patterns=None, prefix=""):
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from all_routes(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield route, entry


def routes_with_ids():
    return sorted(
        route
        for route, entry in all_routes()
        if any(isinstance(c, IntConverter) for c in entry.pattern.converters.values())
    )


def address(route: str, **ids: int) -> str:
    """The route as a path: named ids where given, `default` for any other id."""
    for name, value in ids.items():
        route = route.replace(f"<int:{name}>", str(value))
    route = re.sub(r"<int:\w+>", str(ids.get("default", 1)), route)
    route = re.sub(r"<billing_period:\w+>", "2026-01", route)
    route = re.sub(r"<(\w+:)?\w+>", "x", route)
    return "/" + route.lstrip("^").rstrip("$")


@pytest.fixture
def everyone(client, django_user_model, make_account, make_meter):
    """Signed in as a superuser who operates the provider and holds an account with a meter."""
    from kabinet.subscribers.models import AccountLink

    account = make_account()
    meter = make_meter(account)
    user = django_user_model.objects.create_superuser("root", "root@example.com", "x")
    AccountLink.objects.create(user=user, account=account, linked_at=timezone.now())
    account.provider.operators.add(user)
    client.force_login(user)
    return client, user, {"account_id": account.pk, "meter_id": meter.pk}


def test_the_sweeps_reach_the_subscriber_back_office_and_api_addresses():
    routes = routes_with_ids()

    assert any("cabinet/accounts/" in r for r in routes)
    assert any("backoffice/" in r for r in routes)
    assert any("api/v1/" in r for r in routes)


@pytest.mark.parametrize("route", routes_with_ids())
def test_an_id_too_large_for_the_database_is_not_found(everyone, route):
    client, _user, _ids = everyone
    url = address(route, default=BEYOND_BIGINT)

    answers = [client.get(url).status_code, client.post(url, {"value": "1"}).status_code]

    assert 500 not in answers, url
    assert set(answers) <= {401, 403, 404, 405}, (url, answers)


@pytest.mark.parametrize(
    "route",
    sorted(
        route
        for route, _entry in all_routes()
        if not route.startswith("admin/") and "logout" not in route
    ),
)
def test_hostile_values_in_a_query_or_a_form_get_an_answer_not_a_server_error(everyone, route):
    client, user, ids = everyone
    url = address(route, **ids)
    failures = []
    for value in HOSTILE_VALUES:
        data = dict.fromkeys(PARAMETERS, value)
        for method in (client.get, client.post):
            status = method(url, data).status_code
            if status >= 500:
                failures.append((method.__name__, repr(value[:12]), status))
        client.force_login(user)  # a page may have signed the user out or changed the session

    assert not failures, url
